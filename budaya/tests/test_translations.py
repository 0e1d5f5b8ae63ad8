"""Bahasa Indonesia is the default language: every catalogue must be complete and current."""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


def test_every_string_in_the_code_is_translated_to_indonesian(tmp_path):
    # Refresh the catalogues from the code on a copy of the tree: a string added without its
    # translation shows up as untranslated (or fuzzy, when msgmerge guessed from a similar one).
    shutil.copytree(
        ROOT / "budaya",
        tmp_path / "budaya",
        ignore=shutil.ignore_patterns("*.mo", "__pycache__", "static"),
    )
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "messages"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    catalogues = sorted(tmp_path.glob("budaya/**/locale/id/LC_MESSAGES/django.po"))
    assert len(catalogues) >= 4
    incomplete = {}
    for po in catalogues:
        stats = _statistics(po)
        if "untranslated" in stats or "fuzzy" in stats:
            incomplete[str(po.relative_to(tmp_path))] = stats.strip()
    assert incomplete == {}
