"""XLSX and DOCX uploads are measured before any parser opens them (issue 17, item 6)."""

from __future__ import annotations

import random
import string
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from budaya import archives
from budaya.activities import evidence
from budaya.org.importing import RosterError, read_cells
from budaya.org.models import EmployeeImport
from budaya.tests import office_files as files
from budaya.tests.office_files import MB


def peak_memory(call: Callable[[], object]) -> int:
    """The peak of Python's allocations while ``call`` runs (zlib's buffers are bytes objects)."""
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def refusal(content: bytes) -> str:
    with translation.override("en"), pytest.raises(archives.ArchiveError) as refused:
        archives.check_office_file(content)
    return str(refused.value).replace("\xa0", " ")


def test_a_1_mb_workbook_that_unpacks_to_1_gb_is_refused_without_unpacking_it():
    bomb = files.xlsx_bomb()
    assert len(bomb) < 1.1 * MB
    message: list[str] = []
    assert peak_memory(lambda: message.append(refusal(bomb))) < 2 * MB
    assert "Unpacked, the file would be larger than 300.0 MB" in message[0]


def test_a_part_that_unpacks_beyond_its_declared_size_is_refused_as_soon_as_it_does():
    # The central directory says 100 kB; the part inflates to 1 GB. Python's zipfile would stop
    # at 100 kB, calamine's reader would not.
    sheet = files.sheet_with(b" " * MB, 1024)
    bomb = files.repacked(
        files.workbook(["NIP"]),
        {sheet.name: sheet},
        declared={sheet.name: 100_000},
    )
    message: list[str] = []
    assert peak_memory(lambda: message.append(refusal(bomb))) < 4 * MB
    assert "(xl/worksheets/sheet1.xml) holds more than its header declares" in message[0]


def test_a_200_mb_cell_is_refused_before_calamine_reads_it(settings):
    workbook = files.repacked(
        files.workbook(["Nama"]), {"xl/worksheets/sheet1.xml": files.giant_cell(200 * MB)}
    )
    assert len(workbook) < 1 * MB
    # Its compression gives it away first ...
    assert "is compressed" in refusal(workbook) and "decompression bomb" in refusal(workbook)
    # ... and without that check, the length of the cell does, after 256 kB of it.
    settings.BUDAYA_MAX_COMPRESSION_RATIO = 1_000_000
    message: list[str] = []
    assert peak_memory(lambda: message.append(refusal(workbook))) < 4 * MB
    assert "holds more than 256.0 KB of text" in message[0]


def test_a_cell_over_the_limit_is_refused_and_excels_longest_cell_is_read(tmp_path):
    rng = random.Random(17)
    longest = "".join(rng.choices(string.ascii_letters, k=32_767))  # Excel's own limit
    path = tmp_path / "duk.xlsx"
    path.write_bytes(files.workbook(["Nama"], [longest]))
    assert [row for _number, row in read_cells(path)] == [["Nama"], [longest]]
    # Random letters barely compress: only the cell's length can refuse this one.
    text = "".join(rng.choices(string.ascii_letters, k=300 * 1024)).encode()
    assert "holds more than 256.0 KB of text" in refusal(
        files.repacked(
            files.workbook(["Nama"]),
            {"xl/worksheets/sheet1.xml": files.giant_cell(len(text), block=text)},
        )
    )


def test_a_giant_cell_in_utf_16_is_refused_too(settings):
    settings.BUDAYA_MAX_COMPRESSION_RATIO = 1_000_000
    sheet = files.repeated(
        "xl/worksheets/sheet1.xml",
        '\ufeff<?xml version="1.0" encoding="UTF-16"?><worksheet><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>'.encode("utf-16-le"),
        "x".encode("utf-16-le") * (MB // 2),
        20,
        "</t></is></c></row></sheetData></worksheet>".encode("utf-16-le"),
    )
    workbook = files.repacked(files.workbook(["Nama"]), {sheet.name: sheet})
    assert "holds more than 256.0 KB of text" in refusal(workbook)


def test_a_roster_passes_and_the_import_refuses_a_bomb_before_calamine(tmp_path):
    rows = [["NIP", "Nama", "Unit Kerja"]] + [
        [f"19850315201001{index:04d}", f"Pegawai {index}", "Dinas Pendidikan"]
        for index in range(2000)
    ]
    roster = files.workbook(*rows)
    archives.check_office_file(roster)
    path = tmp_path / "bom.xlsx"
    path.write_bytes(files.xlsx_bomb())
    with translation.override("en"), pytest.raises(RosterError, match="Unpacked, the file"):
        list(read_cells(path))


def test_too_many_parts_and_a_file_that_is_no_zip_are_refused(settings):
    settings.BUDAYA_MAX_ARCHIVE_ENTRIES = 10
    many = files.archive([files.part(f"xl/{index}.xml", b"<a/>") for index in range(11)])
    assert "holds 11 parts; an office document may hold at most 10" in refusal(many)
    assert "not a readable office document" in refusal(b"PK\x03\x04 not a zip")


def test_a_docx_bomb_is_refused():
    body = files.repeated(
        "word/document.xml",
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>',
        b"<w:p/>" * (MB // 6),
        1024,
        b"</w:body></w:document>",
    )
    bomb = files.repacked(files.document("Uji"), {body.name: body})
    assert "Unpacked, the file would be larger" in refusal(bomb)


def test_evidence_reads_only_the_first_bytes_of_an_odt_mimetype():
    # Telling ODT from a plain ZIP read the whole "mimetype" part.
    mimetype = files.repeated("mimetype", evidence.ODT.encode(), b" " * MB, 1024, b"")
    bomb = files.archive([mimetype, files.part("content.xml", b"<a/>")])
    assert peak_memory(lambda: evidence.detect_type(bomb)) < 4 * MB
    assert evidence.detect_type(bomb) == evidence.ODT


def test_uploads_go_through_the_check(settings, tmp_path: Path):
    """A stored file is checked again when read (files stored before the check existed)."""
    settings.BUDAYA_MAX_UNCOMPRESSED_BYTES = 1024
    path = tmp_path / "duk.xlsx"
    path.write_bytes(files.workbook(["Nama"], ["Ratna"]))
    with translation.override("en"), pytest.raises(RosterError, match=r"larger than 1\.0"):
        list(read_cells(path))


@pytest.mark.django_db(transaction=True)
def test_the_import_page_refuses_the_bomb_and_stores_nothing(client, city_admin, government):
    client.force_login(city_admin)
    bomb = SimpleUploadedFile("duk.xlsx", files.xlsx_bomb())
    answer = client.post(reverse("org:import_create", args=[government.slug]), {"file": bomb})
    # Indonesian, the interface's language.
    assert "Jika dibuka, berkas ini akan lebih besar dari 300,0" in answer.content.decode()
    assert not EmployeeImport.objects.exists()
