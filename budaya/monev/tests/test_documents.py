"""The monitoring documents in the official form (issue 19, part 5): the letterhead with the
government's and the agency's data, A4 landscape, the columns of the rulebook's form at its widths
and by their field (a form of eight columns is filled), the Keterangan as S Lampiran E Tabel 1
prints it, evidence as scoped links, the QR code of the verification page, the signature block on
one page, the city document's chain; the XLSX set up to print, the DOCX on A4."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import yaml
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from budaya.accounts.models import Role
from budaya.monev import exports, services
from budaya.monev.models import ReportRow, State
from budaya.rulebook.services import export_rulebook, import_rulebook

pytestmark = pytest.mark.django_db

A4_LANDSCAPE = (842, 595)  # points


def _letterhead(scene):
    government = scene.government
    government.letterhead_name = "Pemerintah Daerah Contoh"
    government.address = "Jalan Balai Kota No. 1"
    government.phone = "(0254) 123456"
    government.save()
    scene.agency.address = "Jalan Pendidikan No. 7"
    scene.agency.email = "disdik@contoh.go.id"
    scene.agency.save()


def _report(scene, *, rows: int = 2, submit: bool = True, signatory: bool = True):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 2)], scene.team)
    for n in range(rows - 1):
        ReportRow.objects.create(
            government=scene.government,
            report=report,
            indicator=1 + n % 4,
            order=n + 1,
            when=f"{n % 28 + 1:02d}-03-2025",
            activity_title=f"Kegiatan ke-{n} " + "uraian panjang " * (n % 5),
            form="Tatap muka",
            problems="Peserta terlambat",
            solutions="Absensi digital",
        )
    if signatory:
        services.save_signatory(report, "Contoh", "Siti Contoh", "199001012015032001", scene.team)
    if submit:
        services.transition(report, State.APPROVED, scene.head)
        services.transition(report, State.SUBMITTED, scene.head)
    return report


def _activity_row(document):
    """The row made from the first activity (its evidence: the link "Foto 10")."""
    rows = [row for group in document.sections[0].groups for row in group["rows"]]
    return next(row for row in rows if row["activity"] == "Pembacaan nilai BerAKHLAK")


def _pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def _uris(content: bytes) -> list[str]:
    out = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                out.append(str(action["/URI"]))
    return out


def test_pdf_is_a4_landscape_with_the_letterhead_keterangan_links_and_qr(scene):
    _letterhead(scene)
    report = _report(scene)
    version = report.versions.get()
    document = exports.agency_document(report, version, base_url="https://budaya.example")
    content = exports.pdf(document)
    reader = PdfReader(io.BytesIO(content))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            A4_LANDSCAPE
        )
    first = _pages(content)[0]
    # The letterhead: the government's line, the agency, the agency's own address and contact.
    assert first.startswith("PEMERINTAH DAERAH CONTOH DINAS PENDIDIKAN")
    assert "Jalan Pendidikan No. 7" in first and "Pos-el disdik@contoh.go.id" in first
    text = " ".join(_pages(content))
    # The Keterangan as the regulation prints it.
    assert "Keterangan: Kolom 1 : Nomor urut Kolom 2 : Waktu pelaksanaan kegiatan" in text
    # The QR code opens the version's verification page; the evidence opens through the scoped
    # evidence route, never the bare address.
    verify = "https://budaya.example" + reverse(
        "monev:version", args=[scene.government.slug, report.pk, 1]
    )
    assert document.verify_url == verify
    uris = _uris(content)
    assert verify in uris
    evidence = scene.activities[0].evidence.get()
    assert (
        "https://budaya.example" + reverse("activities:evidence_file", args=[evidence.pk]) in uris
    )
    assert "https://drive.example.id/10" not in uris
    assert 'src="data:image/svg+xml;base64,' in exports.pdf_html(document)


def test_a_unit_without_its_own_lines_prints_the_governments(scene):
    _letterhead(scene)
    scene.agency.address = scene.agency.email = ""
    scene.agency.save()
    letterhead = exports.agency_document(_report(scene), None).letterhead
    assert letterhead.lines == [
        "PEMERINTAH DAERAH CONTOH",
        "DINAS PENDIDIKAN",
        "Jalan Balai Kota No. 1",
        "Telepon (0254) 123456",
    ]


@pytest.mark.parametrize("rows", [6, 9, 12, 15, 18, 21])
def test_the_signature_block_is_never_split_across_pages(scene, rows):
    report = _report(scene, rows=rows)
    document = exports.agency_document(report, report.versions.get())
    pages = _pages(exports.pdf(document))
    title = "Ketua Tim Percepatan Pelaksanaan Reformasi Birokrasi Kota Serang,"
    holding = [
        index
        for index, page in enumerate(pages)
        if title in page or "Siti Contoh" in page or "NIP 199001012015032001" in page
    ]
    assert len(holding) == 1, f"{rows} rows: the block spreads over pages {holding}"
    page = pages[holding[0]]
    assert title in page and "(Siti Contoh)" in page and "NIP 199001012015032001" in page
    assert "Contoh, " in page  # the place and date stay with it


def test_a_missing_signatory_prints_a_placeholder_only_on_a_draft(scene):
    draft = _report(scene, submit=False, signatory=False)
    # The form prefills the rulebook's signatory; here none is known.
    type(draft).objects.filter(pk=draft.pk).update(signatory_name="", signatory_nip="")
    draft.refresh_from_db()
    text = " ".join(_pages(exports.pdf(exports.agency_document(draft, None))))
    assert exports.DRAFT_PLACEHOLDER in text and "Draf (belum disampaikan)" in text
    # A frozen document without a name keeps the form's dotted line (to sign by hand).
    frozen = exports.agency_document(draft, None)
    frozen.draft = False
    assert exports.DRAFT_PLACEHOLDER not in " ".join(_pages(exports.pdf(frozen)))


def test_a_form_of_eight_columns_is_filled_by_field(scene):
    """Columns name their field: a government that adds a column and reorders two gets each
    value under its own column (before issue 19 the values went by position)."""
    data = yaml.safe_load(export_rulebook(government=scene.government))
    columns = data["monev"]["report_form"]["columns"]
    columns[-1]["number"] = 8
    columns.insert(6, {"number": 7, "heading": "Paraf", "legend": "Paraf ketua", "width": 6})
    result = import_rulebook(
        government=scene.government,
        text=yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        acting_user=scene.admin,
    )
    assert result.created
    # A period keeps its rulebook version: here the period is given the new one.
    scene.period.rulebook_version = result.version
    scene.period.save()
    report = _report(scene, submit=False)
    document = exports.agency_document(report, None, base_url="https://b.example")
    assert [c.heading for c in document.columns][-2:] == ["Paraf", "Data Dukung"]
    row = _activity_row(document)
    assert row["cells"][6].text == "" and row["cells"][7].links[0].title == "Foto 10"
    assert row["cells"][2].text == "Pembacaan nilai BerAKHLAK"
    assert "Kolom 8 : Memberikan data dukung" in " ".join(exports.legend_lines(document))


def test_docx_is_a4_landscape_with_the_rulebooks_column_widths(scene):
    _letterhead(scene)
    report = _report(scene)
    document = exports.agency_document(report, report.versions.get(), base_url="https://b.example")
    with zipfile.ZipFile(io.BytesIO(exports.docx(document))) as archive:
        body = archive.read("word/document.xml").decode()
        relations = archive.read("word/_rels/document.xml.rels").decode()
    size = re.search(r'<w:pgSz w:w="(\d+)" w:h="(\d+)" w:orient="landscape"', body)
    assert size and (int(size[1]), int(size[2])) in ((16838, 11906), (16839, 11907))
    # The form's grid at the rulebook's widths (4, 10, 20, 17, 16, 17, 16 of 26.7 cm).
    grids = re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", body)
    form = next(grid for grid in grids if grid.count("<w:gridCol") == 7)
    twips = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', form)]
    assert [round(w / sum(twips) * 100) for w in twips] == [4, 10, 20, 17, 16, 17, 16]
    assert "PEMERINTAH DAERAH CONTOH" in body and "Jalan Pendidikan No. 7" in body
    assert "<w:tblHeader/>" in body and "<w:cantSplit/>" in body
    assert document.verify_url in relations and "activities/evidence/" in relations


def test_xlsx_is_set_up_to_print(scene):
    report = _report(scene)
    document = exports.agency_document(report, report.versions.get())
    sheet = load_workbook(io.BytesIO(exports.xlsx(document))).active
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (1 is the format's default, left out of the file), as many pages high.
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows and sheet.print_area
    heading = next(
        cell for row in sheet.iter_rows() for cell in row if cell.value == "Waktu Pelaksanaan"
    )
    assert heading.alignment.wrap_text
    assert f"{heading.row}:{heading.row + 1}" in sheet.print_title_rows.replace("$", "")
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "Kolom 1 : Nomor urut" in values


def test_the_city_document_records_its_chain(scene):
    report = _report(scene)
    services.transition(
        report, State.ACCEPTED, scene.admin, accept_unverified="Diverifikasi kemudian"
    )
    city = services.consolidate(scene.period, scene.admin)
    services.forward(city, scene.sekda)
    services.acknowledge(city, scene.mayor)
    city.refresh_from_db()
    document = exports.city_document(city, base_url="https://b.example")
    text = " ".join(_pages(exports.pdf(document)))
    assert "Alur persetujuan" in text and "w.walikota" in text
    assert document.verify_url == "https://b.example" + reverse(
        "monev:city", args=[scene.government.slug, city.pk]
    )


def test_another_governments_user_opens_neither_evidence_nor_the_verification_page(
    client, scene, other_government, make_user
):
    report = _report(scene)
    document = exports.agency_document(report, report.versions.get(), base_url="")
    links = [link.url for link in _activity_row(document)["cells"][6].links]
    outsider = make_user("luar.admin", Role.CITY_ADMIN, other_government)
    client.force_login(outsider)
    assert client.get(links[0]).status_code == 404
    assert client.get(document.verify_url).status_code == 404
    client.force_login(scene.admin)  # the government's own reader opens both
    assert client.get(links[0]).status_code == 302
    assert client.get(document.verify_url).status_code == 200


def test_the_export_view_makes_links_absolute(client, scene):
    report = _report(scene)
    client.force_login(scene.admin)
    response = client.get(
        reverse("monev:report_export", args=[scene.government.slug, report.pk, "pdf"])
    )
    assert "http://testserver" + reverse(
        "monev:version", args=[scene.government.slug, report.pk, 1]
    ) in _uris(response.content)
