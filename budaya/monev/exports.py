"""The agency report and the city report as XLSX, DOCX and PDF in the layout of the report form of
the period's rulebook (its numbered columns, their Keterangan and its row groups), with the place,
date and the signature blocks of ``monev.signatories`` (each under its own title, with the name
and NIP of whoever holds it), the government's logo and the document hash in the footer.

The PDF renderer reads no network resource: ``LocalOnlyFetcher`` answers data: URLs and files
under the static directories and refuses everything else; fonts are the machine's (DejaVu).
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from budaya.files import attach
from budaya.monev import rules, selectors, services
from budaya.monev.models import CityReport, Report, ReportVersion
from budaya.monev.summary import city_summary
from budaya.org import logos
from budaya.org.models import Government
from budaya.rulebook.document import Column, RulebookDocument
from budaya.spreadsheets import workbook_bytes, xlsx_response

log = logging.getLogger(__name__)

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


@dataclass
class Document:
    filename: str
    government: Government
    title: str
    subtitle: str
    sections: list[Section]
    place: str
    day: datetime.date
    columns: tuple[Column, ...]
    signatures: list[Signature]
    sha256: str
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def legend(self) -> bool:
        return any(column.legend for column in self.columns)


# Beside a row whose cited activity was edited after the submission (issue 17); the row itself
# and the hash stay those of the submitted version.
CHANGED_NOTE = "(diubah setelah laporan disampaikan)"

# A row's seven fields, in the order of the form's columns 1 to 7.
ROW_FIELDS = ("number", "when", "activity", "form", "problems", "solutions", "evidence_text")


def _cells(row: dict[str, Any], columns: tuple[Column, ...]) -> list[Any]:
    """The row's values under the form's columns, by position (a column past the seventh is
    empty)."""
    values = [row.get(name, "") for name in ROW_FIELDS]
    return [values[index] if index < len(values) else "" for index in range(len(columns))]


def _groups(
    rows: list[dict[str, Any]],
    book: RulebookDocument,
    columns: tuple[Column, ...],
    changed: set[str] | None = None,
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
            item = {**row, "number": number, "evidence_text": _evidence_text(row)}
            if changed and row.get("key") in changed:
                item["activity"] = f"{row['activity']}\n{CHANGED_NOTE}"
            item["cells"] = _cells(item, columns)
            items.append(item)
        groups.append({"heading": heading, "rows": items})
    return groups


def _evidence_text(row: dict[str, Any]) -> str:
    return "\n".join(
        f"{e['title']}{' — ' + e['url'] if e.get('url') else ''}" for e in row.get("evidence", [])
    )


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


def agency_document(report: Report, version: ReportVersion | None) -> Document:
    """The frozen version when there is one (its hash), else the working copy (hash of now)."""
    if version is not None:
        content = json.loads(version.canonical)
        sha = version.sha256
        note = f"Versi {version.number}"
    else:
        content = services.report_content(report)
        sha = services.sha256_of(services.canonical_json(content))
        note = "Draf (belum disampaikan)"
    day = timezone.localdate(version.submitted_at) if version else timezone.localdate()
    changed = selectors.changed_since_submitted(report, version)
    government = report.government
    book = rules.book_of(report.period)
    columns = book.monev.report_form.columns
    return Document(
        filename=f"monev-{slugify(report.unit.name)}-{report.period.year}-v{report.version}",
        government=government,
        title=book.monev.report_form.title,
        subtitle=f"{content['unit']['name']} · {content['period']['title']}",
        sections=[
            Section(content["unit"]["name"], _groups(content["rows"], book, columns, changed), sha)
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
    )


def city_document(city: CityReport) -> Document:
    content = json.loads(city.canonical)
    government = city.government
    book = rules.book_of(city.period)
    columns = book.monev.report_form.columns
    return Document(
        filename=f"monev-{government.slug}-{city.period.year}-daerah-v{city.number}",
        government=government,
        title=book.monev.report_form.title,
        subtitle=f"{government.name} · {content['period']['title']}",
        sections=[
            Section(
                f"{item['unit']['name']} (versi {item['version']})",
                _groups(item["content"]["rows"], book, columns),
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
            f"({block.name or '.....'})",
            f"NIP {block.nip}" if block.nip else "",
        ]
    return lines


def _legend_lines(document: Document) -> list[str]:
    if not document.legend:
        return []
    return ["Keterangan:"] + [
        f"{column.number}. {column.heading}: {column.legend}"
        for column in document.columns
        if column.legend
    ]


def _logo_bytes(government: Government) -> bytes | None:
    if not government.logo:
        return None
    try:
        with government.logo.open("rb") as handle:
            return bytes(handle.read())
    except OSError:
        return None


# --- XLSX ----------------------------------------------------------------------------------------


def xlsx(document: Document) -> bytes:
    width = len(document.columns)
    blank = [""] * max(width - 1, 0)
    rows: list[list[Any]] = [[str(column.number) for column in document.columns]]
    for section in document.sections:
        if len(document.sections) > 1:
            rows.append([section.title, *blank[:-1], f"SHA-256: {section.sha256}"])
        for group in section.groups:
            rows.append([group["heading"], *blank])
            for row in group["rows"]:
                rows.append(list(row["cells"]))
    rows += [[]]
    rows += [[line] for line in record_lines(document)]
    rows += [[]]
    rows += [[line] for line in _legend_lines(document)]
    rows += [[]]
    rows += [[line] for line in _signature_lines(document)]
    rows += [[], [f"{document.note} · SHA-256: {document.sha256}"]]
    return workbook_bytes(
        "Formulir",
        [column.heading for column in document.columns],
        rows,
        heading=[document.government.name, document.title, document.subtitle],
        logo=_xlsx_logo(document.government),
    )


def _xlsx_logo(government: Government) -> bytes | None:
    """The logo as an image a workbook can hold (PNG or JPEG); another format is left out."""
    logo = _logo_bytes(government)
    if logo and (logo.startswith(b"\x89PNG") or logo.startswith(b"\xff\xd8")):
        return logo
    return None


# --- DOCX ----------------------------------------------------------------------------------------


def docx(document: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    out = Docx()
    section = out.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    style = out.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(9)
    logo = _logo_bytes(document.government)
    if logo:
        try:
            out.add_picture(io.BytesIO(logo), height=Cm(2))
            out.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        except Exception:  # a logo python-docx cannot read (SVG) is left out
            log.info("logo of %s left out of the DOCX", document.government.slug)
    for text, bold in (
        (document.government.name.upper(), True),
        (document.title, True),
        (document.subtitle, False),
    ):
        paragraph = out.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = bold
    for part in document.sections:
        if len(document.sections) > 1:
            out.add_paragraph().add_run(part.title).bold = True
        width = len(document.columns)
        table = out.add_table(rows=2, cols=width)
        table.style = "Table Grid"
        for index, column in enumerate(document.columns):
            table.rows[0].cells[index].text = column.heading
            table.rows[1].cells[index].text = str(column.number)
        for group in part.groups:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[width - 1]) if width > 1 else cells[0]
            merged.text = group["heading"]
            for row in group["rows"]:
                cells = table.add_row().cells
                for index, value in enumerate(row["cells"]):
                    cells[index].text = str(value)
        if len(document.sections) > 1:
            out.add_paragraph(f"SHA-256: {part.sha256}")
    for line in [*record_lines(document), *_legend_lines(document)]:
        out.add_paragraph(line)
    out.add_paragraph()
    for line in _signature_lines(document):
        paragraph = out.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
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


def pdf_html(document: Document) -> str:
    """The page WeasyPrint renders: the logo inline (data: URL), the style sheet a local file."""
    logo = _logo_bytes(document.government)
    logo_uri = ""
    kind = logos.content_type(logo) if logo else None
    if logo and kind:  # the type its content shows, not its name's (issue 17)
        logo_uri = f"data:{kind};base64,{base64.b64encode(logo).decode()}"
    css = finders.find("monev/print.css")
    return render_to_string(
        "monev/export_pdf.html",
        {
            "document": document,
            "columns": document.columns,
            "legend": document.legend,
            "logo_uri": logo_uri,
            "css_uri": Path(str(css)).resolve().as_uri() if css else "",
            "date": tanggal(document.day),
        },
    )


def pdf(document: Document, fetcher: Any = None) -> bytes:
    from weasyprint import HTML

    html = pdf_html(document)
    return bytes(
        HTML(string=html, url_fetcher=fetcher or local_only_fetcher()).write_pdf()  # type: ignore[no-untyped-call]
    )


TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def respond(document: Document, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        return xlsx_response(document.filename, xlsx(document))
    if fmt == "docx":
        content = docx(document)
    elif fmt == "pdf":
        content = pdf(document)
    else:
        raise Http404
    response = HttpResponse(content, content_type=TYPES[fmt])
    attach(response, document.filename, TYPES[fmt])
    return response
