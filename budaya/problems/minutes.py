"""The minutes (risalah) of a KBK meeting as DOCX and PDF, in the form of Indonesian official
minutes: the letterhead with the government's logo, the meeting's particulars, attendees with
their attendance, discussion, decisions, follow-ups with the problems concerned, and the
signatures of the secretary (notulis) and the chair (pimpinan rapat).

The document is always in Indonesian (it is an official document); the PDF is rendered by
WeasyPrint with the monitoring exports' local-only fetcher (no network resource).
"""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

from budaya.files import attach
from budaya.monev.exports import local_only_fetcher, tanggal
from budaya.org import logos
from budaya.org.models import Employee, Government
from budaya.problems.models import Action, Attendance, Meeting, Problem
from budaya.rulebook.selectors import current_rulebook
from budaya.teams.decree import place_of
from budaya.teams.models import TeamRole

log = logging.getLogger(__name__)

DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass
class Signer:
    title: str
    name: str = ""
    nip: str = ""


@dataclass
class Attendee:
    name: str
    role: str
    present: bool


@dataclass
class Minutes:
    meeting: Meeting
    government: Government
    agency: str
    team_name: str
    day: str
    time: str
    place: str
    agenda: str
    chair: Signer
    secretary: Signer
    attendees: list[Attendee]
    discussion: str
    decisions: str
    follow_ups: str
    problems: list[Problem] = field(default_factory=list)
    # The actions its decisions and follow-ups concern, with owner and due date.
    actions: list[Action] = field(default_factory=list)
    signed_at: str = ""

    @property
    def action_lines(self) -> list[str]:
        return [
            f"{a.title} (pelaksana: {a.owner.full_name}; tenggat {tanggal(a.due_on)})"
            for a in self.actions
        ]

    @property
    def filename(self) -> str:
        return f"risalah-{slugify(self.team_name)}-{self.meeting.held_on.isoformat()}"

    @property
    def present_count(self) -> int:
        return sum(1 for a in self.attendees if a.present)


def _signer(title: str, employee: Employee | None) -> Signer:
    if employee is None:
        return Signer(title)
    return Signer(title, employee.full_name, employee.nip or employee.ni_pppk or "")


def build(meeting: Meeting) -> Minutes:
    team = meeting.team
    government = meeting.government
    attendance = list(
        Attendance.objects.filter(government=government, meeting=meeting)
        .select_related("membership__employee", "membership__role")
        .order_by("membership__role__order", "pk")
    )
    chair = secretary = None
    chair_title, secretary_title = "Ketua", "Sekretaris"
    for row in attendance:
        place = row.membership.role.chart_place
        if place == TeamRole.ChartPlace.CHAIR and chair is None:
            chair, chair_title = row.membership.employee, row.membership.role.name
        if place == TeamRole.ChartPlace.SECRETARY and secretary is None:
            secretary, secretary_title = row.membership.employee, row.membership.role.name
    held = meeting.held_on
    time = ""
    if meeting.starts_at:
        time = f"{meeting.starts_at:%H.%M} {ZONES.get(government.timezone, '')}".strip()
    book = current_rulebook(government)
    return Minutes(
        meeting=meeting,
        government=government,
        agency=team.unit.name if team.unit else "",
        team_name=team.name or book.words.agency_team_name.text,
        day=f"{DAYS[held.weekday()]}, {tanggal(held)}",
        time=time,
        place=meeting.place,
        agenda=meeting.agenda,
        chair=_signer(chair_title, chair),
        secretary=_signer(secretary_title, secretary),
        attendees=[
            Attendee(row.membership.employee.full_name, row.membership.role.name, row.present)
            for row in attendance
        ],
        discussion=meeting.discussion,
        decisions=meeting.decisions,
        follow_ups=meeting.follow_ups,
        problems=list(meeting.problems.order_by("raised_on", "pk")),
        actions=list(
            meeting.actions.select_related("owner", "plan__problem").order_by("due_on", "pk")
        ),
        signed_at=f"{place_of(government)}, {tanggal(held)}",
    )


def _logo(government: Government) -> bytes | None:
    if not government.logo:
        return None
    try:
        with government.logo.open("rb") as handle:
            return bytes(handle.read())
    except OSError:
        return None


def particulars(minutes: Minutes) -> list[tuple[str, str]]:
    return [
        ("Hari/Tanggal", minutes.day),
        ("Waktu", minutes.time or "-"),
        ("Tempat", minutes.place),
        ("Pimpinan Rapat", minutes.chair.name or "-"),
        ("Notulis", minutes.secretary.name or "-"),
        ("Acara", minutes.agenda),
    ]


def docx(minutes: Minutes) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    out = Docx()
    section = out.sections[0]
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    style = out.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10.5)
    # The letterhead (kop): logo beside the government and the agency, a rule below.
    head = out.add_table(rows=1, cols=2)
    logo = _logo(minutes.government)
    if logo:
        try:
            head.rows[0].cells[0].paragraphs[0].add_run().add_picture(
                io.BytesIO(logo), height=Cm(2.2)
            )
        except Exception:  # a logo python-docx cannot read (SVG) is left out
            log.info("logo of %s left out of the minutes", minutes.government.slug)
    head.rows[0].cells[0].width = Cm(2.8)
    cell = head.rows[0].cells[1]
    for index, (text, size) in enumerate(
        ((f"PEMERINTAH {minutes.government.name.upper()}", 13), (minutes.agency.upper(), 14))
    ):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(size)
    rule = out.add_paragraph("═" * 62)
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = out.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("RISALAH RAPAT")
    run.bold = True
    run.underline = True
    subtitle = out.add_paragraph(minutes.team_name.upper())
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = out.add_table(rows=0, cols=3)
    for label, value in particulars(minutes):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, ":", value
        cells[0].width, cells[1].width, cells[2].width = Cm(4), Cm(0.5), Cm(11.5)
    out.add_paragraph().add_run(
        f"Peserta Rapat ({minutes.present_count} dari {len(minutes.attendees)} anggota hadir):"
    ).bold = True
    people = out.add_table(rows=1, cols=4)
    people.style = "Table Grid"
    for index, heading in enumerate(("No.", "Nama", "Kedudukan dalam Tim", "Kehadiran")):
        people.rows[0].cells[index].text = heading
    for number, person in enumerate(minutes.attendees, start=1):
        cells = people.add_row().cells
        cells[0].text = str(number)
        cells[1].text = person.name
        cells[2].text = person.role
        cells[3].text = "Hadir" if person.present else "Tidak hadir"
    for heading, text in (
        ("Pembahasan", minutes.discussion),
        ("Keputusan", minutes.decisions),
        ("Tindak Lanjut", minutes.follow_ups),
    ):
        out.add_paragraph().add_run(f"{heading}:").bold = True
        for line in (text or "-").splitlines():
            out.add_paragraph(line)
    if minutes.problems:
        out.add_paragraph().add_run("Masalah yang dibahas:").bold = True
        for problem in minutes.problems:
            out.add_paragraph(problem.title, style="List Number")
    if minutes.actions:
        out.add_paragraph().add_run("Tindakan yang ditindaklanjuti:").bold = True
        for line in minutes.action_lines:
            out.add_paragraph(line, style="List Number")
    out.add_paragraph()
    place = out.add_paragraph(minutes.signed_at)
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signatures = out.add_table(rows=1, cols=2)
    for cell, signer in zip(
        signatures.rows[0].cells, (minutes.secretary, minutes.chair), strict=True
    ):
        lines = [f"{signer.title},", "", "", "", signer.name or "(.............................)"]
        if signer.nip:
            lines.append(f"NIP {signer.nip}")
        for index, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(line)
            if line == signer.name:
                run.bold = run.underline = True
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def pdf_html(minutes: Minutes) -> str:
    logo = _logo(minutes.government)
    logo_uri = ""
    kind = logos.content_type(logo) if logo else None
    if logo and kind:  # the type its content shows, not its name's (issue 17)
        logo_uri = f"data:{kind};base64,{base64.b64encode(logo).decode()}"
    return render_to_string(
        "problems/minutes_pdf.html",
        {"minutes": minutes, "logo_uri": logo_uri, "particulars": particulars(minutes)},
    )


def pdf(minutes: Minutes) -> bytes:
    from weasyprint import HTML

    return bytes(
        HTML(string=pdf_html(minutes), url_fetcher=local_only_fetcher()).write_pdf()  # type: ignore[no-untyped-call]
    )


def respond(minutes: Minutes, fmt: str) -> HttpResponse:
    if fmt == "docx":
        content = docx(minutes)
    elif fmt == "pdf":
        content = pdf(minutes)
    else:
        raise Http404
    response = HttpResponse(content, content_type=TYPES[fmt])
    attach(response, minutes.filename, TYPES[fmt])
    return response
