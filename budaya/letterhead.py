"""The letterhead (kop surat) of every official document, and the QR code that opens a
document's verification page (issue 19, docs/documents.md).

A document in the official form (naskah dinas) opens with the letterhead: the government's logo,
its name as the letterhead prints it ("PEMERINTAH ..."), the issuing unit's name, its address and
contact. The lines are the government's and the unit's data (``Government.letterhead_name``,
``address``, ``phone``, ``email``, ``website``; the same on ``Unit``), set in the interface by
the city administrator and the unit head, audited. One piece for every document:

- PDF (WeasyPrint): ``{% include "budaya/documents/_letterhead.html" %}`` with ``letterhead``
  in the context, and the style sheet ``STYLESHEET`` linked in the page's head;
- DOCX (python-docx): ``docx_letterhead(document, letterhead)``;
- XLSX: ``letterhead.lines`` above the table, ``letterhead.raster_logo`` beside them.

Nothing here fetches anything: the logo is inlined as a ``data:`` URL, the QR code is drawn
here as SVG (PDF) or PNG (DOCX, XLSX).
"""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg

from budaya.org import logos
from budaya.org.models import Government, Unit

log = logging.getLogger(__name__)

STYLESHEET = "budaya/documents/letterhead.css"


@dataclass(frozen=True)
class Letterhead:
    government_line: str
    unit_line: str
    address: str
    contact: str
    logo: bytes | None = None
    logo_type: str | None = None

    @property
    def logo_uri(self) -> str:
        """The logo as a ``data:`` URL (the type its content shows), or "" without one."""
        if not self.logo or not self.logo_type:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode()}"

    @property
    def raster_logo(self) -> bytes | None:
        """The logo when it is a picture a DOCX or XLSX can hold (PNG, JPEG); an SVG is not."""
        return self.logo if self.logo_type in (logos.PNG, logos.JPEG) else None

    @property
    def lines(self) -> list[str]:
        """The letterhead as text lines (XLSX, and what tests read back)."""
        return [
            line
            for line in (self.government_line, self.unit_line, self.address, self.contact)
            if line
        ]


def _logo(government: Government) -> tuple[bytes | None, str | None]:
    if not government.logo:
        return None, None
    try:
        with government.logo.open("rb") as handle:
            data = bytes(handle.read(logos.MAX_BYTES + 1))
    except OSError:
        return None, None
    return data, logos.content_type(data)


def _contact(holder: Government | Unit) -> str:
    parts = []
    if holder.phone:
        parts.append(f"Telepon {holder.phone}")
    if holder.email:
        parts.append(f"Pos-el {holder.email}")
    if holder.website:
        parts.append(f"Laman {holder.website}")
    return " · ".join(parts)


def letterhead_of(government: Government, unit: Unit | None = None) -> Letterhead:
    """The letterhead of a document the unit issues (its name, address and contact; where the
    unit has none, the government's), or of the government itself (no unit)."""
    logo, kind = _logo(government)
    own = unit is not None and bool(unit.address or unit.phone or unit.email or unit.website)
    holder: Government | Unit = unit if own and unit is not None else government
    return Letterhead(
        government_line=(government.letterhead_name or f"Pemerintah {government.name}").upper(),
        unit_line=unit.name.upper() if unit is not None else "",
        address=holder.address,
        contact=_contact(holder),
        logo=logo,
        logo_type=kind,
    )


def docx_letterhead(document: Any, letterhead: Letterhead, *, width_cm: float) -> None:
    """Write the letterhead at the top of a python-docx document: the logo beside the centred
    lines, a double rule below, as the PDF include prints it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table = document.add_table(rows=1, cols=2)
    docx_column_widths(table, [Cm(2.6), Cm(width_cm - 2.6)])
    logo_cell, text_cell = table.rows[0].cells
    picture = letterhead.raster_logo
    if picture:
        try:
            logo_cell.paragraphs[0].add_run().add_picture(io.BytesIO(picture), height=Cm(2.2))
        except Exception:  # a picture python-docx cannot read is left out, never the document
            log.info("logo left out of the letterhead")
    sizes = [(letterhead.government_line, 14, True), (letterhead.unit_line, 13, True)]
    sizes += [(letterhead.address, 9, False), (letterhead.contact, 9, False)]
    first = True
    for text, size, bold in sizes:
        if not text:
            continue
        paragraph = text_cell.paragraphs[0] if first else text_cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    rule = document.add_paragraph()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "double"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)


def docx_column_widths(table: Any, widths: list[Any]) -> None:
    """Fixed column widths, written where Word reads them (each cell) and where LibreOffice
    does (the table grid)."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def qr_svg_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG ``data:`` URL (drawn here, nothing fetched)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def qr_png(url: str) -> bytes:
    """The same QR code as PNG, for the DOCX and the XLSX (which hold no SVG)."""
    image = qrcode.make(url, border=1, box_size=6)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()
