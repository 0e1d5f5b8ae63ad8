"""Who may reach each route of competitions (merged into ``budaya.accounts.permissions``)."""

from __future__ import annotations

import datetime
from typing import Any

from budaya.accounts.models import Role
from budaya.accounts.permissions import (
    ALL_BUT_SYSTEM,
    CITY_ADMIN,
    PUBLIC,
    Access,
    Args,
    Foreign,
    other_agency,
    other_government,
)

ENTRANTS = frozenset({Role.CITY_ADMIN, Role.UNIT_HEAD, Role.UNIT_TEAM})
JUDGE = frozenset({Role.LEADERSHIP})
READ = "every employee of the government; entries: own agency's until the results are published"
ORGANISER = "the city administrator, for the city team that organises"


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


def _obj(key: str, **more: Any) -> Args:
    def args(w: Any) -> dict[str, Any]:
        obj = w.extras[key]
        return {"slug": obj.government.slug, "pk": obj.pk, **more}

    return args


def _foreign(key: str, agency: bool = False, **more: Any) -> tuple[Foreign, ...]:
    foreign = (other_government(_obj(f"foreign_{key}", **more)),)
    return ((other_agency(_obj(f"other_{key}", **more)),) if agency else ()) + foreign


def _page(action: str, who: frozenset[str], key: str, **kwargs: Any) -> Access:
    return Access(action, who, args=_obj(key), foreign=_foreign(key), **kwargs)


ROUTES: dict[str, Access] = {
    "competitions:mine": Access("Menu: the competitions of one's government", ALL_BUT_SYSTEM),
    "competitions:verify": Access(
        "Verify a certificate (what its QR code opens)",
        PUBLIC,
        args=lambda w: {"token": w.extras["award"].token},
        scope="the award of the code only",
    ),
    "competitions:list": Access(
        "Competitions: search and filter",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
        scope=READ,
    ),
    "competitions:create": Access(
        "Organise a competition",
        CITY_ADMIN,
        args=_gov,
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
        scope=ORGANISER,
    ),
    "competitions:gallery": Access(
        "Gallery of published entries and winners",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
        scope="every employee of the government",
    ),
    "competitions:detail": _page(
        "A competition: timeline, categories, rubric, entries",
        ALL_BUT_SYSTEM,
        "competition",
        scope=READ,
    ),
    "competitions:edit": _page("Edit a competition", CITY_ADMIN, "competition", scope=ORGANISER),
    "competitions:rubric": _page(
        "The rubric: criteria, weights summing to 100, descriptors",
        CITY_ADMIN,
        "competition",
        scope=ORGANISER,
    ),
    "competitions:criterion_delete": Access(
        "Remove a criterion before judging (asks first)",
        CITY_ADMIN,
        method="POST",
        args=lambda w: {
            "slug": w.government.slug,
            "pk": w.extras["competition"].pk,
            "criterion": w.extras["criterion"].pk,
        },
        foreign=(
            other_government(
                lambda w: {
                    "slug": w.other_government.slug,
                    "pk": w.extras["foreign_competition"].pk,
                    "criterion": w.extras["foreign_criterion"].pk,
                }
            ),
        ),
        scope=ORGANISER,
    ),
    "competitions:jury": _page(
        "Judges per category and their conflicts of interest",
        CITY_ADMIN,
        "competition",
        scope=ORGANISER,
    ),
    "competitions:entry_create": _page(
        "Enter an eligible team",
        ENTRANTS,
        "competition",
        scope="unit head and team: own agency's teams; city administrator: any",
    ),
    "competitions:ranking": _page(
        "Ranking with normalised scores and ties explained",
        CITY_ADMIN,
        "competition",
        scope="the organiser; judges once judging has closed",
    ),
    "competitions:publish": _page(
        "Publish the results (asks first)",
        CITY_ADMIN,
        "competition",
        method="POST",
        scope=ORGANISER + ", from the announcement day",
    ),
    "competitions:results": _page(
        "Published results with winners and certificates", ALL_BUT_SYSTEM, "published", scope=READ
    ),
    "competitions:entry": Access(
        "An entry and its material; the entrant adds material",
        ALL_BUT_SYSTEM,
        args=_obj("entry"),
        foreign=_foreign("entry", agency=True),
        scope=READ + "; judges: the entries of their category",
    ),
    "competitions:entry_move": Access(
        "Submit or withdraw an entry before the deadline (asks first)",
        ENTRANTS,
        method="POST",
        args=_obj("entry", to="submit"),
        foreign=_foreign("entry", agency=True, to="submit"),
        scope="unit head and team: own agency's entries; city administrator: any",
    ),
    "competitions:score": Access(
        "Score an entry with the rubric",
        JUDGE,
        args=_obj("entry"),
        foreign=_foreign("entry"),
        scope="the judges of the entry's category, never on an entry of their own agency",
    ),
    "competitions:certificate": _page(
        "Certificate of a winner (PDF with QR code)", ALL_BUT_SYSTEM, "award", scope=READ
    ),
}


def world(w: Any) -> None:
    """In each government a competition being judged (an entry of the own agency, of a second
    agency, the leadership user its judge) and a published one with an award."""
    from budaya.competitions.models import (
        Award,
        Category,
        Competition,
        Criterion,
        Entry,
        Judge,
    )

    today = datetime.date.today()
    day = datetime.timedelta(days=1)
    for government, prefix in ((w.government, ""), (w.other_government, "foreign_")):
        judging = Competition.objects.create(
            government=government,
            name="Lomba KBK",
            kind=Competition.Kind.KBK,
            year=today.year,
            opens_on=today - 30 * day,
            registration_closes=today - 20 * day,
            submission_closes=today - 10 * day,
            judging_closes=today + 10 * day,
            announce_on=today + 20 * day,
        )
        published = Competition.objects.create(
            government=government,
            name="Gelar Budaya",
            kind=Competition.Kind.FAIR,
            year=today.year - 1,
            opens_on=today - 300 * day,
            registration_closes=today - 290 * day,
            submission_closes=today - 280 * day,
            judging_closes=today - 270 * day,
            announce_on=today - 260 * day,
            published_at=datetime.datetime.now(datetime.UTC),
        )
        w.extras[f"{prefix}competition"] = judging
        w.extras[f"{prefix}published"] = published
        category = Category.objects.create(government=government, competition=judging, name="KBK")
        w.extras[f"{prefix}criterion"] = Criterion.objects.create(
            government=government,
            competition=judging,
            name="Inovasi",
            weight=100,
            descriptors={str(n): f"Tingkat {n}" for n in range(1, 6)},
        )
        shown = Category.objects.create(government=government, competition=published, name="Umum")
        judge = w.user(Role.LEADERSHIP) if prefix == "" else w.foreign_user
        Judge.objects.create(
            government=government, competition=judging, category=category, user=judge
        )
        teams = (
            [("", "team"), ("other_", "other_team")]
            if prefix == ""
            else [("foreign_", "foreign_team")]
        )
        for key, team_key in teams:
            team = w.extras[team_key]
            w.extras[f"{key}entry"] = Entry.objects.create(
                government=government,
                competition=judging,
                category=category,
                team=team,
                unit=team.unit,
                title=f"Karya {team.name}",
                status=Entry.Status.SUBMITTED,
            )
        team = w.extras["team" if prefix == "" else "foreign_team"]
        winner = Entry.objects.create(
            government=government,
            competition=published,
            category=shown,
            team=team,
            unit=team.unit,
            title="Karya terbaik",
            status=Entry.Status.SUBMITTED,
        )
        w.extras[f"{prefix}award"] = Award.objects.create(
            government=government, competition=published, entry=winner, rank=1, total=88
        )
