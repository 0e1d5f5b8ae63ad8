from __future__ import annotations

import datetime

import pytest

from budaya.frameworks import services as framework_services
from budaya.frameworks.models import Adoption, FrameworkVersion


@pytest.fixture
def shipped(db) -> dict[str, FrameworkVersion]:
    return {v.framework.slug: v for v in framework_services.load_shipped_frameworks()}


@pytest.fixture
def prima(shipped, government) -> FrameworkVersion:
    """Kota Tangerang (the ``government`` fixture) adopts PRIMA (T Pasal 6)."""
    version = shipped["prima"]
    Adoption.objects.create(
        government=government, version=version, adopted_from=datetime.date(2018, 7, 2)
    )
    return version


@pytest.fixture
def berakhlak(shipped, other_government) -> FrameworkVersion:
    """Kota Serang (``other_government``) adopts BerAKHLAK (S Pasal 6)."""
    version = shipped["berakhlak"]
    Adoption.objects.create(
        government=other_government, version=version, adopted_from=datetime.date(2023, 1, 1)
    )
    return version


@pytest.fixture
def tangerang_book(government):
    """Kota Tangerang runs by its own rulebook (Perwal 62/2018: T Lampiran II II.1–II.3, IV)."""
    from budaya.rulebook import services as rulebooks

    return rulebooks.load_shipped(government=government, name="kota-tangerang").version


@pytest.fixture
def serang_book(other_government):
    """Kota Serang runs by its own rulebook (Perwal 34/2023: S Lampiran C.1–C.3)."""
    from budaya.rulebook import services as rulebooks

    return rulebooks.load_shipped(government=other_government, name="kota-serang").version
