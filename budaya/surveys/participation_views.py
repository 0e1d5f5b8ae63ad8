"""The drill-down of the dashboard's participation (issue 22, Deliver 1): who in a unit has not
yet signed the commitment, confirmed this month's twibbon, or answered an open pulse. Who
answered is known (reminders need it), never what: nothing here reads an answer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.org.models import Unit
from budaya.org.selectors import governments_visible_to
from budaya.pagination import page_of, query_without_page
from budaya.surveys import participation

PAGE_SIZE = 25
TITLES = {
    "commitment": _("Not yet signed the commitment"),
    "twibbon": _("Not yet confirmed this month's twibbon"),
    "survey": _("Not yet answered an open pulse"),
}


@login_required
def not_yet(request: HttpRequest, slug: str, unit: int) -> HttpResponse:
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    place = get_object_or_404(Unit, government=government, pk=unit)
    if not participation.reads_unit(request.user, government, place):
        # Another agency's unit is not there for an agency head (404); anyone else may not read
        # participation at all (403).
        scope = request.user.tenant_scope(  # type: ignore[union-attr]
            roles=list(participation.READERS)
        )
        if any(gov == government.pk for gov, _path in scope.subtrees):
            raise Http404
        raise PermissionDenied
    what = request.GET.get("what", "")
    if what not in participation.WHAT:
        what = participation.WHAT[0]
    today = timezone.localdate()
    people = participation.not_yet(government, place, what, today)
    return render(
        request,
        "surveys/participation.html",
        {
            "government": government,
            "unit": place,
            "what": what,
            "tabs": [(key, TITLES[key]) for key in participation.WHAT],
            "title": TITLES[what],
            "page": page_of(request, people, PAGE_SIZE),
            "query_string": query_without_page(request),
            "month": today.replace(day=1),
        },
    )
