"""Issue 19: one city report per period in versions, with a summary; the leadership forwards with
a note, returns with a reason, acknowledges with a disposition whose directions become follow-ups
of the agencies (S Pasal 11(2)(a), Lampiran D; T Pasal 11 a); acceptance needs the maturity
verified; the verification form saves all or nothing; reports need their signatory."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budaya import pending
from budaya.activities.evidence import store_link
from budaya.events import workflow_event
from budaya.monev import selectors, services
from budaya.monev.models import CityState, FollowUp, Period, Report, State, Transition
from budaya.monev.summary import city_summary

pytestmark = pytest.mark.django_db

User = get_user_model()


def _accepted(scene, unit, team, head):
    report = services.start_report(scene.period, unit, team)
    row = {
        "indicator": 1,
        "when": "03-2025",
        "activity_title": "Apel nilai",
        "form": "Apel",
        "problems": "Peserta terlambat",
        "solutions": "",
    }
    services.save_row(report, None, row, [], team)
    services.transition(report, State.APPROVED, head)
    services.transition(report, State.SUBMITTED, head)
    scene.verify(report)
    services.transition(report, State.ACCEPTED, scene.admin)
    return report


@pytest.fixture
def other_head(scene, make_user):
    from budaya.accounts.models import Role

    return make_user("w.kepala.lain", Role.UNIT_HEAD, scene.government, scene.other_agency)


def test_a_return_by_the_secretary_then_the_next_version_holds_every_accepted_report(
    scene, other_head, django_capture_on_commit_callbacks
):
    first = _accepted(scene, scene.agency, scene.team, scene.head)
    v1 = services.consolidate(scene.period, scene.admin)
    with pytest.raises(ValidationError):  # a return says why
        services.return_city(v1, actor=scene.sekda, reason=" ")
    with pytest.raises(PermissionDenied):  # the head does not act on a consolidated report
        services.return_city(v1, actor=scene.mayor, reason="Belum lengkap")
    events = []
    workflow_event.connect(lambda event, **kw: events.append(event), weak=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_city(v1, actor=scene.sekda, reason="Dinas lain belum masuk")
    v1.refresh_from_db()
    first.refresh_from_db()
    assert v1.state == CityState.RETURNED and first.state == State.ACCEPTED
    assert v1.steps.get().note == "Dinas lain belum masuk"
    returned = [e for e in events if e.kind == "monev.city.returned"]
    assert returned and scene.admin.pk in returned[0].recipient_ids
    assert returned[0].context["note"] == "Dinas lain belum masuk"

    _accepted(scene, scene.other_agency, scene.other_team, other_head)
    v2 = services.consolidate(scene.period, scene.admin)
    assert v2.number == 2 and v2.period_id == v1.period_id
    assert sorted(services.city_reports_units(v2)) == sorted(
        [scene.agency.code, scene.other_agency.code]
    )
    with pytest.raises(ValidationError):  # only the latest version is acted on
        services.forward(v1, scene.sekda)
    import json

    changes = selectors.city_changes(json.loads(v1.canonical), json.loads(v2.canonical))
    assert [(c["agency"], c["change"]) for c in changes] == [(scene.other_agency.name, "added")]
    assert v1.verify() and v2.verify()
    out = io.StringIO()
    call_command("verify_reports", stdout=out)
    assert "match" in out.getvalue()


def test_the_head_returns_to_the_secretary_then_acknowledges_with_directions(
    scene, client, django_capture_on_commit_callbacks
):
    report = _accepted(scene, scene.agency, scene.team, scene.head)
    city = services.consolidate(scene.period, scene.admin)
    services.forward(city, scene.sekda, note="Mohon arahan")
    with pytest.raises(PermissionDenied):  # the secretary does not return its own forwarding
        services.return_city(city, actor=scene.sekda, reason="x")
    services.return_city(city, actor=scene.mayor, reason="Lengkapi ringkasan")
    city.refresh_from_db()
    report.refresh_from_db()
    assert city.state == CityState.CONSOLIDATED and city.forwarded_at is None
    assert report.state == State.CONSOLIDATED
    services.forward(city, scene.sekda, note="Sudah dilengkapi")
    city.refresh_from_db()
    # The mayor reads the report before the decision: the form comes after the agency reports,
    # a link at the top leads to it (the forms came first, a screenful on a phone).
    client.force_login(scene.mayor)
    page = client.get(reverse("monev:city", args=[scene.government.slug, city.pk])).content
    page = page.decode()
    assert page.index('href="#acknowledge-form"') < page.index("<h2>Laporan Perangkat Daerah</h2>")
    assert page.index("<h2>Laporan Perangkat Daerah</h2>") < page.index('id="acknowledge-form"')
    due = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError):  # a direction is due in the future
        services.acknowledge(
            city,
            scene.mayor,
            directions=[
                services.Direction(unit=scene.agency, text="x", due_on=datetime.date(2000, 1, 1))
            ],
        )
    events = []
    workflow_event.connect(lambda event, **kw: events.append(event), weak=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge(
            city,
            scene.mayor,
            disposition="Perkuat internalisasi nilai.",
            directions=[
                services.Direction(unit=scene.agency, text="Evaluasi apel pagi", due_on=due),
                services.Direction(unit=scene.other_agency, text="Susun SK tim", due_on=due),
            ],
        )
    city.refresh_from_db()
    assert (
        city.state == CityState.ACKNOWLEDGED and city.disposition == "Perkuat internalisasi nilai."
    )
    assert [s.step for s in city.steps.all()] == ["forward", "return", "forward", "acknowledge"]
    kinds = [e.kind for e in events]
    assert kinds.count("monev.follow_up.assigned") == 2 and "monev.city.acknowledged" in kinds
    mine = FollowUp.objects.get(unit=scene.agency)
    assigned = next(
        e for e in events if e.kind == "monev.follow_up.assigned" and e.url.endswith(f"/{mine.pk}/")
    )
    assert scene.team.pk in assigned.recipient_ids
    # Its due date as the product writes dates, not ISO ("tenggat 2027-02-05").
    assert assigned.context["due"] == f"{due:%d-%m-%Y}"

    # Everyone told opens what they are sent to: an agency's people their own acknowledged
    # report, not the city report, which is the city team's and the leadership's (it was a
    # 403 for them).
    told = [e for e in events if e.kind == "monev.city.acknowledged"]
    assert any(scene.team.pk in e.recipient_ids for e in told)
    for event in events:
        for user in User.objects.filter(pk__in=event.recipient_ids):
            client.force_login(user)
            assert client.get(event.url).status_code == 200, (event.kind, user.username)

    # The city page and its document record the chain and the disposition.
    client.force_login(scene.admin)
    body = client.get(reverse("monev:city", args=[scene.government.slug, city.pk])).content
    body = body.decode()
    assert "Lengkapi ringkasan" in body and "Perkuat internalisasi nilai." in body
    assert "Evaluasi apel pagi" in body

    # The agency sees its own follow-up, not the other agency's.
    client.force_login(scene.team)
    page = client.get(reverse("monev:follow_ups", args=[scene.government.slug])).content.decode()
    assert "Evaluasi apel pagi" in page and "Susun SK tim" not in page
    other = FollowUp.objects.get(unit=scene.other_agency)
    url = reverse("monev:follow_up", args=[scene.government.slug, other.pk])
    assert client.get(url).status_code == 404

    # The next period's report carries it; done with evidence, it becomes Tabel 2 4.b evidence.
    following = services.create_period(
        scene.government,
        kind=Period.Kind.BERKALA,
        year=2026,
        title="Monev 2026",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        deadline=datetime.date(2026, 8, 31),
        actor=scene.admin,
    )
    next_report = services.start_report(following, scene.agency, scene.team)
    page = client.get(reverse("monev:report", args=[scene.government.slug, next_report.pk]))
    assert "Evaluasi apel pagi" in page.content.decode()
    evidence = store_link(
        government=scene.government,
        unit=scene.agency,
        url="https://drive.example.id/evaluasi-apel",
        title="Laporan evaluasi apel",
        actor=scene.team,
    )
    answer = client.post(
        reverse("monev:follow_up", args=[scene.government.slug, mine.pk]),
        {"done_note": "Evaluasi dilakukan tiap bulan", "evidence": [evidence.pk]},
    )
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    mine.refresh_from_db()
    assert mine.status == FollowUp.Status.DONE
    item = next_report.maturity.get(indicator=4, item="b")
    assert list(item.evidence.all()) == [evidence]
    content = services.report_content(Report.objects.get(pk=next_report.pk))
    assert content["follow_ups"][0]["status"] == "done"


def test_the_city_report_needs_its_signatory_and_a_report_its_signatory(scene):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.team)
    services.save_signatory(report, "Serang", "", "", scene.team)
    services.transition(report, State.APPROVED, scene.head)
    with pytest.raises(ValidationError) as refused:
        services.transition(report, State.SUBMITTED, scene.head)
    assert "signatory_name" in refused.value.message_dict
    services.transition(report, State.DRAFT, scene.head)
    services.save_signatory(report, "Serang", "Ketua Tim", "1970", scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    scene.verify(report)
    services.transition(report, State.ACCEPTED, scene.admin)
    city = services.consolidate(scene.period, scene.admin)
    services.save_city_signatory(city, place="Serang", name="", nip="", actor=scene.admin)
    services.forward(city, scene.sekda)
    with pytest.raises(ValidationError):
        services.acknowledge(city, scene.mayor)


def test_acceptance_needs_the_verification_or_a_reason(scene, client):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    with pytest.raises(ValidationError):
        services.transition(report, State.ACCEPTED, scene.admin)
    client.force_login(scene.admin)
    page = client.get(reverse("monev:report", args=[scene.government.slug, report.pk]))
    assert 'name="accept_unverified"' in page.content.decode()
    client.post(
        reverse("monev:transition", args=[scene.government.slug, report.pk]),
        {"target": "accepted", "accept_unverified": "Verifikasi lapangan minggu depan"},
    )
    report.refresh_from_db()
    assert report.state == State.ACCEPTED
    step = Transition.objects.filter(report=report, target=State.ACCEPTED).get()
    assert "Verifikasi lapangan minggu depan" in step.note


def test_the_verification_form_saves_all_or_nothing(scene, client):
    services.seed_instrument(scene.government, scene.admin)
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.team)
    answers = list(report.maturity.order_by("indicator", "item"))
    services.save_maturity(report, {a.pk: (True, "", []) for a in answers[:2]}, scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    url = reverse("monev:maturity", args=[scene.government.slug, report.pk])
    client.force_login(scene.admin)
    scores = list(report.scores.all())
    # Every answer as the agency gave it, the score fields left empty: all saved, no error.
    data = {f"verified_{a.pk}": "yes" if a in answers[:2] else "no" for a in answers} | {
        f"verified_score_{s.pk}": "" for s in scores
    }
    answer = client.post(url, data)
    assert answer.status_code == 302
    assert report.maturity.filter(verified__isnull=True).count() == 0
    # One answer changed without its reason, a score given: nothing saved, the error at its field.
    data[f"verified_{answers[0].pk}"] = "no"
    data[f"verified_score_{scores[0].pk}"] = "3"
    data[f"score_reason_{scores[0].pk}"] = "Sesuai bukti"
    answer = client.post(url, data)
    body = answer.content.decode()
    assert answer.status_code == 200
    assert f'id="reason_{answers[0].pk}_error"' in body
    answers[0].refresh_from_db()
    scores[0].refresh_from_db()
    assert answers[0].verified is True and scores[0].verified is None


def test_the_summary_names_every_agency_and_the_board_links_only_who_may_open(scene, client):
    late_period = scene.period
    late_period.deadline = datetime.date(2020, 1, 1)  # every submission is late
    late_period.save()
    report = _accepted(scene, scene.agency, scene.team, scene.head)
    city = services.consolidate(scene.period, scene.admin)
    summary = city_summary(city)
    assert [line.agency.name for line in summary.late] == [scene.agency.name]
    assert scene.other_agency.name in [line.agency.name for line in summary.not_reported]
    assert summary.problems == [("Peserta terlambat", 1)]
    assert summary.forms == []  # a row typed in, not from the activity log
    assert summary.counts["held"] == 1
    client.force_login(scene.mayor)
    body = client.get(reverse("monev:city", args=[scene.government.slug, city.pk])).content
    assert scene.other_agency.name in body.decode()
    board = reverse("monev:board", args=[scene.government.slug, scene.period.pk])
    city_url = reverse("monev:city", args=[scene.government.slug, city.pk])
    assert city_url in client.get(board).content.decode()
    client.force_login(scene.team)
    assert city_url not in client.get(board).content.decode()
    assert client.get(city_url).status_code == 403
    report.refresh_from_db()
    assert report.state == State.CONSOLIDATED


def _answer(report, actor, indicators):
    """The agency answers yes every evidence item of the given indicators (no to the others)."""
    services.save_maturity(
        report, {a.pk: (a.indicator in indicators, "", []) for a in report.maturity.all()}, actor
    )


def _agency_row(page: str, name: str) -> str:
    """The agency's row of the summary's table of agencies."""
    row = rf"<tr><td>(?:<a [^>]*>)?{re.escape(name)}(?:</a>)?</td>.*?</tr>"
    found = re.search(row, page, re.S)
    assert found is not None
    return found[0]


def test_the_summary_shows_only_the_maturity_the_agencies_submitted(scene, client, other_head):
    """A city-level page shows what the agencies submitted: an agency that has not submitted
    shows no claimed maturity (not its draft's), one revising a returned report its last
    submitted version's."""
    _accepted(scene, scene.agency, scene.team, scene.head)
    draft = services.start_report(scene.period, scene.other_agency, scene.other_team)
    _answer(draft, scene.other_team, {1})
    assert services.levels(draft)[0] == 1  # the draft claims level 1
    city = services.consolidate(scene.period, scene.admin)
    lines = {line.agency.pk: line for line in city_summary(city).agencies}
    line = lines[scene.other_agency.pk]
    assert line.status == "not_reported" and line.own_level is None and line.verified_level is None
    assert lines[scene.agency.pk].own_level == 0  # the accepted report answered no
    client.force_login(scene.mayor)
    page = client.get(reverse("monev:city", args=[scene.government.slug, city.pk])).content.decode()
    assert "1 / 4" not in _agency_row(page, scene.other_agency.name)
    assert "0 / 4" in _agency_row(page, scene.agency.name)

    # Submitted at level 1, returned, and back in draft claiming level 2: still 1.
    services.save_row(
        draft,
        None,
        {
            "indicator": 1,
            "when": "03-2025",
            "activity_title": "Apel nilai",
            "form": "Apel",
            "problems": "",
            "solutions": "",
        },
        [],
        scene.other_team,
    )
    services.transition(draft, State.APPROVED, other_head)
    services.transition(draft, State.SUBMITTED, other_head)
    services.transition(
        draft,
        State.RETURNED,
        scene.admin,
        comments={str(draft.rows.get().key): "Lampirkan daftar hadir"},
    )
    services.transition(draft, State.DRAFT, scene.other_team)
    draft.refresh_from_db()
    _answer(draft, scene.other_team, {1, 2})
    assert services.levels(draft)[0] == 2
    line = {line.agency.pk: line for line in city_summary(city).agencies}[scene.other_agency.pk]
    assert line.status != "not_reported" and line.own_level == 1
    page = client.get(reverse("monev:city", args=[scene.government.slug, city.pk])).content.decode()
    assert "1 / 4" in _agency_row(page, scene.other_agency.name)


def test_every_workflow_step_asks_first(scene, client):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.team)
    client.force_login(scene.head)
    body = client.get(reverse("monev:report", args=[scene.government.slug, report.pk])).content
    forms = [part for part in body.decode().split("<form")[1:] if "monev/" in part[:300]]
    steps = [part for part in forms if 'name="target"' in part]
    assert steps and all("data-confirm" in part.split(">")[0] for part in steps)


def test_what_awaits_each_office(scene, client):
    _accepted(scene, scene.agency, scene.team, scene.head)
    board = reverse("monev:board", args=[scene.government.slug, scene.period.pk])
    # To consolidate (the government's unfinished setup checklist is another app's item).
    monev = [i.url for i in pending.pending_for(scene.admin) if i.section == "monev:"]
    assert monev == [board]
    city = services.consolidate(scene.period, scene.admin)
    mine = pending.pending_for(scene.sekda)
    assert [i.url for i in mine] == [reverse("monev:city", args=[scene.government.slug, city.pk])]
    assert pending.pending_for(scene.mayor) == []
    services.forward(city, scene.sekda)
    assert [i.url for i in pending.pending_for(scene.mayor)] == [mine[0].url]
    for user in (scene.admin, scene.sekda, scene.mayor, scene.team, scene.head):
        client.force_login(user)
        for item in pending.pending_for(user):
            assert client.get(item.url).status_code == 200, (user, item)


def test_the_partial_city_reports_of_before_become_versions_with_their_hashes(scene):
    """Migration monev 0006: several city reports of a period (made before issue 19) are the
    versions of its one city report, their content and hash untouched, their state and chain
    taken from the dates they hold."""
    import importlib

    from django.apps import apps

    from budaya.monev.models import CityReport, CityStep

    migration = importlib.import_module("budaya.monev.migrations.0006_city_versions_follow_ups")
    made = []
    for number in (1, 2):
        content = services.canonical_json(services.city_content(scene.period, [], number))
        made.append(
            CityReport.objects.create(
                government=scene.government,
                period=scene.period,
                number=number,
                canonical=content,
                sha256=services.sha256_of(content),
                forwarded_by=scene.sekda,
                forwarded_at=timezone.now(),
                acknowledged_by=scene.mayor if number == 1 else None,
                acknowledged_at=timezone.now() if number == 1 else None,
            )
        )
    before = {c.pk: (c.canonical, c.sha256) for c in made}
    migration.forward(apps, None)
    after = {c.pk: (c.canonical, c.sha256, c.state) for c in CityReport.objects.all()}
    assert {pk: value[:2] for pk, value in after.items()} == before
    assert [after[c.pk][2] for c in made] == ["acknowledged", "forwarded"]
    assert list(CityStep.objects.filter(city=made[0]).values_list("step", "actor")) == [
        ("forward", scene.sekda.pk),
        ("acknowledge", scene.mayor.pk),
    ]
    assert all(c.verify() for c in CityReport.objects.all())


def test_the_agency_page_shows_its_open_follow_ups_to_who_may_read_them(
    scene, world, client, django_assert_num_queries
):
    """Issue 19, Deliver 2: the directions land "on the agency's page": the unit's page lists
    the agency's open follow-ups (due date, status, link) to whoever may read them, in one
    query whatever their number; done ones leave the list."""
    _accepted(scene, scene.agency, scene.team, scene.head)
    city = services.consolidate(scene.period, scene.admin)
    services.forward(city, scene.sekda, note="Mohon arahan")
    due = timezone.localdate() + datetime.timedelta(days=30)
    services.acknowledge(
        city,
        scene.mayor,
        disposition="Perkuat internalisasi nilai.",
        directions=[
            services.Direction(unit=scene.agency, text="Evaluasi apel pagi", due_on=due),
            services.Direction(unit=scene.other_agency, text="Susun SK tim", due_on=due),
        ],
    )
    slug = scene.government.slug
    mine = FollowUp.objects.get(unit=scene.agency)
    page_of = {
        unit: reverse("org:unit_detail", args=[slug, unit.pk])
        for unit in (scene.agency, scene.other_agency)
    }
    link = f'href="{reverse("monev:follow_up", args=[slug, mine.pk])}"'

    for user in (scene.admin, scene.mayor, scene.team, scene.head):
        client.force_login(user)
        body = client.get(page_of[scene.agency]).content.decode()
        assert "Tindak lanjut arahan pimpinan yang belum selesai" in body
        assert link in body and "Evaluasi apel pagi" in body
        assert "Belum selesai" in body and "Susun SK tim" not in body
        # The link opens for each of them.
        assert client.get(reverse("monev:follow_up", args=[slug, mine.pk])).status_code == 200
    client.force_login(scene.admin)
    body = client.get(page_of[scene.other_agency]).content.decode()
    assert "Susun SK tim" in body and "Evaluasi apel pagi" not in body

    # Another agency's people never see this agency's directions, on any page.
    client.force_login(scene.other_team)
    assert "Evaluasi apel pagi" not in client.get(page_of[scene.agency]).content.decode()
    assert "Susun SK tim" in client.get(page_of[scene.other_agency]).content.decode()
    # A sub-unit with none shows no such section.
    client.force_login(scene.admin)
    sub = client.get(reverse("org:unit_detail", args=[slug, world.sub_unit.pk]))
    assert "Tindak lanjut arahan pimpinan" not in sub.content.decode()

    # Past its due date it says so; one query whatever the number of follow-ups.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    FollowUp.objects.filter(pk=mine.pk).update(due_on=yesterday)
    client.force_login(scene.admin)
    client.get(page_of[scene.agency])
    with CaptureQueriesContext(connection) as one:
        body = client.get(page_of[scene.agency]).content.decode()
    assert "lewat tenggat" in body
    FollowUp.objects.bulk_create(
        FollowUp(
            government=scene.government,
            period=scene.period,
            city=city,
            unit=scene.agency,
            text=f"Arahan {number}",
            due_on=due,
        )
        for number in range(25)
    )
    with django_assert_num_queries(len(one)):
        body = client.get(page_of[scene.agency]).content.decode()
    assert len(re.findall(r"/follow-ups/\d+/", body)) == 20  # the rest a click away
    assert "Semua tindak lanjut yang belum selesai" in body

    # Reported done, it leaves the agency's page.
    FollowUp.objects.exclude(pk=mine.pk).delete()
    client.force_login(scene.team)
    answer = client.post(
        reverse("monev:follow_up", args=[slug, mine.pk]), {"done_note": "Evaluasi dilakukan"}
    )
    assert answer.status_code == 302
    body = client.get(page_of[scene.agency]).content.decode()
    assert (
        "Evaluasi apel pagi" not in body and "Tidak ada tindak lanjut yang belum selesai." in body
    )
