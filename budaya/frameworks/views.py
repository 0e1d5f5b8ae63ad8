from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from budaya.files import attach
from budaya.frameworks import selectors, services
from budaya.frameworks.forms import (
    AdoptionForm,
    CopyForm,
    FrameworkUploadForm,
    MoveForm,
    SloganForm,
)
from budaya.frameworks.models import CoreValue, Slogan
from budaya.org.models import Government

PENDING_IMPORT = "frameworks_pending_import"


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = list(selectors.frameworks_with_versions(request.user))
    governments = list(selectors.visible_governments(request.user))
    current = selectors.current_adoptions(governments)
    adopted_by: dict[int, list[Government]] = {}
    for government in governments:
        if government.pk in current:
            adopted_by.setdefault(current[government.pk].version_id, []).append(government)
    rows = [
        (framework, [(v, adopted_by.get(v.pk, [])) for v in framework.versions.all()])
        for framework in frameworks
    ]
    administered = set(
        selectors.governments_administered_by(request.user).values_list("pk", flat=True)
    )
    government_rows = [
        (government, current.get(government.pk), government.pk in administered)
        for government in governments
    ]
    return render(
        request,
        "frameworks/framework_list.html",
        {
            "rows": rows,
            "government_rows": government_rows,
            "can_import": selectors.can_import(request.user),
        },
    )


@login_required
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Out of the reader's scope (another government's framework): 404 (issue 18, item 4).
    latest = (
        selectors.versions_visible_to(request.user)
        .filter(framework__slug=slug)
        .select_related("framework")
        .order_by("-number")
        .first()
    )
    if latest is None:
        raise Http404
    return redirect(latest)


@login_required
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_object_or_404(selectors.version_for_page(request.user, slug, number))
    values = list(version.values.prefetch_related("guides", "manifestations"))
    differing = [
        value
        for value in values
        if value.has_discrepancy or any(guide.has_discrepancy for guide in value.guides.all())
    ]
    governments = list(selectors.visible_governments(request.user))
    adopted_by = [
        adoption.government
        for adoption in selectors.current_adoptions(governments).values()
        if adoption.version_id == version.pk
    ]
    # Issue 17: the stored text must still give the hash taken when it was published; a text
    # changed outside Budaya is not printed.
    intact = services.verify_version(version, values)
    all_versions = list(
        selectors.versions_visible_to(request.user)
        .filter(framework=version.framework)
        .order_by("number")
    )
    published = [v for v in all_versions if v.is_published]
    latest = published[-1] if published else None
    copy_owners = [o for o in selectors.import_owners(request.user) if o is not None]
    return render(
        request,
        "frameworks/version_detail.html",
        {
            "version": version,
            "values": values if intact else [],
            "differing": differing if intact else [],
            "intact": intact,
            "tampered_message": "" if intact else str(services.TamperedVersionError(version)),
            "newer": latest if latest and latest.number > version.number else None,
            "can_publish": not version.is_published
            and services.may_act_for(request.user, version.framework.owner),
            "copy_form": CopyForm(
                owners=copy_owners,
                initial={"name": version.name or version.framework.name},
            )
            if version.is_published and intact and copy_owners
            else None,
            "owner": services.owner_label(version.framework.owner),
            # Another government's regulation is not named (issue 18, item 4).
            "predecessors": selectors.regulations_visible_to(request.user).filter(
                revoked_by=version.legal_basis
            ),
            "revoked_by": selectors.regulations_visible_to(request.user)
            .filter(pk=version.legal_basis.revoked_by_id)
            .first()
            if version.legal_basis.revoked_by_id
            else None,
            "other_versions": [v for v in all_versions if v.pk != version.pk],
            "adopted_by": adopted_by,
        },
    )


@login_required
@require_POST
def version_publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The owner's administrator publishes a draft (issue 17)."""
    version = get_object_or_404(selectors.version_for_page(request.user, slug, number))
    if not services.may_act_for(request.user, version.framework.owner):
        raise PermissionDenied
    try:
        services.publish_version(version=version, user=request.user, request=request)
    except (services.PublicationError, services.TamperedVersionError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(version)s was published.") % {"version": version})
    return redirect(version)


@login_required
@require_POST
def version_copy(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A government's own copy of a framework under its own identifier (issue 17)."""
    version = get_object_or_404(selectors.version_for_page(request.user, slug, number))
    owners = [o for o in selectors.import_owners(request.user) if o is not None]
    if not owners:
        raise PermissionDenied
    form = CopyForm(request.POST, owners=owners)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(version)
    try:
        result = services.copy_framework(
            version=version,
            owner=form.cleaned_data["owner"],
            slug=form.cleaned_data["slug"],
            name=form.cleaned_data["name"],
            user=request.user,
            request=request,
        )
    except (
        services.FrameworkFileError,
        services.PublicationError,
        services.TamperedVersionError,
    ) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
        return redirect(version)
    messages.success(
        request,
        _("%(copy)s was made from %(version)s; it belongs to %(owner)s.")
        % {"copy": result.version, "version": version, "owner": form.cleaned_data["owner"]},
    )
    return redirect(result.version)


@login_required
def version_export(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_object_or_404(selectors.version_for_page(request.user, slug, number))
    try:
        text = services.version_file(version)
    except services.TamperedVersionError as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    attach(response, f"{version.framework.slug}-v{version.number}", "application/yaml")
    return response


@require_GET
def schema(request: HttpRequest) -> HttpResponse:
    """The published JSON Schema of the framework format (public, like the format's docs)."""
    body = json.dumps(services.schema(), ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/schema+json; charset=utf-8")


@login_required
def framework_import(request: HttpRequest) -> HttpResponse:
    """Upload, preview, confirm: nothing is written until the user has seen what the file holds."""
    owners = selectors.import_owners(request.user)
    if not selectors.can_import(request.user) or not owners:
        raise PermissionDenied
    form = FrameworkUploadForm(owners=owners)
    errors: list[str] = []
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_import(request, owners)
    if request.method == "POST":
        form = FrameworkUploadForm(request.POST, request.FILES, owners=owners)
        if form.is_valid():
            text = form.cleaned_data["file"]
            owner = form.cleaned_data["owner"]
            file_name = str(getattr(request.FILES.get("file"), "name", "") or "")
            try:
                parsed = services.parse_framework(text, source_name=file_name)
                # Issue 17: another owner's framework or regulation is refused at the preview.
                problems = services.ownership_problems(parsed, owner=owner)
                if problems:
                    raise services.NotOwnerError(problems)
            except services.FrameworkFileError as error:
                errors = error.messages
            else:
                request.session[PENDING_IMPORT] = {
                    "text": text,
                    "name": file_name,
                    "owner": owner.pk if owner else None,
                }
                latest = (
                    selectors.versions_visible_to(request.user)
                    .filter(framework__slug=parsed.framework["slug"])
                    .order_by("-number")
                    .first()
                )
                return render(
                    request,
                    "frameworks/import_preview.html",
                    {
                        "parsed": parsed,
                        "latest": latest,
                        "owner": services.owner_label(owner),
                        "file_name": file_name,
                        "guide_count": parsed.count("guides"),
                        "manifestation_count": parsed.count("manifestations"),
                    },
                )
    return render(request, "frameworks/import.html", {"form": form, "errors": errors})


def _confirm_import(request: HttpRequest, owners: list[Government | None]) -> HttpResponse:
    pending = request.session.get(PENDING_IMPORT)
    if not pending:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("frameworks:import")
    chosen = [o for o in owners if (o.pk if o else None) == pending.get("owner")]
    if not chosen:
        request.session.pop(PENDING_IMPORT, None)
        raise PermissionDenied
    try:
        parsed = services.parse_framework(pending["text"])
        if parsed.content_hash != request.POST.get("content_hash"):
            messages.error(request, _("The file changed since the preview: upload it again."))
            return redirect("frameworks:import")
        result = services.import_framework(
            pending["text"],
            owner=chosen[0],
            source_name=pending["name"],
            user=request.user,
            request=request,
            publish="draft" not in request.POST,
        )
    except services.FrameworkFileError as error:
        form = FrameworkUploadForm(owners=owners)
        return render(request, "frameworks/import.html", {"form": form, "errors": error.messages})
    finally:
        request.session.pop(PENDING_IMPORT, None)
    if result.created:
        messages.success(request, _("%(version)s was imported.") % {"version": result.version})
    else:
        messages.info(
            request,
            _("Nothing changed: the file is identical to %(version)s.")
            % {"version": result.version},
        )
    return redirect(result.version)


def _administered_government(request: HttpRequest, slug: str) -> Government:
    """404 when the user cannot see the government at all, 403 when they may not act on it."""
    government = get_object_or_404(selectors.visible_governments(request.user), slug=slug)
    if not selectors.governments_administered_by(request.user).filter(pk=government.pk).exists():
        raise PermissionDenied
    return government


@login_required
def adoption(request: HttpRequest, government: str) -> HttpResponse:
    chosen = _administered_government(request, government)
    current = selectors.current_adoptions([chosen]).get(chosen.pk)
    newer = services.newer_version(current)
    if newer is not None and not (
        selectors.versions_visible_to(request.user).filter(pk=newer.pk).exists()
    ):
        newer = None  # another government's text: not offered (issue 18, item 4)
    moving = request.method == "POST" and "move" in request.POST
    form = AdoptionForm(
        request.POST if request.method == "POST" and not moving else None, user=request.user
    )
    # Its own prefix: the two forms of the page have fields of the same names.
    move_form = MoveForm(request.POST if moving else None, prefix="move")
    if moving and newer is None:
        move_form.add_error(None, _("There is no newer version of the adopted framework."))
    elif moving and move_form.is_valid():
        # Issue 17: the government moves to the newer version when it chooses.
        try:
            adopted = services.move_to_newer_version(
                government=chosen,
                adopted_from=move_form.cleaned_data["adopted_from"],
                decision=move_form.cleaned_data["decision"],
                user=request.user,
                request=request,
            )
        except services.AdoptionError as error:
            move_form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(government)s adopted %(version)s.")
                % {"government": chosen, "version": adopted.version},
            )
            return redirect("frameworks:adoption", government=chosen.slug)
    if request.method == "POST" and not moving and form.is_valid():
        try:
            adopted = services.adopt_version(
                government=chosen,
                version=form.cleaned_data["version"],
                adopted_from=form.cleaned_data["adopted_from"],
                decision=form.cleaned_data["decision"],
                user=request.user,
                request=request,
            )
        except services.AdoptionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(government)s adopted %(version)s.")
                % {"government": chosen, "version": adopted.version},
            )
            return redirect("frameworks:adoption", government=chosen.slug)
    return render(
        request,
        "frameworks/adoption.html",
        {
            "government": chosen,
            "form": form,
            "history": selectors.adoption_history(request.user, chosen),
            "current": current,
            "newer": newer,
            "move_form": move_form,
        },
    )


@login_required
def slogans(request: HttpRequest, government: str) -> HttpResponse:
    chosen = get_object_or_404(selectors.visible_governments(request.user), slug=government)
    current = selectors.current_adoptions([chosen]).get(chosen.pk)
    units = selectors.agencies_for_slogans(request.user, chosen)
    values = (
        CoreValue.objects.filter(version=current.version_id)
        if current
        else CoreValue.objects.none()
    )
    can_edit = units.exists()
    form = SloganForm(request.POST or None, units=units, values=values)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if current and form.is_valid():
            unit = form.cleaned_data["unit"]
            text = form.cleaned_data["text"].strip()
            if Slogan.objects.filter(government=chosen, unit=unit, text=text).exists():
                form.add_error("text", _("This agency already has this slogan."))
            else:
                services.add_slogan(
                    unit=unit,
                    text=text,
                    values=form.cleaned_data["values"],
                    user=request.user,
                    request=request,
                )
                messages.success(request, _("The slogan was added."))
                return redirect("frameworks:slogans", government=chosen.slug)
    manageable = set(units.values_list("pk", flat=True)) if can_edit else set()
    return render(
        request,
        "frameworks/slogans.html",
        {
            "government": chosen,
            "current": current,
            "slogans": selectors.slogans_of(request.user, chosen),
            "form": form,
            "can_edit": can_edit,
            "manageable": manageable,
        },
    )


@login_required
@require_POST
def slogan_delete(request: HttpRequest, government: str, pk: int) -> HttpResponse:
    chosen = get_object_or_404(selectors.visible_governments(request.user), slug=government)
    # Out of the reader's scope: 404; in scope but not theirs to manage: 403.
    slogan = get_object_or_404(
        Slogan.objects.visible_to(request.user).filter(government=chosen), pk=pk
    )
    if not selectors.agencies_for_slogans(request.user, chosen).filter(pk=slogan.unit_id).exists():
        raise PermissionDenied
    services.remove_slogan(slogan, user=request.user, request=request)
    messages.success(request, _("The slogan was removed."))
    return redirect("frameworks:slogans", government=chosen.slug)
