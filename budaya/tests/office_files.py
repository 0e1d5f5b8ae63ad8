"""Hostile XLSX and DOCX files for the tests, built without holding their unpacked size.

A part is written as raw deflate data with the size and CRC its header declares, so a test can
make a 1 MB file that unpacks to 1 GB (the same deflated block repeated after a full flush), or
a header that understates its part's size, in a few milliseconds and little memory.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

import docx
from openpyxl import Workbook

MB = 1024 * 1024


@dataclass(frozen=True)
class Part:
    name: str
    deflated: bytes
    size: int
    crc: int


def part(name: str, data: bytes) -> Part:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Part(name, compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data))


def repeated(name: str, prefix: bytes, block: bytes, times: int, suffix: bytes) -> Part:
    """``prefix + block * times + suffix``, deflated without ever building it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh: the same block deflates the same way.
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    size = len(prefix) + len(block) * times + len(suffix)
    return Part(name, head + body * times + tail, size, crc)


def archive(parts: list[Part], *, declared: dict[str, int] | None = None) -> bytes:
    """A ZIP of the parts; ``declared`` overrides the size a part's headers state (a lie)."""
    declared = declared or {}
    out = io.BytesIO()
    central = []
    for item in parts:
        name = item.name.encode()
        size = declared.get(item.name, item.size)
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s2B4HL2L2H",
                b"PK\x03\x04",
                20,
                0,
                0,
                8,
                0,
                0x21,
                item.crc,
                len(item.deflated),
                size,
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(item.deflated)
        central.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                20,
                0,
                20,
                0,
                0,
                8,
                0,
                0x21,
                item.crc,
                len(item.deflated),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(
        struct.pack(
            "<4s4H2LH",
            b"PK\x05\x06",
            0,
            0,
            len(parts),
            len(parts),
            out.tell() - start,
            start,
            0,
        )
    )
    return out.getvalue()


def repacked(
    source: bytes, replace: dict[str, Part], *, declared: dict[str, int] | None = None
) -> bytes:
    """The office file with some parts replaced (the others deflated again as they are)."""
    with zipfile.ZipFile(io.BytesIO(source)) as original:
        parts = [
            replace.get(name) or part(name, original.read(name)) for name in original.namelist()
        ]
    return archive(parts, declared=declared)


def workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def document(*paragraphs: str) -> bytes:
    made = docx.Document()
    for text in paragraphs:
        made.add_paragraph(text)
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()


def sheet_with(padding: bytes, times: int) -> Part:
    """The first sheet with ``padding * times`` between two rows: valid XML of any size."""
    return repeated(
        "xl/worksheets/sheet1.xml",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIP</t></is></c></row>',
        padding,
        times,
        b"</sheetData></worksheet>",
    )


def giant_cell(size: int, block: bytes = b"x" * MB) -> Part:
    """A sheet whose cell A2 holds ``size`` bytes of text (an inline string)."""
    return repeated(
        "xl/worksheets/sheet1.xml",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nama</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
        block,
        size // len(block),
        b"</t></is></c></row></sheetData></worksheet>",
    )


@functools.cache
def xlsx_bomb() -> bytes:
    """A 1 MB workbook whose first sheet unpacks to 1 GB (issue 17: the server grew by 1 GB)."""
    return repacked(workbook(["NIP"]), {"xl/worksheets/sheet1.xml": sheet_with(b" " * MB, 1024)})
