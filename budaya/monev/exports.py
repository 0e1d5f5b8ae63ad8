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
    center: bool = False  # the row's number

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
        return Cell(str(item["number"]), center=True)
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
        extra=_extra(content),
    )


def _extra(content: dict[str, Any]) -> dict[str, Any]:
    """What the report's documents print after its table, as the content holds it: the
    agency's survey results and participation (issue 22), the competitions its teams won
    (issue 24)."""
    from budaya.competitions import feeds as competitions

    extra: dict[str, Any] = {}
    if content.get("surveys"):
        extra["survey_lines"] = feeds.document_lines(content["surveys"])
    if content.get("competitions"):
        extra["competition_lines"] = competitions.document_lines(content["competitions"])
    return extra


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


def _signature_text(document: Document, block: Signature, *, first: bool) -> str:
    """One signature block as the lines of one cell (XLSX): the place and date above the
    signer, "Menyampaikan,"/"Mengetahui," above the others; the title, room to sign, the name
    and the NIP."""
    lines = [
        f"{document.place}, {tanggal(document.day)}" if first else block.position_text,
        f"{block.title},",
        "",
        "",
        "",
        document.signature_name(block),
    ]
    if block.nip:
        lines.append(f"NIP {block.nip}")
    return "\n".join(lines)


def survey_lines(document: Document) -> list[str]:
    """The agency's survey results and participation (issue 22), where the content has them."""
    return list(document.extra.get("survey_lines", []))


def competition_lines(document: Document) -> list[str]:
    """The competitions the agency's teams won (issue 24), where the content has them."""
    return list(document.extra.get("competition_lines", []))


def legend_lines(document: Document) -> list[str]:
    """The Keterangan as the regulation prints it under Tabel 1: "Kolom 1 : Nomor urut"."""
    if not document.legend:
        return []
    return ["Keterangan:"] + [
        f"Kolom {column.number} : {column.legend}" for column in document.columns if column.legend
    ]


# --- XLSX ---------------------------------------------------------------------------------------

# The printed table's width in character units (A4 landscape at a readable size), shared out by
# the rulebook's column widths.
# (140 units print at about full size on A4 landscape: the text stays 9 points.)
XLSX_TABLE_WIDTH = 140
# A line of 9-point text, in points; and how many characters of it one width unit holds (kept
# low, so that an estimated height never clips). Every row gets its height from here: no
# spreadsheet grows a merged cell to its text, and LibreOffice does not grow the others.
XLSX_LINE_PT = 12.5
XLSX_CHARS_PER_UNIT = 0.95


def _xlsx_lines(text: str, units: float) -> int:
    """How many lines ``text`` takes wrapped in a cell ``units`` wide (estimated)."""
    per_line = max(int(units * XLSX_CHARS_PER_UNIT), 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _xlsx_spans(widths: list[float], parts: int, offset: int = 0) -> list[tuple[int, int]]:
    """The columns cut into ``parts`` consecutive spans of about equal width, each at least one
    column: (first, last) column numbers, counted from ``offset``."""
    total, count = sum(widths) or 1, len(widths)
    spans: list[tuple[int, int]] = []
    first, done = 0, 0.0
    for part in range(parts):
        after = parts - part - 1  # spans still to make, a column each at least
        if not after:
            spans.append((offset + first, offset + count - 1))
            break
        goal = total * (part + 1) / parts
        last = first
        done += widths[first]
        while last + 1 < count - after and abs(done + widths[last + 1] - goal) < abs(done - goal):
            last += 1
            done += widths[last]
        spans.append((offset + first, offset + last))
        first = last + 1
    return spans


# The QR code's share of the signature row (its columns from the left, at least one).
XLSX_QR_SHARE = 0.16


def xlsx(document: Document) -> bytes:
    """One sheet set up to print: A4 landscape, fitted to one page wide, the header rows repeated
    on every page, wrapped text, the print area the form and its signatures.

    The signature blocks and the QR code stand in one row (a row never splits across pages),
    each block in its own merged cell: the forwarding and acknowledging blocks, then the signer
    on the right with the place and date. Rows of merged cells (letterhead, headings, summary,
    Keterangan, signatures) get a height from their text, since no spreadsheet grows them."""
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
    base: dict[str, Any] = {"font_name": "DejaVu Sans", "font_size": 9}
    styles: dict[str, dict[str, Any]] = {
        "kop": {"bold": True, "align": "center", "font_size": 13},
        "line": {"align": "center", "font_size": 8},
        "rule": {"bottom": 6},
        "title": {"bold": True, "align": "center", "text_wrap": True, "font_size": 10},
        "head": {
            "bold": True,
            "border": 1,
            "bg_color": "#EEEEEE",
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
        },
        "number": {"border": 1, "align": "center", "font_size": 7},
        "group": {"bold": True, "border": 1, "text_wrap": True, "bg_color": "#F6F6F6"},
        "section": {"bold": True, "text_wrap": True, "font_size": 10},
        "cell": {"border": 1, "text_wrap": True, "valign": "top"},
        "center": {"border": 1, "text_wrap": True, "valign": "top", "align": "center"},
        "link": {
            "border": 1,
            "text_wrap": True,
            "valign": "top",
            "font_color": "#0563C1",
            "underline": 1,
        },
        "text": {"text_wrap": True, "valign": "top"},
        "signature": {"text_wrap": True, "valign": "top", "align": "center"},
        "qr": {"text_wrap": True, "valign": "bottom", "font_size": 7},
        "note": {"font_size": 7, "font_color": "#444444"},
    }
    fmt = {name: book.add_format({**base, **spec}) for name, spec in styles.items()}
    units = [XLSX_TABLE_WIDTH * share / 100 for share in document.widths]
    for index, share in enumerate(units):
        sheet.set_column(index, index, share)
    row = last_row = 0
    tall: dict[int, float] = {}  # the rows' heights in points, to place a page break
    headings: set[int] = set()  # the rows of the form's group headings

    def height(number: int, points: float) -> None:
        tall[number] = points
        sheet.set_row(number, points)

    def line(text: str, style: str, *, size: float = 9) -> None:
        """A line across the table (merged), as high as its wrapped text needs."""
        nonlocal row
        if last:
            sheet.merge_range(row, 0, row, last, safe(text), fmt[style])
        else:
            sheet.write_string(row, 0, safe(text), fmt[style])
        lines = _xlsx_lines(text, sum(units) * 9 / size)
        height(row, XLSX_LINE_PT * size / 9 * lines + 2)
        row += 1

    logo = document.letterhead.raster_logo
    if logo:
        sheet.insert_image(
            0,
            0,
            "logo.png",
            {"image_data": io.BytesIO(logo), "x_scale": 0.4, "y_scale": 0.4, "object_position": 3},
        )
    for index, text in enumerate(document.letterhead.lines):
        line(text, "kop" if index < 2 else "line", size=13 if index < 2 else 8)
    if document.letterhead.lines:  # the letterhead's rule
        for number in range(width):
            sheet.write_blank(row, number, None, fmt["rule"])
        height(row, 4)
        row += 2
    for text in (document.title.upper(), document.subtitle):
        line(text, "title", size=10)
    row += 1
    # The city document's summary, chain and disposition before the forms, as in the PDF.
    if record_lines(document):
        for text in record_lines(document):
            line(text, "section" if text.endswith(":") else "text")
        row += 1
    header_first = row
    for index, column in enumerate(document.columns):
        sheet.write_string(row, index, safe(column.heading), fmt["head"])
        sheet.write_string(row + 1, index, str(column.number), fmt["number"])
    heading_lines = max(
        (_xlsx_lines(c.heading, units[i] * 0.85) for i, c in enumerate(document.columns)),
        default=1,
    )
    height(row, XLSX_LINE_PT * heading_lines + 4)
    sheet.repeat_rows(header_first, header_first + 1)
    row += 2
    for section in document.sections:
        if len(document.sections) > 1:
            headings.add(row)
            line(f"{section.title} · SHA-256: {section.sha256}", "group")
        for group in section.groups:
            headings.add(row)
            line(group["heading"], "group")
            for item in group["rows"]:
                lines = 1
                for index, cell in enumerate(item["cells"]):
                    text = "\n".join(link.title for link in cell.links) or str(cell)
                    lines = max(lines, _xlsx_lines(text, units[index]))
                    if cell.links:
                        # Each piece of evidence on its own line; the cell opens the first
                        # (a cell holds one link). A HYPERLINK formula built here from quoted
                        # text, not a link cell: LibreOffice does not wrap link cells.
                        sheet.write_formula(
                            row, index, _xlsx_hyperlink(cell.links), fmt["link"], text
                        )
                    else:
                        style = "center" if cell.center else "cell"
                        sheet.write_string(row, index, safe(str(cell)), fmt[style])
                height(row, min(XLSX_LINE_PT * lines + 3, 409))
                last_row = row
                row += 1
    row += 1
    for text in survey_lines(document):  # the agency's survey results (issue 22)
        line(text, "text")
    for text in competition_lines(document):  # the competitions it won (issue 24)
        line(text, "text")
    legend = legend_lines(document)
    if legend:
        row += 1
        for text in legend:
            line(text, "section" if text == "Keterangan:" else "text")
    row += 1

    # The signature blocks and the QR code: one row, which never splits across pages.
    blocks = document.signatures
    ordered = [*blocks[1:], *blocks[:1]]  # the signer on the right
    parts = len(ordered) + (1 if document.verify_url else 0)
    if parts and width >= parts:
        qr_columns = 0
        if document.verify_url:
            qr_columns = 1
            while qr_columns < width - len(ordered) and sum(
                units[: qr_columns + 1]
            ) <= XLSX_QR_SHARE * sum(units):
                qr_columns += 1
        spans = _xlsx_spans(units[qr_columns:], len(ordered), qr_columns)
        heights: list[float] = []
        if document.verify_url:
            first, end = 0, qr_columns - 1
            caption = f"{QR_CAPTION}:\n{document.verify_url}"
            _xlsx_cell(sheet, row, first, end, caption, fmt["qr"])
            sheet.insert_image(
                row,
                first,
                "qr.png",
                {
                    "image_data": io.BytesIO(kop.qr_png(document.verify_url)),
                    "x_scale": 0.45,
                    "y_scale": 0.45,
                    "object_position": 3,
                },
            )
            span_units = sum(units[first : end + 1])
            heights.append(90 + XLSX_LINE_PT * 0.8 * _xlsx_lines(caption, span_units / 0.8))
        for (first, end), block in zip(spans, ordered, strict=True):
            text = _signature_text(document, block, first=block is blocks[0])
            _xlsx_cell(sheet, row, first, end, safe(text), fmt["signature"])
            heights.append(XLSX_LINE_PT * _xlsx_lines(text, sum(units[first : end + 1])) + 4)
        height(row, min(max(heights), 409))
        row += 1
    else:  # a form too narrow for them side by side: one block a row
        for block in blocks:
            text = _signature_text(document, block, first=block is blocks[0])
            _xlsx_cell(sheet, row, 0, last, safe(text), fmt["signature"])
            height(row, XLSX_LINE_PT * _xlsx_lines(text, sum(units)) + 4)
            row += 1
        if document.verify_url:
            line(f"{QR_CAPTION}: {document.verify_url}", "text")
    sheet.write_string(row, 0, safe(f"{document.note} · SHA-256: {document.sha256}"), fmt["note"])
    # The closing (Keterangan, signatures, QR) on the page of the table's last row: when the
    # estimated pages would part them, the last row starts the next page with the closing.
    if last_row and _xlsx_parted(tall, units, (header_first, header_first + 1), last_row, row):
        first = last_row
        while first - 1 in headings:  # with its group's heading
            first -= 1
        sheet.set_h_pagebreaks([first])
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.center_horizontally()
    sheet.fit_to_pages(1, 0)
    sheet.print_area(0, 0, row, last)
    sheet.set_footer(f"&L&8{document.note} · SHA-256: {document.sha256[:16]}…&R&8&P / &N")
    book.close()
    return buffer.getvalue()


def _xlsx_parted(
    tall: dict[int, float], units: list[float], header: tuple[int, int], last_row: int, end: int
) -> bool:
    """Whether the printed pages (estimated: A4 landscape, the margins below, fitted to the
    width, the header rows repeated) put the table's last row and the sheet's end apart."""
    width_px = sum(int(unit * 7 + 5) for unit in units)  # the default font's 7-pixel digit
    printable_px = (A4_LONG_CM / 2.54 - 1.0) * 96
    scale = min(1.0, printable_px / max(width_px, 1))
    # Points of the sheet on a page: A4's short side less the margins (1.3 in) and, kept
    # generous, the footer LibreOffice reserves inside them (1 in): better a break too early
    # (some white space) than a page with only the signatures.
    page = (A4_SHORT_CM / 2.54 - 1.3 - 1.0) * 72 / scale
    repeated = sum(tall.get(number, 15.0) for number in range(header[0], header[1] + 1))
    used, number_of = 0.0, {}
    pages = 0
    for number in range(end + 1):
        points = tall.get(number, 15.0)
        if used + points > page:
            pages += 1
            used = repeated
        used += points
        number_of[number] = pages
    return number_of[last_row] != number_of[end]


def _xlsx_quoted(text: str) -> str:
    """Text as a string literal of a formula: one line, quotes doubled, at most 200 characters
    (a literal holds 255)."""
    flat = " ".join(text.split())[:200]
    return '"' + flat.replace('"', '""') + '"'


def _xlsx_hyperlink(links: tuple[Link, ...]) -> str:
    """=HYPERLINK(first URL, every title on its own line)."""
    titles = "&CHAR(10)&".join(_xlsx_quoted(link.title) for link in links[:20])
    return f"=HYPERLINK({_xlsx_quoted(links[0].url)},{titles})"


def _xlsx_cell(sheet: Any, row: int, first: int, last: int, text: str, style: Any) -> None:
    if last > first:
        sheet.merge_range(row, first, row, last, text, style)
    else:
        sheet.write_string(row, first, text, style)


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


def _docx_page_number(paragraph: Any) -> None:
    """ "n / N" at the end of the footer line (Word's PAGE and NUMPAGES fields)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def field(code: str) -> None:
        run = paragraph.add_run()
        run.font.size = Pt(7)
        for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1")):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText" if text == code else "w:t")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._r.append(end)

    field(" PAGE ")
    paragraph.add_run(" / ").font.size = Pt(7)
    field(" NUMPAGES ")


def _docx_shade(cell: Any, fill: str) -> None:
    """A cell's background (the header rows grey, as in the PDF)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    cell._tc.get_or_add_tcPr().append(shading)


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
    from docx.shared import Pt

    lines = [
        f"{document.place}, {tanggal(document.day)}" if first else block.position_text,
        f"{block.title},",
        "",
        "",
        "",
        document.signature_name(block),
        f"NIP {block.nip}" if block.nip else "",
    ]
    cell.text = ""
    for index, text in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(text)
        if index == 5:  # the name, as the PDF prints it
            run.bold = run.underline = True
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)


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
    for text, bold in ((document.title.upper(), True), (document.subtitle, False)):
        paragraph = out.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.add_run(text).bold = bold
    # The city document's summary, chain and disposition before the forms, as in the PDF.
    for text in record_lines(document):
        paragraph = out.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(text).bold = text.endswith(":")
        paragraph.paragraph_format.keep_with_next = text.endswith(":")
    widths = [Cm(text_width * share / 100) for share in document.widths]
    width = len(document.columns)
    table: Any = None
    for part in document.sections:
        if len(document.sections) > 1:
            title = out.add_paragraph()
            title.add_run(part.title).bold = True
            title.paragraph_format.keep_with_next = True
        table = out.add_table(rows=2, cols=width)
        table.style = "Table Grid"
        for index, column in enumerate(document.columns):
            for cell, text, size in (
                (table.rows[0].cells[index], column.heading, 9),
                (table.rows[1].cells[index], str(column.number), 7),
            ):
                cell.text = ""
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = paragraph.add_run(text)
                run.bold, run.font.size = size == 9, Pt(size)
                _docx_shade(cell, "EEEEEE")
        _docx_row_flags(table.rows[0], header=True)
        _docx_row_flags(table.rows[1], header=True)
        for group in part.groups:
            heading = table.add_row()
            _docx_row_flags(heading)
            cells = heading.cells
            merged = cells[0].merge(cells[width - 1]) if width > 1 else cells[0]
            merged.text = ""
            merged.paragraphs[0].add_run(group["heading"]).bold = True
            # A group's heading stays on the page of its first row.
            merged.paragraphs[0].paragraph_format.keep_with_next = True
            _docx_shade(merged, "F6F6F6")
            for item in group["rows"]:
                row = table.add_row()
                _docx_row_flags(row)
                for index, value in enumerate(item["cells"]):
                    _docx_cell(row.cells[index], value)
                    if value.center:
                        row.cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        kop.docx_column_widths(table, widths)
        if len(document.sections) > 1:
            out.add_paragraph(f"SHA-256: {part.sha256}").runs[0].font.size = Pt(7)
    # The closing (the survey results where there are some, the Keterangan, then the
    # signatures) stays together and with the table's last row: never a page with only the
    # signatory (issue 19).
    if table is not None:
        for cell in table.rows[-1].cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    closing = [*survey_lines(document), *competition_lines(document), *legend_lines(document)]
    for text in ["", *closing, ""]:
        paragraph = out.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run(text).bold = text == "Keterangan:"
    _docx_signatures(out, document, text_width)
    footer = section.footer.paragraphs[0]
    footer.text = f"{document.note} · SHA-256: {document.sha256}\t"
    footer.runs[0].font.size = Pt(7)
    _docx_page_number(footer)
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
