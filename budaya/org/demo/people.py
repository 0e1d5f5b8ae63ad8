"""Fictional employees, composed deterministically from the ingredients in staff.yaml.

Each person is a pure function of (government, key): the key names the post ("DINKES" for the
head of Dinas Kesehatan, "SETDA~1" for the first other official of the Setda, "DINKES#3" for its
third staff member), and seeds the person's own random generator. So asking for more staff per
agency only adds people; everyone already there stays exactly as they were.

NIP (18 digits): birth date YYYYMMDD, appointment (TMT CPNS) YYYYMM, sex 1 male / 2 female,
sequence 001-999. NI PPPK (also 18 digits): birth date, appointment year, "21" where a NIP has
the month, sex digit and sequence; no month is 21, so it can never pass for a NIP. (That is the
pattern of issued NI PPPK as far as the demo needs it; the real validator comes with the import.)
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass

from budaya.org.demo.catalogue import (
    PNS_RANKS,
    Catalogue,
    GovernmentSpec,
    Pool,
    Position,
    StaffCatalogue,
    UnitSpec,
)
from budaya.org.models import Employee, Government, Unit
from budaya.text import search_key

# "Now" for ages and careers. Fixed, so the same people come out whatever the date of the run.
REFERENCE_YEAR = 2025
# Retirement: 60 for JPT (echelon II), 58 for everyone else (UU 20/2023 on ASN, Pasal 55).
OLDEST_BIRTH_YEAR = {"II": REFERENCE_YEAR - 59, "other": REFERENCE_YEAR - 57}
# Rank range that an echelon requires (PP 100/2000 as amended by PP 13/2002).
ECHELON_RANKS = {
    "II.a": ("IV/c", "IV/e"),
    "II.b": ("IV/c", "IV/d"),
    "III.a": ("IV/a", "IV/b"),
    "III.b": ("III/d", "IV/a"),
    "IV.a": ("III/d", "IV/a"),
    "IV.b": ("III/c", "III/d"),
}
# Birth years of heads by echelon level, within retirement age.
HEAD_BIRTH_YEARS = {"II": (1966, 1978), "III": (1968, 1985), "IV": (1970, 1992)}
FIRST_PPPK_YEAR = 2021
SEX_DIGIT: dict[str, str] = {Employee.Sex.MALE: "1", Employee.Sex.FEMALE: "2"}
PPPK_MARK = "21"
RANK_III_A = PNS_RANKS.index("III/a")
RANK_II_A = PNS_RANKS.index("II/a")
RANK_II_C = PNS_RANKS.index("II/c")
RANK_IV_A = PNS_RANKS.index("IV/a")
RANK_III_C = PNS_RANKS.index("III/c")


@dataclass(frozen=True)
class Person:
    key: str
    unit_code: str
    name: str
    sex: str
    status: str
    nip: str | None
    ni_pppk: str | None
    rank: str
    echelon: str
    position_name: str
    position_kind: str
    front_title: str
    back_title: str

    @property
    def natural_key(self) -> str:
        return self.nip or self.ni_pppk or ""

    def as_employee(self, government: Government, unit: Unit) -> Employee:
        """The (unsaved) employee row of this person."""
        return Employee(
            government=government,
            unit=unit,
            nip=self.nip,
            ni_pppk=self.ni_pppk,
            name=self.name,
            name_search=search_key(self.name),
            front_title=self.front_title,
            back_title=self.back_title,
            sex=self.sex,
            status=self.status,
            rank=self.rank,
            echelon=self.echelon,
            position_name=self.position_name,
            position_kind=self.position_kind,
        )


def generate_people(catalogue: Catalogue, staff_per_agency: int) -> dict[str, list[Person]]:
    """Everyone in the demo, by government slug.

    Heads and officials come first, then staff in rounds (the first staff member of every
    agency, then the second, ...), so a larger count appends to the order and the rare bump of a
    colliding number never moves onto someone generated before.
    """
    factory = _Factory(catalogue.staff)
    people: dict[str, list[Person]] = {spec.slug: [] for spec in catalogue.governments}
    for spec in catalogue.governments:
        for unit in spec.units:
            people[spec.slug].append(factory.head(spec, unit))
            for number, official in enumerate(unit.officials, start=1):
                people[spec.slug].append(
                    factory.official(spec, unit, number, official.position, official.echelon)
                )
    subtrees = {spec.slug: _subtrees(spec.units) for spec in catalogue.governments}
    for index in range(1, staff_per_agency + 1):
        for spec in catalogue.governments:
            for agency in spec.agencies:
                units = subtrees[spec.slug][agency.code]
                people[spec.slug].append(factory.staff_member(spec, agency, units, index))
    return people


def _subtrees(units: Iterable[UnitSpec]) -> dict[str, list[UnitSpec]]:
    subtrees: dict[str, list[UnitSpec]] = {}
    for unit in units:
        subtrees.setdefault(unit.agency_code, []).append(unit)
    return subtrees


class _Factory:
    def __init__(self, staff: StaffCatalogue) -> None:
        self.staff = staff
        self.used_numbers: set[str] = set()

    # Posts ---------------------------------------------------------------------------------

    def head(self, spec: GovernmentSpec, unit: UnitSpec) -> Person:
        return self._structural(spec, unit, unit.code, unit.head_position, unit.head_echelon)

    def official(
        self, spec: GovernmentSpec, unit: UnitSpec, number: int, position: str, echelon: str
    ) -> Person:
        return self._structural(spec, unit, f"{unit.code}~{number}", position, echelon)

    def _structural(
        self, spec: GovernmentSpec, unit: UnitSpec, key: str, position: str, echelon: str
    ) -> Person:
        rng = random.Random(f"{spec.slug}:{key}")
        pool = self.staff.pools[unit.pool]
        sex = self._sex(rng, pool, None)
        low, high = ECHELON_RANKS[echelon]
        rank = rng.randint(PNS_RANKS.index(low), PNS_RANKS.index(high))
        level = echelon.split(".")[0]
        first, last = HEAD_BIRTH_YEARS[level]
        birth = _day_in(rng, rng.randint(first, last))
        # Heads joined at 22-30 and served long enough for their rank.
        appointed_year = min(birth.year + rng.randint(22, 30), REFERENCE_YEAR - 12)
        appointed_year = max(appointed_year, birth.year + 19)
        front, back = self._titles(rng, pool, sex, rank, head_level=level, position=None)
        return Person(
            key=key,
            unit_code=unit.code,
            name=self._name(rng, sex),
            sex=sex,
            status=Employee.Status.PNS,
            nip=self._nip(rng, birth, appointed_year, sex),
            ni_pppk=None,
            rank=PNS_RANKS[rank],
            echelon=echelon,
            position_name=position,
            position_kind=Employee.PositionKind.STRUCTURAL,
            front_title=front,
            back_title=back,
        )

    def staff_member(
        self, spec: GovernmentSpec, agency: UnitSpec, units: list[UnitSpec], index: int
    ) -> Person:
        key = f"{agency.code}#{index}"
        rng = random.Random(f"{spec.slug}:{key}")
        unit = rng.choice(units)
        pool = self.staff.pools[unit.pool]
        is_pppk = rng.random() < 0.2
        functional_share = 0.7 if is_pppk else 0.6
        if rng.random() < functional_share:
            position = rng.choice(pool.functional)
        else:
            position = rng.choice(self.staff.executor)
        sex = self._sex(rng, pool, position)
        if is_pppk:
            birth = _day_in(rng, rng.randint(1975, 1999))
            appointed_year = rng.randint(FIRST_PPPK_YEAR, REFERENCE_YEAR - 1)
            rank_index = PNS_RANKS.index(position.ranks[0])  # education implied by the post
            nip, ni_pppk = None, self._ni_pppk(rng, birth, appointed_year, sex)
            rank = position.pppk_grade
            status = Employee.Status.PPPK
        else:
            rank_index = rng.randint(
                PNS_RANKS.index(position.ranks[0]), PNS_RANKS.index(position.ranks[1])
            )
            birth, appointed_year = self._career(rng, rank_index)
            nip, ni_pppk = self._nip(rng, birth, appointed_year, sex), None
            rank = PNS_RANKS[rank_index]
            status = Employee.Status.PNS
        front, back = self._titles(rng, pool, sex, rank_index, head_level=None, position=position)
        if REFERENCE_YEAR - birth.year >= 45 and rng.random() < 0.1:
            front = " ".join(filter(None, [_hajj(sex), front]))
        return Person(
            key=key,
            unit_code=unit.code,
            name=self._name(rng, sex),
            sex=sex,
            status=status,
            nip=nip,
            ni_pppk=ni_pppk,
            rank=rank,
            echelon="",
            position_name=position.name,
            position_kind=position.kind,
            front_title=front,
            back_title=back,
        )

    # Ingredients ---------------------------------------------------------------------------

    def _sex(self, rng: random.Random, pool: Pool, position: Position | None) -> str:
        if position is not None and position.sex:
            return position.sex
        return Employee.Sex.FEMALE if rng.random() < pool.female_share else Employee.Sex.MALE

    def _name(self, rng: random.Random, sex: str) -> str:
        names = self.staff.names
        male = sex == Employee.Sex.MALE
        given = rng.choice(names.male if male else names.female)
        parts = [given]
        prefixes = names.male_prefix if male else names.female_prefix
        if rng.random() < 0.15:
            prefix = rng.choice(prefixes)
            if prefix != given:
                parts.insert(0, prefix)
        if rng.random() < 0.15:
            parts.append(rng.choice(names.shared_family))
        else:
            parts.append(rng.choice(names.male_family if male else names.female_family))
        return " ".join(parts)

    def _career(self, rng: random.Random, rank_index: int) -> tuple[datetime.date, int]:
        """Birth date and year of appointment that fit a rank: about four years per step."""
        if rank_index >= RANK_III_A:
            entry, age_at_entry = RANK_III_A, rng.randint(23, 32)  # graduate
        elif rank_index >= RANK_II_C:
            entry, age_at_entry = RANK_II_C, rng.randint(21, 30)  # diploma
        elif rank_index >= RANK_II_A:
            entry, age_at_entry = RANK_II_A, rng.randint(19, 28)  # senior high school
        else:
            entry, age_at_entry = 0, rng.randint(19, 25)
        service = max(1, (rank_index - entry) * 4 + rng.randint(0, 3))
        appointed_year = REFERENCE_YEAR - service
        birth_year = max(appointed_year - age_at_entry, OLDEST_BIRTH_YEAR["other"])
        appointed_year = min(max(appointed_year, birth_year + 19), REFERENCE_YEAR - 1)
        return _day_in(rng, birth_year), appointed_year

    def _titles(
        self,
        rng: random.Random,
        pool: Pool,
        sex: str,
        rank_index: int,
        *,
        head_level: str | None,
        position: Position | None,
    ) -> tuple[str, str]:
        fronts: list[str] = []
        degree = ""
        if position is not None and position.degree is not None:
            degree = position.degree
        elif rank_index >= RANK_III_A:
            degree = rng.choice(pool.bachelor)
        elif rank_index >= RANK_II_C and rng.random() < 0.6:
            degree = "A.Md."
        if position is not None and position.front:
            fronts.append(position.front)
        if head_level is not None and pool.head_front and rng.random() < pool.head_front_share:
            # A physician or engineer's professional title replaces the bachelor's degree.
            fronts.append(pool.head_front)
            degree = ""
        if head_level is not None:
            master_share = {"II": 0.9, "III": 0.7}.get(head_level, 0.4)
        elif rank_index >= RANK_IV_A:
            master_share = 0.5
        elif rank_index >= RANK_III_C:
            master_share = 0.25
        elif rank_index >= RANK_III_A:
            master_share = 0.1
        else:
            master_share = 0.0
        master = rng.choice(pool.master) if rng.random() < master_share else ""
        if head_level is not None:
            if rng.random() < 0.25:
                fronts.insert(0, _hajj(sex))
            doctorate_share = {"II": 0.2, "III": 0.05}.get(head_level, 0.0)
            if master and rng.random() < doctorate_share:
                fronts.insert(0, "Dr.")
        return " ".join(fronts), ", ".join(filter(None, [degree, master]))

    def _nip(self, rng: random.Random, birth: datetime.date, appointed_year: int, sex: str) -> str:
        # Appointment month: at least 18 years after birth (guaranteed by the year gap >= 19).
        assert appointed_year - birth.year >= 19
        month = rng.randint(1, 12)
        prefix = f"{birth:%Y%m%d}{appointed_year:04d}{month:02d}{SEX_DIGIT[sex]}"
        return self._allocate(prefix, rng.randint(1, 299))

    def _ni_pppk(
        self, rng: random.Random, birth: datetime.date, appointed_year: int, sex: str
    ) -> str:
        prefix = f"{birth:%Y%m%d}{appointed_year:04d}{PPPK_MARK}{SEX_DIGIT[sex]}"
        return self._allocate(prefix, rng.randint(1, 299))

    def _allocate(self, prefix: str, sequence: int) -> str:
        """Numbers are unique in the whole demo, as NIPs are nationally."""
        number = f"{prefix}{sequence:03d}"
        while number in self.used_numbers:
            sequence = sequence % 999 + 1
            number = f"{prefix}{sequence:03d}"
        self.used_numbers.add(number)
        return number


def _day_in(rng: random.Random, year: int) -> datetime.date:
    first = datetime.date(year, 1, 1).toordinal()
    last = datetime.date(year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(first, last))


def _hajj(sex: str) -> str:
    return "H." if sex == Employee.Sex.MALE else "Hj."
