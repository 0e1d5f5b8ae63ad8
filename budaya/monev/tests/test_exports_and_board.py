"""Exports in the Tabel 1 layout (no network for the PDF), the completeness board, the overdue
list and the reminders 30, 7 and 1 days before the deadline, each sent once."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from budaya.monev import exports, selectors, services
from budaya.monev.models import Period, Reminder, State
from budaya.rulebook.tests import serang_tables as indicators

pytestmark = pytest.mark.django_db


def _submitted(scene):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 2)], scene.team)
    services.save_signatory(report, "Tangerang", "Siti Contoh", "199001012015032001", scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    return report


def test_pdf_has_tabel1_signature_and_hash_and_reads_no_network(scene):
    report = _submitted(scene)
    version = report.versions.get()
    document = exports.agency_document(report, version)
    fetcher = exports.local_only_fetcher()
    content = exports.pdf(document, fetcher)
    assert content.startswith(b"%PDF")
    # The text of the PDF itself, read back with pypdf (no system tool needed).
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    flat = " ".join(text.split())
    for column in ("Waktu Pelaksanaan", "Kegiatan", "Data Dukung", "Upaya Pemecahan"):
        assert column in flat
    assert "Slogan-slogan yang menggambarkan nilai organisasi" in flat
    assert "Pembacaan nilai BerAKHLAK" in flat
    # The signature block of the rulebook's agency report: its title, the chair's name and NIP.
    assert "Ketua Tim Percepatan Pelaksanaan Reformasi Birokrasi Kota Serang," in flat
    assert "Tangerang," in flat and "Siti Contoh" in flat and "NIP 199001012015032001" in flat
    assert version.sha256[:20] in flat.replace(" ", "")
    # and an address on the network is refused
    with pytest.raises(exports.RefusedResource):
        fetcher.fetch("https://example.com/font.woff")
    assert fetcher.refused == ["https://example.com/font.woff"]


def test_docx_and_xlsx(scene):
    report = _submitted(scene)
    document = exports.agency_document(report, report.versions.get())
    docx = exports.docx(document)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = archive.read("word/document.xml").decode()
        footer = "".join(archive.read(n).decode() for n in archive.namelist() if "footer" in n)
    assert indicators.COLUMNS[1] in body and "Pembacaan nilai BerAKHLAK" in body
    assert document.sha256 in footer
    xlsx = exports.xlsx(document)
    from openpyxl import load_workbook

    values = [
        cell
        for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True)
        for cell in row
        if cell
    ]
    assert indicators.TABEL1_HEADINGS[2] in values
    assert any(document.sha256 in str(v) for v in values)


def test_export_views_answer_files(client, scene):
    report = _submitted(scene)
    client.force_login(scene.admin)
    for fmt, kind in (("pdf", "application/pdf"), ("xlsx", "spreadsheet"), ("docx", "word")):
        response = client.get(
            reverse("monev:report_export", args=[scene.government.slug, report.pk, fmt])
        )
        assert response.status_code == 200 and kind in response["Content-Type"]


def test_board_counts_and_days_left(scene, django_assert_max_num_queries):
    _submitted(scene)
    today = datetime.date(2025, 8, 1)
    with django_assert_max_num_queries(12):
        data = selectors.board(scene.admin, scene.period, today)
    assert data["days_left"] == 30
    assert data["counts"]["submitted"] == 1 and data["counts"]["not_started"] == 1
    late = selectors.overdue(scene.government, datetime.date(2025, 9, 1))
    assert [line.agency for _period, lines in late for line in lines] == [scene.other_agency]


def test_reminders_at_30_7_and_1_days_once(scene, make_user, django_capture_on_commit_callbacks):
    scene.team.email = "tim@example.id"
    scene.team.save()
    with django_capture_on_commit_callbacks(execute=True):
        for days in (30, 7, 1):
            today = scene.period.deadline - datetime.timedelta(days=days)
            call_command("daily", today=today.isoformat(), verbosity=0)
            call_command("daily", today=today.isoformat(), verbosity=0)
        call_command("daily", today="2025-08-20", verbosity=0)
    # two agencies, three reminders each, once; only the first agency has an address; sent by
    # the notifications (issue 20), one e-mail each
    assert Reminder.objects.filter(period=scene.period).count() == 6
    assert len([m for m in mail.outbox if "Monev 2025" in m.subject]) == 3
    assert {tuple(m.to) for m in mail.outbox if "Monev 2025" in m.subject} == {("tim@example.id",)}


def test_special_period_for_some_agencies(scene):
    period = services.create_period(
        scene.government,
        kind=Period.Kind.KHUSUS,
        year=2025,
        title="Monev khusus",
        starts_on=datetime.date(2025, 5, 1),
        ends_on=datetime.date(2025, 6, 30),
        deadline=datetime.date(2025, 7, 15),
        units=[scene.other_agency],
        actor=scene.admin,
    )
    assert list(period.agencies()) == [scene.other_agency]


def test_board_queries_do_not_grow_with_agencies(scene, django_assert_max_num_queries):
    from budaya.org.models import Unit

    today = datetime.date(2025, 8, 1)
    for size in (5, 40):
        for n in range(Unit.objects.filter(parent=None).count(), size):
            unit = Unit.objects.create(
                government=scene.government, kind="dinas", code=f"9.{n}", name=f"Dinas {n}"
            )
            services.start_report(scene.period, unit, scene.admin)
        with django_assert_max_num_queries(8):
            data = selectors.board(scene.admin, scene.period, today)
        assert len(data["lines"]) >= size - 1


def test_the_logo_is_inline_and_the_pdf_fetches_nothing_else(scene):
    from django.core.files.base import ContentFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 0, 0)).save(out, "PNG")
    scene.government.logo.save("logo.png", ContentFile(out.getvalue()))
    report = _submitted(scene)
    document = exports.agency_document(report, report.versions.get())
    html = exports.pdf_html(document)
    assert 'src="data:image/png;base64,' in html
    fetcher = exports.local_only_fetcher()
    assert exports.pdf(document, fetcher).startswith(b"%PDF")
    assert fetcher.refused == []
    # The spreadsheet carries the same logo.
    with zipfile.ZipFile(io.BytesIO(exports.xlsx(document))) as archive:
        assert any(name.startswith("xl/media/image") for name in archive.namelist())


def _counts(board: str) -> list[str]:
    cards = board.split('<ul class="cards board-counts">')[1].split("</ul>")[0]
    return re.findall(r"<strong>(\d+)</strong>", cards)


def test_the_kept_board_overview_and_report_show_each_step_as_it_is_made(client, scene):
    """The completeness board, the maturity overview and the report's table are kept (issue 25,
    budaya/fragments.py): a step on the report shows on the next request of each."""
    slug = scene.government.slug
    board_url = reverse("monev:board", args=[slug, scene.period.pk])
    overview_url = reverse("monev:maturity_overview", args=[slug, scene.period.pk])
    client.force_login(scene.admin)
    assert _counts(client.get(board_url).content.decode()) == ["2", "0", "0", "0", "0"]
    client.get(overview_url)  # kept before the report exists
    report = _submitted(scene)
    board = client.get(board_url).content.decode()
    assert f'href="{reverse("monev:report", args=[slug, report.pk])}"' in board
    # not started, draft, submitted, returned, accepted
    assert _counts(board) == ["1", "0", "1", "0", "0"]
    overview = client.get(overview_url).content.decode()
    assert reverse("monev:maturity", args=[slug, report.pk]) in overview
    report_url = reverse("monev:report", args=[slug, report.pk])
    client.force_login(scene.admin)
    assert 'name="comment_' in client.get(report_url).content.decode()  # it may be returned
    client.force_login(scene.team)
    assert 'name="comment_' not in client.get(report_url).content.decode()  # not by the team
    client.force_login(scene.admin)
    services.transition(report, State.ACCEPTED, scene.admin, accept_unverified="Diterima.")
    page = client.get(report_url).content.decode()
    assert 'name="comment_' not in page and "Pembacaan nilai BerAKHLAK" in page
