from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from budaya.accounts.models import Role
from budaya.frameworks.selectors import current_adoptions
from budaya.org import services
from budaya.org.forms import GovernmentForm
from budaya.org.models import Government
from budaya.org.selectors import governments_administered_by, governments_visible_to


def _can_edit(user, government: Government) -> bool:  # type: ignore[no-untyped-def]
    return governments_administered_by(user).filter(pk=government.pk).exists()


@login_required
def government_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.SYSTEM_ADMIN, Role.CITY_ADMIN):  # type: ignore[union-attr]
        raise PermissionDenied
    governments = list(governments_visible_to(request.user))
    adoptions = current_adoptions(governments)
    rows = [(government, adoptions.get(government.pk)) for government in governments]
    return render(request, "org/government_list.html", {"rows": rows})


@login_required
def government_detail(request: HttpRequest, slug: str) -> HttpResponse:
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    adoptions = government.adoption_set.select_related("version__framework").all()
    return render(
        request,
        "org/government_detail.html",
        {
            "government": government,
            "adoptions": adoptions,
            "current": current_adoptions([government]).get(government.pk),
            "can_edit": _can_edit(request.user, government),
        },
    )


@login_required
def government_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.SYSTEM_ADMIN):  # type: ignore[union-attr]
        raise PermissionDenied
    form = GovernmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        government = services.create_government(form, request.user, request)
        messages.success(request, _("Government %(name)s was created.") % {"name": government})
        return redirect("org:government_detail", slug=government.slug)
    return render(request, "org/government_form.html", {"form": form})


@login_required
def government_edit(request: HttpRequest, slug: str) -> HttpResponse:
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    if not _can_edit(request.user, government):
        raise PermissionDenied
    form = GovernmentForm(request.POST or None, request.FILES or None, instance=government)
    if request.method == "POST" and form.is_valid():
        services.update_government(form, request.user, request)
        messages.success(request, _("The changes were saved."))
        return redirect("org:government_detail", slug=government.slug)
    return render(request, "org/government_form.html", {"form": form, "government": government})


@login_required
def government_logo(request: HttpRequest, slug: str) -> FileResponse:
    """Uploaded files are served only through a scoped view, never from a public folder."""
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    if not government.logo:
        raise Http404
    response = FileResponse(government.logo.open("rb"))
    response["X-Content-Type-Options"] = "nosniff"
    return response
