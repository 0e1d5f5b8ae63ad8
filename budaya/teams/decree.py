"""The draft decree (Keputusan) as DOCX, filled with docxtpl from a template.

The shipped template (``data/decree-template.docx``, made by ``build_default_template``) has the
form of an Indonesian official decree: KEPUTUSAN <issuer>, NOMOR, TENTANG, Menimbang, Mengingat,
MEMUTUSKAN, Menetapkan, the dictums KESATU, KEDUA, ..., place, date and signature, and the member
list as LAMPIRAN. A government may upload its own .docx using the same fields (docs/teams.md).

The words that differ between governments come from the rulebook the draft was made under
(``Decree.rulebook_version``): the programme's name and the head of government's title.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate

from budaya.archives import ArchiveError, check_office_file
from budaya.org.models import Employee, Government
from budaya.rulebook.document import RulebookDocument
from budaya.rulebook.selectors import current_rulebook, rulebook_of_version, starter_rulebook
from budaya.teams import sandbox
from budaya.teams.models import Decree, Membership, Team, TeamPolicy

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "data" / "decree-template.docx"

ORDINALS = [
    "KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA",
    "KEENAM", "KETUJUH", "KEDELAPAN", "KESEMBILAN", "KESEPULUH",
]  # fmt: skip
MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip
BLANK_NUMBER = "…………………………"
BLANK_DATE = "……………………"


def place_of(government: Government) -> str:
    """'Kabupaten Contoh' → 'Contoh' (Ditetapkan di ...)."""
    for prefix in ("Kota ", "Kabupaten ", "Provinsi "):
        if government.name.startswith(prefix):
            return government.name.removeprefix(prefix)
    return government.name


def issuer_title(team: Team, head: Employee | None, book: RulebookDocument | None = None) -> str:
    """Who issues the decree: the head of the agency (T Pasal 8(4)), or the head of government
    for a government-wide team, under the title the rulebook gives ('Kepala Dinas Kesehatan
    Kabupaten Contoh', 'Bupati Contoh')."""
    government = team.government
    if team.unit_id is None or team.unit is None:
        book = book or current_rulebook(government)
        return f"{book.words.head_of_government_title.text} {place_of(government)}"
    position = head.position_name if head and head.position_name else f"Kepala {team.unit.name}"
    return f"{position} {government.name}"


def indonesian_date(day: Any) -> str:
    if not day:
        return BLANK_DATE
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def cite_regulation(regulation: Any) -> str:
    """'Peraturan Bupati Contoh Nomor 7 Tahun 2024 tentang ... (Berita Daerah ...)'."""
    title_word = regulation.kind.removeprefix("Peraturan").strip()
    place = regulation.issuer.removeprefix(title_word).strip()
    text = f"{regulation.kind} {place} Nomor {regulation.number} Tahun {regulation.year}"
    text += f" tentang {regulation.title}"
    if regulation.gazette:
        text += f" ({regulation.gazette})"
    return text


def legal_basis(government: Government, policy: TeamPolicy | None) -> list[str]:
    if policy is not None and policy.legal_basis.strip():
        return [line.strip() for line in policy.legal_basis.splitlines() if line.strip()]
    from budaya.frameworks.selectors import current_adoptions

    basis = [
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah "
        "beberapa kali diubah, terakhir dengan Undang-Undang Nomor 6 Tahun 2023"
    ]
    adoption = current_adoptions([government]).get(government.pk)
    if adoption is not None:
        basis.append(cite_regulation(adoption.version.legal_basis))
    return basis


def rulebook_of(decree: Decree) -> RulebookDocument:
    """The rulebook the draft was made under; the starter's words for a draft made before the
    government had one (they are the words such drafts were made with)."""
    if decree.rulebook_version_id:
        return rulebook_of_version(decree.rulebook_version_id)
    return starter_rulebook()


@dataclass
class Member:
    number: int
    name: str
    nip: str
    position: str
    role: str


def context(
    decree: Decree,
    members: list[Membership],
    policy: TeamPolicy | None,
    previous: Decree | None = None,
) -> dict[str, Any]:
    team = decree.team
    government = team.government
    kind = team.kind
    book = rulebook_of(decree)
    issuer = decree.signer_position or issuer_title(team, None, book)
    where = team.unit.name if team.unit_id and team.unit else government.name
    basis = legal_basis(government, policy)
    regulation = basis[-1] if basis else ""
    programme = book.words.programme_name.text.lower()
    considerations = [
        f"bahwa untuk mendukung penerapan nilai dan perilaku penting {programme} di lingkungan "
        f"{where}, perlu dibentuk {kind.name}",
        # "sesuai ketentuan Pasal 8 ayat (4) Peraturan ..."; without an article, the regulation.
        f"bahwa sesuai ketentuan {f'{kind.source} ' if kind.source else ''}{regulation}, "
        f"pembentukan dan nama {kind.name} ditetapkan dengan keputusan",
        "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu "
        f"menetapkan Keputusan {issuer} tentang {decree.subject}",
    ]
    dictums: list[dict[str, Any]] = []
    if decree.purpose == Decree.Purpose.CHANGE:
        dictums.append(
            {
                "text": f"Mengubah susunan keanggotaan {team.name} di lingkungan {where} "
                "sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan "
                "dari Keputusan ini.",
                "points": [],
            }
        )
    else:
        dictums.append(
            {
                "text": f"Membentuk {kind.name} di lingkungan {where} dengan nama {team.name}, "
                "dengan susunan keanggotaan sebagaimana tercantum dalam Lampiran yang merupakan "
                "bagian tidak terpisahkan dari Keputusan ini.",
                "points": [],
            }
        )
    if kind.duty_list:
        dictums.append(
            {
                "text": f"{team.name} sebagaimana dimaksud dalam Diktum KESATU bertugas:",
                "points": _lettered(kind.duty_list),
            }
        )
    roles = []
    seen: set[int] = set()
    for membership in members:
        if membership.role_id not in seen and membership.role.duty_list:
            seen.add(membership.role_id)
            roles.append(membership.role)
    for role in roles:
        dictums.append(
            {
                "text": f"{role.name} {team.name} mempunyai tugas:",
                "points": _lettered(role.duty_list),
            }
        )
    dictums.append(
        {
            "text": f"Dalam melaksanakan tugasnya, {team.name} bertanggung jawab dan melaporkan "
            f"pelaksanaan tugasnya kepada {issuer}.",
            "points": [],
        }
    )
    if previous is not None and previous.number:
        dictums.append(
            {
                "text": f"Pada saat Keputusan ini mulai berlaku, Keputusan {issuer} Nomor "
                f"{previous.number} tentang {previous.subject} dicabut dan dinyatakan tidak "
                "berlaku.",
                "points": [],
            }
        )
    dictums.append({"text": "Keputusan ini mulai berlaku pada tanggal ditetapkan.", "points": []})
    for index, dictum in enumerate(dictums):
        dictum["ordinal"] = ORDINALS[index] if index < len(ORDINALS) else str(index + 1)
    rows = [
        Member(
            number=index,
            name=m.employee.full_name,
            nip=m.employee.nip or m.employee.ni_pppk or "",
            position=m.employee.position_name,
            role=m.role.name,
        )
        for index, m in enumerate(members, start=1)
    ]
    return {
        "issuer": issuer.upper(),
        "number": decree.number or BLANK_NUMBER,
        "subject": decree.subject.upper(),
        "considerations": [
            {"letter": letter, "text": text + ";"}
            for letter, text in zip("abcdefgh", considerations, strict=False)
        ],
        "legal_basis": [
            {"number": index, "text": text + ";"} for index, text in enumerate(basis, start=1)
        ],
        "dictums": dictums,
        "place": decree.place or place_of(government),
        "date": indonesian_date(decree.decided_on),
        "signer_position": issuer.upper(),
        "signer_name": decree.signer_name or "………………………………",
        "team_name": team.name.upper(),
        "members": rows,
    }


def _lettered(items: list[str]) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    last = len(items) - 1
    return [
        f"{letters[i]}. {text}{'.' if i == last else ('; dan' if i == last - 1 else ';')}"
        for i, text in enumerate(items)
    ]


def render(template_file: Any, values: dict[str, Any]) -> bytes:
    """Fill the template in the checked sandbox (``sandbox.DecreeEnvironment``, issue 17): a tag
    that is not a documented placeholder raises ``TemplateError`` before anything is compiled."""
    document = DocxTemplate(template_file)
    document.render(sandbox.plain(values), jinja_env=sandbox.DecreeEnvironment())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_draft(
    decree: Decree,
    members: list[Membership],
    policy: TeamPolicy | None,
    previous: Decree | None = None,
) -> bytes:
    """The draft as DOCX. A government's stored template is checked again (archive bounds and
    placeholders, issue 17) on every render: ``TemplateError`` when it is refused."""
    values = context(decree, members, policy, previous)
    if policy is not None and policy.decree_template:
        with policy.decree_template.open("rb") as handle:
            content = handle.read()
        _check_archive(content)
        try:
            return render(io.BytesIO(content), values)
        except TemplateError:
            raise
        except Exception as error:  # docxtpl raises many kinds (zip, XML, Jinja)
            raise _unfillable(error) from error
    return render(str(DEFAULT_TEMPLATE), values)


TemplateError = sandbox.TemplateError


def _check_archive(content: bytes) -> None:
    try:
        check_office_file(content)
    except ArchiveError as error:
        raise TemplateError(str(error)) from error


def check_template(content: bytes) -> None:
    """A government's own template must stay within the archive bounds, use only the
    documented placeholders, and render with sample values."""
    _check_archive(content)
    sample = {
        "issuer": "KEPALA DINAS",
        "number": "1",
        "subject": "UJI",
        "considerations": [{"letter": "a", "text": "bahwa"}],
        "legal_basis": [{"number": 1, "text": "Undang-Undang"}],
        "dictums": [{"ordinal": "KESATU", "text": "Uji", "points": ["a. uji"]}],
        "place": "Kota",
        "date": "1 Januari 2024",
        "signer_position": "KEPALA",
        "signer_name": "Nama",
        "team_name": "TIM",
        "members": [Member(1, "Nama", "1", "Jabatan", "Ketua")],
    }
    try:
        render(io.BytesIO(content), sample)
    except TemplateError:
        raise
    except Exception as error:  # docxtpl raises many kinds (zip, XML, Jinja)
        raise _unfillable(error) from error


def _unfillable(error: Exception) -> TemplateError:
    return TemplateError(_("The template cannot be filled: %(error)s") % {"error": error})


# --- The shipped template ---------------------------------------------------------------------


def build_default_template(path: Path = DEFAULT_TEMPLATE) -> None:
    """Write the shipped template (run once when the layout changes; the file is committed)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.0)
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)

    def para(text: str = "", *, bold: bool = False, center: bool = False, indent: float = 0.0):
        paragraph = document.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.left_indent = Cm(indent)
        paragraph.paragraph_format.space_after = Pt(2)
        run = paragraph.add_run(text)
        run.bold = bold
        return paragraph

    para("KEPUTUSAN {{ issuer }}", bold=True, center=True)
    para("NOMOR {{ number }}", bold=True, center=True)
    para("")
    para("TENTANG", bold=True, center=True)
    para("")
    para("{{ subject }}", bold=True, center=True)
    para("")
    para("{{ issuer }},", bold=True, center=True)
    para("")
    para("Menimbang :", bold=True)
    para("{%p for item in considerations %}")
    para("{{ item.letter }}. {{ item.text }}", indent=1.0)
    para("{%p endfor %}")
    para("Mengingat :", bold=True)
    para("{%p for item in legal_basis %}")
    para("{{ item.number }}. {{ item.text }}", indent=1.0)
    para("{%p endfor %}")
    para("")
    para("MEMUTUSKAN:", bold=True, center=True)
    para("Menetapkan : KEPUTUSAN {{ issuer }} TENTANG {{ subject }}.", bold=True)
    para("{%p for dictum in dictums %}")
    para("{{ dictum.ordinal }} : {{ dictum.text }}")
    para("{%p for point in dictum.points %}")
    para("{{ point }}", indent=1.5)
    para("{%p endfor %}")
    para("{%p endfor %}")
    para("")
    para("Ditetapkan di {{ place }}", indent=9.0)
    para("pada tanggal {{ date }}", indent=9.0)
    para("")
    para("{{ signer_position }},", bold=True, indent=9.0)
    para("")
    para("")
    para("")
    para("{{ signer_name }}", bold=True, indent=9.0)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    para("LAMPIRAN", indent=8.0)
    para("KEPUTUSAN {{ issuer }}", indent=8.0)
    para("NOMOR {{ number }}", indent=8.0)
    para("TENTANG {{ subject }}", indent=8.0)
    para("")
    para("SUSUNAN KEANGGOTAAN {{ team_name }}", bold=True, center=True)
    para("")
    table = document.add_table(rows=3, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["NO", "NAMA / NIP", "JABATAN", "KEDUDUKAN DALAM TIM"], strict=True
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for m in members %}"
    cells = table.rows[2].cells
    cells[0].text = "{{ m.number }}"
    cells[1].text = "{{ m.name }}"
    cells[1].add_paragraph("NIP {{ m.nip }}")
    cells[2].text = "{{ m.position }}"
    cells[3].text = "{{ m.role }}"
    row = table.add_row()
    row.cells[0].text = "{%tr endfor %}"
    para("")
    para("{{ signer_position }},", bold=True, indent=9.0)
    para("")
    para("")
    para("")
    para("{{ signer_name }}", bold=True, indent=9.0)
    document.save(str(path))


def docx_text(content: bytes) -> str:
    """All paragraph and table text of a DOCX (for tests and checks)."""
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)
