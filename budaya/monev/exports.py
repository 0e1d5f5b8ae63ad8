"""The agency report and the city report as XLSX, DOCX and PDF in the official form (naskah
dinas, issue 19) and the layout of the report form of the period's rulebook.

Every document: the letterhead (``budaya/letterhead.py``: logo, government, unit, address,
contact), A4 landscape, the form's numbered columns at the rulebook's widths, each showing the row
field the column names (``Column.field``, never a position), the *Keterangan* as the regulation
prints it ("Kolom 1 : ...", S Lampiran E Tabel 1), the evidence as links to the scoped evidence
route (they open only for a reader whose scope covers the evidence), the place and date and the
signature blocks of ``monev.signatories`` (each under its own title, with the name and NIP of
whoever holds it), kept together on one page beside a QR code that opens the document's
verification page (version and hash), and the hash in the footer. The city document adds its
chain (who consolidated, forwarded and acknowledged it, when) and the place of its summary.

The PDF renderer reads no network resource: ``LocalOnlyFetcher`` answers data: URLs and files
under the static directories and refuses everything else; fonts are the machine's (DejaVu).
"""

from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from budaya import letterhead as kop
from budaya.files import attach
from budaya.monev import rules, selectors, services
from budaya.monev.models import CityReport, Report, ReportVersion
from budaya.monev.summary import city_summary
from budaya.org.models import Government
from budaya.rulebook.document import Column, RulebookDocument
from budaya.spreadsheets import XLSX_TYPE, safe
from budaya.surveys import feeds

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def tanggal(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Cell:
    """One cell of the form: its text, or (the evidence column) its links."""

    text: str = ""
    links: tuple[Link, ...] = ()

    def __str__(self) -> str:
        if self.links:
            return "\n".join(f"{link.title} — {link.url}" for link in self.links)
        return self.text


@dataclass
class Section:
    """One agency's form (a city report holds one per agency)."""

    title: str
    groups: list[dict[str, Any]]
    sha256: str = ""


@dataclass(frozen=True)
class Signature:
    """One signature block: the printed title (the rulebook's), whose name and NIP."""

    position: str
    title: str
    name: str
    nip: str

    @property
    def position_text(self) -> str:
        return POSITION_TEXT.get(self.position, "")


# The words above a block after the first (the first carries the place and the date).
POSITION_TEXT = {"forwards": "Menyampaikan,", "acknowledges": "Mengetahui,"}
POSITIONS = ("signs", "forwards", "acknowledges")
# Where a draft has no signatory yet (a submitted report cannot lack one); a frozen document
# with an empty name keeps the form's dotted line, to be signed by hand.
DRAFT_PLACEHOLDER = "[penanda tangan belum ditetapkan]"
DOTTED = "(............................................)"
QR_CAPTION = "Pindai untuk memeriksa versi dan hash dokumen ini"


@dataclass
class Document:
    filename: str
    government: Government
    letterhead: kop.Letterhead
    title: str
    subtitle: str
    sections: list[Section]
    place: str
    day: datetime.date
    columns: tuple[Column, ...]
    signatures: list[Signature]
    sha256: str
    note: str = ""
    draft: bool = False
    verify_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def legend(self) -> bool:
        return any(column.legend for column in self.columns)

    @property
    def widths(self) -> list[float]:
        """Each column's share of the table's width, in percent (the rulebook's widths)."""
        total = sum(column.width for column in self.columns) or 1
        return [round(100 * column.width / total, 2) for column in self.columns]

    def signature_name(self, block: Signature) -> str:
        if block.name:
            return f"({block.name})"
        return DRAFT_PLACEHOLDER if self.draft else DOTTED


# Beside a row whose cited activity was edited after the submission (issue 17); the row itself
# and the hash stay those of the submitted version.
CHANGED_NOTE = "(diubah setelah laporan disampaikan)"


def _evidence_links(row: dict[str, Any], base_url: str) -> tuple[Link, ...]:
    """The evidence as links to the scoped evidence route: it serves the file, or sends a link's
    reader on to its address, only to a reader whose scope covers it (else 404)."""
    return tuple(
        Link(
            item["title"],
            base_url + reverse("activities:evidence_file", args=[item["id"]])
            if item.get("id")
            else item.get("url", ""),
        )
        for item in row.get("evidence", [])
    )


def _cell(item: dict[str, Any], name: str, base_url: str) -> Cell:
    if name == "evidence":
        return Cell(links=_evidence_links(item, base_url))
    if name == "number":
        return Cell(str(item["number"]))
    return Cell(str(item.get(name, "") or "")) if name else Cell()


def _groups(
    rows: list[dict[str, Any]],
    book: RulebookDocument,
    columns: tuple[Column, ...],
    changed: set[str] | None = None,
    base_url: str = "",
) -> list[dict[str, Any]]:
    number = 0
    groups = []
    known = [group.number for group in book.monev.report_form.row_groups]
    headings = [(group.number, group.heading) for group in book.monev.report_form.row_groups]
    # A row under a group the form no longer has (content made under another form) is kept.
    headings += [(n, "") for n in sorted({r["indicator"] for r in rows} - set(known))]
    for group_number, heading in headings:
        items = []
        for row in rows:
            if row["indicator"] != group_number:
                continue
            number += 1
            item = {**row, "number": number}
            if changed and row.get("key") in changed:
                item["activity"] = f"{row['activity']}\n{CHANGED_NOTE}"
            # Each column shows the field it names (issue 19: by key, so a form with more or
            # other columns is filled; a column naming no field stays empty).
            item["cells"] = [_cell(item, column.field, base_url) for column in columns]
            items.append(item)
        groups.append({"heading": heading, "rows": items})
    return groups


def _office_person(
    book: RulebookDocument, government: Government, signer: str, acted: dict[str, Any]
) -> tuple[str, str]:
    """Name and NIP under an office's title: whoever made the chain step that office acts at
    (forward, acknowledge), else whoever holds the office now."""
    for step_code, user in acted.items():
        step = book.monev.step(step_code)
        if step is not None and step.actor == signer and user is not None:
            return services.person_of(user)
    return services.signer_of(government, signer)


def _signatures(
    book: RulebookDocument,
    government: Government,
    document: str,
    signs: tuple[str, str],
    acted: dict[str, Any],
    unit: Any = None,
) -> list[Signature]:
    out = []
    for position in POSITIONS:
        signatory = book.monev.signatory(document, position)
        if signatory is None:
            continue
        if position == "signs":
            name, nip = signs
        elif book.office(signatory.signer) is not None:
            name, nip = _office_person(book, government, signatory.signer, acted)
        else:
            name, nip = services.signer_of(government, signatory.signer, unit)
        out.append(Signature(position, signatory.title, name, nip))
    return out


def agency_document(
    report: Report, version: ReportVersion | None, *, base_url: str = ""
) -> Document:
    """The frozen version when there is one (its hash), else the working copy (hash of now).

    ``base_url`` (scheme and host of the request) makes the evidence links and the QR code
    absolute; the QR opens the version's page (its hash checked again), a draft's the report.
    """
    if version is not None:
        content = json.loads(version.canonical)
        sha = version.sha256
        note = f"Versi {version.number}"
        verify = reverse("monev:version", args=[report.government.slug, report.pk, version.number])
    else:
        content = services.report_content(report)
        sha = services.sha256_of(services.canonical_json(content))
        note = "Draf (belum disampaikan)"
        verify = reverse("monev:report", args=[report.government.slug, report.pk])
    day = timezone.localdate(version.submitted_at) if version else timezone.localdate()
    changed = selectors.changed_since_submitted(report, version)
    government = report.government
    book = rules.book_of(report.period)
    columns = book.monev.report_form.columns
    return Document(
        filename=f"monev-{slugify(report.unit.name)}-{report.period.year}-v{report.version}",
        government=government,
        letterhead=kop.letterhead_of(government, report.unit),
        title=book.monev.report_form.title,
        subtitle=f"{content['unit']['name']} · {content['period']['title']}",
        sections=[
            Section(
                content["unit"]["name"],
                _groups(content["rows"], book, columns, changed, base_url),
                sha,
            )
        ],
        place=content.get("place") or services.place_of(government),
        day=day,
        columns=columns,
        signatures=_signatures(
            book,
            government,
            "agency_report",
            (content["signatory"]["name"], content["signatory"]["nip"]),
            {},
            report.unit,
        ),
        sha256=sha,
        note=note,
        draft=version is None,
        verify_url=base_url + verify,
        # The agency's survey results and participation as the content holds them (issue 22).
        extra={"survey_lines": feeds.document_lines(content["surveys"])}
        if content.get("surveys")
        else {},
    )


def city_document(city: CityReport, *, base_url: str = "") -> Document:
    content = json.loads(city.canonical)
    government = city.government
    book = rules.book_of(city.period)
    columns = book.monev.report_form.columns
    return Document(
        filename=f"monev-{government.slug}-{city.period.year}-daerah-v{city.number}",
        government=government,
        letterhead=kop.letterhead_of(government),
        title=book.monev.report_form.title,
        subtitle=f"{government.name} · {content['period']['title']}",
        sections=[
            Section(
                f"{item['unit']['name']} (versi {item['version']})",
                _groups(item["content"]["rows"], book, columns, base_url=base_url),
                item["sha256"],
            )
            for item in content["reports"]
        ],
        place=city.place or services.place_of(government),
        day=timezone.localdate(city.consolidated_at),
        columns=columns,
        signatures=_signatures(
            book,
            government,
            "city_report",
            (city.signatory_name, city.signatory_nip),
            {"forward": city.forwarded_by, "acknowledge": city.acknowledged_by},
        ),
        sha256=city.sha256,
        note=f"Laporan pemerintah daerah versi {city.number}",
        verify_url=base_url + reverse("monev:city", args=[government.slug, city.pk]),
        extra={
            "summary": city_summary(city),
            "chain": city_chain_lines(city),
            "disposition": city.disposition,
            "directions": [
                f"{item.unit.name}: {item.text} (tenggat {tanggal(item.due_on)})"
                for item in city.follow_ups.select_related("unit")
            ],
        },
    )


CITY_STEP_WORDS = {"forward": "Diteruskan", "acknowledge": "Diterima", "return": "Dikembalikan"}


def city_chain_lines(city: CityReport) -> list[str]:
    """Who consolidated, forwarded, acknowledged or returned the city report, when, with the
    notes (issue 19: the city document records the chain)."""
    lines = [f"Dihimpun: {_when(city.consolidated_at)}, {_who(city.consolidated_by)}"]
    for step in city.steps.select_related("actor"):
        line = f"{CITY_STEP_WORDS.get(step.step, step.step)}: {_when(step.at)}, {_who(step.actor)}"
        lines.append(f"{line}. Catatan: {step.note}" if step.note else line)
    return lines


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{tanggal(local.date())} {local:%H.%M}"


def _who(user: Any) -> str:
    return services.person_of(user)[0] if user is not None else "-"


def record_lines(document: Document) -> list[str]:
    """The city document's summary counts, chain and disposition as lines (DOCX and XLSX; the
    PDF renders them with ``monev/_city_summary.html``)."""
    summary = document.extra.get("summary")
    if summary is None:
        return []
    lines = [
        "Ringkasan:",
        f"Tepat waktu: {', '.join(line.agency.name for line in summary.on_time) or '-'}",
        f"Terlambat: {', '.join(line.agency.name for line in summary.late) or '-'}",
        f"Belum melapor: {', '.join(line.agency.name for line in summary.not_reported) or '-'}",
        "",
        "Alur persetujuan:",
        *document.extra["chain"],
    ]
    if document.extra["disposition"] or document.extra["directions"]:
        lines += ["", "Disposisi:", document.extra["disposition"], *document.extra["directions"]]
    return lines


def _signature_lines(document: Document) -> list[str]:
    lines: list[str] = []
    for index, block in enumerate(document.signatures):
        if index == 0:
            lines.append(f"{document.place}, {tanggal(document.day)}")
        else:
            lines += ["", block.position_text]
        lines += [
            f"{block.title},",
            "",
            "",
            document.signature_name(block),
            f"NIP {block.nip}" if block.nip else "",
        ]
    return lines


def survey_lines(document: Document) -> list[str]:
    """The agency's survey results and participation (issue 22), where the content has them."""
    return list(document.extra.get("survey_lines", []))


def legend_lines(document: Document) -> list[str]:
    """The Keterangan as the regulation prints it under Tabel 1: "Kolom 1 : Nomor urut"."""
    if not document.legend:
        return []
    return ["Keterangan:"] + [
        f"Kolom {column.number} : {column.legend}" for column in document.columns if column.legend
    ]


# --- XLSX ----------------------------------------------------------------------------------------

# The printed table's width in character units (A4 landscape at a readable size), shared out by
# the rulebook's column widths.
XLSX_TABLE_WIDTH = 190


def xlsx(document: Document) -> bytes:
    """One sheet set up to print: A4 landscape, fitted to one page wide, the header rows repeated
    on every page, wrapped text, the print area the form and its signatures."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet("Formulir")
    width = len(document.columns)
    last = max(width - 1, 0)
    fmt = {
        "kop": book.add_format({"bold": True, "align": "center", "font_size": 13}),
        "line": book.add_format({"align": "center", "font_size": 9}),
        "title": book.add_format({"bold": True, "align": "center", "text_wrap": True}),
        "head": book.add_format(
            {"bold": True, "border": 1, "bg_color": "#EEEEEE", "text_wrap": True}
        ),
        "number": book.add_format({"border": 1, "align": "center", "font_size": 8}),
        "group": book.add_format({"bold": True, "border": 1, "text_wrap": True}),
        "cell": book.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "text": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    for index, share in enumerate(document.widths):
        sheet.set_column(index, index, XLSX_TABLE_WIDTH * share / 100)
    row = 0

    def line(text: str, style: str, height: float | None = None) -> None:
        nonlocal row
        if last:
            sheet.merge_range(row, 0, row, last, safe(text), fmt[style])
        else:
            sheet.write_string(row, 0, safe(text), fmt[style])
        if height:
            sheet.set_row(row, height)
        row += 1

    logo = document.letterhead.raster_logo
    if logo:
        sheet.insert_image(
            0, 0, "logo.png", {"image_data": io.BytesIO(logo), "x_scale": 0.4, "y_scale": 0.4}
        )
    for text in document.letterhead.lines:
        line(text, "kop" if row < 2 else "line")
    row += 1
    for text in (document.title, document.subtitle):
        line(text, "title")
    row += 1
    header_first = row
    for index, column in enumerate(document.columns):
        sheet.write_string(row, index, safe(column.heading), fmt["head"])
        sheet.write_string(row + 1, index, str(column.number), fmt["number"])
    sheet.repeat_rows(header_first, header_first + 1)
    row += 2
    for section in document.sections:
        if len(document.sections) > 1:
            line(f"{section.title} · SHA-256: {section.sha256}", "group")
        for group in section.groups:
            line(group["heading"], "group")
            for item in group["rows"]:
                for index, cell in enumerate(item["cells"]):
                    sheet.write_string(row, index, safe(str(cell)), fmt["cell"])
                row += 1
    row += 1
    for text in [*record_lines(document), *survey_lines(document), *legend_lines(document)]:
        line(text, "text")
    row += 1
    signature_first = row
    for text in _signature_lines(document):
        if text:
            sheet.write_string(row, max(last - 1, 0), safe(text), fmt["text"])
        row += 1
    if document.verify_url:
        sheet.insert_image(
            signature_first,
            0,
            "qr.png",
            {"image_data": io.BytesIO(kop.qr_png(document.verify_url)), "x_scale": 0.5},
        )
        sheet.write_string(row, 0, safe(f"{QR_CAPTION}: {document.verify_url}"), fmt["text"])
        row += 1
    sheet.write_string(row, 0, safe(f"{document.note} · SHA-256: {document.sha256}"))
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.fit_to_pages(1, 0)
    sheet.print_area(0, 0, row, last)
    sheet.set_footer(f"&L&8{document.note} · SHA-256: {document.sha256[:16]}…&R&8&P / &N")
    book.close()
    return buffer.getvalue()


# --- DOCX ----------------------------------------------------------------------------------------

A4_LONG_CM, A4_SHORT_CM, DOCX_MARGIN_CM = 29.7, 21.0, 1.5


def _docx_link(paragraph: Any, text: str, url: str) -> None:
    """A hyperlink run (python-docx has no call for one)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for tag, value in (("w:color", "0563C1"), ("w:u", "single")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    run.append(properties)
    content = OxmlElement("w:t")
    content.text = text
    run.append(content)
    link.append(run)
    paragraph._p.append(link)


def _docx_row_flags(row: Any, *, header: bool = False) -> None:
    """A row never split across pages; a header row repeated on every page."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _docx_cell(cell: Any, value: Cell) -> None:
    if not value.links:
        cell.text = value.text
        return
    paragraph = cell.paragraphs[0]
    for index, link in enumerate(value.links):
        if index:
            paragraph = cell.add_paragraph()
        _docx_link(paragraph, link.title, link.url)


def _docx_block(cell: Any, document: Document, block: Signature, *, first: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    lines = [
        f"{document.place}, {tanggal(document.day)}" if first else block.position_text,
        f"{block.title},",
        "",
        "",
        "",
        document.signature_name(block),
        f"NIP {block.nip}" if block.nip else "",
    ]
    cell.text = lines[0]
    for text in lines[1:]:
        cell.add_paragraph(text)
    for paragraph in cell.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _docx_signatures(out: Any, document: Document, width_cm: float) -> None:
    """The QR code and the signer on one row, the blocks that forward and acknowledge on the
    next, in one borderless table whose rows may not split and stay together: never a page
    with only the signatory."""
    from docx.shared import Cm

    if not document.signatures:
        return
    first, *rest = document.signatures
    table = out.add_table(rows=2 if rest else 1, cols=max(len(rest), 3))
    top = table.rows[0].cells
    if document.verify_url:
        top[0].paragraphs[0].add_run().add_picture(
            io.BytesIO(kop.qr_png(document.verify_url)), width=Cm(2.8)
        )
        _docx_link(top[0].add_paragraph(), QR_CAPTION, document.verify_url)
    _docx_block(top[-1], document, first, first=True)
    if rest:
        cells = table.rows[1].cells
        if len(rest) == 1:
            targets = [cells[0].merge(cells[-1])]
        else:  # two blocks to the sides, more side by side
            targets = [cells[0], cells[-1]] if len(rest) == 2 else cells
        for cell, block in zip(targets, rest, strict=True):
            _docx_block(cell, document, block, first=False)
    kop.docx_column_widths(table, [Cm(width_cm / len(table.columns))] * len(table.columns))
    for row in table.rows:
        _docx_row_flags(row)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def docx(document: Document) -> bytes:
    """A4 landscape, the letterhead, the form at the rulebook's column widths with its header
    rows repeated on every page, the Keterangan, the chain, the signatures kept together."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    out = Docx()
    section = out.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(A4_LONG_CM), Cm(A4_SHORT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(DOCX_MARGIN_CM))
    text_width = A4_LONG_CM - 2 * DOCX_MARGIN_CM
    style = out.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(9)
    kop.docx_letterhead(out, document.letterhead, width_cm=text_width)
    for text, bold in ((document.title, True), (document.subtitle, False)):
        paragraph = out.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = bold
    widths = [Cm(text_width * share / 100) for share in document.widths]
    width = len(document.columns)
    for part in document.sections:
        if len(document.sections) > 1:
            out.add_paragraph().add_run(part.title).bold = True
        table = out.add_table(rows=2, cols=width)
        table.style = "Table Grid"
        for index, column in enumerate(document.columns):
            table.rows[0].cells[index].text = column.heading
            table.rows[1].cells[index].text = str(column.number)
        _docx_row_flags(table.rows[0], header=True)
        _docx_row_flags(table.rows[1], header=True)
        for group in part.groups:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[width - 1]) if width > 1 else cells[0]
            merged.text = group["heading"]
            for item in group["rows"]:
                row = table.add_row()
                _docx_row_flags(row)
                for index, value in enumerate(item["cells"]):
                    _docx_cell(row.cells[index], value)
        kop.docx_column_widths(table, widths)
        if len(document.sections) > 1:
            out.add_paragraph(f"SHA-256: {part.sha256}")
    for text in [*record_lines(document), *survey_lines(document), *legend_lines(document)]:
        out.add_paragraph(text)
    out.add_paragraph()
    _docx_signatures(out, document, text_width)
    footer = section.footer.paragraphs[0]
    footer.text = f"{document.note} · SHA-256: {document.sha256}"
    footer.runs[0].font.size = Pt(7)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------------


class RefusedResource(Exception):
    pass


def _static_roots() -> list[Path]:
    roots = [Path(str(d)).resolve() for d in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(str(settings.STATIC_ROOT)).resolve())
    roots.append(Path(__file__).resolve().parent / "static")
    roots.append(Path(__file__).resolve().parent.parent / "static")  # the letterhead's sheet
    return roots


def local_only_fetcher() -> Any:
    """A WeasyPrint fetcher that answers data: URLs and local static files, and nothing else."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        refused: list[str]

        def __init__(self) -> None:
            super().__init__(allowed_protocols=["data", "file"])
            self.refused = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in _static_roots()) and path.is_file():
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise RefusedResource(f"refused: {url}")

    return LocalOnlyFetcher()


def stylesheet_uri(name: str) -> str:
    """A static style sheet as a ``file:`` URL the local-only fetcher answers."""
    found = finders.find(name)
    return Path(str(found)).resolve().as_uri() if found else ""


def pdf_html(document: Document) -> str:
    """The page WeasyPrint renders: the logo and the QR code inline (data: URLs), the style
    sheets local files."""
    return render_to_string(
        "monev/export_pdf.html",
        {
            "document": document,
            "letterhead": document.letterhead,
            "columns": list(zip(document.columns, document.widths, strict=True)),
            "legend": legend_lines(document)[1:],
            "signatures": [
                (block, document.signature_name(block)) for block in document.signatures
            ],
            "qr_uri": kop.qr_svg_uri(document.verify_url) if document.verify_url else "",
            "qr_caption": QR_CAPTION,
            "stylesheets": [stylesheet_uri(kop.STYLESHEET), stylesheet_uri("monev/print.css")],
            "date": tanggal(document.day),
        },
    )


def pdf(document: Document, fetcher: Any = None) -> bytes:
    from weasyprint import HTML

    html = pdf_html(document)
    return bytes(
        HTML(string=html, url_fetcher=fetcher or local_only_fetcher()).write_pdf(  # type: ignore[no-untyped-call]
            presentational_hints=True
        )
    )


TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": XLSX_TYPE,
}


def respond(document: Document, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        content = xlsx(document)
    elif fmt == "docx":
        content = docx(document)
    elif fmt == "pdf":
        content = pdf(document)
    else:
        raise Http404
    response = HttpResponse(content, content_type=TYPES[fmt])
    attach(response, document.filename, TYPES[fmt])
    return response
