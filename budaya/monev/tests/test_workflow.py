"""The report's state machine: legal moves only, by the role allowed, separated where the
regulation separates them; frozen versions with hashes; the diff; every move audited."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budaya.accounts.models import AuditEntry
from budaya.monev import rules, services
from budaya.monev.models import ReportVersion, State, Transition
from budaya.rulebook.selectors import current_rulebook

pytestmark = pytest.mark.django_db


def _prepared(scene):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(
        report, [(scene.activities[0], 1), (scene.activities[1], 3)], scene.team
    )
    return report


def test_the_chain_names_every_state_as_a_target(scene):
    targets = {move.target for move in rules.chain_moves(rules.book_of(scene.period))}
    assert targets == set(State.values)


def test_rows_come_from_the_activity_log_with_evidence_linked(scene):
    report = _prepared(scene)
    rows = list(report.rows.order_by("indicator"))
    assert [(r.indicator, r.activity_title) for r in rows] == [
        (1, "Pembacaan nilai BerAKHLAK"),
        (3, "Pemasangan twibbon"),
    ]
    assert rows[0].when == "10-03-2025"
    assert rows[0].problems == "Peserta terlambat"
    # linked: the same evidence rows as the activity's
    assert list(rows[0].evidence.all()) == list(scene.activities[0].evidence.all())
    assert report.maturity.count() == 8


def test_the_whole_way_up_with_a_return(scene):
    report = _prepared(scene)
    # the unit team prepared it: the unit head approves, the team may not
    with pytest.raises(PermissionDenied):
        services.transition(report, State.APPROVED, scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    report.refresh_from_db()
    first = ReportVersion.objects.get(report=report, number=1)
    assert first.verify()
    assert json.loads(first.canonical)["rows"][0]["activity"] == "Pembacaan nilai BerAKHLAK"

    # a submitted report cannot be edited, and the version never changes
    with pytest.raises(ValidationError):
        services.delete_row(report.rows.first(), scene.team)
    with pytest.raises(ValueError):
        first.save()

    row = report.rows.get(indicator=3)
    with pytest.raises(ValidationError):  # a return says what to fix
        services.transition(report, State.RETURNED, scene.admin)
    services.transition(
        report, State.RETURNED, scene.admin, comments={str(row.key): "Lampirkan daftar hadir"}
    )
    assert report.comments.get().text == "Lampirkan daftar hadir"
    services.transition(report, State.DRAFT, scene.team)
    report.refresh_from_db()
    assert report.version == 2
    services.save_row(
        report,
        row,
        {
            "indicator": 3,
            "when": row.when,
            "activity_title": row.activity_title,
            "form": row.form,
            "problems": row.problems,
            "solutions": "Daftar hadir dilampirkan",
        },
        list(row.evidence.all()),
        scene.team,
    )
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    second = ReportVersion.objects.get(report=report, number=2)
    assert second.sha256 != first.sha256
    first.refresh_from_db()
    assert first.verify() and second.verify()
    changes = services.diff(json.loads(first.canonical), json.loads(second.canonical))
    assert [c["change"] for c in changes] == ["changed"]
    assert changes[0]["fields"][0]["new"] == "Daftar hadir dilampirkan"

    scene.verify(report)

    services.transition(report, State.ACCEPTED, scene.admin)
    with pytest.raises(ValidationError):  # no skipping
        services.transition(report, State.FORWARDED, scene.sekda)
    city = services.consolidate(scene.period, scene.admin)
    assert city.verify()
    with pytest.raises(PermissionDenied):  # the consolidator is not the regional secretary
        services.forward(city, scene.admin)
    services.forward(city, scene.sekda)
    with pytest.raises(PermissionDenied):  # who forwarded does not acknowledge
        services.acknowledge(city, scene.sekda)
    services.acknowledge(city, scene.mayor)
    report.refresh_from_db()
    assert report.state == State.ACKNOWLEDGED
    steps = list(Transition.objects.filter(report=report).values_list("source", "target"))
    assert steps == [
        ("draft", "approved"),
        ("approved", "submitted"),
        ("submitted", "returned"),
        ("returned", "draft"),
        ("draft", "approved"),
        ("approved", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "consolidated"),
        ("consolidated", "forwarded"),
        ("forwarded", "acknowledged"),
    ]
    moves = AuditEntry.objects.filter(object_type="monev.report", action="other")
    assert moves.count() == len(steps)


def test_the_unit_head_cannot_approve_own_draft(scene):
    report = services.start_report(scene.period, scene.agency, scene.head)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.head)
    with pytest.raises(PermissionDenied):
        services.transition(report, State.APPROVED, scene.head)
    assert services.allowed_moves(report, scene.head) == []


def test_the_city_team_cannot_approve_and_the_agency_cannot_accept(scene):
    report = _prepared(scene)
    with pytest.raises(PermissionDenied):
        services.transition(report, State.APPROVED, scene.admin)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    with pytest.raises(PermissionDenied):
        services.transition(report, State.ACCEPTED, scene.head)


def test_maturity_level_and_verification(scene):
    report = _prepared(scene)
    answers = {(a.indicator, a.item): a for a in report.maturity.all()}
    services.save_maturity(
        report,
        {answers[k].pk: (True, "", []) for k in [(1, "a"), (1, "b"), (2, "a"), (2, "b"), (3, "a")]},
        scene.team,
    )
    assert services.levels(report) == (2, None)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    with pytest.raises(ValidationError):  # a change needs a reason
        services.verify_maturity(answers[(2, "b")], False, "", scene.admin)
    for key, answer in answers.items():
        answer.refresh_from_db()
        value = bool(answer.answer) and key != (2, "b")
        services.verify_maturity(answer, value, "SK belum ditandatangani", scene.admin)
    assert services.levels(report) == (2, 1)
    maturity = current_rulebook(scene.government).monev.maturity
    assert maturity is not None and maturity.level({(1, "a"): True}) == 0


def test_verify_reports_finds_a_changed_version(scene):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    report = _prepared(scene)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    call_command("verify_reports", verbosity=0)
    # A change behind the application's back (the model refuses a save) is found.
    ReportVersion.objects.filter(report=report).update(canonical='{"rows":[]}')
    with pytest.raises(CommandError, match="version 1"):
        call_command("verify_reports", verbosity=0)


def _rewrite_version(version: ReportVersion, canonical: str) -> str:
    """What someone with database access does: new content and its recomputed hash."""
    from django.db import connection

    sha256 = services.sha256_of(canonical)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE monev_reportversion SET canonical = %s, sha256 = %s WHERE id = %s",
            [canonical, sha256, version.pk],
        )
    return sha256


def test_verify_reports_finds_a_version_rewritten_with_its_hash(scene):
    """Issue 17: the stored hash recomputed after the change matches the changed text; the hash
    recorded in the (keyed) audit entry at submission does not."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    report = _prepared(scene)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    version = ReportVersion.objects.get(report=report)
    content = json.loads(version.canonical)
    content["rows"] = content["rows"][:1]
    _rewrite_version(version, services.canonical_json(content))
    with pytest.raises(CommandError) as broken:
        call_command("verify_reports", verbosity=0)
    assert (
        f"{scene.agency.name}, report {report.pk} version 1: hash differs from the one its "
        "audit entry recorded"
    ) in str(broken.value)


def test_verify_reports_finds_a_consolidated_version_rewritten_with_its_audit_entry(scene):
    """The audit entry rewritten as well (verify_audit then names it by its MAC): the city
    report still holds the hash it consolidated."""
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    from budaya.accounts import audit

    report = _prepared(scene)
    for target, actor in (
        (State.APPROVED, scene.head),
        (State.SUBMITTED, scene.head),
    ):
        services.transition(report, target, actor)
    services.transition(report, State.ACCEPTED, scene.admin, accept_unverified="Dicek kemudian")
    city = services.consolidate(scene.period, scene.admin)
    out = io.StringIO()
    call_command("verify_reports", stdout=out)
    assert out.getvalue().startswith("2 submitted versions and city reports match")
    version = ReportVersion.objects.get(report=report)
    content = json.loads(version.canonical)
    content["rows"] = content["rows"][:1]
    forged = _rewrite_version(version, services.canonical_json(content))
    entry = AuditEntry.objects.get(object_type="monev.reportversion", object_id=str(version.pk))
    audit.drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditentry SET after = %s WHERE id = %s",
            [json.dumps({"number": 1, "sha256": forged}), entry.pk],
        )
    with pytest.raises(CommandError) as broken:
        call_command("verify_reports", verbosity=0)
    assert f"version 1: hash differs from the one city report {city.pk} holds" in str(broken.value)


def test_deleting_an_activity_keeps_the_evidence_a_report_links(scene):
    from budaya.activities.services import delete_activity

    report = _prepared(scene)
    row = report.rows.get(indicator=1)
    evidence = list(row.evidence.all())
    delete_activity(scene.activities[0], scene.team)
    row.refresh_from_db()
    assert row.activity is None and row.activity_title == "Pembacaan nilai BerAKHLAK"
    assert list(row.evidence.all()) == evidence
