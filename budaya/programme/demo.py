"""Demo culture programmes: this year and last year, city-wide and for several agencies of
Kota Tangerang (PRIMA) and Kota Serang (BerAKHLAK); last year's mostly complete, this year's
partial, one agency that has not started. Idempotent: a programme that exists is left alone.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.frameworks.models import CoreValue
from budaya.org.models import Government, Unit
from budaya.programme import services
from budaya.programme.models import (
    ChecklistItem,
    Declaration,
    Engagement,
    FormulationStep,
    InstitutionalChange,
    Method,
    Programme,
    ScorecardItem,
    SensitiveArea,
    Source,
)
from budaya.programme.selectors import rulebook_of, units_of

# Per government: the agencies (codes of budaya/org/demo/*.yaml) and how far each got.
# "complete": every stage done; "partial": part of it; absent: not started.
PLAN: dict[str, dict[str, tuple[str, str]]] = {
    "kota-tangerang": {
        "": ("complete", "partial"),  # the city-wide programme
        "DINKES": ("complete", "partial"),
        "DISDIK": ("complete", "partial"),
        "DUKCAPIL": ("partial", "partial"),
        "BKPSDM": ("complete", "complete"),
        "DPMPTSP": ("partial", ""),
    },
    "kota-serang": {
        "": ("complete", "partial"),
        "DINKES": ("complete", "partial"),
        "DISDUKCAPIL": ("partial", "partial"),
        "BKPSDM": ("complete", "complete"),
        "DPMPTSP": ("partial", ""),
        "INSPEKTORAT": ("complete", ""),
    },
}

# Notes of the steps done, in turn (the stages and steps are the government's rulebook's).
STEP_NOTES = [
    "Tim dibentuk dengan keputusan kepala; pimpinan tertinggi hadir pada rapat awal.",
    "Nilai digali dari visi-misi, tugas pokok dan fungsi, serta peraturan.",
    "Dibahas dalam FGD bersama para kepala bidang.",
    "Disepakati dan dicatat dalam notulen.",
    "Dilaksanakan sesuai rencana; bukti terlampir.",
]

# Key behaviours with their metric, target and unit; bound to the adopted values in turn.
BEHAVIOURS = [
    ("Hadir apel pagi tepat waktu", "Persentase pegawai hadir apel pagi", 95, "%", "at_least"),
    ("Menjawab pengaduan masyarakat", "Pengaduan dijawab dalam 3 hari kerja", 90, "%", "at_least"),
    ("Menyelesaikan layanan sesuai SOP", "Layanan selesai sesuai waktu SOP", 85, "%", "at_least"),
    ("Berbagi pengetahuan di unit kerja", "Sesi berbagi pengetahuan", 12, "kali", "at_least"),
    ("Menghindari keterlambatan laporan", "Laporan terlambat", 2, "laporan", "at_most"),
]


def seed() -> list[str]:
    lines: list[str] = []
    from budaya.rulebook import demo as rulebook_demo

    this_year = timezone.localdate().year
    # The programmes follow each city's own rulebook: load it first (idempotent).
    rulebook_demo.seed()
    for slug, agencies in PLAN.items():
        government = Government.objects.filter(slug=slug).first()
        if government is None:
            continue
        services.load_rulebook_checklists(government=government)
        values = _values(government)
        if not values:
            continue
        for code, (last, current) in agencies.items():
            unit = None
            if code:
                unit = Unit.objects.filter(government=government, code=code).first()
                if unit is None:
                    continue
            for year, level in ((this_year - 1, last), (this_year, current)):
                if not level:
                    continue
                if Programme.objects.filter(government=government, unit=unit, year=year).exists():
                    continue
                seed_programme(government, unit, year, level, values)
                owner = unit.name if unit else "program tingkat kota"
                lines.append(f"Programme: {government.name}, {owner} {year} ({level})")
    return lines


def _values(government: Government) -> list[CoreValue]:
    from budaya.programme.selectors import adopted_values

    return list(adopted_values(government).prefetch_related("manifestations"))


@transaction.atomic
def seed_programme(
    government: Government, unit: Unit | None, year: int, level: str, values: list[CoreValue]
) -> Programme:
    rng = random.Random(f"{government.slug}/{unit.code if unit else ''}/{year}")
    complete = level == "complete"
    today = timezone.localdate()
    last_month = 12 if year < today.year else max(1, today.month - 1)
    programme = services.create_programme(
        government=government,
        unit=unit,
        year=year,
        notes="Program budaya kerja tahunan (data demo).",
    )
    made: list[Any] = []

    # The steps of the rulebook's stages: all of them, or the first ones.
    book = rulebook_of(programme)
    units = [unit for stage in book.stages for unit in units_of(stage)]
    steps_done = len(units) if complete else rng.randint(2, 4)
    for index, (stage_code, step_code) in enumerate(units[:steps_done]):
        step = FormulationStep.objects.get(programme=programme, stage=stage_code, step=step_code)
        step.notes = STEP_NOTES[index % len(STEP_NOTES)]
        step.done = True
        step.done_on = datetime.date(year, 1 + index % 12, 10)
        step.save()
        if index == 1:
            step.sources = [
                Source.RELIGION,
                Source.STATE_PHILOSOPHY,
                Source.VISION_MISSION,
                Source.DUTIES,
                Source.REGULATIONS,
            ]
            step.fgd_held_on = datetime.date(year, 2, 5)
            step.save()
            services.attach_evidence(
                programme,
                step,
                url=f"https://drive.example.go.id/{government.slug}/{year}/notulen-fgd",
                title="Notulen FGD perumusan nilai",
            )
    if steps_done >= 3:
        made.append(
            SensitiveArea.objects.create(
                government=government,
                programme=programme,
                area="Pelayanan perizinan",
                value=values[0],
                conflict="Tekanan untuk mempercepat layanan di luar prosedur.",
                handling="Antrean daring dan SOP yang diumumkan.",
            )
        )

    # The scorecard: one key behaviour per value (five at most), with monthly results.
    if steps_done >= 4:
        for order, (value, behaviour) in enumerate(zip(values, BEHAVIOURS, strict=False), 1):
            text, metric, target, measure, direction = behaviour
            manifestations = list(value.manifestations.all())
            item = ScorecardItem.objects.create(
                government=government,
                programme=programme,
                order=order,
                value=value,
                manifestation=manifestations[0] if manifestations else None,
                key_behaviour=text,
                metric=metric,
                target=Decimal(target),
                measure_unit=measure,
                direction=direction,
            )
            made.append(item)
            months = last_month if complete else min(last_month, rng.randint(1, 4))
            for month in range(1, months + 1):
                progress = min(1.1, 0.55 + 0.05 * month + rng.uniform(-0.05, 0.1))
                if direction == "at_most":
                    result = Decimal(max(0, round(target * (2 - progress))))
                elif measure == "kali":
                    result = Decimal(min(month, target))
                else:
                    result = Decimal(min(100, round(target * progress, 1)))
                services.record_result(
                    item,
                    period_start=datetime.date(year, month, 1),
                    granularity="month",
                    value=result,
                    note="",
                )

    # Implementation records: declaration, socialisation, internalisation, changes.
    if complete or rng.random() < 0.7:
        declaration = Declaration.objects.create(
            government=government,
            programme=programme,
            held_on=datetime.date(year, 3, 1),
            place="Aula " + (unit.short_name or unit.name if unit else "Pusat Pemerintahan"),
            led_by=government.head_title + " " + government.name.removeprefix("Kota ")
            if unit is None
            else "Kepala " + unit.name,
            attendee_count=rng.randint(40, 300),
            notes="Deklarasi dan penandatanganan komitmen budaya kerja.",
        )
        made.append(declaration)
        services.attach_evidence(
            programme,
            declaration,
            url=f"https://drive.example.go.id/{government.slug}/{year}/foto-deklarasi",
            title="Foto deklarasi",
        )
    kinds = [
        (Engagement.Kind.SOCIALISATION, Method.PKS, "Sosialisasi nilai budaya kerja", 4),
        (Engagement.Kind.SOCIALISATION, Method.FGD, "FGD penerapan nilai", 5),
        (Engagement.Kind.INTERNALISATION, Method.OUTBOUND, "Outbound internalisasi nilai", 8),
        (Engagement.Kind.INTERNALISATION, Method.ASSEMBLY, "Pembacaan nilai saat apel", 9),
    ]
    for kind, method, title, month in kinds if complete else kinds[:2]:
        made.append(
            Engagement.objects.create(
                government=government,
                programme=programme,
                kind=kind,
                method=method,
                held_on=datetime.date(year, min(month, last_month), 15),
                title=title,
                participant_count=rng.randint(20, 120),
            )
        )
    if complete:
        made.append(
            InstitutionalChange.objects.create(
                government=government,
                programme=programme,
                kind=InstitutionalChange.Kind.PROCEDURE,
                title="SOP pelayanan yang memuat nilai budaya kerja",
                reference=f"SOP/{year}/01",
                url=f"https://jdih.example.go.id/{government.slug}/sop-{year}",
                effective_on=datetime.date(year, 6, 1),
                description="Setiap langkah SOP menyebut nilai yang diterapkan.",
            )
        )
    for checklist_item in ChecklistItem.objects.filter(government=government, active=True):
        if complete or rng.random() < 0.4:
            services.answer_checklist(programme, checklist_item, met=True, note="", actor=None)
    audit.record_many(
        None,
        [(AuditAction.CREATE, obj, None, services.snapshot(obj)) for obj in made],
        None,
        government=government,
    )
    return programme
