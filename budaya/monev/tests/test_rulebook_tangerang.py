"""Issue 18: a government whose regulation sets its own monitoring (Tangerang's file: three row
groups under Lampiran II II.3, no maturity table, the KBK's chain, its own signatories) gets
exactly that, and nothing of another regulation (no Tabel 2, no reform team's title)."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from budaya.monev import exports, rules, services
from budaya.monev.models import MaturityAnswer, Period, State, default_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene_rulebook() -> str:
    return "kota-tangerang"


def _prepared(scene):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(
        report, [(scene.activities[0], 1), (scene.activities[1], 3)], scene.team
    )
    return report


def test_the_form_and_no_maturity(scene, client):
    report = _prepared(scene)
    form = rules.book_of(scene.period).monev.report_form
    assert [g.number for g in form.row_groups] == [1, 2, 3]
    assert not MaturityAnswer.objects.filter(report=report).exists()
    assert services.levels(report) == (0, None)
    with pytest.raises(ValidationError):  # a fourth group does not exist in this form
        services.save_row(
            report,
            None,
            {
                "indicator": 4,
                "when": "x",
                "activity_title": "x",
                "form": "",
                "problems": "",
                "solutions": "",
            },
            [],
            scene.team,
        )
    client.force_login(scene.team)
    page = client.get(reverse("monev:report", args=[scene.government.slug, report.pk]))
    body = page.content.decode()
    assert form.title in body and form.row_groups[0].heading in body
    assert "Rencana Tindakan" in body  # its own column 6
    assert "Tabel" not in body and "Maturity level" not in body and "Tingkat maturitas" not in body
    maturity = client.get(reverse("monev:maturity", args=[scene.government.slug, report.pk]))
    assert "Tabel 2" not in maturity.content.decode()


def test_the_kbk_chain(scene):
    report = _prepared(scene)
    with pytest.raises(PermissionDenied):  # the penanggung-jawab approves, not the KBK
        services.transition(report, State.APPROVED, scene.team)
    services.transition(report, State.APPROVED, scene.head)
    with pytest.raises(PermissionDenied):  # and submits it (agency_head), not the KBK
        services.transition(report, State.SUBMITTED, scene.team)
    services.transition(report, State.SUBMITTED, scene.head)
    scene.verify(report)
    services.transition(report, State.ACCEPTED, scene.admin)
    city = scene.sign_city(services.consolidate(scene.period, scene.admin))
    with pytest.raises(PermissionDenied):
        services.forward(city, scene.mayor)
    services.forward(city, scene.sekda)
    city.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.acknowledge(city, scene.sekda)
    services.acknowledge(city, scene.mayor)


def test_its_deadline_and_signatories(scene):
    assert default_deadline(scene.government, 2027) == datetime.date(2027, 12, 15)
    report = _prepared(scene)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    document = exports.agency_document(report, report.versions.get())
    assert document.title == "Laporan Monitoring dan Evaluasi Pengembangan Budaya Kerja"
    assert [s.title for s in document.signatures] == [
        "Kepala OPD selaku Penanggung-jawab Kelompok Budaya Kerja"
    ]
    with zipfile.ZipFile(io.BytesIO(exports.docx(document))) as archive:
        body = archive.read("word/document.xml").decode()
    assert "Percepatan" not in body and "Serang" not in body
    assert "Kepala OPD selaku Penanggung-jawab Kelompok Budaya Kerja," in body
    assert "Keterangan:" in body and "Rencana tindakan (action plan)" in body
    scene.verify(report)
    services.transition(report, State.ACCEPTED, scene.admin)
    city = scene.sign_city(services.consolidate(scene.period, scene.admin))
    services.forward(city, scene.sekda)
    city.refresh_from_db()
    services.acknowledge(city, scene.mayor)
    city.refresh_from_db()
    blocks = [(s.title, s.name) for s in exports.city_document(city).signatures]
    assert blocks[1:] == [
        ("Sekretaris Daerah Kota Tangerang", "w.sekda"),
        ("Walikota Tangerang", "w.walikota"),
    ]
    assert blocks[0][0] == "Ketua Tim Manajemen Perubahan Kota Tangerang"


def test_reminders_on_its_days(scene):
    from django.core.management import call_command

    from budaya.monev.models import Reminder

    period = Period.objects.get(pk=scene.period.pk)
    for days in (30, 7, 1, 5):
        call_command(
            "daily",
            today=(period.deadline - datetime.timedelta(days=days)).isoformat(),
            verbosity=0,
        )
    assert sorted(set(Reminder.objects.values_list("days_before", flat=True))) == [1, 7, 30]
