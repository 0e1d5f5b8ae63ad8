"""No text a user or a government supplies is used as a template or a format string (issue 17).

Such text is only ever a value: ``_("... %(name)s ...") % {"name": text}``, an f-string, a
variable in a template from the repository. A format string of a user's text would let
``{0.__class__.__init__.__globals__}`` walk to secrets, and a template of it would run code. This
test reads every module of the product and fails on a format string that is not a literal or a
translated literal, and on a template compiled from a string anywhere but the decree sandbox.
"""

from __future__ import annotations

import ast
from pathlib import Path

import budaya

ROOT = Path(budaya.__file__).resolve().parent
TRANSLATE = {"_", "gettext", "ngettext", "gettext_lazy", "ngettext_lazy", "pgettext"}
# Format strings that are not user text, each with the reason.
KNOWN = {
    # Demo and scale data: the position patterns are constants of these modules.
    ("org/demo/catalogue.py", "position.format(place=place)"),
    ("org/demo/catalogue.py", "default_position.format(name=name, place=item.get('place', name))"),
    ("scale.py", "position.format(place=place)"),
    # Django's own DDL pattern for a foreign key.
    ("distribution.py", "editor.sql_create_fk % {"),
}
# The one place a template is compiled from text: the checked sandbox (budaya/teams/sandbox.py).
TEMPLATE_MODULES = {"teams/sandbox.py", "teams/decree.py"}
TEMPLATE_NAMES = {"Template", "Environment", "Engine"}


def product_modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in TRANSLATE
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
    )


def findings() -> list[str]:
    found = []
    for path in product_modules():
        name = path.relative_to(ROOT).as_posix()
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
                # A number modulo a number is arithmetic; a format needs a dict or a tuple.
                if isinstance(node.right, ast.Dict | ast.Tuple) and not is_literal(node.left):
                    found.append((name, node))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in {"format", "format_map"} and not is_literal(node.func.value):
                    found.append((name, node))
                if node.func.attr in {"from_string", "substitute", "safe_substitute"}:
                    found.append((name, node))
            elif (
                isinstance(node, ast.Name | ast.Attribute)
                and name not in TEMPLATE_MODULES
                and {getattr(node, "id", None), getattr(node, "attr", None)} & TEMPLATE_NAMES
            ):
                found.append((name, node))
    texts = [(name, ast.unparse(node)) for name, node in found]
    return [
        f"{name}: {text[:100]}"
        for name, text in texts
        if not any(name == known and text.startswith(start) for known, start in KNOWN)
    ]


def test_no_user_text_is_a_format_string_or_a_template():
    assert findings() == []
