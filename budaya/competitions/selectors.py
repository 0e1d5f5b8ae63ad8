"""Scoped reads of competitions, entries, the jury's work and the results.

Competitions belong to the government (every employee of it reads them); entries belong to the
team's agency (unit roles read their own agency's) until the results are published, when the
submitted entries of the competition are readable by every employee (the gallery, T Pasal 11).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role, RoleGrant
from budaya.competitions import ranking
from budaya.competitions.models import (
    Award,
    Category,
    Competition,
    Criterion,
    Entry,
    Judge,
    JudgeScore,
)
from budaya.org.models import Government, Unit
from budaya.org.selectors import is_city_admin
from budaya.pending import PendingItem
from budaya.teams.models import Team

ENTRANT_ROLES = [Role.UNIT_HEAD, Role.UNIT_TEAM]


def agency_id(path: str) -> int | None:
    """The agency (the root of the tree) of a unit's materialised path."""
    head = (path or "").split("/", 1)[0]
    return int(head) if head.isdigit() else None


def competitions_of(user: Any, government: Government) -> QuerySet[Competition]:
    return (
        Competition.objects.visible_to(user)
        .filter(government=government)
        .select_related("organiser", "government")
    )


def entries_of(user: Any, government: Government) -> QuerySet[Entry]:
    """The entries the user reads: of their scope, plus the submitted entries of published
    competitions (every employee reads the results), plus those the user judges."""
    scoped = Entry.objects.visible_to(user).filter(government=government)
    public = Entry.objects.filter(
        government=government,
        competition__published_at__isnull=False,
        status=Entry.Status.SUBMITTED,
    )
    judged = Entry.objects.filter(
        government=government,
        status=Entry.Status.SUBMITTED,
        category__judges__user=user,
    )
    if not Competition.objects.visible_to(user).filter(government=government).exists():
        return Entry.objects.none()
    ids = scoped.values("pk").union(public.values("pk"), judged.values("pk"))
    return Entry.objects.filter(government=government, pk__in=ids).select_related(
        "team", "unit", "category", "competition", "government"
    )


def is_organiser(user: Any, competition: Competition) -> bool:
    """The city team organises (T Pasal 11): the government's city administrator acts for it."""
    return is_city_admin(user, competition.government)


def own_agencies(user: Any, government: Government) -> set[int]:
    """The agencies a user belongs to: their employee record's and their unit grants'."""
    agencies: set[int] = set()
    employee = getattr(user, "employee", None)
    if employee is not None and employee.government_id == government.pk:
        found = agency_id(employee.unit.path)
        if found is not None:
            agencies.add(found)
    for path in RoleGrant.objects.filter(
        user=user, government=government, unit__isnull=False
    ).values_list("unit__path", flat=True):
        found = agency_id(path)
        if found is not None:
            agencies.add(found)
    return agencies


def judge_for(user: Any, entry: Entry) -> Judge | None:
    return (
        Judge.objects.filter(government=entry.government, category=entry.category, user=user)
        .select_related("category")
        .first()
    )


def eligible_teams(user: Any, competition: Competition) -> QuerySet[Team]:
    """Active agency teams the user may enter for (their own agency's; the organiser: any) that
    the competition's eligibility admits."""
    teams = Team.objects.filter(
        government=competition.government, dissolved_on__isnull=True, unit__isnull=False
    )
    if not is_organiser(user, competition):
        units = Unit.objects.visible_to(user, roles=ENTRANT_ROLES).filter(
            government=competition.government
        )
        teams = teams.filter(unit__in=units)
    if competition.team_kinds:
        teams = teams.filter(kind__code__in=competition.team_kinds)
    if competition.unit_kinds:
        teams = teams.filter(unit__kind__in=competition.unit_kinds)
    return teams.select_related("unit", "kind").order_by("unit__path", "name")


def may_enter(user: Any, competition: Competition) -> bool:
    return eligible_teams(user, competition).exists()


def may_edit_entry(user: Any, entry: Entry) -> bool:
    """The entrant (a unit head or team of the entry's agency) or the organiser."""
    if is_organiser(user, entry.competition):
        return True
    return Unit.objects.visible_to(user, roles=ENTRANT_ROLES).filter(pk=entry.unit_id).exists()


def criteria_of(competition: Competition) -> list[Criterion]:
    return list(
        Criterion.objects.filter(government=competition.government, competition=competition)
    )


def weight_sum(criteria: list[Criterion]) -> int:
    return sum(criterion.weight for criterion in criteria)


def sees_all_scores(user: Any, competition: Competition) -> bool:
    """Judges' scores are hidden from each other until judging closes; the organiser who is no
    judge of the competition sees them throughout."""
    if competition.judging_over:
        return (
            is_organiser(user, competition)
            or Judge.objects.filter(
                government=competition.government, competition=competition, user=user
            ).exists()
        )
    return (
        is_organiser(user, competition)
        and not Judge.objects.filter(
            government=competition.government, competition=competition, user=user
        ).exists()
    )


def ranking_of(competition: Competition) -> list[tuple[Category, list[ranking.Line]]]:
    """Per category, the submitted entries ranked (four queries for the whole competition)."""
    mine = {"government": competition.government, "competition": competition}
    categories = list(Category.objects.filter(**mine))
    criteria = criteria_of(competition)
    entries = list(
        Entry.objects.filter(**mine, status=Entry.Status.SUBMITTED).select_related("team", "unit")
    )
    scores = list(
        JudgeScore.objects.filter(government=competition.government, entry__competition=competition)
    )
    return [
        (
            category,
            ranking.rank(
                [e for e in entries if e.category_id == category.pk],
                criteria,
                [
                    s
                    for s in scores
                    if s.entry_id in {e.pk for e in entries if e.category_id == category.pk}
                ],
            ),
        )
        for category in categories
    ]


def awards_of(competition: Competition) -> list[Award]:
    return list(
        Award.objects.filter(
            government=competition.government, competition=competition
        ).select_related("entry__team", "entry__unit", "entry__category")
    )


def results_for_unit(unit: Unit, period: Any) -> list[Award]:
    """The awards an agency won in competitions announced within a monitoring period: evidence
    of the agency's report (S Tabel 2 indicators 3.b and 4.b count a "lomba Budaya Kerja")."""
    agency = agency_id(unit.path) or unit.pk
    return list(
        Award.objects.filter(
            government_id=unit.government_id,
            competition__published_at__isnull=False,
            competition__announce_on__gte=period.starts_on,
            competition__announce_on__lte=period.ends_on,
            entry__unit__path__startswith=f"{agency}/",
        )
        .select_related("competition", "entry__team", "entry__category", "government")
        .order_by("competition__announce_on", "rank")
    )


def results_for_designation(designation: Any, limit: int = 10) -> list[Award]:
    """The awards behind a role-model or change-agent designation: of the teams the designated
    employee belongs to, or of the teams of the designated unit or agency, in competitions
    published and announced by the end of the designation's period (the newest first)."""
    awards = Award.objects.filter(
        government_id=designation.government_id,
        competition__published_at__isnull=False,
        competition__announce_on__lte=designation.period_end,
    )
    if designation.employee_id is not None:
        awards = awards.filter(
            entry__team__memberships__employee_id=designation.employee_id
        ).distinct()
    else:
        awards = awards.filter(entry__unit__path__startswith=designation.unit.path)
    return list(
        awards.select_related(
            "competition", "entry__team", "entry__category", "government"
        ).order_by("-competition__announce_on", "rank", "pk")[:limit]
    )


def pending_for(user: Any) -> list[PendingItem]:
    """Entries to submit (the entrants' drafts before the deadline) and entries to judge (a
    judge's unscored entries while judging is open)."""
    if not user.is_authenticated or (
        user.is_superuser and not user.role_names() - {Role.SYSTEM_ADMIN}
    ):
        return []
    today = timezone.localdate()
    items: list[PendingItem] = []
    drafts = (
        Entry.objects.visible_to(user, roles=ENTRANT_ROLES)
        .filter(
            status=Entry.Status.DRAFT,
            competition__published_at__isnull=True,
            competition__opens_on__lte=today,
            competition__submission_closes__gte=today,
        )
        .select_related("government")
        .order_by("competition__submission_closes")
    )
    first = drafts.first()
    if first is not None:
        items.append(
            PendingItem(
                label=_("Competition entries to submit"),
                url=reverse("competitions:entry", args=[first.government.slug, first.pk]),
                count=drafts.count(),
                section="competitions:",
                urgency=1,
                due=first.competition.submission_closes,
            )
        )
    judging = _to_judge(user, today)
    if judging:
        entry = judging[0]
        items.append(
            PendingItem(
                label=_("Competition entries to judge"),
                url=reverse("competitions:score", args=[entry.government.slug, entry.pk]),
                count=len(judging),
                section="competitions:",
                urgency=1,
                due=entry.competition.judging_closes,
            )
        )
    return items


def _to_judge(user: Any, today: datetime.date) -> list[Entry]:
    judges = list(
        Judge.objects.filter(
            user=user,
            competition__published_at__isnull=True,
            competition__submission_closes__lt=today,
            competition__judging_closes__gte=today,
        )
    )
    if not judges:
        return []
    conflicts = {judge.category_id: set(judge.conflicts) for judge in judges}
    entries = (
        Entry.objects.filter(status=Entry.Status.SUBMITTED, category_id__in=list(conflicts))
        .exclude(scores__judge__user=user)
        .select_related("government", "competition", "unit")
        .order_by("competition__judging_closes", "pk")
    )
    return [
        entry for entry in entries if agency_id(entry.unit.path) not in conflicts[entry.category_id]
    ]
