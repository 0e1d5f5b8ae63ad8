"""Answering and the results pages issue as many queries for a large government as for a small
one (issue 22, Deliver 8): sending a response, the participation of a round in progress, the
released results (the top of the tree and a group's level) and the employee's own page with one
invitation or many. The counts are pinned: a change shows up in review. The same pages' counts
for the generated governments are pinned in ``budaya/tests/test_query_counts.py`` too."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budaya.org.models import Employee, Unit
from budaya.surveys import services
from budaya.surveys.models import Figure, Invitation, Survey, Tally
from budaya.surveys.tests.conftest import employee_user, make_employee

pytestmark = pytest.mark.django_db

PINNED = {
    "submit": 11 if connection.vendor == "sqlite" else 7,
    "participation": 8,
    "results top": 13,
    "results group": 14,
    "own page": 13,
}


def _grow(place) -> Unit:
    """A second agency of thirty units of five people: more groups than a page holds."""
    government = place.government
    agency = Unit.objects.create(government=government, kind="dinas", code="2", name="Dinas B")
    number = 100
    for index in range(30):
        unit = Unit.objects.create(
            government=government,
            parent=agency,
            kind="bidang",
            code=f"2.{index}",
            name=f"Bidang {index:02d}",
        )
        for _person in range(5):
            make_employee(unit, number)
            number += 1
    return agency


def _survey(place, questionnaire, title: str, unit: Unit | None = None) -> Survey:
    today = timezone.localdate()
    survey = services.create_survey(
        actor=place.admin,
        government=place.government,
        questionnaire=questionnaire,
        kind="pulse",
        title=title,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        unit=unit,
    )
    services.open_survey(actor=place.admin, survey=survey)
    return survey


def _closed(place, questionnaire, title: str) -> Survey:
    """A whole-government pulse everyone answered (written into the tallies, as answering
    does), closed."""
    survey = _survey(place, questionnaire, title)
    for tally in Tally.objects.filter(survey=survey):
        tally.answered = tally.invited
        tally.counts = {item: [0, 0, 0, tally.answered, 0] for item in tally.counts}
        tally.save(update_fields=["answered", "counts"])
    services.close_survey(actor=place.admin, survey=survey)
    return survey


def _count(client, method: str, url: str, data: dict | None = None) -> tuple[int, int]:
    if method == "GET":
        client.get(url)  # caches (sessions, content types) warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if method == "GET" else client.post(url, data)
    return response.status_code, len(queries)


def _measure(client, place, questionnaire, user, label: str) -> dict[str, tuple[int, int]]:
    slug = place.government.slug
    measured = {}
    # Sending: a survey of one unit (small) or of the whole government (larger).
    target = _survey(
        place, questionnaire, f"Kirim {label}", place.big if label == "small" else None
    )
    items = list(questionnaire.items.values_list("pk", flat=True))
    form = {f"item-{pk}": "4" for pk in items} | {"comment": "Baik", "send": "1"}
    client.force_login(user)
    measured["submit"] = _count(
        client, "POST", reverse("surveys:answer", args=[slug, target.pk]), form
    )
    assert Invitation.objects.get(survey=target, employee=user.employee).answered
    open_round = _survey(place, questionnaire, f"Berjalan {label}")
    measured["own page"] = _count(client, "GET", reverse("surveys:me"))
    client.force_login(place.admin)
    measured["participation"] = _count(
        client, "GET", reverse("surveys:detail", args=[slug, open_round.pk])
    )
    closed = _closed(place, questionnaire, f"Selesai {label}")
    url = reverse("surveys:detail", args=[slug, closed.pk])
    measured["results top"] = _count(client, "GET", url)
    agency = Figure.objects.filter(survey=closed, depth=1).order_by("-invited").first()
    measured["results group"] = _count(client, "GET", f"{url}?group={agency.pk}")
    return measured


def test_answering_and_results_issue_as_many_queries_for_a_larger_government(
    place, client, make_user
):
    questionnaire = services.generate_questionnaire(
        actor=place.admin,
        government=place.government,
        version=place.version,
        name="Pulse",
        scale="agree5",
        comments=True,
        source="guides",
    )
    user = employee_user(make_user, place.staff[0])
    small = _measure(client, place, questionnaire, user, "small")
    _grow(place)
    # The larger: 164 people in 33 units; the employee is invited to many surveys.
    for number in range(12):
        _survey(place, questionnaire, f"Tunggu {number}", place.big)
    larger = _measure(client, place, questionnaire, user, "larger")
    assert all(status in (200, 302) for status, _count in [*small.values(), *larger.values()])
    assert {name: count for name, (_s, count) in small.items()} == {
        name: count for name, (_s, count) in larger.items()
    }
    assert {name: count for name, (_s, count) in larger.items()} == PINNED


def test_a_page_of_groups_below_and_the_way_back_up(place, client):
    questionnaire = services.generate_questionnaire(
        actor=place.admin,
        government=place.government,
        version=place.version,
        name="Pulse",
        scale="agree5",
        comments=False,
        source="guides",
    )
    agency = _grow(place)
    closed = _closed(place, questionnaire, "Selesai")
    client.force_login(place.admin)
    url = reverse("surveys:detail", args=[place.government.slug, closed.pk])
    top = client.get(url)
    # The whole government, then its two agencies.
    assert [f.depth for f in top.context["figures"]] == [0, 1, 1]
    group = Figure.objects.get(survey=closed, unit=agency)
    page = client.get(f"{url}?group={group.pk}")
    names = [f.unit.name if f.unit else "" for f in page.context["figures"]]
    # The whole government above, the agency, then the first 25 of its 30 units by name.
    assert names[:3] == ["", "Dinas B", "Bidang 00"] and len(names) == 2 + 25
    assert "Halaman 1 dari 2" in page.content.decode()
    second = client.get(f"{url}?group={group.pk}&page=2")
    assert [f.unit.name for f in second.context["children"]] == [
        f"Bidang {n:02d}" for n in range(25, 30)
    ]


# The dashboard (issue 22, Deliver 1): its figures computed afresh, and computed again for
# another kind of agency with the participation counts kept per government and version.
DASHBOARD = {"afresh": 33, "participation kept": 26}


def _dashboard(client, url: str) -> tuple[str, dict[str, int]]:
    from django.core.cache import cache

    client.get(url)  # sessions and the per-process caches warm
    cache.clear()  # nothing kept
    with CaptureQueriesContext(connection) as afresh:
        page = client.get(url)
    with CaptureQueriesContext(connection) as kept:
        client.get(url, {"kind": "dinas"})
    return page.content.decode(), {"afresh": len(afresh), "participation kept": len(kept)}


def test_the_dashboards_participation_is_kept_and_as_costly_for_a_larger_government(place, client):
    from budaya.programme import services as programme
    from budaya.programme.models import Declaration

    today = timezone.localdate()
    year = programme.create_programme(government=place.government, unit=None, year=today.year)
    declaration = Declaration.objects.create(
        government=place.government, programme=year, held_on=today, led_by="Sekretaris Daerah"
    )
    for employee in place.staff[:2]:
        services.sign(actor=None, declaration=declaration, employee=employee, text="Nilai")
    services.confirm_twibbon(actor=None, employee=place.staff[0], month=today)
    url = reverse("dashboard:government", args=[place.government.slug])
    client.force_login(place.admin)
    small, small_counts = _dashboard(client, url)
    assert "22% (2/9)" in small  # Dinas A: two of nine signed
    agency = _grow(place)
    for employee in Employee.objects.filter(unit__parent=agency).order_by("pk")[:15]:
        services.sign(actor=None, declaration=declaration, employee=employee, text="Nilai")
    larger, larger_counts = _dashboard(client, url)
    assert "22% (2/9)" in larger and "10% (15/150)" in larger
    assert small_counts == larger_counts == DASHBOARD
    # A write of the government (one more signature) is a new version: counted again.
    services.sign(actor=None, declaration=declaration, employee=place.staff[2], text="Nilai")
    assert "33% (3/9)" in client.get(url).content.decode()
