"""In Chromium, issue 18's done-when: Tangerang's city administrator downloads its rulebook,
changes the monitoring deadline and the agency report's signatory, uploads it, reads the preview
and confirms; the next period takes the new deadline and its report prints the new signatory."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from budaya.monev import services
from budaya.monev.models import Period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD_TITLE = "title: Kepala OPD selaku Penanggung-jawab Kelompok Budaya Kerja"
NEW_TITLE = "title: Kepala Perangkat Daerah selaku Penanggung-jawab KBK"


@pytest.fixture
def scene_rulebook() -> str:
    return "kota-tangerang"


def test_change_the_deadline_and_a_signatory_then_open_the_next_period(
    page, sign_in, scene, tmp_path
):
    slug = scene.government.slug
    year = datetime.date.today().year + 1
    sign_in(scene.admin)

    # Export: the rulebook's YAML, as the page offers it.
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Buku aturan"
    ).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh (YAML)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "month: 12\n    day: 15" in text and OLD_TITLE in text

    # Change the deadline and a signatory; upload; the preview shows both; confirm.
    changed = text.replace("month: 12\n    day: 15", "month: 11\n    day: 30").replace(
        OLD_TITLE, NEW_TITLE
    )
    upload = tmp_path / "kota-tangerang.yaml"
    upload.write_text(changed, encoding="utf-8")
    page.get_by_role("link", name="Ubah buku aturan").click()
    page.get_by_label("Berkas buku aturan (YAML)").set_input_files(str(upload))
    page.get_by_role("button", name="Periksa berkas").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Pratinjau buku aturan"
    expect(page.locator(".diff-add").filter(has_text="day: 30")).to_have_count(1)
    expect(page.locator(".diff-add").filter(has_text="Kepala Perangkat Daerah")).to_have_count(1)
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page.get_by_text("Buku aturan kini versi 2.")).to_be_visible()

    # The next period: the monitoring page says the new default deadline, the period takes it.
    page.goto(f"/monev/{slug}/")
    expect(page.locator("#default-deadline")).to_contain_text("30 November")
    page.get_by_role("link", name="Buka periode").click()
    page.get_by_label("Tahun").fill(str(year))
    page.get_by_label("Judul").fill(f"Monev Budaya Kerja {year}")
    page.get_by_label("Kegiatan sejak").fill(f"{year}-01-01")
    page.get_by_label("Kegiatan sampai").fill(f"{year}-12-31")
    page.get_by_role("button", name="Buka", exact=True).click()
    page.wait_for_load_state()
    period = Period.objects.get(government=scene.government, year=year)
    assert period.deadline == datetime.date(year, 11, 30)
    page.goto(f"/monev/{slug}/")
    expect(page.get_by_role("row", name=f"Monev Budaya Kerja {year}")).to_contain_text(
        f"30-11-{year}"
    )

    # Its report prints the new signatory (DOCX and PDF as the page offers them).
    report = services.start_report(period, scene.agency, scene.head)
    page.goto(f"/monev/{slug}/reports/{report.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="DOCX").click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        body = archive.read("word/document.xml").decode()
    assert "Kepala Perangkat Daerah selaku Penanggung-jawab KBK," in body
    assert "Kepala OPD selaku" not in body
