"""In Chromium, on the demo data, the "Done when" of issue 19: Serang's Dinas Kesehatan drafts its
year with the grouped drafting, the report goes up the chain, the regional secretary returns the
city report once with a note, and the mayor acknowledges with two directions that land as
follow-ups on two agencies' pages; the PDFs of the agency and the city report print the
letterhead, the signatories' names under their offices and the chain.

The drafting, counted as the team member does it in this test (`Walk.actions`): open Monev, the
period, the agency's report, "Tambah baris dari catatan kegiatan" (4 clicks), then one choice of
a row group per group of activities (the demo's year of Dinas Kesehatan: 267 activities, 233 of
them the daily apel, fall into 8 groups by form) and "Tambahkan kelompok yang dipilih" (1 click):
13 actions for the year in the run of 2026-12-06, where issue 19 found one dropdown per activity
(267); the row reads "Pada Saat Apel Pagi: 233 kali". The test prints the exact count. BUDAYA_SCREENSHOTS=DIR keeps a screenshot of the drafting page
and of the agency's page with its follow-up.

The demo leaves the period's city report (version 2) with the mayor; the mayor acknowledges it
first (by the service, as in the demo's own steps), so that the city team may consolidate again.
"""

from __future__ import annotations

import datetime
import io
import os
import re
from io import StringIO
from pathlib import Path

import pypdfium2
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from budaya.accounts.models import User
from budaya.monev import services
from budaya.monev.models import CityReport, CityState, FollowUp, Period, Report, State
from budaya.org.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "budaya-kerja-demo-19"
LOGINS = ("tim.dinkes.serang", "kepala.dinkes.serang", "admin.serang", "sekda.serang")
MAYOR = "walikota.serang"


class Walk:
    """The browser page, signing in as the demo's people, counting what a user does."""

    def __init__(self, page) -> None:
        self.page = page
        self.actions = 0

    def sign_in(self, username: str) -> None:
        page = self.page
        page.context.clear_cookies()
        page.goto("/login/")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url("**/")

    def click(self, locator) -> None:
        self.actions += 1
        locator.click()
        self.page.wait_for_load_state()

    def choose(self, locator, value: str) -> None:
        self.actions += 1
        locator.select_option(value)

    def shot(self, name: str) -> None:
        folder = os.environ.get("BUDAYA_SCREENSHOTS")
        if folder:
            self.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(settings, tmp_path) -> Period:
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    for user in User.objects.filter(username__in=(*LOGINS, MAYOR)):
        user.set_password(PASSWORD)
        user.save()
    period = Period.objects.get(
        government__slug="kota-serang", kind="berkala", year=timezone.localdate().year
    )
    waiting = CityReport.objects.get(period=period, state=CityState.FORWARDED)
    services.acknowledge(waiting, User.objects.get(username=MAYOR), disposition="Lanjutkan.")
    return period


def _pdf_text(page, url: str) -> str:
    answer = page.request.get(url)
    assert answer.ok and answer.body().startswith(b"%PDF")
    document = pypdfium2.PdfDocument(io.BytesIO(answer.body()))
    return "\n".join(document[n].get_textpage().get_text_range() for n in range(len(document)))


def test_dinas_kesehatan_drafts_its_year_and_the_mayor_directs_two_agencies(page, demo):
    walk = Walk(page)
    page.on("dialog", lambda dialog: dialog.accept())
    slug = demo.government.slug
    dinkes = Report.objects.get(period=demo, unit__code="DINKES")
    assert dinkes.state == State.DRAFT
    rows_before = dinkes.rows.count()

    # The team drafts the year, grouped by form: one choice per group.
    walk.sign_in("tim.dinkes.serang")
    walk.click(
        page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Monev")
    )
    walk.click(page.get_by_role("link", name=demo.title))
    walk.click(page.get_by_role("link", name="Dinas Kesehatan", exact=True))
    walk.click(page.get_by_role("link", name="Tambah baris dari catatan kegiatan"))
    summary = page.get_by_text(re.compile(r"^\d+ kegiatan dalam \d+ kelompok\.$"))
    expect(summary).to_be_visible()
    activities, groups = (int(n) for n in re.findall(r"\d+", summary.inner_text()))
    assert activities > 200  # the busy agency's year
    selects = page.locator("select[name^='group_']")
    assert selects.count() == groups <= 12
    apel = page.get_by_role("row").filter(has_text="Apel pagi").first
    expect(apel.get_by_role("cell").nth(1)).to_have_text(re.compile(r"^\d{3}$"))
    walk.shot("drafting")
    for index in range(groups):
        walk.choose(selects.nth(index), str(1 + index % 4))
    walk.click(page.get_by_role("button", name="Tambahkan kelompok yang dipilih"))
    expect(page.get_by_text(f"{groups} baris ditambahkan.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Apel Pagi: \d{3} kali", re.I)).first).to_be_visible()
    drafting_actions = walk.actions
    print(
        f"Drafting Dinas Kesehatan's year: {drafting_actions} actions for {activities} activities"
    )
    assert drafting_actions == 5 + groups
    assert Report.objects.get(pk=dinkes.pk).rows.count() == rows_before + groups
    report_url = reverse("monev:report", args=[slug, dinkes.pk])

    # The unit head approves and sends it up.
    walk.sign_in("kepala.dinkes.serang")
    page.goto(report_url)
    # Read on a phone, each row is a card: its evidence on the screen under the rulebook's
    # column heading (the table showed three columns, the rest scrolled off to the right).
    page.set_viewport_size({"width": 360, "height": 740})
    evidence = page.locator("table.tabel1 tbody td[data-label='Data Dukung']").first
    box = evidence.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    page.set_viewport_size({"width": 1280, "height": 900})
    walk.click(page.get_by_role("button", name="Setujui"))
    walk.click(page.get_by_role("button", name=re.compile("^Sampaikan ke ")))
    expect(page.get_by_text("Status laporan sekarang: Disampaikan.")).to_be_visible()

    # The city team accepts it (the maturity check left for the field visit, with its reason)
    # and consolidates the next version of the city report.
    walk.sign_in("admin.serang")
    page.goto(report_url)
    page.get_by_label("Atau terima tanpa verifikasi, karena:").fill("Verifikasi lapangan")
    walk.click(page.get_by_role("button", name="Terima"))
    board = reverse("monev:board", args=[slug, demo.pk])
    page.goto(board)
    walk.click(page.get_by_role("button", name=re.compile(r"^Himpun \d+ laporan yang diterima")))
    expect(page.get_by_text("Laporan pemerintah daerah dibuat.")).to_be_visible()
    city = CityReport.objects.filter(period=demo).order_by("-number").first()
    assert city.number == 3 and "DINKES" in city.canonical

    # The regional secretary returns it once with a note; the city team consolidates again.
    walk.sign_in("sekda.serang")
    page.goto(reverse("monev:city", args=[slug, city.pk]))
    page.get_by_label("Alasan pengembalian").fill("Lengkapi ringkasan permasalahan")
    walk.click(page.get_by_role("button", name="Kembalikan", exact=True))
    expect(page.get_by_text("Dikembalikan dengan alasan yang diberikan.")).to_be_visible()
    walk.sign_in("admin.serang")
    page.goto(board)
    walk.click(page.get_by_role("button", name=re.compile(r"^Himpun \d+ laporan yang diterima")))
    latest = CityReport.objects.get(period=demo, number=4)
    city_url = reverse("monev:city", args=[slug, latest.pk])

    # The regional secretary forwards with a note; the mayor reads the summary and acknowledges
    # with a disposition and two directions.
    walk.sign_in("sekda.serang")
    page.goto(city_url)
    page.get_by_label("Catatan kepada kepala daerah").fill("Mohon arahan")
    walk.click(page.get_by_role("button", name="Teruskan kepada Wali Kota"))
    expect(page.get_by_text("Diteruskan kepada Wali Kota.")).to_be_visible()
    walk.sign_in(MAYOR)
    page.goto(city_url)
    expect(page.locator("#summary")).to_contain_text("Dinas Kesehatan")
    agencies = {
        unit.code: unit
        for unit in Unit.objects.filter(
            government=demo.government, code__in=["DINKES", "DINDIKBUD"]
        )
    }
    other = agencies["DINDIKBUD"]
    due = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    page.get_by_label("Disposisi").fill("Perkuat internalisasi nilai budaya kerja.")
    # A direction without its text or date is refused; the page comes back scrolled to what
    # needs correcting, not to its top (where nothing said so, 1,100 px above the form).
    page.locator("select[name='direction-0-unit']").select_option(str(agencies["DINKES"].pk))
    walk.click(page.get_by_role("button", name="Nyatakan telah diketahui"))
    summary = page.locator("#acknowledge-form .form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    for index, (unit, text) in enumerate(
        (
            (agencies["DINKES"], "Evaluasi pelaksanaan apel pagi setiap triwulan"),
            (other, "Susun SK tim budaya kerja tahun depan"),
        )
    ):
        page.locator(f"select[name='direction-{index}-unit']").select_option(str(unit.pk))
        page.locator(f"textarea[name='direction-{index}-text']").fill(text)
        page.locator(f"input[name='direction-{index}-due_on']").fill(due)
    walk.click(page.get_by_role("button", name="Nyatakan telah diketahui"))
    expect(page.get_by_text("Dinyatakan telah diketahui.")).to_be_visible()
    assert Report.objects.get(pk=dinkes.pk).state == State.ACKNOWLEDGED

    # Each direction lands on its agency's page as an open follow-up, which opens.
    walk.sign_in("tim.dinkes.serang")
    page.goto(reverse("org:unit_detail", args=[slug, agencies["DINKES"].pk]))
    section = page.locator("#follow-ups")
    expect(section).to_contain_text("Tindak lanjut arahan pimpinan yang belum selesai")
    link = section.get_by_role("link", name="Evaluasi pelaksanaan apel pagi setiap triwulan")
    expect(link).to_be_visible()
    expect(section).not_to_contain_text("Susun SK tim")
    walk.shot("agency-follow-ups")
    link.click()
    expect(page.get_by_text("Evaluasi pelaksanaan apel pagi setiap triwulan").first).to_be_visible()
    walk.sign_in("admin.serang")
    page.goto(reverse("org:unit_detail", args=[slug, other.pk]))
    expect(page.locator("#follow-ups")).to_contain_text("Susun SK tim budaya kerja tahun depan")
    assert FollowUp.objects.filter(city=latest).count() == 2

    # The documents: the agency's report and the city report, read back from the PDFs.
    agency_pdf = _pdf_text(page, reverse("monev:report_export", args=[slug, dinkes.pk, "pdf"]))
    assert "DINAS KESEHATAN" in agency_pdf and re.search(r"Apel Pagi: \d{3} kali", agency_pdf, re.I)
    assert "Keterangan" in agency_pdf and "penanda tangan belum ditetapkan" not in agency_pdf
    city_pdf = _pdf_text(page, reverse("monev:city_export", args=[slug, latest.pk, "pdf"]))
    mayor = User.objects.get(username=MAYOR).get_full_name()
    assert "Wali Kota Serang" in city_pdf and mayor in city_pdf
    assert f"({mayor})" in city_pdf.replace("\r", "").replace("\n", " ")
    assert "Mohon arahan" in city_pdf  # the forwarding note, in the chain
    assert "Susun SK tim budaya kerja tahun depan" in city_pdf  # the disposition's directions
