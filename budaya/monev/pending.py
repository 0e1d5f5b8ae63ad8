"""What monitoring asks of a user now (``budaya.pending``, the home page's "Tugas saya"): agency
reports to draft, approve, submit or revise; reports to verify and accept; accepted reports to
consolidate; the city report to forward or acknowledge, or returned to the city team; open
follow-ups of the leadership's directions. Counts in a few queries; every link opens for the
user (the report itself when there is one, else the period's board or the list)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.monev import rules, services
from budaya.monev.models import CityReport, CityState, FollowUp, Period, Report, State
from budaya.pending import PendingItem

SECTION = "monev:"
AGENCY_ROLES = (Role.UNIT_HEAD, Role.UNIT_TEAM)

# The label of a report waiting in a state, by the step its reader makes from there.
REPORT_LABELS = {
    State.APPROVED: _("Monitoring reports to approve"),
    State.SUBMITTED: _("Monitoring reports to submit"),
    State.ACCEPTED: _("Monitoring reports to verify and accept"),
}


def _report_items(
    user: Any, roles: tuple[str, ...], states: list[str], periods: dict[int, Period]
) -> list[PendingItem]:
    """Reports of open periods the user acts on with ``roles``, one item per period and step."""
    rows = (
        Report.objects.visible_to(user, roles=list(roles))
        .filter(period__closed=False, state__in=states)
        .values("period_id", "government__slug", "state")
        .annotate(count=Count("pk"), first=Min("pk"), due=Min("period__deadline"))
        .order_by("period_id", "state")
    )
    rows = list(rows)
    wanted = {row["period_id"] for row in rows} - set(periods)
    if wanted:
        periods.update(Period.objects.select_related("government").in_bulk(wanted))
    held = user.role_names()
    items = []
    for row in rows:
        for move in rules.moves_from(rules.book_of(periods[row["period_id"]]), row["state"]):
            if move.on_city or not (set(move.roles) & held & set(roles)):
                continue
            label = (
                _("Returned monitoring reports to revise")
                if row["state"] == State.RETURNED
                else REPORT_LABELS.get(State(move.target))
            )
            if label is None:
                continue
            slug = row["government__slug"]
            url = (
                reverse("monev:report", args=[slug, row["first"]])
                if row["count"] == 1
                else reverse("monev:board", args=[slug, row["period_id"]])
            )
            items.append(
                PendingItem(
                    label=label,
                    url=url,
                    count=row["count"],
                    section=SECTION,
                    urgency=_urgency(row["due"], returned=row["state"] == State.RETURNED),
                    due=row["due"],
                )
            )
            break
    return items


def _urgency(due: datetime.date | None, *, returned: bool = False) -> int:
    if returned or (due is not None and due < timezone.localdate()):
        return 0
    if due is not None and (due - timezone.localdate()).days <= 7:
        return 1
    return 2


def _city_items(user: Any, periods: dict[int, Period]) -> list[PendingItem]:
    """The latest version of each open period's city report, where the user makes its next
    step (forward or acknowledge), or returned to the city team the user belongs to."""
    items = []
    # Only the latest version of each period, chosen in the database: the versions before it
    # cost nothing, however many consolidations a period had.
    newest = CityReport.objects.filter(period=OuterRef("period")).order_by("-number")
    latest = (
        CityReport.objects.visible_to(user, roles=[Role.LEADERSHIP, Role.CITY_ADMIN])
        .filter(period__closed=False, number=Subquery(newest.values("number")[:1]))
        .select_related("government", "period")
        .order_by("period_id")
    )
    for city in latest:
        # The period already read for the reports, with its rulebook (one read per request).
        city.period = periods.setdefault(city.period_id, city.period)
        url = reverse("monev:city", args=[city.government.slug, city.pk])
        if city.state == CityState.RETURNED and services.can_city(
            user, city.government, Role.CITY_ADMIN
        ):
            items.append(PendingItem(_("City report returned"), url, section=SECTION, urgency=0))
            continue
        actions = services.city_actions(user, city, city.number)
        if actions["forward"]:
            items.append(PendingItem(_("City report to forward"), url, section=SECTION, urgency=1))
        elif actions["acknowledge"]:
            items.append(
                PendingItem(_("City report to acknowledge"), url, section=SECTION, urgency=1)
            )
    return items


def _consolidate_items(user: Any) -> list[PendingItem]:
    rows = (
        Report.objects.visible_to(user, roles=[Role.CITY_ADMIN])
        .filter(period__closed=False, state=State.ACCEPTED)
        .values("period_id", "government__slug")
        .annotate(count=Count("pk"))
        .order_by("period_id")
    )
    return [
        PendingItem(
            _("Accepted monitoring reports to consolidate"),
            reverse("monev:board", args=[row["government__slug"], row["period_id"]]),
            count=row["count"],
            section=SECTION,
        )
        for row in rows
    ]


def _follow_up_items(user: Any) -> list[PendingItem]:
    rows = (
        FollowUp.objects.visible_to(user, roles=list(AGENCY_ROLES))
        .filter(status=FollowUp.Status.OPEN)
        .values("government__slug")
        .annotate(count=Count("pk"), first=Min("pk"), due=Min("due_on"))
        .order_by("government__slug")
    )
    return [
        PendingItem(
            _("Follow-ups of the leadership's directions"),
            reverse("monev:follow_up", args=[row["government__slug"], row["first"]])
            if row["count"] == 1
            else reverse("monev:follow_ups", args=[row["government__slug"]]) + "?status=open",
            count=row["count"],
            section=SECTION,
            urgency=_urgency(row["due"]),
            due=row["due"],
        )
        for row in rows
    ]


def monev_pending(user: Any) -> list[PendingItem]:
    """The provider registered with ``budaya.pending``."""
    held = user.role_names()
    items: list[PendingItem] = []
    periods: dict[int, Period] = {}
    if held & set(AGENCY_ROLES):
        items += _report_items(
            user, AGENCY_ROLES, [State.DRAFT, State.APPROVED, State.RETURNED], periods
        )
        items += _follow_up_items(user)
    if Role.CITY_ADMIN in held:
        items += _report_items(user, (Role.CITY_ADMIN,), [State.SUBMITTED], periods)
        items += _consolidate_items(user)
    if held & {Role.CITY_ADMIN, Role.LEADERSHIP}:
        items += _city_items(user, periods)
    return items
