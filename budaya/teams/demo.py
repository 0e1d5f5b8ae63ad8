"""Demo data for teams: a KBK in every Tangerang agency (a few deliberately out of order), Serang's
city and agency reform acceleration teams, role models and change agents.

Idempotent: teams are found by (government, kind, unit), decrees by number, designations by
(government, kind, subject, start); nothing is added twice and nothing edited is overwritten.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from budaya.org.models import Employee, Government, Unit
from budaya.teams import services
from budaya.teams.eligibility import echelon_matches, pick_heads
from budaya.teams.models import (
    Decree,
    Designation,
    Membership,
    Team,
    TeamKind,
    TeamPolicy,
    TeamRole,
)

# Recent enough that the decrees are not flagged as old (the board flags 24 months by default).
START = timezone.localdate() - datetime.timedelta(days=180)
# Agencies (by code) that show each kind of problem on the compliance board.
NO_DECREE = {"DISNAKER", "DISPORA"}
INELIGIBLE_CHAIR = {"DISHUB"}  # an echelon IV chair in a dinas, no justification
MEMBER_LEFT = {"DPUPR"}  # a member who works in another agency now
JUSTIFIED_CHAIR = {"DLH"}  # an echelon IV chair, with a written justification
OLD_DECREE = {"BAPPEDA"}  # signed in 2019
# Names of their own (T Pasal 8(3)).
KBK_NAMES = {
    "DINKES": "KBK Sehat Melayani",
    "DISDIK": "KBK Cerdas Berbudaya",
    "BKPSDM": "KBK Aparatur PRIMA",
    "SETDA": "KBK Akhlakul Karimah Setda",
    "RSUD": "KBK Sepenuh Hati",
}


def demo_scan(lines: list[str]) -> bytes:
    """A one-page A4 PDF standing in for a signed scan, saying what it stands for: a whole file
    (cross-reference table included) that viewers open. The demo's stand-ins were blank pages
    without one, which some viewers refused."""

    def text(line: str) -> str:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return escaped.encode("latin-1", "replace").decode("latin-1")

    shown = " T* ".join(f"({text(line)}) Tj" for line in lines)
    stream = f"BT /F1 13 Tf 18 TL 72 760 Td {shown} ET".encode("latin-1")
    bodies = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        f"<</Length {len(stream)}>>stream\n".encode() + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref, size = len(out), len(bodies) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer<</Size {size}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def seed() -> list[str]:
    lines: list[str] = []
    tangerang = Government.objects.filter(slug="kota-tangerang").first()
    serang = Government.objects.filter(slug="kota-serang").first()
    if tangerang is not None:
        lines += _tangerang(tangerang)
    if serang is not None:
        lines += _serang(serang)
    return lines


# --- Shared -----------------------------------------------------------------------------------


def _defaults(government: Government, decider: str, title: str) -> list[str]:
    if TeamKind.objects.filter(government=government).exists():
        return []
    # The kinds, roles and rules are the rulebook's: the demo city's own is loaded first (the
    # rulebook app seeds after this one; its seed is idempotent).
    from budaya.rulebook import demo as rulebook_demo

    rulebook_demo.seed()
    counts = services.install_defaults(government)
    policy = services.policy_of(government)
    policy.decider_role = decider
    policy.decider_title = title
    services.save_object(policy)
    return [f"{government}: {counts['kinds']} team kinds, {counts['roles']} roles, "
            f"{counts['rules']} eligibility rules"]  # fmt: skip


class _Staff:
    """The active employees of one agency subtree, to pick members from."""

    def __init__(self, agency: Unit):
        self.agency = agency
        self.people = list(
            Employee.objects.filter(unit__path__startswith=agency.path, active=True)
            .select_related("unit")
            .order_by("unit__path", "pk")
        )
        self.head = pick_heads(p for p in self.people if p.unit_id == agency.pk).get(agency.pk)
        self.used: set[int] = {self.head.pk} if self.head else set()

    def take(self, echelons: list[str] | None = None, status: str | None = None) -> Employee | None:
        for person in self.people:
            if person.pk in self.used:
                continue
            if echelons is not None and not echelon_matches(person.echelon, echelons):
                continue
            if echelons is None and person.echelon:
                continue
            if status and person.status != status:
                continue
            self.used.add(person.pk)
            return person
        return None


def _member(team: Team, employee: Employee | None, role: TeamRole, **extra: Any) -> None:
    if employee is None:
        return
    services.add_member(
        Membership(
            government=team.government,
            team=team,
            employee=employee,
            role=role,
            start_on=extra.pop("start_on", START),
            **extra,
        )
    )


def _sign(team: Team, number: str, day: datetime.date, head: Employee | None) -> Decree:
    decree = Decree(
        government=team.government,
        team=team,
        purpose=Decree.Purpose.ESTABLISH,
        **services.decree_defaults(team, Decree.Purpose.ESTABLISH, head),
    )
    services.create_decree(decree)
    lines = [
        "CONTOH DATA DEMO - bukan dokumen resmi",
        "",
        f"Pindaian Keputusan Nomor {number}",
        f"tentang pembentukan {team.name}",
        f"ditetapkan {day:%d-%m-%Y}",
    ]
    scan = ContentFile(demo_scan(lines), name=f"sk-{team.pk}.pdf")
    services.sign_decree(decree, number=number, decided_on=day, upload=scan)
    return decree


# --- Tangerang: a KBK in every agency ---------------------------------------------------------


CHAIR_ECHELONS = {"setda": ["II.b"], "kantor": ["III", "IV"], "rsud": ["III", "IV"]}
SECRETARY_ECHELONS = {"setda": ["III"]}


@transaction.atomic
def _tangerang(government: Government) -> list[str]:
    lines = _defaults(government, TeamPolicy.Decider.LEADERSHIP, "Sekretaris Daerah Kota Tangerang")
    kind = TeamKind.objects.filter(government=government, code="kbk").first()
    roles = {role.code: role for role in TeamRole.objects.filter(government=government)}
    if kind is None or not {"penanggung-jawab", "ketua", "sekretaris", "anggota"} <= set(roles):
        return lines
    agencies = list(
        Unit.objects.filter(government=government, parent__isnull=True, active_to__isnull=True)
    )
    made = 0
    for agency in agencies:
        if Team.objects.filter(government=government, kind=kind, unit=agency).exists():
            continue
        made += 1
        staff = _Staff(agency)
        name = KBK_NAMES.get(agency.code, f"KBK {agency.short_name or agency.name}")
        team = services.create_team(Team(government=government, kind=kind, unit=agency, name=name))
        chair_echelons = CHAIR_ECHELONS.get(agency.kind, ["III"])
        if agency.code in INELIGIBLE_CHAIR | JUSTIFIED_CHAIR:
            chair_echelons = ["IV"]
        _member(team, staff.head, roles["penanggung-jawab"])
        justification = (
            "Seluruh pejabat eselon III sedang menjalani diklat kepemimpinan sampai akhir tahun; "
            "Ketua sementara dijabat pejabat eselon IV sesuai kondisi OPD (Pasal 9 ayat (7))."
            if agency.code in JUSTIFIED_CHAIR
            else ""
        )
        _member(team, staff.take(chair_echelons), roles["ketua"], justification=justification)
        _member(team, staff.take(SECRETARY_ECHELONS.get(agency.kind, ["IV"])), roles["sekretaris"])
        if "fasilitator" in roles:
            _member(team, staff.take(chair_echelons if agency.kind != "setda" else ["II.b", "III"]),
                    roles["fasilitator"])  # fmt: skip
        for _index in range(3):
            _member(team, staff.take(None, Employee.Status.PNS), roles["anggota"])
        if agency.code in MEMBER_LEFT:
            elsewhere = (
                Employee.objects.filter(government=government, active=True, echelon="")
                .exclude(unit__path__startswith=agency.path)
                .order_by("pk")
                .first()
            )
            _member(team, elsewhere, roles["anggota"], start_on=datetime.date(2023, 3, 1))
        if agency.code in NO_DECREE:
            decree = Decree(
                government=government,
                team=team,
                **services.decree_defaults(team, Decree.Purpose.ESTABLISH, staff.head),
            )
            services.create_decree(decree)
            continue
        day = datetime.date(2019, 2, 4) if agency.code in OLD_DECREE else START
        number = f"800/Kep.{agency.pk:03d}-{agency.code}/{day.year}"
        if not Decree.objects.filter(government=government, number=number).exists():
            _sign(team, number, day, staff.head)
    if made:
        lines.append(f"{government}: {made} KBK with members and decrees")
    lines += _designations(government, tangerang=True)
    return lines


# --- Serang: city and agency reform acceleration teams ----------------------------------------


SERANG_AGENCY_TEAMS = ["SETDA", "DINKES", "INSPEKTORAT", "BAPPEDA", "DISDIKBUD"]


@transaction.atomic
def _serang(government: Government) -> list[str]:
    lines = _defaults(
        government,
        TeamPolicy.Decider.CITY_ADMIN,
        "Tim Percepatan Pelaksanaan Reformasi Birokrasi Kota Serang",
    )
    kinds = {kind.code: kind for kind in TeamKind.objects.filter(government=government)}
    roles = {role.code: role for role in TeamRole.objects.filter(government=government)}
    if not {"tim-rb-kota", "tim-rb-pd"} <= set(kinds) or not {
        "pengarah",
        "ketua",
        "sekretaris",
        "anggota",
    } <= set(roles):
        return lines
    units = {unit.code: unit for unit in Unit.objects.filter(government=government)}
    made = 0
    city_kind = kinds["tim-rb-kota"]
    if not Team.objects.filter(government=government, kind=city_kind).exists() and "SETDA" in units:
        made += 1
        team = services.create_team(
            Team(
                government=government,
                kind=city_kind,
                name="Tim Percepatan Pelaksanaan Reformasi Birokrasi Kota Serang",
            )
        )
        setda = _Staff(units["SETDA"])
        _member(team, setda.head, roles["pengarah"])
        _member(team, setda.take(["II.b"]), roles["ketua"])
        organisation = units.get("SETDA.ORG")
        secretary = _Staff(organisation).head if organisation else None
        _member(team, secretary, roles["sekretaris"])
        for code in ("INSPEKTORAT", "BAPPEDA", "BKPSDM"):
            if code in units:
                _member(team, _Staff(units[code]).head, roles["anggota"])
        _sign(team, f"100.3.3.2/Kep.45-Huk/{START.year}", START, None)
    agency_kind = kinds["tim-rb-pd"]
    for code in SERANG_AGENCY_TEAMS:
        agency = units.get(code)
        if (
            agency is None
            or Team.objects.filter(government=government, kind=agency_kind, unit=agency).exists()
        ):
            continue
        made += 1
        staff = _Staff(agency)
        team = services.create_team(
            Team(
                government=government,
                kind=agency_kind,
                unit=agency,
                name=f"Tim Percepatan RB {agency.short_name or agency.name}",
            )
        )
        _member(team, staff.head, roles["pengarah"])
        _member(team, staff.take(["II.b", "III"]), roles["ketua"])
        _member(team, staff.take(["IV"]), roles["sekretaris"])
        for _index in range(3):
            _member(team, staff.take(None), roles["anggota"])
        if code != "BAPPEDA":  # one agency team still waits for its decree
            _sign(team, f"100.3.3.2/Kep.{agency.pk:03d}-{code}/{START.year}", START, staff.head)
    if made:
        lines.append(f"{government}: {made} reform acceleration teams")
    lines += _designations(government, tangerang=False)
    return lines


# --- Role models and change agents ------------------------------------------------------------


def _designations(government: Government, *, tangerang: bool) -> list[str]:
    if Designation.objects.filter(government=government).exists():
        return []
    units = {unit.code: unit for unit in Unit.objects.filter(government=government)}
    this_year = timezone.localdate().year
    year = datetime.date(this_year, 1, 1), datetime.date(this_year, 12, 31)
    made = 0

    def designate(kind: str, subject: str, unit: Unit | None, employee: Employee | None,
                  reasons: str, final: str) -> None:  # fmt: skip
        nonlocal made
        if unit is None:
            return
        designation = services.nominate(
            Designation(
                government=government,
                kind=kind,
                subject=subject,
                unit=employee.unit if employee else unit,
                employee=employee,
                period_start=year[0],
                period_end=year[1],
                criteria="Disiplin, melayani, inovatif; tidak pernah dijatuhi hukuman disiplin.",
                reasons=reasons,
            )
        )
        made += 1
        path = {
            "nominated": [],
            "approved": ["approved"],
            "rejected": ["rejected"],
            "published": ["approved", "published"],
        }[final]
        for status in path:
            services.move_designation(designation, status, note="Memenuhi kriteria.")

    dinkes = units.get("DINKES")
    staff = _Staff(dinkes) if dinkes else None
    # T Pasal 1 angka 16: a role model (and, by the government's choice, a change agent) is a
    # PNS; the rulebook refuses anyone else.
    status = "PNS" if tangerang else None
    first = staff.take(None, status) if staff else None
    second = staff.take(None, status) if staff else None
    third = staff.take(None, status) if staff else None
    if tangerang:
        designate("role_model", "employee", dinkes, first,
                  "Selalu hadir paling awal di puskesmas dan menjadi teladan pelayanan ramah.",
                  "published")  # fmt: skip
        designate("role_model", "employee", dinkes, third,
                  "Menerapkan nilai PRIMA dalam setiap layanan administrasi.",
                  "published")  # fmt: skip
        designate("change_agent", "employee", dinkes, second,
                  "Memprakarsai antrean daring di puskesmas.", "nominated")  # fmt: skip
    else:
        designate("change_agent", "employee", dinkes, first,
                  "Pelopor digitalisasi layanan rujukan dan aktif menggerakkan apel BerAKHLAK.",
                  "published")  # fmt: skip
        designate("change_agent", "employee", dinkes, second,
                  "Mengajak rekan kerja menerapkan budaya antre dan pelayanan ramah.",
                  "approved")  # fmt: skip
        designate("role_model", "agency", dinkes, None,
                  "Perangkat Daerah dengan indeks BerAKHLAK tertinggi tahun lalu.",
                  "published")  # fmt: skip
        designate("role_model", "employee", dinkes, third,
                  "Diusulkan rekan kerja; belum memenuhi kriteria masa kerja.",
                  "rejected")  # fmt: skip
    return [f"{government}: {made} role model and change agent nominations"] if made else []
