"""The daily announcements of the teams (issue 20): a signed decree nearing the age after which
the government's team policy wants it renewed, and a member who left a team. Each is announced
once (its key), to whoever manages the team, and told by the notifications app."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse

from budaya.accounts.selectors import people_over
from budaya.events import announce
from budaya.teams.eligibility import departures
from budaya.teams.models import Decree, Membership, TeamPolicy
from budaya.teams.selectors import MANAGING_ROLES, SIGNING_ROLES
from budaya.teams.todo import DEFAULT_MAX_AGE, left_the_team

# Days before a decree's age limit on which its signers hear of it (as the monitoring deadlines).
DAYS_BEFORE = (30, 7, 1)


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The day ``months`` later (the 28th at most, as the compliance board counts)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, min(day.day, 28))


def announce_expiring_decrees(today: datetime.date) -> int:
    policies = {p.government_id: p.decree_max_age_months for p in TeamPolicy.objects.all()}
    count = 0
    decrees = Decree.objects.filter(
        status=Decree.Status.SIGNED, team__dissolved_on__isnull=True, decided_on__isnull=False
    ).select_related("team__unit", "government")
    for decree in decrees:
        months = policies.get(decree.government_id, DEFAULT_MAX_AGE)
        if not months or decree.decided_on is None:
            continue
        limit = months_after(decree.decided_on, months)
        days = (limit - today).days
        if days not in DAYS_BEFORE:
            continue
        team = decree.team
        announce(
            kind="teams.decree.expiring",
            government_id=decree.government_id,
            recipient_ids=people_over(team.unit, decree.government_id, SIGNING_ROLES),
            url=reverse("teams:team_detail", args=[decree.government.slug, team.pk]),
            key=f"teams.decree.expiring:{decree.pk}:{days}",
            context={
                "team": team.name,
                "agency": team.unit.name if team.unit else decree.government.name,
                "number": decree.number,
                "date": limit.strftime("%d-%m-%Y"),
                "days": days,
            },
        )
        count += 1
    return count


def announce_departures(today: datetime.date) -> int:
    """Every current member who left (inactive, missing from the roster, moved out): once per
    membership, to the team's managers."""
    by_team: dict[int, list[Membership]] = defaultdict(list)
    for membership in Membership.objects.filter(left_the_team(today)).select_related(
        "team__unit", "team__government", "employee__unit", "role"
    ):
        by_team[membership.team_id].append(membership)
    count = 0
    for members in by_team.values():
        team = members[0].team
        for departure in departures(team, members, today):
            membership = departure.membership
            announce(
                kind="teams.member.left",
                government_id=team.government_id,
                recipient_ids=people_over(team.unit, team.government_id, MANAGING_ROLES),
                url=reverse(
                    "teams:member_edit", args=[team.government.slug, team.pk, membership.pk]
                ),
                key=f"teams.member.left:{membership.pk}",
                context={
                    "team": team.name,
                    "agency": team.unit.name if team.unit else team.government.name,
                    "name": membership.employee.full_name,
                    "reason": departure.reason,
                },
            )
            count += 1
    return count
