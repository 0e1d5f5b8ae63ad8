from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from budaya.frameworks import services
from budaya.frameworks.models import FrameworkVersion

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CATALOGUE = Path(services.__file__).resolve().parent / "locale" / "id" / "LC_MESSAGES"


@pytest.fixture(scope="session", autouse=True)
def indonesian_catalogue() -> None:
    """The .mo files are compiled at set-up; compile ours here too when it is missing or stale."""
    po, mo = CATALOGUE / "django.po", CATALOGUE / "django.mo"
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
        trans_real._translations = {}
        trans_real._default = None


@pytest.fixture
def indonesian():
    with translation.override("id"):
        yield


@pytest.fixture
def shipped(db, government, other_government) -> dict[str, FrameworkVersion]:
    """The shipped texts with both governments present, so each has its shipped owner (issue
    17): PRIMA and its Perwal belong to Kota Tangerang, BerAKHLAK to the installation, the
    Perwal Kota Serang 34/2023 and 49/2020 to Kota Serang."""
    return {version.framework.slug: version for version in services.load_shipped_frameworks()}


@pytest.fixture
def contoh_text() -> str:
    return (FIXTURES / "kabupaten-contoh.yaml").read_text(encoding="utf-8")
