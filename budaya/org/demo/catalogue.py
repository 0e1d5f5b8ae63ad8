"""The demo data files, read and checked: governments, agency trees, logins and staff ingredients.

Everything here is plain data; nothing touches the database. A mistake in a data file (an unknown
kind, a duplicate code, a login naming an agency that does not exist) fails loudly on load.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from budaya.accounts.models import UNIT_SCOPED_ROLES, Role
from budaya.org.models import Government, Unit

DATA_DIR = Path(__file__).resolve().parent
GOVERNMENT_FILES = ("tangerang.yaml", "serang.yaml")

ECHELONS = ("I.a", "I.b", "II.a", "II.b", "III.a", "III.b", "IV.a", "IV.b")
PNS_RANKS = (
    *(f"I/{g}" for g in "abcd"),
    *(f"II/{g}" for g in "abcd"),
    *(f"III/{g}" for g in "abcd"),
    *(f"IV/{g}" for g in "abcde"),
)
PPPK_GRADES = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)  # fmt: skip

# The head of a unit by its kind: position (with {name} or {place}) and echelon.
# Kota level: Sekda II.a; Sekretaris DPRD, Inspektur, kepala dinas/badan/Satpol PP II.b;
# camat III.a; kepala bidang III.b; kepala seksi/subbagian, lurah, kepala UPTD IV.a.
HEADS: dict[str, tuple[str, str]] = {
    Unit.Kind.SETDA: ("Sekretaris Daerah", "II.a"),
    Unit.Kind.SETWAN: ("Sekretaris DPRD", "II.b"),
    Unit.Kind.INSPEKTORAT: ("Inspektur", "II.b"),
    Unit.Kind.DINAS: ("Kepala {name}", "II.b"),
    Unit.Kind.BADAN: ("Kepala {name}", "II.b"),
    Unit.Kind.SATPOL_PP: ("Kepala {name}", "II.b"),
    Unit.Kind.KANTOR: ("Kepala {name}", "III.a"),
    Unit.Kind.RSUD: ("Direktur {name}", "III.a"),
    Unit.Kind.KECAMATAN: ("Camat {place}", "III.a"),
    Unit.Kind.KELURAHAN: ("Lurah {place}", "IV.a"),
    Unit.Kind.UPTD: ("Kepala {name}", "IV.a"),
    Unit.Kind.UPTB: ("Kepala {name}", "IV.a"),
    # A bagian of the Sekretariat Daerah is III.a; elsewhere (Setwan, RSUD) III.b, see below.
    Unit.Kind.BAGIAN: ("Kepala {name}", "III.b"),
    Unit.Kind.BIDANG: ("Kepala {name}", "III.b"),
    Unit.Kind.SEKSI: ("Kepala {name}", "IV.a"),
}
# Kinds that are always inside an agency; every other kind is an agency (Perangkat Daerah).
SUB_UNIT_KINDS = {
    Unit.Kind.BAGIAN,
    Unit.Kind.BIDANG,
    Unit.Kind.SEKSI,
    Unit.Kind.KELURAHAN,
    Unit.Kind.UPTD,
    Unit.Kind.UPTB,
}
# Every kecamatan has its secretary besides the camat.
KECAMATAN_OFFICIALS = (("Sekretaris Kecamatan {place}", "III.b"),)

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
CODE_MAX_LENGTH = Unit._meta.get_field("code").max_length or 0


class CatalogueError(ValueError):
    """A demo data file says something impossible."""


@dataclass(frozen=True)
class Official:
    position: str
    echelon: str


@dataclass(frozen=True)
class UnitSpec:
    code: str  # full code, unique in the government: "DINKES.P2P.SURVIM"
    kind: str
    name: str
    short_name: str
    parent_code: str | None
    agency_code: str
    depth: int
    pool: str
    head_position: str
    head_echelon: str
    officials: tuple[Official, ...] = ()

    @property
    def is_agency(self) -> bool:
        return self.parent_code is None


@dataclass(frozen=True)
class LoginSpec:
    username: str
    role: str
    unit_code: str | None = None
    # "CODE": the head of that unit; "AGENCY#n": the n-th staff member of that agency.
    employee_ref: str | None = None
    display_name: str = ""
    # Leadership: the office of the government's rulebook held ("head", "sekda").
    office: str = ""


@dataclass(frozen=True)
class FrameworkSpec:
    slug: str
    adopted_from: datetime.date
    decision: str


@dataclass(frozen=True)
class GovernmentSpec:
    name: str
    slug: str
    kind: str
    kemendagri_code: str
    timezone: str
    units: tuple[UnitSpec, ...]  # parents before children
    logins: tuple[LoginSpec, ...]
    framework: FrameworkSpec

    @property
    def agencies(self) -> tuple[UnitSpec, ...]:
        return tuple(unit for unit in self.units if unit.is_agency)

    def government_fields(self) -> dict[str, str]:
        return {
            "name": self.name,
            "kind": self.kind,
            "kemendagri_code": self.kemendagri_code,
            "timezone": self.timezone,
        }


@dataclass(frozen=True)
class Position:
    """A functional or executor position with its rank range and PPPK grade."""

    name: str
    kind: str  # Employee.PositionKind value
    ranks: tuple[str, str]
    pppk_grade: str
    front: str = ""
    # None: the generic degree for the rank; "" : none; else this degree.
    degree: str | None = None
    sex: str | None = None


@dataclass(frozen=True)
class Pool:
    female_share: float
    bachelor: tuple[str, ...]
    master: tuple[str, ...]
    functional: tuple[Position, ...]
    head_front: str = ""
    head_front_share: float = 0.0


@dataclass(frozen=True)
class Names:
    male: tuple[str, ...]
    female: tuple[str, ...]
    male_prefix: tuple[str, ...]
    female_prefix: tuple[str, ...]
    male_family: tuple[str, ...]
    female_family: tuple[str, ...]
    shared_family: tuple[str, ...]


@dataclass(frozen=True)
class StaffCatalogue:
    names: Names
    executor: tuple[Position, ...]
    pools: dict[str, Pool]


@dataclass(frozen=True)
class Catalogue:
    governments: tuple[GovernmentSpec, ...]
    staff: StaffCatalogue


@cache
def load_catalogue() -> Catalogue:
    staff = _load_staff(_read("staff.yaml"))
    governments = tuple(_load_government(_read(name), staff, name) for name in GOVERNMENT_FILES)
    return Catalogue(governments=governments, staff=staff)


def government_spec(data: dict[str, Any], where: str) -> GovernmentSpec:
    """A government described in the shape of the demo files, checked as they are (the
    synthetic governments of ``budaya/scale.py`` are built this way)."""
    return _load_government(data, load_catalogue().staff, where)


def _read(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise CatalogueError(f"{name}: expected a mapping at the top level")
    return data


def _check(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise CatalogueError(f"{where}: {message}")


# Governments ---------------------------------------------------------------------------------


def _load_government(data: dict[str, Any], staff: StaffCatalogue, where: str) -> GovernmentSpec:
    gov = data["government"]
    _check(gov["kind"] in Government.Kind.values, where, f"unknown government kind {gov['kind']}")
    _check(gov["timezone"] in Government.TimeZone.values, where, "unknown time zone")

    units: list[UnitSpec] = []
    for agency in data.get("agencies", []):
        _walk(agency, None, staff, units, where)
    for kecamatan in data.get("kecamatan", []):
        _walk(_expand_kecamatan(kecamatan), None, staff, units, where)

    codes = [unit.code for unit in units]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    _check(not duplicates, where, f"duplicate unit codes {duplicates}")
    by_code = {unit.code: unit for unit in units}

    logins = tuple(_load_login(item, by_code, where) for item in data.get("logins", []))
    framework = data["framework"]
    _check(
        isinstance(framework["adopted_from"], datetime.date), where, "adopted_from is not a date"
    )
    return GovernmentSpec(
        name=gov["name"],
        slug=gov["slug"],
        kind=gov["kind"],
        kemendagri_code=str(gov["kemendagri_code"]),
        timezone=gov["timezone"],
        units=tuple(units),
        logins=logins,
        framework=FrameworkSpec(
            slug=framework["slug"],
            adopted_from=framework["adopted_from"],
            decision=framework["decision"],
        ),
    )


def _expand_kecamatan(item: dict[str, Any]) -> dict[str, Any]:
    """The short form of a kecamatan ("name" and its kelurahan) as a full unit entry."""
    place = item["name"]
    return {
        "code": f"KEC-{_code_of(place)}",
        "kind": Unit.Kind.KECAMATAN,
        "name": f"Kecamatan {place}",
        "place": place,
        "officials": [
            {"position": position.format(place=place), "echelon": echelon}
            for position, echelon in KECAMATAN_OFFICIALS
        ],
        "units": [
            {
                "code": f"KEL-{_code_of(kelurahan)}",
                "kind": Unit.Kind.KELURAHAN,
                "name": f"Kelurahan {kelurahan}",
                "place": kelurahan,
            }
            for kelurahan in item.get("kelurahan", [])
        ],
    }


def _code_of(place: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", place.upper()).strip("-")


def _walk(
    item: dict[str, Any],
    parent: UnitSpec | None,
    staff: StaffCatalogue,
    out: list[UnitSpec],
    where: str,
) -> None:
    local_code = str(item["code"])
    _check(bool(CODE_RE.match(local_code)), where, f"bad code {local_code!r}")
    code = f"{parent.code}.{local_code}" if parent else local_code
    _check(len(code) <= CODE_MAX_LENGTH, where, f"{code} is too long")
    kind = item["kind"]
    _check(kind in Unit.Kind.values, where, f"{code}: unknown kind {kind}")
    _check((parent is None) == (kind not in SUB_UNIT_KINDS), where, f"{code}: kind {kind} here")
    pool = item.get("pool") or (parent.pool if parent else "general")
    _check(pool in staff.pools, where, f"{code}: unknown pool {pool}")

    default_position, default_echelon = HEADS[kind]
    if kind == Unit.Kind.BAGIAN and parent is not None and parent.kind == Unit.Kind.SETDA:
        default_echelon = "III.a"
    if kind == Unit.Kind.BAGIAN and item["name"].startswith("Sekretariat"):
        default_echelon = "III.a"  # the secretary of a dinas, badan or the Inspektorat
    name = item["name"]
    head_position = item.get("head") or default_position.format(
        name=name, place=item.get("place", name)
    )
    head_echelon = item.get("echelon") or default_echelon
    officials = tuple(
        Official(position=o["position"], echelon=o["echelon"]) for o in item.get("officials", [])
    )
    for echelon in (head_echelon, *(o.echelon for o in officials)):
        _check(echelon in ECHELONS, where, f"{code}: unknown echelon {echelon}")

    unit = UnitSpec(
        code=code,
        kind=kind,
        name=name,
        short_name=item.get("short_name", ""),
        parent_code=parent.code if parent else None,
        agency_code=parent.agency_code if parent else code,
        depth=parent.depth + 1 if parent else 0,
        pool=pool,
        head_position=head_position,
        head_echelon=head_echelon,
        officials=officials,
    )
    out.append(unit)
    for child in item.get("units", []):
        _walk(child, unit, staff, out, where)


def _load_login(item: dict[str, Any], units: dict[str, UnitSpec], where: str) -> LoginSpec:
    username, role = item["username"], item["role"]
    _check(role in Role.values and role != Role.SYSTEM_ADMIN, where, f"{username}: role {role}")
    unit_code: str | None = item.get("unit")
    if role in UNIT_SCOPED_ROLES:
        agency = units.get(unit_code or "")
        _check(agency is not None, where, f"{username}: a {role} needs an agency")
        _check(bool(agency and agency.is_agency), where, f"{username}: {unit_code} is no agency")
    else:
        _check(unit_code is None, where, f"{username}: a {role} is not limited to an agency")
    ref = item.get("employee")
    if ref is not None:
        target = ref.split("#")[0]
        _check(target in units, where, f"{username}: no unit {target}")
    return LoginSpec(
        username=username,
        role=role,
        unit_code=unit_code,
        employee_ref=ref,
        display_name=item.get("name", ""),
        office=str(item.get("office", "")) if role == Role.LEADERSHIP else "",
    )


# Staff ingredients ---------------------------------------------------------------------------


def _load_staff(data: dict[str, Any]) -> StaffCatalogue:
    names = data["names"]
    return StaffCatalogue(
        names=Names(**{key: tuple(value) for key, value in names.items()}),
        executor=tuple(_position(item, "pelaksana") for item in data["executor"]),
        pools={
            key: Pool(
                female_share=float(pool["female_share"]),
                bachelor=tuple(pool["bachelor"]),
                master=tuple(pool["master"]),
                functional=tuple(_position(item, "fungsional") for item in pool["functional"]),
                head_front=pool.get("head_front", {}).get("title", ""),
                head_front_share=float(pool.get("head_front", {}).get("share", 0.0)),
            )
            for key, pool in data["pools"].items()
        },
    )


def _position(item: dict[str, Any], kind: str) -> Position:
    low, high = item["ranks"].split("-")
    where = f"staff.yaml: {item['name']}"
    _check(low in PNS_RANKS and high in PNS_RANKS, where, "unknown rank")
    _check(PNS_RANKS.index(low) <= PNS_RANKS.index(high), where, "rank range upside down")
    _check(item["pppk"] in PPPK_GRADES, where, "unknown PPPK grade")
    return Position(
        name=item["name"],
        kind=kind,
        ranks=(low, high),
        pppk_grade=item["pppk"],
        front=item.get("front", ""),
        degree=item.get("degree"),
        sex=item.get("sex"),
    )
