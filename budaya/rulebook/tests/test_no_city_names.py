"""No rule of one regulation in code (issue 18): no code or template names a city, "Wali Kota"
or "Walikota", "Tangerang" or "Serang". Those words belong in the government's rulebook.

Outside the check, on purpose: the shipped rulebook and framework files (YAML data), the demo
(``demo.py``, ``org/demo/``, ``seed_demo``), the tests, the migrations (frozen history of the
models' texts) and the translation catalogues (they follow the code).

``NOT_YET_WIRED`` lists the files that still name a city today. Issue 18: wired in a later session
(every module reads the rulebook instead); the list only shrinks. A file on it that no longer
names a city fails the test too, so it is taken off as soon as it is wired.
"""

from __future__ import annotations

import re
from pathlib import Path

import budaya

ROOT = Path(budaya.__file__).resolve().parent
PATTERN = re.compile(r"tangerang|serang|wali\s*kota", re.IGNORECASE)
SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".json"}

# Issue 18: wired in a later session. What each still holds (docs/rulebook.md, "Still hard-coded").
NOT_YET_WIRED: dict[str, str] = {}


def _checked(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    if path.suffix not in SUFFIXES:
        return False
    if {"tests", "migrations", "locale", "vendor", "demo"} & set(parts):
        return False
    if path.name in {"conftest.py", "demo.py", "seed_demo.py"}:
        return False
    # Shipped data (the rulebooks and frameworks are YAML; their schemas JSON).
    return "data" not in parts


def offenders() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(ROOT.rglob("*")):
        if not path.is_file() or not _checked(path):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        hits = [
            f"{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), start=1)
            if PATTERN.search(line)
        ]
        if hits:
            found[path.relative_to(ROOT).as_posix()] = hits
    return found


def test_no_new_code_names_a_city():
    new = {name: hits for name, hits in offenders().items() if name not in NOT_YET_WIRED}
    assert new == {}, "Names of a city in code: read them from the rulebook instead."


def test_the_rulebook_app_names_no_city():
    assert not [name for name in offenders() if name.startswith("rulebook/")]


def test_the_list_of_files_not_yet_wired_only_shrinks():
    still = set(offenders())
    wired = sorted(name for name in NOT_YET_WIRED if name not in still)
    assert wired == [], f"No longer names a city: take it off NOT_YET_WIRED: {wired}"


def test_the_check_catches_a_city_in_code(tmp_path):
    assert PATTERN.search('key = "serang" if "serang" in government.slug else "tangerang"')
    assert PATTERN.search("Diketahui Walikota")
    assert PATTERN.search("Wali  Kota")
    assert not PATTERN.search("head_of_government_title")
