"""The maintained report summaries: equal to a fresh rebuild after any sequence of service
operations; the board, the overdue list and the maturity overview read them (not the reports,
their answers or scores) at a cost that does not grow with the agencies."""

from __future__ import annotations

import contextlib
import datetime
import io
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budaya.accounts.models import Role
from budaya.monev import aggregates, services
from budaya.monev.models import Question, Report, ReportSummary, State
from budaya.org.models import Unit

pytestmark = pytest.mark.django_db

ROW = {
    "indicator": 1,
    "when": "03-2025",
    "activity_title": "Pemasangan slogan",
    "form": "Spanduk",
    "problems": "",
    "solutions": "",
}


def _summaries(government):
    return sorted(
        ReportSummary.objects.filter(government=government).values(
            *[f.attname for f in ReportSummary._meta.concrete_fields if f.attname != "id"]
        ),
        key=lambda row: row["report_id"],
    )


def _prepared(scene, unit, team):
    report = services.start_report(scene.period, unit, team)
    services.save_row(report, None, ROW, [], team)
    return report


def _step(rng, scene, report, actors, spare):
    """One service operation that the report's state allows, chosen at random."""
    report = Report.objects.get(pk=report.pk)
    team, head = actors
    answers = list(report.maturity.all())
    scores = [s for s in report.scores.all() if s.question_id != spare.pk]
    if report.state == State.DRAFT:
        choice = rng.choice(["answers", "scores", "approve"])
        if choice == "answers":
            services.save_maturity(
                report,
                {a.pk: (rng.choice([True, False, None]), "", []) for a in answers},
                team,
            )
        elif choice == "scores":
            services.save_scores(report, {s.pk: rng.choice([None, 1, 2, 4]) for s in scores}, team)
        else:
            services.transition(report, State.APPROVED, head)
    elif report.state == State.APPROVED:
        services.transition(report, rng.choice([State.SUBMITTED, State.DRAFT]), head)
    elif report.state in (State.SUBMITTED, State.ACCEPTED):
        choice = rng.choice(["verify", "scores", "move", "move"])
        if choice == "verify":
            for answer in rng.sample(answers, 3):
                services.verify_maturity(answer, rng.choice([True, False]), "Dicek", scene.admin)
        elif choice == "scores":
            services.verify_review(
                report,
                answers={},
                scores={s.pk: rng.choice([None, 1, 3]) for s in scores},
                score_reasons={s.pk: "Dicek" for s in scores},
                actor=scene.admin,
            )
        elif report.state == State.SUBMITTED:
            target = rng.choice([State.RETURNED, State.ACCEPTED])
            services.transition(
                report, target, scene.admin, note="Lengkapi", accept_unverified="Dicek kemudian"
            )
        else:
            city = services.consolidate(scene.period, scene.admin2)
            services.forward(city, scene.sekda)
            if rng.random() < 0.5:
                services.acknowledge(city, scene.mayor)
    elif report.state == State.RETURNED:
        services.transition(report, State.DRAFT, team)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_after_any_sequence_of_operations_the_summaries_equal_a_rebuild(scene, make_user, seed):
    rng = random.Random(seed)
    instrument = services.seed_instrument(scene.government, scene.admin)
    spare = services.add_question(
        instrument,
        {"area_code": "d", "area": "Tambahan", "text": "Tambahan", "max_score": 5, "order": 9},
        scene.admin,
    )
    other = (
        scene.other_team,
        make_user("w.kepala.kesehatan", Role.UNIT_HEAD, scene.government, scene.other_agency),
    )
    reports = [
        (_prepared(scene, scene.agency, scene.team), (scene.team, scene.head)),
        (_prepared(scene, scene.other_agency, other[0]), other),
    ]
    for step in range(30):
        report, actors = rng.choice(reports)
        # a step the rules refuse changes nothing
        with contextlib.suppress(ValidationError, PermissionDenied):
            _step(rng, scene, report, actors, spare)
        if step == 15 and Question.objects.filter(pk=spare.pk).exists():
            services.remove_question(spare, scene.admin)
        maintained = _summaries(scene.government)
        assert aggregates.rebuild(scene.government) == 2
        assert _summaries(scene.government) == maintained, f"after step {step}"
    states = set(Report.objects.values_list("state", flat=True))
    assert states != {State.DRAFT}, "the walk went somewhere"


def test_the_summary_follows_the_report(scene):
    services.seed_instrument(scene.government, scene.admin)
    report = _prepared(scene, scene.agency, scene.team)
    answers = {(a.indicator, a.item): a for a in report.maturity.all()}
    services.save_maturity(
        report,
        {answers[key].pk: (True, "", []) for key in [(1, "a"), (1, "b"), (2, "a")]},
        scene.team,
    )
    services.save_scores(report, {s.pk: 3 for s in report.scores.all()}, scene.team)
    services.transition(report, State.APPROVED, scene.head)
    report = services.transition(report, State.SUBMITTED, scene.head)
    summary = ReportSummary.objects.get(report=report)
    assert (summary.state, summary.version, summary.own_level) == (State.SUBMITTED, 1, 1)
    assert [own for _n, own, _v in summary.per_indicator()] == [2, 1, 0, 0]
    assert (summary.score, summary.max_score, summary.verified_level) == (9, 12, None)
    assert summary.submitted_at is not None
    for answer in report.maturity.all():
        services.verify_maturity(answer, bool(answer.answer), "", scene.admin)
    summary.refresh_from_db()
    assert summary.verified_level == 1 and summary.verified_items["2"] == 1


def _scene_with(scene, size):
    """``size`` agencies in the period, each with a report started."""
    for n in range(Unit.objects.filter(government=scene.government, parent=None).count(), size):
        unit = Unit.objects.create(
            government=scene.government, kind="dinas", code=f"9.{n}", name=f"Dinas {n}"
        )
        services.start_report(scene.period, unit, scene.admin)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


READ_ONLY_SUMMARIES = ['"monev_report"', '"monev_maturityanswer"', '"monev_score"']


@pytest.mark.parametrize("route", ["board", "maturity_overview", "overdue", "export"])
def test_city_pages_read_the_summaries_at_a_constant_cost(client, scene, route):
    scene.period.deadline = datetime.date(2000, 1, 1)  # past: the overdue list has lines
    scene.period.save()
    client.force_login(scene.sekda)
    slug, pk = scene.government.slug, scene.period.pk
    url = {
        "board": reverse("monev:board", args=[slug, pk]),
        "maturity_overview": reverse("monev:maturity_overview", args=[slug, pk]) + "?sort=score",
        "overdue": reverse("monev:overdue", args=[slug]),
        "export": reverse("monev:maturity_overview_export", args=[slug, pk, "xlsx"]),
    }[route]
    counts = []
    for size in (4, 24):
        _scene_with(scene, size)
        _response, sql = _queries(client, url)
        assert not [q for q in sql for table in READ_ONLY_SUMMARIES if table in q]
        assert [q for q in sql if '"monev_reportsummary"' in q]
        counts.append(len(sql))
    assert counts[0] == counts[1]


def test_the_overview_shows_each_agency_sorted_by_score_and_exports_it(client, scene):
    services.seed_instrument(scene.government, scene.admin)
    mine = _prepared(scene, scene.agency, scene.team)
    services.save_scores(mine, {s.pk: 1 for s in mine.scores.all()}, scene.team)
    theirs = _prepared(scene, scene.other_agency, scene.other_team)
    services.save_scores(theirs, {s.pk: 4 for s in theirs.scores.all()}, scene.other_team)
    client.force_login(scene.admin)
    url = reverse("monev:maturity_overview", args=[scene.government.slug, scene.period.pk])
    html = client.get(url, {"sort": "score"}).content.decode()
    assert html.index("Dinas Kesehatan") < html.index("Dinas Pendidikan")
    assert "12 / 12" in html and "3 / 12" in html
    html = client.get(url, {"sort": "agency"}).content.decode()
    assert html.index("Dinas Pendidikan") < html.index("Dinas Kesehatan")  # by code
    board = client.get(reverse("monev:board", args=[scene.government.slug, scene.period.pk]))
    assert url in board.content.decode()
    response = client.get(
        reverse(
            "monev:maturity_overview_export",
            args=[scene.government.slug, scene.period.pk, "xlsx"],
        ),
        {"sort": "score"},
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = next(row for row in rows if row and row[0] == "Perangkat Daerah")
    lines = rows[rows.index(header) + 1 :]
    assert [(line[0], line[header.index("Skor")]) for line in lines] == [
        ("Dinas Kesehatan", 12),
        ("Dinas Pendidikan", 3),
    ]
    # A unit role sees its own agency only; an employee does not see the overview.
    client.force_login(scene.team)
    html = client.get(url).content.decode()
    assert "Dinas Pendidikan" in html and "Dinas Kesehatan" not in html
    client.force_login(scene.employee)
    assert client.get(url).status_code == 403


def test_the_summary_keeps_every_indicator_of_the_rulebook(scene):
    """Issue 18: a maturity table of five indicators is summarised whole (not the first four)."""
    from budaya.monev.models import Period
    from budaya.rulebook import services as rulebook

    text = rulebook.shipped_text("kota-serang").replace(
        "  evaluation:\n    name: Evaluasi Budaya Kerja\n",
        "      - number: 5\n"
        "        text: Budaya organisasi menjadi teladan bagi Perangkat Daerah lain\n"
        "        choice: government\n"
        "        evidence:\n"
        "          - item: a\n"
        "            text: Ada penghargaan budaya organisasi\n"
        "  evaluation:\n    name: Evaluasi Budaya Kerja\n",
        1,
    )
    rulebook.import_rulebook(government=scene.government, text=text, acting_user=scene.admin)
    period = services.create_period(
        scene.government,
        kind=Period.Kind.KHUSUS,
        year=2025,
        title="Monev khusus",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 12, 31),
        actor=scene.admin,
    )
    report = services.start_report(period, scene.agency, scene.team)
    services.save_maturity(
        report, {a.pk: (True, "", []) for a in report.maturity.all()}, scene.team
    )
    summary = ReportSummary.objects.get(report=report)
    assert [n for n, _own, _v in summary.per_indicator()] == [1, 2, 3, 4, 5]
    assert summary.own_level == 5 and summary.own_items["5"] == 1
