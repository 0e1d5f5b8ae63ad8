"""Bahasa Indonesia is the default language: every catalogue must be complete and current."""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import django
from django.conf import settings
from django.utils import translation

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


# The names makemessages extracts (Django's xgettext keywords, and ``_``).
EXTRACTED = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def test_no_translation_function_is_imported_under_a_name_makemessages_skips():
    # The import's "The registry changed after the preview…" was marked with an alias,
    # ``gettext_lazy as _lazy``: never extracted, so shown in English on the Indonesian page.
    aliased = []
    for path in (ROOT / "budaya").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                aliased += [
                    f"{path.relative_to(ROOT)}: {name.name} as {name.asname}"
                    for name in node.names
                    if name.name in EXTRACTED and (name.asname or name.name) not in EXTRACTED
                ]
    assert aliased == []


# --- Django's own strings (issue 20): none reaches a page in English -------------------------

DJANGO = Path(django.__file__).resolve().parent
# The catalogues of what the pages use: Django itself and the contrib apps a user's page shows.
DJANGO_CATALOGUES = [
    DJANGO / "conf" / "locale",
    *(DJANGO / "contrib" / app / "locale" for app in ("auth", "contenttypes", "humanize")),
]
ENTRY = re.compile(
    r'^(?:msgctxt "(?P<context>.*)"\n)?msgid "(?P<id>.+)"\n(?:msgid_plural "(?P<plural>.*)"\n)?',
    re.M,
)


def _unescaped(text: str) -> str:
    return text.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")


def _untranslated_by_django() -> list[tuple[str | None, str, str | None]]:
    """(context, msgid, plural) of every string Django's English catalogue has and its
    Indonesian catalogue lacks or leaves empty."""
    missing = []
    for folder in DJANGO_CATALOGUES:
        english = (folder / "en" / "LC_MESSAGES" / "django.po").read_text()
        with (folder / "id" / "LC_MESSAGES" / "django.mo").open("rb") as mo:
            indonesian = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
        for match in ENTRY.finditer(english.replace('"\n"', "")):
            context, msgid, plural = (
                _unescaped(text) if text else text
                for text in match.group("context", "id", "plural")
            )
            key = f"{context}\x04{msgid}" if context else msgid
            if not (indonesian.get(key) or indonesian.get((key, 0))):
                missing.append((context, msgid, plural))
    return missing


def test_every_string_django_leaves_in_english_is_translated_by_us():
    missing = _untranslated_by_django()
    assert ("- Select an option -") in [msgid for _context, msgid, _plural in missing]
    english = []
    with translation.override("id"):
        for context, msgid, plural in missing:
            if plural:
                shown = translation.npgettext(context, msgid, plural, 2) if context else None
                shown = shown or translation.ngettext(msgid, plural, 2)
                same = shown == plural
            else:
                shown = (
                    translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                )
                same = shown == msgid
            if same:
                english.append(msgid)
    assert english == [], "add them to budaya/django_strings.py and translate them"


def test_the_empty_choice_of_a_select_is_indonesian():
    from budaya.activities.models import Activity

    field = Activity._meta.get_field("unit").formfield()
    with translation.override("id"):
        assert str(field.empty_label) == "- Pilih salah satu -"
