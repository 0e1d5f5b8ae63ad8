from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image

from budaya.activities.models import ActivityForm, Obligation
from budaya.frameworks.models import (
    Adoption,
    CoreValue,
    FrameworkVersion,
    Regulation,
    ValueFramework,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(size=(40, 30), colour=(30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def adopt(
    government, regulation_slug: str, values=("Berorientasi Pelayanan", "Akuntabel", "Kompeten")
):
    regulation = Regulation.objects.get_or_create(
        slug=regulation_slug,
        defaults={
            "issuer": "Wali Kota",
            "kind": "Peraturan Wali Kota",
            "number": "1",
            "year": 2023,
            "title": "Budaya Kerja",
        },
    )[0]
    framework = ValueFramework.objects.get_or_create(
        slug=f"nilai-{regulation_slug}", defaults={"name": "Nilai"}
    )[0]
    version = FrameworkVersion.objects.create(
        framework=framework, number=1, legal_basis=regulation, content_hash="0" * 64
    )
    for order, name in enumerate(values, start=1):
        CoreValue.objects.create(version=version, order=order, code=f"v{order}", name=name)
    Adoption.objects.create(
        government=government, version=version, adopted_from=datetime.date(2023, 1, 1)
    )
    return version


@pytest.fixture
def serang_rules(world):
    """The second government is Kota Serang: its regulation's forms and the twibbon rule."""
    from budaya.activities.services import ensure_forms
    from budaya.rulebook import services as rulebooks

    adopt(world.government, "perwal-kota-serang-34-2023")
    rulebooks.load_shipped(government=world.government, name="kota-serang")
    ensure_forms(world.government)
    forms = {form.code: form for form in ActivityForm.objects.filter(government=world.government)}
    twibbon = Obligation.objects.create(
        government=world.government,
        name="Twibbon tanggal 17",
        form=forms["twibbon"],
        frequency=Obligation.Frequency.MONTHLY_DAY,
        day=17,
        remind_days_before=3,
        starts_on=datetime.date(2025, 1, 1),
    )
    apel = Obligation.objects.create(
        government=world.government,
        name="Nilai dibacakan saat apel pagi",
        form=forms["apel-pagi"],
        frequency=Obligation.Frequency.WORKING_DAYS,
        starts_on=datetime.date(2025, 1, 1),
    )
    return forms, twibbon, apel
