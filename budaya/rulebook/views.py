"""Pages of the rulebook: read it (every role of the government, the system administrator),
see its history, download a version, and change it by uploading a file (the government's city
administrator only: upload, preview with the differences, confirm)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from budaya.files import attach
from budaya.org.models import Government
from budaya.rulebook import schema as rulebook_schema
from budaya.rulebook import selectors, services
from budaya.rulebook.forms import RulebookUploadForm
from budaya.rulebook.models import RulebookVersion

# The uploaded text between the preview and the confirmation, per government.
PENDING = "rulebook_pending_import"


def _government(request: HttpRequest, slug: str) -> Government:
    """404 when the user holds no role in the government (the system administrator sees all)."""
    return get_object_or_404(selectors.readable_governments(request.user), slug=slug)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The menu's way in: straight to the rulebook when the user has one government."""
    governments = list(selectors.readable_governments(request.user).only("name", "slug"))
    if len(governments) == 1:
        return redirect("rulebook:detail", slug=governments[0].slug)
    return render(request, "rulebook/choose_government.html", {"governments": governments})


@require_GET
def schema(request: HttpRequest) -> HttpResponse:
    """The published JSON Schema of the rulebook format (public, like the format's docs)."""
    return HttpResponse(
        rulebook_schema.schema_text(), content_type="application/schema+json; charset=utf-8"
    )


@login_required
def starter(request: HttpRequest) -> HttpResponse:
    """The neutral starter a new government copies and edits (data/starter.yaml)."""
    response = HttpResponse(
        services.shipped_text("starter"), content_type="application/yaml; charset=utf-8"
    )
    attach(response, "rulebook-starter", "application/yaml")  # issue 17: one way to name
    return response


@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    versions = list(selectors.versions_of(government))
    book = selectors.current_rulebook(government)
    return render(
        request,
        "rulebook/detail.html",
        {
            "government": government,
            "book": book,
            "version": versions[0] if versions else None,
            "versions": versions,
            "can_change": selectors.can_change(request.user, government),
        },
    )


def _version(government: Government, number: int) -> RulebookVersion:
    return get_object_or_404(
        RulebookVersion.objects.filter(government=government).select_related("created_by"),
        number=number,
    )


@login_required
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    government = _government(request, slug)
    version = _version(government, number)
    latest = selectors.versions_of(government).values_list("number", flat=True).first()
    return render(
        request,
        "rulebook/version.html",
        {
            "government": government,
            "version": version,
            "book": selectors.document_of(version),
            "is_current": version.number == latest,
        },
    )


@login_required
def export(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    government = _government(request, slug)
    version = _version(government, number)
    response = HttpResponse(
        services.export_version(version), content_type="application/yaml; charset=utf-8"
    )
    attach(response, f"rulebook-{government.slug}-v{version.number}", "application/yaml")
    return response


@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload, preview with the differences to the current version, confirm: nothing is written
    before the administrator has seen what changes."""
    government = _government(request, slug)
    if not selectors.can_change(request.user, government):
        raise PermissionDenied
    form = RulebookUploadForm()
    errors: list[str] = []
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, government)
    if request.method == "POST":
        form = RulebookUploadForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["file"]
            name = str(getattr(request.FILES.get("file"), "name", "") or "")
            try:
                preview = services.import_rulebook(
                    government=government,
                    text=text,
                    acting_user=request.user,
                    dry_run=True,
                    source_name=name,
                )
            except services.RulebookFileError as error:
                errors = error.messages
            else:
                request.session[PENDING] = {
                    "government": government.pk,
                    "text": text,
                    "name": name,
                    "note": form.cleaned_data["note"],
                }
                return render(
                    request,
                    "rulebook/preview.html",
                    {
                        "government": government,
                        "preview": preview,
                        "book": preview.parsed.document,
                        "file_name": name,
                        "note": form.cleaned_data["note"],
                        "next_number": (preview.previous.number if preview.previous else 0) + 1,
                    },
                )
    return render(
        request,
        "rulebook/upload.html",
        {"government": government, "form": form, "errors": errors},
    )


def _confirm(request: HttpRequest, government: Government) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending or pending.get("government") != government.pk:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("rulebook:import", slug=government.slug)
    try:
        result = services.import_rulebook(
            government=government,
            text=pending["text"],
            acting_user=request.user,
            note=pending.get("note", ""),
            source_name=pending.get("name", ""),
            expected_hash=str(request.POST.get("content_hash", "")),
        )
    except services.RulebookFileError as error:
        return render(
            request,
            "rulebook/upload.html",
            {"government": government, "form": RulebookUploadForm(), "errors": error.messages},
        )
    finally:
        request.session.pop(PENDING, None)
    if result.version is None:  # pragma: no cover - only a dry run returns no version
        raise Http404
    if result.created:
        messages.success(
            request,
            _("The rulebook is now version %(number)s.") % {"number": result.version.number},
        )
    else:
        messages.info(
            request,
            _("Nothing changed: the file is identical to version %(number)s.")
            % {"number": result.version.number},
        )
    return redirect(result.version)
