"""Bounds on ZIP-based office files (XLSX, DOCX) before any parser opens them (issue 17, item 6).

An XLSX or DOCX is a ZIP archive of XML parts, and the parsers behind the employee import
(calamine) and the decree templates (python-docx, lxml, docxtpl) inflate and read whatever the
archive holds: a 1 MB upload grew the server by 1 GB, and a workbook with one 200 MB cell held the
web process (``/healthz``) for seconds. ``check_office_file`` measures the archive first, cheapest
check first, and refuses with a message for the user:

1. the central directory as it is declared, without inflating anything: the number of parts, each
   part's size and compression ratio, and the total size once unpacked;
2. every part inflated as a stream, a chunk at a time, counting the bytes that really come out:
   a part whose header understates its size is refused as soon as it passes it (calamine's ZIP
   reader does not stop at the declared size), and memory stays at one chunk;
3. in every XML part, the longest text without a tag (a cell's text, a paragraph's run, an
   attribute): Excel holds at most 32,767 characters in a cell, so much more is no roster.

The limits are settings (``BUDAYA_MAX_UNCOMPRESSED_BYTES``, ``BUDAYA_MAX_COMPRESSION_RATIO``,
``BUDAYA_MAX_CELL_BYTES``, ``BUDAYA_MAX_ARCHIVE_ENTRIES``; docs/security.md).
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The ratio is only judged above this size: a small part may compress well without harm.
RATIO_FROM_BYTES = 1024 * 1024
READ_CHUNK = 64 * 1024
INFLATE_CHUNK = 1024 * 1024
# ZIP structures (APPNOTE 4.3.7 and 4.3.16).
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
END_RECORD = struct.Struct("<4s4H2LH")
END_SIGNATURE = b"PK\x05\x06"
LOCAL_SIGNATURE = b"PK\x03\x04"


class ArchiveError(ValueError):
    """The file is refused; the message says why, for the user."""


@dataclass(frozen=True)
class Limits:
    uncompressed: int
    ratio: int
    cell: int
    entries: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            uncompressed=settings.BUDAYA_MAX_UNCOMPRESSED_BYTES,
            ratio=settings.BUDAYA_MAX_COMPRESSION_RATIO,
            cell=settings.BUDAYA_MAX_CELL_BYTES,
            entries=settings.BUDAYA_MAX_ARCHIVE_ENTRIES,
        )


def check_office_file(
    source: str | Path | bytes | IO[bytes], *, limits: Limits | None = None
) -> None:
    """Raise ``ArchiveError`` unless the ZIP-based file stays within the limits.

    ``source`` is a path, the bytes, or a seekable binary file (an upload); a file is left at
    its start again.
    """
    limits = limits or Limits.from_settings()
    with _opened(source) as handle:
        _check_entry_count(handle, limits)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise ArchiveError(_unreadable()) from error
        with archive:
            infos = archive.infolist()
            _check_declared(infos, limits)
            total = 0
            for info in infos:
                total += _check_inflated(handle, info, limits, already=total)


@contextmanager
def _opened(source: str | Path | bytes | IO[bytes]) -> Iterator[IO[bytes]]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | Path):
        with open(source, "rb") as handle:
            yield handle
    else:
        source.seek(0)
        try:
            yield source
        finally:
            source.seek(0)


def _check_entry_count(handle: IO[bytes], limits: Limits) -> None:
    """The count in the end record, read before ``ZipFile`` builds an object for every entry."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    tail_size = min(size, END_RECORD.size + 0xFFFF)  # the record and its longest comment
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    handle.seek(0)
    at = tail.rfind(END_SIGNATURE)
    if at < 0 or len(tail) - at < END_RECORD.size:
        raise ArchiveError(_unreadable())
    entries = END_RECORD.unpack_from(tail, at)[4]
    # 0xFFFF means "see the ZIP64 record": no office document has that many parts.
    if entries > limits.entries or entries == 0xFFFF:
        raise ArchiveError(
            _("The file holds %(count)s parts; an office document may hold at most %(limit)s.")
            % {"count": entries, "limit": limits.entries}
        )


def _check_declared(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.uncompressed:
            raise ArchiveError(_too_big(limits))
        if info.file_size > RATIO_FROM_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.ratio:
                raise ArchiveError(
                    _(
                        "A part of the file (%(name)s) is compressed %(ratio)d times; more than "
                        "%(limit)s times is refused as a decompression bomb."
                    )
                    % {"name": info.filename[:100], "ratio": ratio, "limit": limits.ratio}
                )


def _check_inflated(handle: IO[bytes], info: zipfile.ZipInfo, limits: Limits, already: int) -> int:
    """Inflate one part as a stream; return how many bytes it really holds."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveError(
            _(
                "A part of the file (%(name)s) is encrypted or compressed in a way office "
                "files are not."
            )
            % {"name": info.filename[:100]}
        )
    handle.seek(info.header_offset)
    header = handle.read(LOCAL_HEADER.size)
    if len(header) < LOCAL_HEADER.size or header[:4] != LOCAL_SIGNATURE:
        raise ArchiveError(_unreadable())
    fields = LOCAL_HEADER.unpack(header)
    handle.seek(fields[10] + fields[11], io.SEEK_CUR)  # the name and the extra field
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type else None
    meter: _TextMeter | None = None
    produced = 0
    left = info.compress_size
    while left > 0:
        raw = handle.read(min(READ_CHUNK, left))
        if not raw:
            raise ArchiveError(_unreadable())
        left -= len(raw)
        pending = raw
        while pending:
            if inflater is None:
                data, pending = pending, b""
            else:
                try:
                    data = inflater.decompress(pending, INFLATE_CHUNK)
                except zlib.error as error:
                    raise ArchiveError(_unreadable()) from error
                pending = inflater.unconsumed_tail
            if not data:
                break
            produced += len(data)
            if produced > info.file_size:
                raise ArchiveError(
                    _("A part of the file (%(name)s) holds more than its header declares.")
                    % {"name": info.filename[:100]}
                )
            if already + produced > limits.uncompressed:
                raise ArchiveError(_too_big(limits))
            if meter is None:
                meter = _TextMeter(limits.cell, xml=_looks_like_xml(data))
            if meter.too_long(data):
                raise ArchiveError(
                    _(
                        "A cell or a paragraph of the file (in %(name)s) holds more than %(limit)s "
                        "of text; the file is refused."
                    )
                    % {"name": info.filename[:100], "limit": filesizeformat(limits.cell)}
                )
    return produced


def _looks_like_xml(start: bytes) -> bool:
    """XML in UTF-8 or UTF-16, with or without a byte order mark (the encodings XML parsers
    detect); a picture or other binary part does not start with "<" once these are skipped."""
    return start[:64].lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n")[:1] == b"<"


class _TextMeter:
    """The longest run of bytes without ``<`` in an XML part, across chunks: a text node or an
    attribute value cannot hold a raw ``<``, so the run bounds every cell's text."""

    def __init__(self, limit: int, *, xml: bool) -> None:
        self.limit = limit
        self.xml = xml
        self.run = 0  # the run at the end of what was fed so far

    def too_long(self, data: bytes) -> bool:
        if not self.xml:
            return False  # a picture or other binary part: its size is bounded above
        first = data.find(b"<")
        if first < 0:
            self.run += len(data)
            return self.run > self.limit
        if self.run + first > self.limit or _long_run(self.limit).search(data, first):
            return True
        self.run = len(data) - data.rfind(b"<") - 1
        return False


@functools.lru_cache(maxsize=4)
def _long_run(limit: int) -> re.Pattern[bytes]:
    # Anchored on "<", so each run is scanned once: linear in the size of the part.
    return re.compile(rb"<[^<]{%d}" % (limit + 1))


def _unreadable() -> str:
    return _("The file is not a readable office document (XLSX or DOCX).")


def _too_big(limits: Limits) -> str:
    return _("Unpacked, the file would be larger than %(limit)s; it is refused.") % {
        "limit": filesizeformat(limits.uncompressed)
    }
