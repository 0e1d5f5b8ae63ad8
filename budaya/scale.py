"""Synthetic governments at the sizes of the product's table "Scale" (issue 9), for benchmarks
and for the tests that pin query counts at two data sizes.

One government is generated in one transaction: its agency tree (Setda, dinas, badan, kecamatan
with kelurahan, each with its bagian, bidang and seksi), employees with valid NIPs, ranks and
echelons (composed by ``budaya/org/demo/people.py``), the adoption of PRIMA or BerAKHLAK, logins
with known usernames, teams with members and decrees, a year of activities with values,
participants and evidence, culture programmes, and a yearly monitoring period whose agency
reports stand in every state of the workflow. The big tables (employees, activities and their
links, evidence) are written in bulk: COPY on PostgreSQL, batched INSERTs on SQLite. Evidence is
links and one tiny picture shared by the file evidence of the government, so no large files are
written. Everything else goes through the apps' services, so the audit chain and the hashes of
the submitted report versions verify (``manage.py verify_audit``, ``manage.py verify_reports``).
Bulk rows get no audit entry of their own: one entry says the government was generated.
"""

from __future__ import annotations

import datetime
import functools
import io
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.utils import timezone
from PIL import Image

from budaya.accounts import audit
from budaya.accounts.models import AuditAction, Role, RoleGrant, User
from budaya.activities import aggregates
from budaya.activities import evidence as evidence_files
from budaya.activities.demo import EXTRAS, LEVELS, TITLES
from budaya.activities.models import (
    Activity,
    ActivityEvidence,
    ActivityForm,
    ActivityParticipant,
    ActivityValue,
    Evidence,
)
from budaya.activities.services import ensure_forms, ensure_obligations
from budaya.dashboard import rollup
from budaya.frameworks.models import FrameworkVersion
from budaya.frameworks.services import add_slogan, adopt_version, load_shipped_frameworks
from budaya.monev import aggregates as monev_aggregates
from budaya.monev import services as monev
from budaya.monev.models import MaturityAnswer, Period, Report, Score, State, default_deadline
from budaya.org.demo.catalogue import (
    KECAMATAN_OFFICIALS,
    Catalogue,
    GovernmentSpec,
    government_spec,
    load_catalogue,
)
from budaya.org.demo.people import Person, generate_people
from budaya.org.models import Employee, Government, Unit
from budaya.programme.demo import seed_programme
from budaya.programme.selectors import adopted_values
from budaya.rulebook import services as rulebooks
from budaya.teams import services as teams
from budaya.teams.models import Decree, Designation, Membership, Team, TeamKind, TeamRole

DEFAULT_PASSWORD = "budaya-skala"  # noqa: S105 (documented: the benchmarks sign in with it)
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    """A row of the table "Scale" (../shared/docs/product.md), as the size of each government."""

    name: str
    slug_prefix: str
    governments: int
    agencies: int
    employees: int
    activities: int


# Per government: a province is 25 governments (1,500 agencies, 250,000 employees, 400,000
# activities a year), the country 550 (33,000 agencies, 3.5 million employees, 6 million
# activities).
SCALES = {
    "city": Scale("city", "skala-kota", 1, 60, 15_000, 20_000),
    "province": Scale("province", "skala-provinsi", 25, 60, 10_000, 16_000),
    "national": Scale("national", "skala-nasional", 550, 60, 6_364, 10_909),
}


class ScaleError(Exception):
    """The government cannot be generated (its short address name is taken)."""


@dataclass(frozen=True)
class Identity:
    slug: str
    name: str
    kind: str
    # The province whose region code it takes first ("" the first with one free): the country's
    # governments spread over the provinces, a province's lie in one (issue 20 item 5).
    province: str = ""


def identities(scale: Scale, count: int | None = None) -> list[Identity]:
    """The governments of a scale: ``skala-kota-01`` is Kota Skala 01; in a province or the
    country one government in five is a kota, the others kabupaten."""
    total = scale.governments if count is None else min(count, scale.governments)
    width = max(2, len(str(scale.governments)))
    label = {"city": "", "province": "Provinsi ", "national": "Nasional "}[scale.name]
    out = []
    for index in range(total):
        number = f"{index + 1:0{width}d}"
        kota = scale.name == "city" or index % 5 == 0
        kind = Government.Kind.KOTA if kota else Government.Kind.KABUPATEN
        word = "Kota" if kota else "Kabupaten"
        province = PROVINCES[index % len(PROVINCES)] if scale.name == "national" else ""
        out.append(
            Identity(
                f"{scale.slug_prefix}-{number}", f"{word} Skala {label}{number}", kind, province
            )
        )
    return out


# --- Kemendagri codes --------------------------------------------------------------------------

# Province codes of Kemendagri (Permendagri 58/2021 on region codes), Jawa Barat first.
PROVINCES = (
    "32", "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "33", "34", "35",
    "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96",
)  # fmt: skip
WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}


def free_code(kind: str, province: str = "") -> str:
    """The first region code not held by a government (in ``province`` first, when given):
    kabupaten are numbered from 01 within their province, kota from 71."""
    taken = set(Government.objects.values_list("kemendagri_code", flat=True))
    numbers = range(71, 100) if kind == Government.Kind.KOTA else range(1, 71)
    order = [province, *(code for code in PROVINCES if code != province)] if province else PROVINCES
    for province in order:
        for number in numbers:
            code = f"{province}.{number:02d}"
            if code not in taken:
                return code
    raise ScaleError("No free region code is left.")


def _time_zone(code: str) -> str:
    province = code[:2]
    if province in WITA:
        return Government.TimeZone.WITA
    if province in WIT:
        return Government.TimeZone.WIT
    return Government.TimeZone.WIB


# --- The agency tree ---------------------------------------------------------------------------

SECRETARIAT_SECTIONS = ("Subbagian Umum dan Kepegawaian", "Subbagian Program dan Keuangan")
DEFAULT_DIVISIONS = ("Perencanaan dan Program", "Pelayanan", "Pengendalian dan Evaluasi")


@dataclass(frozen=True)
class AgencyTemplate:
    code: str
    kind: str
    name: str
    short_name: str
    pool: str
    # Bidang of a dinas or badan, bagian of a secretariat, with (name, head) where the head's
    # title is not "Kepala <name>".
    divisions: tuple[str | tuple[str, str], ...] = DEFAULT_DIVISIONS
    uptd: str = ""


# The Perangkat Daerah of a kota or kabupaten (PP 18/2016), in the order they are generated;
# a kecamatan comes in every third place, and after these only kecamatan.
# fmt: off
AGENCIES = (
    AgencyTemplate(
        "DINKES", "dinas", "Dinas Kesehatan", "Dinkes", "health",
        ("Kesehatan Masyarakat", "Pencegahan dan Pengendalian Penyakit", "Pelayanan Kesehatan"),
        uptd="UPTD Puskesmas Kota",
    ),
    AgencyTemplate(
        "SETDA", "setda", "Sekretariat Daerah", "Setda", "general",
        ("Pemerintahan", "Kesejahteraan Rakyat", "Hukum", "Perekonomian", "Organisasi", "Umum",
         "Protokol dan Komunikasi Pimpinan", "Pengadaan Barang dan Jasa"),
    ),
    AgencyTemplate(
        "DISDIK", "dinas", "Dinas Pendidikan", "Disdik", "education",
        ("Pembinaan Sekolah Dasar", "Pembinaan Sekolah Menengah Pertama",
         "Guru dan Tenaga Kependidikan"),
    ),
    AgencyTemplate(
        "BAPPEDA", "badan", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "planning",
        ("Perencanaan Pemerintahan dan Pembangunan Manusia",
         "Perencanaan Perekonomian dan Infrastruktur", "Pengendalian dan Evaluasi"),
    ),
    AgencyTemplate(
        "INSPEKTORAT", "inspektorat", "Inspektorat", "Inspektorat", "audit",
        tuple((f"Inspektur Pembantu Wilayah {n}", f"Inspektur Pembantu Wilayah {n}")
              for n in ("I", "II", "III")),
    ),
    AgencyTemplate(
        "DPUPR", "dinas", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "engineering",
        ("Bina Marga", "Sumber Daya Air", "Penataan Ruang"),
    ),
    AgencyTemplate(
        "BKPSDM", "badan", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM",
        "hr", ("Pengadaan dan Informasi Kepegawaian", "Mutasi dan Promosi",
               "Pengembangan Kompetensi"),
    ),
    AgencyTemplate(
        "DISDUKCAPIL", "dinas", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil",
        "population", ("Pelayanan Pendaftaran Penduduk", "Pelayanan Pencatatan Sipil",
                       "Pengelolaan Informasi Administrasi Kependudukan"),
    ),
    AgencyTemplate(
        "BPKAD", "badan", "Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", "finance",
        ("Anggaran", "Perbendaharaan", "Akuntansi", "Aset"),
    ),
    AgencyTemplate(
        "BAPENDA", "badan", "Badan Pendapatan Daerah", "Bapenda", "finance",
        ("Pajak Daerah", "Retribusi Daerah", "Pengendalian dan Evaluasi Pendapatan"),
    ),
    AgencyTemplate(
        "SATPOLPP", "satpol_pp", "Satuan Polisi Pamong Praja", "Satpol PP", "police",
        ("Penegakan Peraturan Daerah", "Ketertiban Umum", "Perlindungan Masyarakat"),
    ),
    AgencyTemplate(
        "DAMKAR", "dinas", "Dinas Pemadam Kebakaran dan Penyelamatan", "Damkar", "fire",
        ("Pencegahan", "Pemadaman dan Penyelamatan", "Sarana dan Prasarana"),
    ),
    AgencyTemplate(
        "DINSOS", "dinas", "Dinas Sosial", "Dinsos", "general",
        ("Rehabilitasi Sosial", "Perlindungan dan Jaminan Sosial", "Pemberdayaan Sosial"),
    ),
    AgencyTemplate("DISNAKER", "dinas", "Dinas Tenaga Kerja", "Disnaker", "general"),
    AgencyTemplate("DISHUB", "dinas", "Dinas Perhubungan", "Dishub", "engineering"),
    AgencyTemplate("DISKOMINFO", "dinas", "Dinas Komunikasi dan Informatika", "Diskominfo",
                   "general"),
    AgencyTemplate("DLH", "dinas", "Dinas Lingkungan Hidup", "DLH", "engineering"),
    AgencyTemplate("DPMPTSP", "dinas", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
                   "DPMPTSP", "general"),
    AgencyTemplate("DISPERKIM", "dinas", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim",
                   "engineering"),
    AgencyTemplate("DISKOPUKM", "dinas", "Dinas Koperasi dan Usaha Kecil Menengah", "Diskopukm",
                   "general"),
    AgencyTemplate("DISPORA", "dinas", "Dinas Pemuda dan Olahraga", "Dispora", "general"),
    AgencyTemplate("DISBUDPAR", "dinas", "Dinas Kebudayaan dan Pariwisata", "Disbudpar",
                   "general"),
    AgencyTemplate("DISPUSIP", "dinas", "Dinas Perpustakaan dan Kearsipan", "Dispusip",
                   "general"),
    AgencyTemplate("DKP", "dinas", "Dinas Ketahanan Pangan", "DKP", "general"),
    AgencyTemplate("DISTAN", "dinas", "Dinas Pertanian", "Distan", "general"),
    AgencyTemplate("DP3A", "dinas", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A",
                   "general"),
    AgencyTemplate("DPPKB", "dinas", "Dinas Pengendalian Penduduk dan Keluarga Berencana",
                   "DPPKB", "health"),
    AgencyTemplate("DISPERINDAG", "dinas", "Dinas Perindustrian dan Perdagangan", "Disperindag",
                   "general"),
    AgencyTemplate("DPMK", "dinas", "Dinas Pemberdayaan Masyarakat dan Kelurahan", "DPMK",
                   "general"),
    AgencyTemplate("DISPERKAN", "dinas", "Dinas Perikanan", "Disperkan", "general"),
    AgencyTemplate(
        "BPBD", "badan", "Badan Penanggulangan Bencana Daerah", "BPBD", "general",
        ("Pencegahan dan Kesiapsiagaan", "Kedaruratan dan Logistik",
         "Rehabilitasi dan Rekonstruksi"),
    ),
    AgencyTemplate("KESBANGPOL", "badan", "Badan Kesatuan Bangsa dan Politik", "Kesbangpol",
                   "general"),
    AgencyTemplate("BRIDA", "badan", "Badan Riset dan Inovasi Daerah", "BRIDA", "planning"),
    AgencyTemplate(
        "SETWAN", "setwan", "Sekretariat Dewan Perwakilan Rakyat Daerah", "Setwan", "general",
        ("Umum dan Keuangan", "Persidangan dan Perundang-undangan",
         "Fasilitasi Penganggaran dan Pengawasan"),
    ),
    AgencyTemplate(
        "RSUD", "rsud", "Rumah Sakit Umum Daerah", "RSUD", "health",
        ("Umum dan Kepegawaian", "Pelayanan Medik", "Keperawatan"),
    ),
)
# fmt: on
KELURAHAN_PER_KECAMATAN = 5
PLACE_FIRST = (
    "Suka", "Mekar", "Karang", "Cipta", "Sumber", "Tanjung", "Pasir", "Bojong", "Kebon", "Rawa",
    "Jati", "Ci", "Pondok", "Tegal", "Gunung", "Sindang", "Wana", "Marga", "Banjar", "Kali",
    "Pulo", "Kedung", "Cempaka", "Melati", "Sari",
)  # fmt: skip
PLACE_SECOND = (
    "jaya", "mulya", "sari", "asih", "makmur", "indah", "baru", "raya", "wangi", "tengah",
    "rahayu", "harja", "mekar", "laya", "bakti", "luhur", "agung", "rejo", "timur", "barat",
    "kencana", "sentosa", "manah", "galih", "permai",
)  # fmt: skip


def _places(rng: random.Random) -> Iterator[str]:
    """Place names, each once per government (with a number once the pool is used up)."""
    pool = [f"{first}{second}" for first in PLACE_FIRST for second in PLACE_SECOND]
    rng.shuffle(pool)
    round_ = 0
    while True:
        for name in pool:
            yield name if round_ == 0 else f"{name} {round_ + 1}"
        round_ += 1


def _code(place: str) -> str:
    return "".join(ch for ch in place.upper() if ch.isalnum())


def _kecamatan(place: str, kelurahan: list[str]) -> dict[str, Any]:
    return {
        "code": f"KEC-{_code(place)}",
        "kind": Unit.Kind.KECAMATAN,
        "name": f"Kecamatan {place}",
        "place": place,
        "officials": [
            {"position": position.format(place=place), "echelon": echelon}
            for position, echelon in KECAMATAN_OFFICIALS
        ],
        "units": [
            {
                "code": f"KEL-{_code(name)}",
                "kind": Unit.Kind.KELURAHAN,
                "name": f"Kelurahan {name}",
                "place": name,
            }
            for name in kelurahan
        ],
    }


def _agency(template: AgencyTemplate) -> dict[str, Any]:
    units: list[dict[str, Any]] = []
    has_secretariat = template.kind not in (Unit.Kind.SETDA, Unit.Kind.SETWAN, Unit.Kind.RSUD)
    if has_secretariat:
        units.append(
            {
                "code": "SEKRE",
                "kind": Unit.Kind.BAGIAN,
                "name": f"Sekretariat {template.name}",
                "head": f"Sekretaris {template.name}",
                "units": [
                    {"code": f"SUB{n}", "kind": Unit.Kind.SEKSI, "name": name}
                    for n, name in enumerate(SECRETARIAT_SECTIONS, start=1)
                ],
            }
        )
    division_kind = Unit.Kind.BIDANG if has_secretariat else Unit.Kind.BAGIAN
    prefix = "Bidang" if has_secretariat else "Bagian"
    for number, division in enumerate(template.divisions, start=1):
        name, head = division if isinstance(division, tuple) else (f"{prefix} {division}", "")
        unit: dict[str, Any] = {"code": f"B{number}", "kind": division_kind, "name": name}
        if head:
            unit["head"] = head
        units.append(unit)
    if template.uptd:
        units.append({"code": "UPTD1", "kind": Unit.Kind.UPTD, "name": template.uptd})
    return {
        "code": template.code,
        "kind": template.kind,
        "name": template.name,
        "short_name": template.short_name,
        "pool": template.pool,
        "units": units,
    }


def agency_tree(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` agencies in the shape of the demo files (``budaya/org/demo/*.yaml``)."""
    places = _places(rng)
    templates = iter(AGENCIES)
    out = []
    for index in range(count):
        template = next(templates, None) if index % 3 != 2 else None
        if template is not None:
            out.append(_agency(template))
            continue
        place = next(places)
        out.append(_kecamatan(place, [next(places) for _n in range(KELURAHAN_PER_KECAMATAN)]))
    return out


# --- Writing in bulk ---------------------------------------------------------------------------


def bulk_insert(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert many new rows and give each its primary key.

    PostgreSQL: the keys are drawn from the table's sequence in one query, then the rows are
    streamed with COPY. Elsewhere: ``bulk_create`` in batches (SQLite returns the keys).
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(rows, batch_size=BATCH)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        keys = [key for (key,) in cursor.fetchall()]
    for row, key in zip(rows, keys, strict=True):
        row.pk = key
    fields = list(meta.concrete_fields)
    columns = ", ".join(quote(str(column.column)) for column in fields)
    statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    column.get_db_prep_save(column.pre_save(row, True), connection)
                    for column in fields
                ]
            )
    for row in rows:
        row._state.adding = False


# --- One government ----------------------------------------------------------------------------


@functools.cache
def shipped_rulebooks() -> dict[str, str]:
    """Framework slug -> the shipped rulebook whose regulation sets it (budaya/rulebook/data):
    a generated government runs by that rulebook (issue 18: no city is named in code)."""
    found: dict[str, str] = {}
    for name in rulebooks.SHIPPED:
        data = yaml.safe_load(rulebooks.shipped_text(name)) or {}
        framework = (data.get("regulation") or {}).get("framework") or ""
        if framework:
            found.setdefault(framework, name)
    return found


def _adopted_from(version: FrameworkVersion) -> datetime.date:
    """The framework is in force from its regulation's enactment (else its year's first day)."""
    basis = version.legal_basis
    if basis is None:
        return datetime.date(2020, 1, 1)
    return basis.enacted_on or basis.promulgated_on or datetime.date(basis.year, 1, 1)


# The state each agency's report reaches, agency by agency after the first (whose team keeps a
# draft, as in the demo); "returned-revised" is a returned report revised as version 2, "" one
# not started.
GOALS = (
    "acknowledged",
    # Early, so that even the smallest generated government has a report waiting for the city
    # team (the home page's tasks cost the same at every size: tests/test_query_counts.py).
    "submitted",
    "forwarded",
    "consolidated",
    "accepted",
    "returned",
    "returned-revised",
    "approved",
    "draft",
    "",
)
DESIGNATION_STEPS = (("approved", "published"), ("approved",), (), ("rejected",))
# The goals a version of the period's city report takes its reports to ("consolidated" reports
# wait accepted for the next version: a version is not consolidated while one is forwarded).
CITY_GOALS = ("acknowledged", "forwarded")
# Shares of the activity log.
PLANNED_SHARE = 0.04
SUB_UNIT_SHARE = 0.3
# Every eighth activity done has the picture as its evidence, the others a link.
PICTURE_EVERY = 8
MAX_PARTICIPANT_LINKS = 6


@dataclass
class Generated:
    """What one generated government holds, for the command's report and for tests."""

    government: Government
    agencies: list[Unit] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    employees: dict[str, Employee] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


Progress = Callable[[str], None]


def generate_government(
    *,
    slug: str,
    name: str,
    agencies: int,
    employees: int,
    activities: int,
    kind: str = Government.Kind.KOTA,
    framework: str = "prima",
    seed: int = 0,
    password: str = DEFAULT_PASSWORD,
    versions: dict[str, FrameworkVersion] | None = None,
    progress: Progress | None = None,
    province: str = "",
) -> Generated:
    """Generate one government with ``agencies`` agencies, about ``employees`` employees (every
    unit has its head, however small the number) and ``activities`` activities over the last
    year. Refuses a slug that exists. ``versions``: the shipped framework versions by slug, when
    the caller loaded them already."""
    if Government.objects.filter(slug=slug).exists():
        raise ScaleError(f"A government with the short address name {slug!r} exists.")
    known = shipped_rulebooks()
    if framework not in known:
        raise ScaleError(f"Unknown framework {framework!r}: one of {', '.join(sorted(known))}.")
    versions = versions or latest_versions()
    writer = _Writer(slug, seed, progress)
    with transaction.atomic():
        return writer.run(
            name=name,
            kind=kind,
            framework=framework,
            version=versions[framework],
            agencies=agencies,
            employees=employees,
            activities=activities,
            password=password,
            province=province,
        )


def latest_versions() -> dict[str, FrameworkVersion]:
    """The newest shipped version of each framework (imported if missing; idempotent)."""
    latest: dict[str, FrameworkVersion] = {}
    for version in load_shipped_frameworks():
        slug = version.framework.slug
        if slug not in latest or version.number > latest[slug].number:
            latest[slug] = version
    return latest


def usernames(slug: str) -> dict[str, str]:
    """The logins of a generated government, by role (password: the one it was generated with).
    The head of every other agency signs in as ``kepala.<slug>.<agency code>``."""
    return {
        Role.CITY_ADMIN: f"admin.{slug}",
        Role.LEADERSHIP: f"sekda.{slug}",
        "head_of_government": f"kepaladaerah.{slug}",
        Role.UNIT_HEAD: f"kepala.{slug}",
        Role.UNIT_TEAM: f"tim.{slug}",
    }


class _Writer:
    def __init__(self, slug: str, seed: int, progress: Progress | None) -> None:
        self.slug = slug
        self.seed = seed
        self.rng = random.Random(f"{seed}:{slug}")
        self.progress = progress
        self.started = time.monotonic()
        self.today = timezone.localdate()

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(f"  {self.slug} [{time.monotonic() - self.started:6.1f}s] {message}")

    def run(
        self,
        *,
        name: str,
        kind: str,
        framework: str,
        version: FrameworkVersion,
        agencies: int,
        employees: int,
        activities: int,
        password: str,
        province: str = "",
    ) -> Generated:
        code = free_code(kind, province)
        government = Government.objects.create(
            name=name,
            slug=self.slug,
            kind=kind,
            kemendagri_code=code,
            timezone=_time_zone(code),
        )
        # The one audit entry of the bulk rows: what was generated, with which sizes.
        audit.record(
            None,
            AuditAction.CREATE,
            government,
            after={
                "generated_by": "manage.py generate_scale",
                "agencies": agencies,
                "employees": employees,
                "activities": activities,
                "seed": self.seed,
            },
        )
        out = Generated(government)
        rulebook = shipped_rulebooks()[framework]
        rulebooks.load_shipped(
            government=government, name=rulebook, note="Dibuat otomatis: buku aturan bawaan Budaya."
        )
        adopted_from = _adopted_from(version)
        people = self._org(out, agencies, employees, framework, adopted_from)
        adopt_version(
            government=government,
            version=version,
            adopted_from=adopted_from,
            decision=f"Peraturan {government.head_title} {name} tentang Budaya Kerja",
        )
        self._logins(out, people, password)
        self._slogans(out)
        self._teams(out, people)
        self._activities(out, people, activities, rulebook)
        self._programmes(out)
        self._monev(out)
        # The rollups of the province and national views, from the aggregates above (issue 20).
        rollup.rebuild(government)
        return out

    # Units and employees -----------------------------------------------------------------

    def _org(
        self, out: Generated, agencies: int, employees: int, framework: str, adopted: Any
    ) -> list[Person]:
        government = out.government
        spec = government_spec(
            {
                # The people's generator seeds each person from this slug and the post.
                "government": {
                    "name": government.name,
                    "slug": f"{self.slug}:{self.seed}",
                    "kind": government.kind,
                    "kemendagri_code": government.kemendagri_code,
                    "head_title": government.head_title,
                    "timezone": government.timezone,
                },
                "framework": {"slug": framework, "adopted_from": adopted, "decision": ""},
                "agencies": agency_tree(agencies, self.rng),
            },
            self.slug,
        )
        by_depth: dict[int, list[Unit]] = {}
        for unit_spec in spec.units:
            unit = Unit(
                government=government,
                kind=unit_spec.kind,
                code=unit_spec.code,
                name=unit_spec.name,
                short_name=unit_spec.short_name,
                parent=out.units[unit_spec.parent_code] if unit_spec.parent_code else None,
            )
            out.units[unit_spec.code] = unit
            by_depth.setdefault(unit_spec.depth, []).append(unit)
        # Level by level: a parent's key and path come before its children's.
        for level in sorted(by_depth):
            rows = by_depth[level]
            Unit.objects.bulk_create(rows, batch_size=BATCH)
            for unit in rows:
                unit.path = f"{unit.parent.path if unit.parent else ''}{unit.pk}/"
            Unit.objects.bulk_update(rows, ["path"], batch_size=BATCH)
        out.agencies = [out.units[unit.code] for unit in spec.agencies]

        heads = sum(1 + len(unit.officials) for unit in spec.units)
        staff = max(0, employees - heads)
        per_agency = -(-staff // len(spec.agencies)) if spec.agencies else 0
        catalogue = _single(spec)
        people = generate_people(catalogue, per_agency)[spec.slug][: max(employees, heads)]
        staff_rows = [
            person.as_employee(government, out.units[person.unit_code]) for person in people
        ]
        bulk_insert(Employee, staff_rows)
        out.employees = {person.key: row for person, row in zip(people, staff_rows, strict=True)}
        out.counts.update(units=len(out.units), employees=len(staff_rows))
        self.say(f"{len(out.units)} units, {len(staff_rows)} employees")
        return people

    # Logins -------------------------------------------------------------------------------

    def _logins(self, out: Generated, people: list[Person], password: str) -> None:
        government, first = out.government, out.agencies[0]
        names = usernames(self.slug)
        staff = next((p for p in people if p.key.startswith(f"{first.code}#")), None)
        wanted: list[tuple[str, str, Unit | None, Employee | None, str]] = [
            (names[Role.CITY_ADMIN], Role.CITY_ADMIN, None, None, "Administrator"),
            (names[Role.LEADERSHIP], Role.LEADERSHIP, None, out.employees.get("SETDA"), ""),
            (names["head_of_government"], Role.LEADERSHIP, None, None, government.head_title),
            (names[Role.UNIT_HEAD], Role.UNIT_HEAD, first, out.employees[first.code], ""),
            (
                names[Role.UNIT_TEAM],
                Role.UNIT_TEAM,
                first,
                out.employees.get(staff.key) if staff else None,
                "",
            ),
        ]
        wanted.extend(
            (
                f"kepala.{self.slug}.{agency.code.lower()}",
                Role.UNIT_HEAD,
                agency,
                out.employees[agency.code],
                "",
            )
            for agency in out.agencies[1:]
        )
        # One hash for every login: they share the documented password, and hashing is slow.
        encoded = make_password(password)
        users, linked = [], set()
        for username, _role, _unit, employee, display in wanted:
            # The regional secretary heads the Setda: one person, one login linked to them.
            if employee is not None and employee.pk in linked:
                employee = None
            if employee is not None:
                linked.add(employee.pk)
            users.append(
                User(
                    username=username,
                    password=encoded,
                    first_name=(display or (employee.name if employee else username))[:150],
                    employee=employee,
                )
            )
        User.objects.bulk_create(users, batch_size=BATCH)
        RoleGrant.objects.bulk_create(
            [
                RoleGrant(
                    user=user,
                    role=role,
                    government=government,
                    unit=unit,
                    # The regional secretary and the head of government hold distinct offices.
                    office=(
                        ("head" if name == names["head_of_government"] else "sekda")
                        if role == Role.LEADERSHIP
                        else ""
                    ),
                )
                for user, (name, role, unit, _employee, _display) in zip(users, wanted, strict=True)
            ],
            batch_size=BATCH,
        )
        out.users = {user.username: user for user in users}
        out.counts["logins"] = len(users)

    def _slogans(self, out: Generated) -> None:
        """Every agency's slogan, each bound to two values of the adopted framework."""
        values = list(adopted_values(out.government))
        for index, agency in enumerate(out.agencies):
            picked = [values[index % len(values)], values[(index + 1) % len(values)]]
            words = " dan ".join(value.name for value in picked)
            add_slogan(
                unit=agency, text=f"{agency.short_name or agency.name}: {words}", values=picked
            )

    def head_of(self, out: Generated, agency: Unit) -> User:
        first = agency.pk == out.agencies[0].pk
        suffix = "" if first else f".{agency.code.lower()}"
        return out.users[f"kepala.{self.slug}{suffix}"]

    # Teams --------------------------------------------------------------------------------

    def _teams(self, out: Generated, people: list[Person]) -> None:
        government = out.government
        kinds = list(TeamKind.objects.filter(government=government).order_by("order", "pk"))
        roles = {
            role.chart_place: role
            for role in TeamRole.objects.filter(government=government).order_by("order", "pk")
        }
        agency_kind = next((k for k in kinds if k.scope == TeamKind.Scope.AGENCY), None)
        city_kind = next((k for k in kinds if k.scope == TeamKind.Scope.CITY), None)
        if agency_kind is None:
            return
        by_agency: dict[str, list[Person]] = {}
        agency_of = {code: unit.path.split("/")[0] for code, unit in out.units.items()}
        agency_codes = {str(agency.pk): agency.code for agency in out.agencies}
        for person in people:
            by_agency.setdefault(agency_codes[agency_of[person.unit_code]], []).append(person)
        start = self.today - datetime.timedelta(days=200)
        made = 0
        for index, agency in enumerate(out.agencies):
            team = teams.create_team(
                Team(
                    government=government,
                    kind=agency_kind,
                    unit=agency,
                    name=f"{agency_kind.name} {agency.short_name or agency.name}",
                )
            )
            head = out.employees[agency.code]
            self._members(out, team, by_agency.get(agency.code, []), agency.code, roles, start)
            decree = Decree(
                government=government,
                team=team,
                purpose=Decree.Purpose.ESTABLISH,
                **teams.decree_defaults(team, Decree.Purpose.ESTABLISH, head),
            )
            teams.create_decree(decree)
            if index % 5 != 2:  # one agency in five still waits for its signed decree
                number = f"800/Kep.{index + 1:03d}-{agency.code}/{start.year}"
                teams.sign_decree(decree, number=number, decided_on=start, upload=None)
            made += 1
        if city_kind is not None and "SETDA" in out.units:
            team = teams.create_team(
                Team(
                    government=government,
                    kind=city_kind,
                    name=f"{city_kind.name} {government.name}",
                )
            )
            self._members(out, team, by_agency.get("SETDA", []), "SETDA", roles, start)
            made += 1
        out.counts["teams"] = made
        out.counts["designations"] = self._designations(out, by_agency)
        self.say(f"{made} teams with members and decrees")

    def _members(
        self,
        out: Generated,
        team: Team,
        staff: list[Person],
        agency_code: str,
        roles: dict[str, TeamRole],
        start: datetime.date,
    ) -> None:
        for place, key in _team_picks(staff, agency_code):
            if place in roles:
                teams.add_member(
                    Membership(
                        government=out.government,
                        team=team,
                        employee=out.employees[key],
                        role=roles[place],
                        start_on=start,
                    )
                )

    def _designations(self, out: Generated, by_agency: dict[str, list[Person]]) -> int:
        """A role model nominated in one agency in four, at every step of the decision."""
        year = self.today.year
        made = 0
        for index, agency in enumerate(out.agencies[::4]):
            # A PNS: T Pasal 1 angka 16 (the rulebook refuses anyone else under T).
            person = next(
                (p for p in by_agency.get(agency.code, []) if not p.echelon and p.status == "PNS"),
                None,
            )
            if person is None:
                continue
            employee = out.employees[person.key]
            designation = teams.nominate(
                Designation(
                    government=out.government,
                    kind=Designation.Kind.ROLE_MODEL,
                    subject=Designation.Subject.EMPLOYEE,
                    unit=employee.unit,
                    employee=employee,
                    period_start=datetime.date(year, 1, 1),
                    period_end=datetime.date(year, 12, 31),
                    criteria="Disiplin, melayani, inovatif; tanpa hukuman disiplin.",
                    reasons="Menjadi teladan pelayanan di unit kerjanya.",
                )
            )
            for status in DESIGNATION_STEPS[index % len(DESIGNATION_STEPS)]:
                teams.move_designation(designation, status, note="Memenuhi kriteria.")
            made += 1
        return made

    # Activities ---------------------------------------------------------------------------

    def _activities(self, out: Generated, people: list[Person], total: int, rulebook: str) -> None:
        """The forms and obligations of the government's rulebook; titles of the demo's."""
        government, rng, today = out.government, self.rng, self.today
        ensure_forms(government)
        forms = {form.code: form for form in ActivityForm.objects.filter(government=government)}
        starts_on = today.replace(month=1, day=1) - datetime.timedelta(days=366)
        obligations = ensure_obligations(
            government=government, starts_on=starts_on.replace(month=1, day=1)
        )
        regular = [obligation.form for obligation in obligations]
        others = list(forms.values())
        extras = EXTRAS.get(rulebook, {})
        values = [value.pk for value in adopted_values(government)]
        agency_paths = {agency.pk: agency for agency in out.agencies}
        subunits: dict[int, list[Unit]] = {}
        for unit in out.units.values():
            if unit.parent_id is not None:
                agency = agency_paths[int(unit.path.split("/")[0])]
                subunits.setdefault(agency.pk, []).append(unit)
        workers: dict[int, list[Employee]] = {}
        for person in people:
            employee = out.employees[person.key]
            if employee.nip:
                agency_pk = int(out.units[person.unit_code].path.split("/")[0])
                workers.setdefault(agency_pk, []).append(employee)
        team_user = out.users[usernames(self.slug)[Role.UNIT_TEAM]]
        first = out.agencies[0]
        weights = [LEVELS[index % len(LEVELS)] for index in range(len(out.agencies))]
        weights[0] = LEVELS[0]
        counts = _shares(total, weights)

        rows: list[Activity] = []
        chosen_values: list[list[int]] = []
        participants: list[list[Employee]] = []
        for agency, count in zip(out.agencies, counts, strict=True):
            author = team_user if agency.pk == first.pk else None
            pool = workers.get(agency.pk, [])
            for _n in range(count):
                planned = rng.random() < PLANNED_SHARE
                if planned:
                    day = today + datetime.timedelta(days=rng.randrange(1, 45))
                else:
                    day = today - datetime.timedelta(days=rng.randrange(0, 365))
                form = rng.choice(regular) if regular and rng.random() < 0.6 else rng.choice(others)
                title, problems, solutions = extras.get(
                    form.code, (TITLES.get(form.code, form.name), "", "")
                )
                if form.code not in extras and form.code not in TITLES:
                    title = f"{form.name} {agency.short_name or agency.name}"
                unit = agency
                if subunits.get(agency.pk) and rng.random() < SUB_UNIT_SHARE:
                    unit = rng.choice(subunits[agency.pk])
                taking = rng.sample(
                    pool, k=min(len(pool), rng.randrange(0, MAX_PARTICIPANT_LINKS + 1))
                )
                rows.append(
                    Activity(
                        government=government,
                        unit=unit,
                        date=day,
                        time=datetime.time(rng.choice([7, 8, 9, 10, 13, 14]), rng.choice([0, 30])),
                        status=Activity.Status.PLANNED if planned else Activity.Status.DONE,
                        form=form,
                        title=title[:200],
                        participants_count=max(len(taking), rng.randrange(8, 60)),
                        participant_names="\n".join(f"{e.name} {e.nip}" for e in taking),
                        description=f"{title} di {unit.name}.",
                        problems=problems,
                        solutions=solutions,
                        created_by=author,
                    )
                )
                chosen_values.append(rng.sample(values, k=min(len(values), rng.randrange(1, 4))))
                participants.append(taking)
        bulk_insert(Activity, rows)
        self.say(f"{len(rows)} activities")
        bulk_insert(
            ActivityValue,
            [
                ActivityValue(government=government, activity=activity, value_id=value)
                for activity, picked in zip(rows, chosen_values, strict=True)
                for value in picked
            ],
        )
        links = [
            ActivityParticipant(government=government, activity=activity, employee=employee)
            for activity, taking in zip(rows, participants, strict=True)
            for employee in taking
        ]
        bulk_insert(ActivityParticipant, links)
        aggregates.rebuild(government)  # the rows above bypassed the services
        evidence = self._evidence(out, [a for a in rows if a.status == Activity.Status.DONE])
        out.counts.update(activities=len(rows), participants=len(links), evidence=len(evidence))
        self.say(f"{len(links)} participants, {len(evidence)} evidence records")

    def _evidence(self, out: Generated, done: list[Activity]) -> list[Evidence]:
        """One evidence record per activity done: mostly links, some the shared picture."""
        government = out.government
        picture = evidence_files.store_prepared(
            government=government,
            unit=None,
            prepared=evidence_files.prepare_file(ContentFile(_picture(), name="kegiatan.jpg")),
            actor=None,
            title="Foto kegiatan",
        )
        rows: list[Evidence] = []
        for index, activity in enumerate(done):
            item = Evidence(
                government=government,
                unit=activity.unit,
                title=activity.title,
                uploaded_by=activity.created_by,
            )
            if index % PICTURE_EVERY == 0:
                item.kind = Evidence.Kind.FILE
                item.file, item.thumbnail = picture.file.name, picture.thumbnail.name
                for name in ("original_name", "content_type", "size", "sha256"):
                    setattr(item, name, getattr(picture, name))
            else:
                item.kind = Evidence.Kind.LINK
                item.url = (
                    f"https://drive.example.go.id/{self.slug}/{activity.date:%Y/%m}/{index + 1}"
                )
            rows.append(item)
        bulk_insert(Evidence, rows)
        bulk_insert(
            ActivityEvidence,
            [
                ActivityEvidence(government=government, activity=activity, evidence=item)
                for activity, item in zip(done, rows, strict=True)
            ],
        )
        return rows

    # Programmes ---------------------------------------------------------------------------

    def _programmes(self, out: Generated) -> None:
        """This year's city-wide programme and those of one agency in three, complete or
        partial in turn."""
        values = list(adopted_values(out.government).prefetch_related("manifestations"))
        if not values:
            return
        year = self.today.year
        owners: list[Unit | None] = [None, *out.agencies[::3]]
        for index, unit in enumerate(owners):
            level = "complete" if index % 2 == 0 else "partial"
            seed_programme(out.government, unit, year, level, values)
        out.counts["programmes"] = len(owners)
        self.say(f"{len(owners)} culture programmes")

    # Monitoring and evaluation ------------------------------------------------------------

    def _monev(self, out: Generated) -> None:
        government, year = out.government, self.today.year
        names = usernames(self.slug)
        admin = out.users[names[Role.CITY_ADMIN]]
        sekda = out.users[names[Role.LEADERSHIP]]
        mayor = out.users[names["head_of_government"]]
        team = out.users[names[Role.UNIT_TEAM]]
        monev.seed_instrument(government, admin)  # the evaluation areas of its rulebook
        period = monev.create_period(
            government,
            kind=Period.Kind.BERKALA,
            year=year,
            title=f"Monev Budaya Kerja {year}",
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
            deadline=default_deadline(government, year),
            actor=admin,
        )
        goals = ["draft", *(GOALS[i % len(GOALS)] for i in range(len(out.agencies) - 1))]
        groups: dict[str, list[Report]] = {}
        for index, (agency, goal) in enumerate(zip(out.agencies, goals, strict=True)):
            if not goal:
                continue
            report = self._prepare(period, agency, team if index == 0 else None, index)
            groups.setdefault(goal, []).append(self._drive(out, report, goal, admin))
        # The period's one city report, a version per group: version 1 acknowledged (with a
        # direction to the first agency of the group), version 2 forwarded; the reports
        # accepted after it wait for the next version.
        for goal in CITY_GOALS:
            if not groups.get(goal):
                continue
            for report in groups[goal]:
                self._accept(report, admin)
            city = monev.consolidate(period, admin)
            if not city.signatory_name:
                name, nip = monev.person_of(admin)
                city = monev.save_city_signatory(
                    city, place=city.place, name=name, nip=nip, actor=admin
                )
            city = monev.forward(city, sekda, note="Mohon arahan.")
            if goal == "acknowledged":
                direction = monev.Direction(
                    unit=groups[goal][0].unit,
                    text="Lengkapi dokumen internalisasi nilai.",
                    due_on=self.today + datetime.timedelta(days=30),
                )
                monev.acknowledge(
                    city, mayor, disposition="Tindak lanjuti.", directions=[direction]
                )
        for report in groups.get("consolidated", []) + groups.get("accepted", []):
            self._accept(report, admin)
        reports = sum(len(group) for group in groups.values())
        out.counts["reports"] = reports
        self.say(f"{reports} agency reports in every state")

    def _prepare(self, period: Period, agency: Unit, actor: User | None, index: int) -> Report:
        report = monev.start_report(period, agency, actor)
        row_groups = monev.group_numbers(period)
        picks: list[tuple[Activity, int]] = []
        seen: set[int] = set()
        for activity in monev.period_activities(report)[:40]:
            if activity.form_id not in seen:
                seen.add(activity.form_id)
                picks.append((activity, row_groups[len(picks) % len(row_groups)]))
            if len(picks) == 6:
                break
        if picks:
            monev.add_rows_from_activities(report, picks, actor)
        else:
            monev.save_row(
                report,
                None,
                {
                    "indicator": row_groups[0],
                    "when": period.ends_on.strftime("%m-%Y"),
                    "activity_title": "Pemasangan slogan nilai organisasi di ruang pelayanan",
                    "form": "Spanduk dan poster",
                    "problems": "Anggaran cetak terbatas",
                    "solutions": "Menggunakan media digital dan papan informasi",
                },
                [],
                actor,
            )
        answers = list(report.maturity.order_by("indicator", "item"))
        met = 2 + index % 6  # some agencies further along than others
        for position, answer in enumerate(answers):
            answer.answer = position < met
        MaturityAnswer.objects.bulk_update(answers, ["answer"])
        scores = list(report.scores.select_related("question"))
        for score in scores:
            score.score = min(score.question.max_score, 2 + index % 3)
        Score.objects.bulk_update(scores, ["score"])
        monev_aggregates.refresh(report)  # the answers and scores above bypassed the services
        return report

    def _accept(self, report: Report, admin: User) -> None:
        """The city team verifies the maturity answers as given, then accepts."""
        monev.verify_review(
            report,
            answers={a.pk: (bool(a.answer), "") for a in report.maturity.all()},
            scores={},
            score_reasons={},
            actor=admin,
        )
        monev.transition(report, State.ACCEPTED, admin)

    def _drive(self, out: Generated, report: Report, goal: str, admin: User) -> Report:
        """Take a draft up to ``goal``; the city goals stop at submitted (accepted later, one
        city report at a time)."""
        if goal == "draft":
            return report
        head = self.head_of(out, report.unit)
        report = monev.transition(report, State.APPROVED, head)
        if goal == "approved":
            return report
        report = monev.transition(report, State.SUBMITTED, head)
        if goal in ("returned", "returned-revised"):
            row = report.rows.order_by("indicator", "order").first()
            comments = {str(row.key): "Lampirkan daftar hadir dan foto kegiatan."} if row else {}
            report = monev.transition(
                report, State.RETURNED, admin, note="Data dukung belum lengkap", comments=comments
            )
            if goal == "returned-revised":
                report = monev.transition(report, State.DRAFT, head)
        return report


def _single(spec: GovernmentSpec) -> Catalogue:
    return Catalogue(governments=(spec,), staff=load_catalogue().staff)


def _team_picks(staff: list[Person], agency_code: str) -> list[tuple[str, str]]:
    """(chart place, person key): the head on top, an echelon III chair, an echelon IV
    secretary, an echelon III or IV facilitator and three members without echelon."""
    used = {agency_code}
    picks: list[tuple[str, str]] = [(TeamRole.ChartPlace.TOP, agency_code)]

    def take(place: str, test: Callable[[Person], bool]) -> None:
        for person in staff:
            if person.key not in used and test(person):
                used.add(person.key)
                picks.append((place, person.key))
                return

    take(TeamRole.ChartPlace.CHAIR, lambda p: p.echelon.startswith("III"))
    take(TeamRole.ChartPlace.SECRETARY, lambda p: p.echelon.startswith("IV"))
    take(TeamRole.ChartPlace.SIDE, lambda p: p.echelon.startswith(("III", "IV")))
    for _n in range(3):
        take(TeamRole.ChartPlace.MEMBER, lambda p: not p.echelon and p.nip is not None)
    return picks


def _shares(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (the counts add up to ``total``)."""
    whole = sum(weights) or 1.0
    counts = [int(total * weight / whole) for weight in weights]
    for index in range(total - sum(counts)):
        counts[index % len(counts)] += 1
    return counts


def _picture() -> bytes:
    """The one small picture the file evidence of a generated government shares."""
    image = Image.new("RGB", (96, 72), (21, 101, 192))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()
