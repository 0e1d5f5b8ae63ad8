"""What awaits a user in the teams (issue 20, "Tugas saya"): decrees to sign or renew, members
who left a team, nominations to decide. A few counting queries, whatever the number of teams."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role, RoleGrant
from budaya.pending import PendingItem
from budaya.teams.models import Decree, Designation, Membership, TeamPolicy
from budaya.teams.selectors import MANAGING_ROLES, SIGNING_ROLES, _months_ago

DEFAULT_MAX_AGE = 24  # months, as the compliance board (TeamPolicy's default)


def left_the_team(on: datetime.date) -> Q:
    """A current membership of an active team whose employee left: inactive, missing from the
    last full roster, or working outside the team's unit (as ``eligibility.departures``)."""
    return (
        Q(team__dissolved_on__isnull=True, start_on__lte=on)
        & (Q(end_on__isnull=True) | Q(end_on__gte=on))
        & (
            Q(employee__active=False)
            | Q(employee__possibly_left_since__isnull=False)
            | (
                Q(team__unit__isnull=False)
                & ~Q(employee__unit__path__startswith=F("team__unit__path"))
            )
        )
    )


def renew_by(government_id: int, policies: dict[int, TeamPolicy]) -> int:
    policy = policies.get(government_id)
    return policy.decree_max_age_months if policy else DEFAULT_MAX_AGE


def pending_teams(user: Any) -> list[PendingItem]:
    if not user.role_names() & {*MANAGING_ROLES, Role.LEADERSHIP}:
        return []
    today = timezone.localdate()
    url = reverse("teams:my_teams")
    grants = set(RoleGrant.objects.filter(user=user).values_list("role", "government_id"))
    policies = {
        p.government_id: p
        for p in TeamPolicy.objects.filter(government__in={pk for _role, pk in grants})
    }
    items: list[PendingItem] = []
    if user.role_names() & set(MANAGING_ROLES):
        signed_by_user = Decree.objects.visible_to(user, roles=SIGNING_ROLES).filter(
            team__dissolved_on__isnull=True
        )
        to_sign = signed_by_user.filter(status=Decree.Status.DRAFT).count()
        if to_sign:
            items.append(PendingItem(_("Decrees to sign"), url, to_sign, "teams:", 1))
        too_old = Q(pk__in=[])
        for government_id in {pk for role, pk in grants if role in SIGNING_ROLES}:
            months = renew_by(government_id, policies)
            if months:
                cutoff = _months_ago(today, months)
                too_old |= Q(government_id=government_id, decided_on__lt=cutoff)
        to_renew = signed_by_user.filter(status=Decree.Status.SIGNED).filter(too_old).count()
        if to_renew:
            items.append(PendingItem(_("Decrees to renew"), url, to_renew, "teams:", 1))
        left = (
            Membership.objects.visible_to(user, roles=MANAGING_ROLES)
            .filter(left_the_team(today))
            .count()
        )
        if left:
            items.append(PendingItem(_("Members who left a team"), url, left, "teams:", 0))
    # Nominations go to the deciding authority the government's team policy names.
    deciders = [
        pk
        for pk in {government for _role, government in grants}
        if (policies[pk].decider_role if pk in policies else Role.CITY_ADMIN, pk) in grants
    ]
    if deciders:
        # To the nominations of their government's role-model page, not the team list (which
        # does not show them); one query, as the count was.
        nominations = (
            Designation.objects.filter(
                government_id__in=deciders, status=Designation.Status.NOMINATED
            )
            .values_list("government__slug")
            .annotate(count=Count("pk"))
            .order_by("government__slug")
        )
        for slug, count in nominations:
            at = reverse("teams:designation_list", args=[slug]) + "#nominations"
            items.append(PendingItem(_("Nominations to decide"), at, count, "teams:", 1))
    return items


def departed_memberships(on: datetime.date) -> Any:
    """Every membership whose member left, for the daily announcement."""
    return Membership.objects.filter(left_the_team(on)).select_related(
        "team__unit", "team__government", "employee__unit", "role"
    )
