"""Every spreadsheet the system writes goes through here, so no cell can carry a formula.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) would be read
as a formula by Excel or LibreOffice when the file is opened: data typed by one user could then
run in another user's spreadsheet (CSV/formula injection). Such text is prefixed with an
apostrophe, and XlsxWriter is told never to turn strings into formulas or links.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.http import HttpResponse

from budaya.files import attach

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe(value: Any) -> Any:
    """The value as it may be written to a cell: text that looks like a formula is neutralised."""
    if isinstance(value, str) and value.startswith(DANGEROUS_FIRST):
        return "'" + value
    return value


def workbook_bytes(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    heading: Sequence[str] = (),
    logo: bytes | None = None,
) -> bytes:
    """One sheet: an optional logo and heading lines, a bold header, then the rows.

    The logo (PNG or JPEG bytes) sits at the top left, scaled to about four rows high, and the
    heading lines start beside it.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1})
    date_format = book.add_format({"num_format": "dd-mm-yyyy"})
    row_index = 0
    heading_column = 0
    if logo:
        height = _image_height(logo)
        scale = min(1.0, 80 / height) if height else 1.0
        sheet.insert_image(
            0, 0, "logo.png", {"image_data": io.BytesIO(logo), "x_scale": scale, "y_scale": scale}
        )
        heading_column = 2
    for line in heading:
        sheet.write_string(row_index, heading_column, safe(line))
        row_index += 1
    if logo:
        row_index = max(row_index, 4)
    if heading:
        row_index += 1
    for column, name in enumerate(header):
        sheet.write_string(row_index, column, safe(name), bold)
        sheet.set_column(column, column, max(12, min(40, len(name) + 4)))
    for row in rows:
        row_index += 1
        for column, value in enumerate(row):
            value = safe(value)
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(row_index, column, value, date_format)
            elif isinstance(value, bool):
                sheet.write_boolean(row_index, column, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(row_index, column, value)
            else:
                # Text stays text: a NIP must never become a number and lose digits.
                sheet.write_string(row_index, column, str(value))
    book.close()
    return buffer.getvalue()


def _image_height(content: bytes) -> int:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            return int(image.height)
    except (UnidentifiedImageError, OSError):
        return 0


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """The workbook as a download named ``<filename without its extension>.xlsx``."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    attach(response, filename, XLSX_TYPE)
    return response
