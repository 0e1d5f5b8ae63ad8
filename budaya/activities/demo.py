"""Demo data: forms of activity, recurring obligations and a year of activity with photos.

The forms and obligations are each city's rulebook's (Serang: values read at every apel pagi,
twibbon on the 17th, standing banner; Tangerang: KBK discussion and PKS every month). Some
agencies are diligent, some are not, so the compliance board has
something to show. Photos are drawn with Pillow at seed time (nothing is downloaded).
Idempotent: forms and obligations by their natural keys; activities only for a government that
has none yet.
"""

from __future__ import annotations

import datetime
import io
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from budaya.accounts.models import User
from budaya.activities import aggregates, services
from budaya.activities import evidence as evidence_files
from budaya.activities.models import (
    Activity,
    ActivityEvidence,
    ActivityForm,
    ActivityValue,
    Obligation,
)
from budaya.activities.selectors import current_values
from budaya.activities.services import ensure_forms
from budaya.org.models import Government, Unit

# Other activities now and then, by form code: (title, problems, solutions).
EXTRAS = {
    "kota-serang": {
        "rapat": ("Pembacaan nilai BerAKHLAK sebelum rapat staf", "", ""),
        "media-sosial": (
            "Unggahan Instagram bertema Bangga Melayani Bangsa",
            "Jangkauan unggahan masih rendah.",
            "Berkolaborasi dengan akun resmi Pemerintah Kota Serang.",
        ),
        "bahan-tayang": ("Templat bahan tayang dengan logo BerAKHLAK", "", ""),
        "banner-pamflet": (
            "Pamflet layanan dengan logo BerAKHLAK",
            "Anggaran cetak terbatas.",
            "Pamflet dibagikan dalam bentuk digital.",
        ),
        "multimedia": ("Video pendek nilai BerAKHLAK", "", ""),
    },
    "kota-tangerang": {
        "ceramah": ("Ceramah budaya kerja PRIMA", "", ""),
        "workshop": (
            "Workshop penerapan nilai PRIMA dalam pelayanan",
            "Sebagian pegawai berhalangan karena pelayanan tetap buka.",
            "Workshop dibagi menjadi dua sesi.",
        ),
        "fgd": ("FGD perilaku utama nilai PRIMA", "", ""),
        "mind-setting": ("Mind setting pelayanan prima", "", ""),
        "outbound": (
            "Outbound kebersamaan KBK",
            "Jadwal bertabrakan dengan kegiatan dinas luar.",
            "Dijadwalkan ulang pada hari Sabtu.",
        ),
    },
}

TITLES = {
    "apel-pagi": "Apel pagi dan pembacaan nilai BerAKHLAK",
    "twibbon": "Pemasangan twibbon BerAKHLAK tanggal 17",
    "standing-banner": "Pemeriksaan standing banner BerAKHLAK",
    "diskusi-kbk": "Diskusi KBK tentang penerapan nilai PRIMA",
    "pks": "Pelatihan di Kantor Sendiri (PKS)",
}
# Diligence of an agency: the chance that it does (and records) each occurrence.
LEVELS = (0.95, 0.6, 0.2)
# The agencies of the demo logins are diligent, so the demo opens on a full log.
DILIGENT = {"DINKES"}
COLOURS = [(21, 101, 192), (46, 125, 50), (198, 40, 40), (106, 27, 154), (239, 108, 0)]


def _photo(rng: random.Random, caption: str, day: datetime.date) -> bytes:
    """A small picture standing in for a photo of the activity."""
    colour = rng.choice(COLOURS)
    image = Image.new("RGB", (480, 360), colour)
    draw = ImageDraw.Draw(image)
    for _shape in range(6):
        x, y = rng.randrange(0, 440), rng.randrange(40, 320)
        size = rng.randrange(20, 90)
        shade = tuple(min(255, c + rng.randrange(30, 120)) for c in colour)
        draw.ellipse((x, y, x + size, y + size), fill=shade)
    draw.rectangle((0, 0, 480, 36), fill=(255, 255, 255))
    draw.text((10, 10), caption[:70], fill=(0, 0, 0))
    draw.text((10, 336), day.strftime("%d-%m-%Y"), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _working_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _ensure_obligations(government: Government, forms: dict[str, ActivityForm]) -> int:
    """The obligations of the government's rulebook, in force since January of last year."""
    starts_on = timezone.localdate().replace(month=1, day=1) - datetime.timedelta(days=366)
    return len(
        services.ensure_obligations(
            government=government, starts_on=starts_on.replace(month=1, day=1)
        )
    )


class _Log:
    """Collects a government's demo activities, then writes them in bulk."""

    def __init__(self, government: Government, rng: random.Random) -> None:
        self.government = government
        self.rng = rng
        self.values = list(current_values(government))
        self.rows: list[tuple[Activity, list[int], bytes | None]] = []

    def add(
        self,
        agency: Unit,
        form: ActivityForm,
        day: datetime.date,
        title: str,
        *,
        photo: bool,
        time: datetime.time | None = None,
        problems: str = "",
        solutions: str = "",
        author: User | None = None,
    ) -> None:
        today = timezone.localdate()
        activity = Activity(
            government=self.government,
            unit=agency,
            date=day,
            time=time,
            status=Activity.Status.PLANNED if day > today else Activity.Status.DONE,
            form=form,
            title=title,
            participants_count=self.rng.randrange(8, 60),
            description=f"{title} di {agency.name}.",
            problems=problems,
            solutions=solutions,
            created_by=author,
        )
        chosen = self.rng.sample(self.values, k=min(len(self.values), self.rng.randrange(1, 4)))
        picture = (
            _photo(self.rng, f"{agency.short_name or agency.name}: {title}", day)
            if photo and day <= today
            else None
        )
        self.rows.append((activity, [v.pk for v in chosen], picture))

    @transaction.atomic
    def write(self) -> tuple[int, int]:
        activities = Activity.objects.bulk_create([row[0] for row in self.rows], batch_size=500)
        ActivityValue.objects.bulk_create(
            [
                ActivityValue(government=self.government, activity=activity, value_id=value)
                for activity, (_a, values, _p) in zip(activities, self.rows, strict=True)
                for value in values
            ],
            batch_size=1000,
        )
        with_photo = [
            (activity, picture)
            for activity, (_a, _v, picture) in zip(activities, self.rows, strict=True)
            if picture is not None
        ]
        stored = evidence_files.store_prepared_many(
            government=self.government,
            items=[
                (
                    activity.unit,
                    evidence_files.prepare_file(
                        ContentFile(picture, name=f"foto-{activity.date:%Y%m%d}.jpg")
                    ),
                    activity.title,
                )
                for activity, picture in with_photo
            ],
            actor=None,
        )
        links = [
            ActivityEvidence(government=self.government, activity=activity, evidence=item)
            for (activity, _p), item in zip(with_photo, stored, strict=True)
        ]
        ActivityEvidence.objects.bulk_create(links, batch_size=1000)
        aggregates.rebuild(self.government)  # the rows above bypassed the services
        return len(activities), len(links)


def _seed_activities(government: Government, forms: dict[str, ActivityForm]) -> tuple[int, int]:
    rng = random.Random(f"budaya-demo-{government.slug}")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    agencies = list(
        Unit.objects.filter(
            government=government, parent__isnull=True, active_to__isnull=True
        ).order_by("code")
    )
    team = User.objects.filter(
        role_grants__government=government, role_grants__role="unit_team"
    ).first()
    log = _Log(government, rng)
    obligations = [o for o in Obligation.objects.filter(government=government, active=True)]
    working = _working_days(start, today)
    months = sorted(
        {(d.year, d.month) for d in (start + datetime.timedelta(days=n) for n in range(366))}
    )
    for index, agency in enumerate(agencies):
        chance = LEVELS[0] if agency.code in DILIGENT else LEVELS[index % len(LEVELS)]
        author = team if agency.code in DILIGENT else None
        for obligation in obligations:
            form = obligation.form
            title = TITLES.get(form.code, form.name)
            if obligation.frequency == Obligation.Frequency.WORKING_DAYS:
                for day in working:
                    if rng.random() < chance:
                        log.add(
                            agency,
                            form,
                            day,
                            title,
                            photo=rng.random() < 0.03,
                            time=datetime.time(7, 30),
                            author=author,
                        )
                continue
            for year, month in months:
                if rng.random() >= chance:
                    continue
                if obligation.frequency == Obligation.Frequency.MONTHLY_DAY:
                    day = datetime.date(year, month, obligation.day or 1)
                else:
                    day = datetime.date(year, month, rng.randrange(2, 27))
                if start <= day <= today:
                    log.add(agency, form, day, title, photo=True, author=author)
        extras = [(forms[code], text) for code, text in EXTRAS[government.slug].items()]
        for year, month in months:
            for _n in range(rng.randrange(0, 3) if chance > 0.5 else rng.randrange(0, 2)):
                form, (title, problems, solutions) = rng.choice(extras)
                day = datetime.date(year, month, rng.randrange(1, 28))
                if start <= day <= today:
                    log.add(
                        agency,
                        form,
                        day,
                        title,
                        photo=rng.random() < 0.5,
                        time=datetime.time(rng.choice([9, 10, 13, 14]), 0),
                        problems=problems,
                        solutions=solutions,
                        author=author,
                    )
        # Something planned for the coming weeks.
        if chance > 0.5:
            form, (title, _p, _s) = rng.choice(extras)
            log.add(
                agency,
                form,
                today + datetime.timedelta(days=rng.randrange(3, 30)),
                title,
                photo=False,
                time=datetime.time(9, 0),
                author=author,
            )
    return log.write()


def seed() -> list[str]:
    from budaya.rulebook import demo as rulebook_demo

    lines: list[str] = []
    # The forms and obligations are each city's rulebook's: load it first (idempotent).
    rulebook_demo.seed()
    for slug in ("kota-serang", "kota-tangerang"):
        government = Government.objects.filter(slug=slug).first()
        if government is None:
            continue
        made = ensure_forms(government)
        forms = {form.code: form for form in ActivityForm.objects.filter(government=government)}
        obligations = _ensure_obligations(government, forms)
        line = (
            f"{government.name}: {len(made)} forms of activity, {obligations} recurring "
            "obligations added"
        )
        if slug in EXTRAS and all(code in forms for code in EXTRAS[slug]):
            if Activity.objects.filter(government=government).exists():
                line += "; activities already there"
            else:
                activities, photos = _seed_activities(government, forms)
                line += f"; {activities} activities with {photos} photos"
        lines.append(line)
    return lines
