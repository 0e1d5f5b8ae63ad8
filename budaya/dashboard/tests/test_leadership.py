"""The leadership report of a period (issue 20 item 4): asked for on the dashboard, made in the
background, stored with its hash in versions, read back from the PDF as its readers see it."""

from __future__ import annotations

import datetime
import hashlib
import io
import socket
from types import SimpleNamespace

import pypdfium2
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from budaya.accounts.models import AuditEntry, Role
from budaya.dashboard import leadership, services
from budaya.dashboard.models import LeadershipReport
from budaya.monev import aggregates
from budaya.monev import services as monev_services
from budaya.monev.models import CityReport, FollowUp, Period, Report
from budaya.monev.summary import LATE, NOT_REPORTED, ON_TIME
from budaya.notifications.models import Notification
from budaya.org.models import Employee
from budaya.rulebook import services as rulebook_services

pytestmark = pytest.mark.django_db

# A4 in PDF points (1/72 inch): 210 × 297 mm.
A4 = (595.3, 841.9)


@pytest.fixture
def scene(world):
    """A period past its deadline: the own agency has a draft (late), the other agency none;
    the head of government's directions: one done by the own agency, one the other agency has
    not done past its due date. The leadership user holds the office of regional secretary."""
    government = world.government
    period = Period.objects.create(
        government=government,
        kind=Period.Kind.BERKALA,
        year=2025,
        title="Monev 2025",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 8, 31),
    )
    report = Report.objects.create(government=government, period=period, unit=world.agency)
    aggregates.refresh(report)
    content = monev_services.canonical_json(monev_services.city_content(period, [], 1))
    city = CityReport.objects.create(
        government=government,
        period=period,
        canonical=content,
        sha256=monev_services.sha256_of(content),
    )
    FollowUp.objects.create(
        government=government,
        period=period,
        city=city,
        unit=world.other_agency,
        text="Perkuat apel pagi di puskesmas",
        due_on=datetime.date(2025, 11, 30),
    )
    FollowUp.objects.create(
        government=government,
        period=period,
        city=city,
        unit=world.agency,
        text="Lengkapi SK tim budaya kerja",
        due_on=datetime.date(2025, 10, 31),
        status=FollowUp.Status.DONE,
        done_note="SK ditandatangani",
    )
    sekda = world.user(Role.LEADERSHIP)
    sekda.role_grants.update(office="sekda")
    sekda.employee = Employee.objects.create(
        government=government,
        unit=world.agency,
        nip="197001011995031001",
        name="Ahmad Sekretaris Fiktif",
        sex="L",
        status="PNS",
    )
    sekda.save(update_fields=["employee"])
    return SimpleNamespace(period=period, report=report, sekda=sekda)


def _make(client, user, government, period, capture):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(
            reverse("dashboard:report_create", args=[government.slug, period.pk])
        )
    assert response.status_code == 302
    return LeadershipReport.objects.filter(period=period).order_by("-number").first()


def _pages(data: bytes) -> list[tuple[tuple[float, float], str]]:
    document = pypdfium2.PdfDocument(data)
    return [
        (tuple(round(side, 1) for side in page.get_size()), page.get_textpage().get_text_range())
        for page in document
    ]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_holds_the_letterhead_the_agencies_behind_the_follow_ups_and_the_signatory(
    client, world, scene, django_capture_on_commit_callbacks
):
    made = _make(
        client,
        world.user(Role.CITY_ADMIN),
        world.government,
        scene.period,
        django_capture_on_commit_callbacks,
    )
    assert made.status == LeadershipReport.Status.READY, made.error
    response = client.get(reverse("dashboard:report_file", args=[world.government.slug, made.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "laporan-pimpinan-2025" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == made.sha256
    pages = _pages(data)
    assert len(pages) == made.pages >= 2
    assert all(size == A4 for size, _text in pages)
    first = _flat(pages[0][1])
    everything = _flat(" ".join(text for _size, text in pages))
    # The letterhead, the title and the period.
    assert "PEMERINTAH KOTA TANGERANG" in first
    assert "LAPORAN PIMPINAN" in first and "Monev 2025" in first
    # The summary names who reported how; both agencies are behind, with the dashboard's words.
    assert "Melapor tepat waktu (0)" in everything and "Terlambat melapor (0)" in everything
    not_reported = everything.split("Tidak melapor (2)")[1].split("Tingkat maturitas")[0]
    assert "Dinas Pendidikan" in not_reported and "Dinas Kesehatan" in not_reported
    assert "Belum ada laporan untuk Monev 2025 (batas waktu 31-08-2025)." in everything
    assert "Laporan belum disampaikan sampai batas waktu 31-08-2025 (Draf)." in everything
    # The follow-ups with their status and due dates (Indonesian dates).
    assert "Perkuat apel pagi di puskesmas" in everything
    assert "30 November 2025" in everything and "belum selesai, lewat batas waktu" in everything
    assert "Lengkapi SK tim budaya kerja" in everything and "31 Oktober 2025" in everything
    # The signatory the starter rulebook names (the regional secretary), under the office's title
    # and on the same page.
    signed = [_flat(text) for _size, text in pages if "Sekretaris Daerah," in text]
    assert len(signed) == 1
    assert "(Ahmad Sekretaris Fiktif)" in signed[0] and "NIP 197001011995031001" in signed[0]
    # The QR code's page: the version, its hash checked again.
    page = client.get(reverse("dashboard:report", args=[world.government.slug, made.pk]))
    html = page.content.decode()
    assert "Berkas tersimpan tidak berubah" in html and made.sha256 in html


def test_asking_queues_a_version_that_the_task_makes_audited_and_announced(
    client, world, scene, django_capture_on_commit_callbacks
):
    admin = world.user(Role.CITY_ADMIN)
    made = _make(client, admin, world.government, scene.period, django_capture_on_commit_callbacks)
    assert made.number == 1 and made.pages > 0 and made.finished_at is not None
    entries = list(
        AuditEntry.objects.filter(object_type="dashboard.leadershipreport", object_id=str(made.pk))
        .order_by("pk")
        .values_list("actor_id", "action", "after")
    )
    assert [(actor, action) for actor, action, _after in entries] == [
        (admin.pk, "create"),
        (None, "update"),
    ]
    assert entries[1][2]["status"] == "ready" and entries[1][2]["sha256"] == made.sha256
    # The one who asked is told it is ready (once).
    note = Notification.objects.get(recipient=admin, kind="dashboard.leadership_report.ready")
    assert note.subject == "Laporan pimpinan siap: Monev 2025"
    # Asked again: the next version; the first and its file are kept.
    again = _make(client, admin, world.government, scene.period, django_capture_on_commit_callbacks)
    assert again.number == 2 and again.status == LeadershipReport.Status.READY
    made.refresh_from_db()
    assert made.verify() and again.verify() and made.file.name != again.file.name
    html = client.get(reverse("dashboard:report", args=[world.government.slug, again.pk]))
    versions = html.content.decode().split('id="versions-heading"')[1]
    assert reverse("dashboard:report", args=[world.government.slug, made.pk]) in versions


def test_the_dashboard_offers_the_button_to_the_city_roles_only(client, world, scene):
    url = reverse("dashboard:government", args=[world.government.slug])
    create = reverse("dashboard:report_create", args=[world.government.slug, scene.period.pk])
    for role in (Role.CITY_ADMIN, Role.LEADERSHIP):
        client.force_login(world.user(role))
        html = client.get(url).content.decode()
        assert "Buat laporan pimpinan" in html and f'action="{create}"' in html
    client.force_login(world.user(Role.UNIT_HEAD))
    html = client.get(url).content.decode()
    assert "Buat laporan pimpinan" not in html


def test_an_agency_head_is_refused_and_another_government_is_not_found(
    client, world, scene, django_capture_on_commit_callbacks
):
    made = _make(
        client,
        world.user(Role.CITY_ADMIN),
        world.government,
        scene.period,
        django_capture_on_commit_callbacks,
    )
    slug = world.government.slug
    client.force_login(world.user(Role.UNIT_HEAD))
    assert (
        client.post(reverse("dashboard:report_create", args=[slug, scene.period.pk])).status_code
        == 403
    )
    assert client.get(reverse("dashboard:report", args=[slug, made.pk])).status_code == 403
    assert client.get(reverse("dashboard:report_file", args=[slug, made.pk])).status_code == 403
    assert LeadershipReport.objects.count() == 1
    client.force_login(world.foreign_user)
    assert client.get(reverse("dashboard:report", args=[slug, made.pk])).status_code == 404
    assert client.get(reverse("dashboard:report_file", args=[slug, made.pk])).status_code == 404
    # The service refuses too, whoever calls it.
    with pytest.raises(PermissionDenied):
        services.request_report(
            period=scene.period, actor=world.user(Role.UNIT_HEAD), base_url="http://x"
        )


def _interrupted(world, scene, status, **runner) -> LeadershipReport:
    """A version of the period's report whose making was interrupted (its process gone)."""
    return LeadershipReport.objects.create(
        government=world.government,
        period=scene.period,
        number=1,
        requested_by=world.user(Role.CITY_ADMIN),
        status=status,
        **runner,
    )


def test_a_version_whose_worker_died_is_failed_and_can_be_tried_again(
    client, world, scene, django_capture_on_commit_callbacks
):
    admin = world.user(Role.CITY_ADMIN)
    # Process 1 of this host, but not the one that took the job (another start time).
    report = _interrupted(
        world,
        scene,
        LeadershipReport.Status.RUNNING,
        runner=f"{socket.gethostname()}:1:no-such-start",
    )
    client.force_login(admin)
    url = reverse("dashboard:report", args=[world.government.slug, report.pk])
    html = client.get(url).content.decode()
    assert "Proses latar belakang berhenti sebelum laporan selesai dibuat." in html
    assert "Coba lagi" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard:report_retry", args=[world.government.slug, report.pk]))
    report.refresh_from_db()
    assert report.status == LeadershipReport.Status.READY and report.verify()


def test_daily_fails_a_version_whose_worker_died_and_the_dashboard_offers_to_try_again(
    client, world, scene, django_capture_on_commit_callbacks
):
    """A version whose process was killed while it was made, and nobody opens its page: the
    daily run fails it (as the imports), and the dashboard shows why with a retry button."""
    admin = world.user(Role.CITY_ADMIN)
    report = _interrupted(
        world,
        scene,
        LeadershipReport.Status.RUNNING,
        runner="worker-2:4242:99",  # another host, not heard of for a long time
        heartbeat_at=datetime.datetime(2025, 1, 31, tzinfo=datetime.UTC),
    )
    out = io.StringIO()
    with translation.override("id"):  # as cron runs it: the site's language
        call_command("daily", stdout=out)
    assert "1 interrupted leadership reports failed" in out.getvalue()
    report.refresh_from_db()
    assert report.status == LeadershipReport.Status.FAILED
    client.force_login(admin)
    html = client.get(reverse("dashboard:government", args=[world.government.slug]))
    section = html.content.decode().split('id="leadership-heading"')[1].split("</section>")[0]
    assert "Proses latar belakang berhenti sebelum laporan selesai dibuat." in section
    retry = reverse("dashboard:report_retry", args=[world.government.slug, report.pk])
    assert f'action="{retry}"' in section and "Coba lagi" in section
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry)
    report.refresh_from_db()
    assert report.status == LeadershipReport.Status.READY and report.verify()


def test_the_dashboard_fails_the_latest_version_whose_process_is_gone(client, world, scene):
    admin = world.user(Role.CITY_ADMIN)
    report = _interrupted(
        world,
        scene,
        LeadershipReport.Status.QUEUED,
        runner=f"{socket.gethostname()}:1:no-such-start",
    )
    client.force_login(admin)
    html = client.get(reverse("dashboard:government", args=[world.government.slug]))
    section = html.content.decode().split('id="leadership-heading"')[1].split("</section>")[0]
    assert "Proses latar belakang berhenti sebelum laporan selesai dibuat." in section
    assert reverse("dashboard:report_retry", args=[world.government.slug, report.pk]) in section
    report.refresh_from_db()
    assert report.status == LeadershipReport.Status.FAILED


def test_a_changed_file_is_shown_as_no_longer_matching(
    client, world, scene, django_capture_on_commit_callbacks
):
    made = _make(
        client,
        world.user(Role.CITY_ADMIN),
        world.government,
        scene.period,
        django_capture_on_commit_callbacks,
    )
    with made.file.open("ab") as handle:
        handle.write(b"%% diubah")
    html = client.get(reverse("dashboard:report", args=[world.government.slug, made.pk]))
    assert "Berkas tersimpan tidak lagi cocok dengan hash" in html.content.decode()


def _row(name: str, verified, claimed, reporting, done=0, due=0):
    from budaya.activities.obligations import Tally

    return leadership.Ranked(
        agency=SimpleNamespace(name=name),
        reporting=reporting,
        submitted_at=None,
        status="accepted",
        version=1,
        claimed=claimed,
        verified=verified,
        obligations=Tally(done=done, due=due),
        team_problems=0,
        activities=0,
    )


def test_the_ranking_puts_verified_maturity_first_and_shares_equal_ranks():
    rows = [
        _row("D", None, 4, ON_TIME),
        _row("A", 3, 3, LATE, 5, 10),
        _row("B", 3, 3, LATE, 5, 10),
        _row("C", 3, 3, ON_TIME, 1, 10),
        _row("E", 4, 2, NOT_REPORTED),
    ]
    ranked = [(row.rank, row.agency.name) for row in leadership.ranking(rows)]
    assert ranked == [(1, "E"), (2, "C"), (3, "A"), (3, "B"), (5, "D")]


def test_a_rulebook_without_its_own_signatory_signs_with_the_city_reports_forwarding_office():
    text = rulebook_services.shipped_text("starter")
    book = rulebook_services.parse_rulebook(text).document
    assert leadership.signatory_of(book).document == "leadership_report"
    without = text[: text.index("    - document: leadership_report")]
    fallback = leadership.signatory_of(rulebook_services.parse_rulebook(without).document)
    assert (fallback.document, fallback.position, fallback.signer) == (
        "city_report",
        "forwards",
        "sekda",
    )
