"""Every event the services announce is told in its own words (issue 20).

A kind missing from ``kinds.py`` falls back to the generic text, whose only placeholder is
``{title}``: a competition's results arrived as "Perlu perhatian Anda:" with nothing after the
colon. So every kind named in the code must be listed, with the placeholders its announcers
fill."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from budaya.notifications import kinds
from budaya.notifications.render import PLACEHOLDER

ROOT = Path(__file__).resolve().parents[2]
# The functions that announce an event, and the position of the kind among their arguments.
ANNOUNCERS = {"announce": None, "step_done": None, "_announce": 2}


def _announced() -> dict[str, set[str]]:
    """Each kind named as a constant where an event is announced, with the context keys given
    beside it in the same call (when they are written out)."""
    labels = {config.label for config in apps.get_app_configs()}
    found: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ANNOUNCERS:
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            position = ANNOUNCERS[name]
            kind = keywords.get("kind")
            if kind is None and position is not None and len(node.args) > position:
                kind = node.args[position]
            if not (isinstance(kind, ast.Constant) and isinstance(kind.value, str)):
                continue  # made from a step's name: those are listed below
            assert kind.value.split(".")[0] in labels, f"{path}: {kind.value}"
            context = keywords.get("context")
            keys = (
                {k.value for k in context.keys if isinstance(k, ast.Constant)}
                if isinstance(context, ast.Dict)
                else set()
            )
            found.setdefault(kind.value, set()).update(keys)
    return found


def test_every_announced_kind_has_its_own_text():
    announced = _announced()
    # The scan sees the services of every app that announces.
    assert {"competitions.results.published", "surveys.survey.reminder"} <= set(announced)
    missing = sorted(set(announced) - set(kinds.KINDS))
    assert missing == [], f"kinds announced but told with the generic text: {missing}"


def test_the_shipped_text_uses_only_what_its_announcer_gives():
    # A placeholder left empty reads as a sentence cut short ("tenggat ." or "Lomba : ").
    for code, given in _announced().items():
        if not given:
            continue  # the context is built elsewhere
        kind = kinds.KINDS[code]
        used = {
            match.group(1)
            for text in (kind.subject, kind.body)
            for match in PLACEHOLDER.finditer(str(text))
        } - set(kinds.COMMON)
        assert used <= given, f"{code}: {sorted(used - given)} never filled"


def test_the_dynamic_kinds_are_listed():
    # Made from a step's name: monev/services.py (city steps), problems (plan moves, root cause).
    for code in (
        "monev.city.consolidated",
        "monev.city.forwarded",
        "monev.city.returned",
        "problems.plan.submitted",
        "problems.plan.returned",
        "problems.plan.approved",
        "problems.root_cause.sent",
        "problems.root_cause.directed",
    ):
        assert code in kinds.KINDS


def test_what_a_step_settles_are_kinds_that_exist():
    for code, asked in kinds.SETTLES.items():
        assert code in kinds.KINDS and set(asked) <= set(kinds.KINDS), code
