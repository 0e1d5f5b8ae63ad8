"""In Chromium, the done-when flow of issue 8: the agency team prepares a report from its logged
activities and the unit head submits it; the city team returns one row; the agency fixes it; the
city team accepts and consolidates; the regional secretary forwards and the mayor acknowledges.
Every step is in the audit trail, both submitted versions check against their hashes, and the
PDF export answers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from budaya.accounts.models import AuditEntry
from budaya.monev.models import CityReport, Report, ReportVersion, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, sign_in, user) -> None:
    page.context.clear_cookies()
    sign_in(user)


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_from_activities_to_the_mayor(page, sign_in, scene):
    slug = scene.government.slug
    page.on("dialog", lambda dialog: dialog.accept())

    # The agency team prepares the report from its activity log.
    _as(page, sign_in, scene.team)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Monev").click()
    page.get_by_role("link", name="Monev 2025").click()
    _click(page, "Susun laporan Dinas Pendidikan")
    first, second = scene.activities
    # Both are apel pagi of March: one group of two unless each is put on its own row.
    page.get_by_label("Kelompok", exact=True).select_option(
        label="setiap kegiatan sebagai baris tersendiri"
    )
    _click(page, "Tampilkan")
    page.locator(f"#group_a{first.pk}").select_option("1")
    page.locator(f"#group_a{second.pk}").select_option("3")
    _click(page, "Tambahkan kelompok yang dipilih")
    page.get_by_text("2 baris ditambahkan.").wait_for()
    expect(page.get_by_role("cell", name="Pembacaan nilai BerAKHLAK")).to_be_visible()
    report = Report.objects.get(period=scene.period, unit=scene.agency)
    url = reverse("monev:report", args=[slug, report.pk])

    # The unit head approves and submits.
    _as(page, sign_in, scene.head)
    page.goto(url)
    _click(page, "Setujui")
    _click(page, re.compile("^Sampaikan ke "))
    page.get_by_text("Status laporan sekarang: Disampaikan.").wait_for()

    # The city team returns one row with a comment.
    _as(page, sign_in, scene.admin)
    page.goto(url)
    row = report.rows.get(activity=second)
    page.locator(f"textarea[name='comment_{row.key}']").fill("Lampirkan daftar hadir")
    _click(page, "Kembalikan dengan catatan")
    page.get_by_text("Status laporan sekarang: Dikembalikan.").wait_for()

    # The agency takes it back as version 2 and fixes that row.
    _as(page, sign_in, scene.team)
    page.goto(url)
    _click(page, "Perbaiki sebagai versi baru")
    expect(page.get_by_text("Lampirkan daftar hadir").first).to_be_visible()
    page.locator(f"#row-{row.key}").get_by_role("link", name="Ubah").click()
    page.get_by_label("Upaya pemecahan permasalahan").fill("Daftar hadir dilampirkan")
    _click(page, "Simpan")
    page.get_by_text("Baris disimpan.").wait_for()
    _as(page, sign_in, scene.head)
    page.goto(url)
    _click(page, "Setujui")
    _click(page, re.compile("^Sampaikan ke "))

    # The city team accepts (the maturity check left for later, with its reason) and
    # consolidates.
    _as(page, sign_in, scene.admin)
    page.goto(url)
    page.get_by_label("Atau terima tanpa verifikasi, karena:").fill("Verifikasi lapangan")
    _click(page, "Terima")
    page.goto(reverse("monev:board", args=[slug, scene.period.pk]))
    _click(page, "Himpun 1 laporan yang diterima")
    page.get_by_text("Laporan pemerintah daerah dibuat.").wait_for()
    city = CityReport.objects.get(period=scene.period)
    city_url = reverse("monev:city", args=[slug, city.pk])

    # The regional secretary returns it once with a note; the city team consolidates again.
    _as(page, sign_in, scene.sekda)
    page.goto(city_url)
    page.get_by_label("Alasan pengembalian").fill("Lengkapi ringkasan permasalahan")
    page.get_by_role("button", name="Kembalikan", exact=True).click()
    page.get_by_text("Dikembalikan dengan alasan yang diberikan.").wait_for()
    _as(page, sign_in, scene.admin)
    page.goto(reverse("monev:board", args=[slug, scene.period.pk]))
    _click(page, "Himpun 1 laporan yang diterima")
    latest = CityReport.objects.get(period=scene.period, number=2)
    city_url = reverse("monev:city", args=[slug, latest.pk])
    expect(page.get_by_text("Lengkapi ringkasan permasalahan")).to_have_count(0)

    # The regional secretary forwards with a note; the mayor acknowledges with two directions.
    _as(page, sign_in, scene.sekda)
    page.goto(city_url)
    # The scene runs by Serang's rulebook: the Sekda forwards to its head of government's title.
    page.get_by_label("Catatan kepada kepala daerah").fill("Mohon arahan")
    _click(page, "Teruskan kepada Wali Kota")
    page.get_by_text("Diteruskan kepada Wali Kota.").wait_for()
    assert page.get_by_role("button", name="Nyatakan telah diketahui").count() == 0
    _as(page, sign_in, scene.mayor)
    page.goto(city_url)
    expect(page.locator("#summary")).to_contain_text(scene.other_agency.name)  # not reported
    page.get_by_label("Disposisi").fill("Perkuat internalisasi nilai")
    for index, (agency, text) in enumerate(
        ((scene.agency, "Evaluasi apel pagi"), (scene.other_agency, "Susun SK tim"))
    ):
        page.locator(f"select[name='direction-{index}-unit']").select_option(str(agency.pk))
        page.locator(f"textarea[name='direction-{index}-text']").fill(text)
        page.locator(f"input[name='direction-{index}-due_on']").fill("2099-06-30")
    _click(page, "Nyatakan telah diketahui")
    page.get_by_text("Dinyatakan telah diketahui.").wait_for()
    expect(page.locator("#directions")).to_contain_text("Susun SK tim")

    # Each direction lands on its agency's page of follow-ups, and only there.
    for user, mine, theirs in (
        (scene.team, "Evaluasi apel pagi", "Susun SK tim"),
        (scene.other_team, "Susun SK tim", "Evaluasi apel pagi"),
    ):
        _as(page, sign_in, user)
        page.goto(reverse("monev:follow_ups", args=[slug]))
        expect(page.get_by_role("link", name=mine)).to_be_visible()
        assert page.get_by_text(theirs).count() == 0

    report.refresh_from_db()
    assert report.state == State.ACKNOWLEDGED and report.version == 2
    # Every step is in the audit trail, by whom it was made.
    steps = list(
        AuditEntry.objects.filter(object_type="monev.report", action="other")
        .order_by("sequence")
        .values_list("after__state", "actor_repr")
    )
    assert steps == [
        ("approved", "w.kepala"),
        ("submitted", "w.kepala"),
        ("returned", "w.admin"),
        ("draft", "w.tim"),
        ("approved", "w.kepala"),
        ("submitted", "w.kepala"),
        ("accepted", "w.admin"),
        ("consolidated", "w.admin"),
        ("accepted", "w.sekda"),
        ("consolidated", "w.admin"),
        ("forwarded", "w.sekda"),
        ("acknowledged", "w.walikota"),
    ]
    # The submitted versions are provably unchanged, and the page says so.
    assert all(v.verify() for v in ReportVersion.objects.filter(report=report))
    _as(page, sign_in, scene.admin)
    page.goto(reverse("monev:versions", args=[slug, report.pk]))
    assert page.get_by_text("tidak berubah").count() == 2
    expect(page.get_by_text("Daftar hadir dilampirkan")).to_be_visible()
    pdf = page.request.get(reverse("monev:report_export", args=[slug, report.pk, "pdf"]))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
