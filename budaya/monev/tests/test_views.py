"""Pages: the maturity form with an attachment, the city team's verification, the diff page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from budaya.monev import services
from budaya.monev.models import State

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_maturity_answer_with_a_file_then_verified_with_a_reason(client, scene):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.team)
    first = report.maturity.get(indicator=1, item="a")
    url = reverse("monev:maturity", args=[scene.government.slug, report.pk])
    client.force_login(scene.team)
    response = client.post(
        url,
        {
            f"answer_{first.pk}": "yes",
            f"note_{first.pk}": "Slogan di lobi",
            f"upload_{first.pk}": SimpleUploadedFile("slogan.png", _png()),
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.answer is True and first.evidence.count() == 1
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)

    client.force_login(scene.admin)
    page = client.get(url).content.decode()
    assert "Sudah ada slogan-slogan yang menggambarkan nilai organisasi" in page
    assert "Ada slogan nilai organisasi" in page
    client.post(url, {f"verified_{first.pk}": "no"})  # no reason: refused
    first.refresh_from_db()
    assert first.verified is None
    client.post(url, {f"verified_{first.pk}": "no", f"reason_{first.pk}": "Tidak tampak di foto"})
    first.refresh_from_db()
    assert first.verified is False and first.reason == "Tidak tampak di foto"
    assert first.answer is True  # the agency's answer is kept


def test_versions_page_shows_the_diff(client, scene):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    row = report.rows.get()
    services.transition(report, State.RETURNED, scene.admin, comments={str(row.key): "Lengkapi"})
    services.transition(report, State.DRAFT, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[1], 4)], scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    client.force_login(scene.admin)
    page = client.get(reverse("monev:versions", args=[scene.government.slug, report.pk]))
    text = page.content.decode()
    assert "Perubahan dari versi 1 ke versi 2" in text
    assert "Ditambahkan" in text and "Pemasangan twibbon" in text
    assert text.count("tidak berubah") == 2


def test_yearly_period_takes_the_government_deadline_and_special_its_own(client, scene):
    from budaya.monev.models import Period

    client.force_login(scene.admin)
    url = reverse("monev:period_create", args=[scene.government.slug])
    client.post(url, {"deadline_month": "7", "deadline_day": "15"})
    client.post(
        url,
        {
            "kind": "berkala",
            "year": "2026",
            "title": "Monev 2026",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert Period.objects.get(title="Monev 2026").deadline.isoformat() == "2026-07-15"
    response = client.post(
        url,
        {
            "kind": "khusus",
            "year": "2026",
            "title": "Monev khusus pelayanan",
            "starts_on": "2026-03-01",
            "ends_on": "2026-04-30",
        },
    )
    assert "Periode khusus memerlukan batas waktunya sendiri." in response.content.decode()
    client.post(
        url,
        {
            "kind": "khusus",
            "year": "2026",
            "title": "Monev khusus pelayanan",
            "starts_on": "2026-03-01",
            "ends_on": "2026-04-30",
            "deadline": "2026-05-10",
            "units": [scene.other_agency.pk],
        },
    )
    special = Period.objects.get(title="Monev khusus pelayanan")
    assert list(special.agencies()) == [scene.other_agency]


def test_overdue_list_for_the_regional_secretary(client, scene):
    client.force_login(scene.sekda)
    page = client.get(reverse("monev:overdue", args=[scene.government.slug])).content.decode()
    assert "Monev 2025" in page and "Dinas Pendidikan" in page and "Dinas Kesehatan" in page
    client.force_login(scene.team)
    assert client.get(reverse("monev:overdue", args=[scene.government.slug])).status_code == 403


def test_instrument_loaded_from_the_rulebook_extended_and_trimmed(client, scene):
    from budaya.monev.models import Instrument, Question

    client.force_login(scene.admin)
    url = reverse("monev:instrument", args=[scene.government.slug])
    page = client.get(url).content.decode()
    # One button: the rulebook's evaluation areas, not one per city.
    assert page.count('name="load"') == 1
    client.post(url, {"load": "rulebook"})
    instrument = Instrument.objects.get(government=scene.government, active=True)
    assert list(instrument.questions.values_list("area", flat=True)) == [
        "pelaksanaan Budaya Kerja",
        "komitmen",
        "sarana dan prasarana",
    ]
    assert instrument.source == "S Pasal 11 ayat (4)"
    client.post(
        url,
        {
            "area_code": "c",
            "area": "perilaku kerja",
            "text": "Apel tepat waktu?",
            "max_score": 4,
            "order": 4,
        },
    )
    added = Question.objects.get(text="Apel tepat waktu?")
    client.post(url, {"remove": added.pk})
    assert not Question.objects.filter(pk=added.pk).exists()
    client.post(url, {"load": "rulebook"})
    assert Instrument.objects.filter(government=scene.government).count() == 1


def test_the_team_reads_who_takes_its_draft_next(client, scene):
    # A team reading its draft saw no step of its own and no word of how the report goes up.
    report = services.start_report(scene.period, scene.agency, scene.team)
    client.force_login(scene.team)
    page = client.get(reverse("monev:report", args=[scene.government.slug, report.pk]))
    text = " ".join(page.content.decode().split())
    assert "Langkah berikutnya: <strong>Setujui</strong>, oleh kepala Perangkat Daerah." in text
    # The head, who makes that step, gets its button instead.
    client.force_login(scene.head)
    page = client.get(reverse("monev:report", args=[scene.government.slug, report.pk]))
    assert "Langkah berikutnya" not in page.content.decode()
