"""A government's decree template holds placeholders, never code (issue 17, item 1).

docxtpl turns a DOCX into a Jinja template. Jinja's default environment runs whatever Python a
tag reaches: ``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` in an uploaded template
ran as the web process on every draft download, and the same walk reached the ORM and other
governments' employees. So every template, the shipped one included, goes through
``DecreeEnvironment``, which docxtpl uses for the body, headers, footers, footnotes and document
properties alike:

1. Before a part is compiled, its tags are checked against the documented fields (``FIELDS``,
   docs/teams.md). Only these forms pass: ``{{ field }}``, ``{{ item.field }}`` on the item of a
   documented list, a text filter from ``TEXT_FILTERS`` without arguments, ``{% for item in
   list %}`` (and ``loop.index`` and the like inside it), ``{% if field %}`` / ``{% elif %}`` /
   ``{% else %}``. Anything else (a call, another filter, an attribute not documented, an
   unknown name such as ``self``, ``lipsum``, ``cycler`` or ``request``, ``set``, ``include``,
   ``import``, ``macro``, ...) is refused with the tag in the message. The check runs at every
   render, so a template stored before it existed, or put in storage by other means, is refused
   too rather than run.
2. The template is compiled in Jinja's immutable sandbox without globals, with only the text
   filters, and filled with plain values (texts, numbers, lists and dicts): defence in depth,
   should the check ever let a form through.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from jinja2 import TemplateSyntaxError, nodes
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment


class TemplateError(ValueError):
    """The template cannot be used; the message says why, for the user."""


class PlaceholderError(TemplateError):
    """A tag that is not one of the documented placeholders."""


TEXT = "text"


@dataclasses.dataclass(frozen=True)
class ListOf:
    item: Field


Record = Mapping[str, "Field"]
Field = str | ListOf | Record

# The documented fields (docs/teams.md, "Decrees"): what ``decree.context`` fills in.
FIELDS: Record = {
    "issuer": TEXT,
    "number": TEXT,
    "subject": TEXT,
    "considerations": ListOf({"letter": TEXT, "text": TEXT}),
    "legal_basis": ListOf({"number": TEXT, "text": TEXT}),
    "dictums": ListOf({"ordinal": TEXT, "text": TEXT, "points": ListOf(TEXT)}),
    "place": TEXT,
    "date": TEXT,
    "signer_position": TEXT,
    "signer_name": TEXT,
    "team_name": TEXT,
    "members": ListOf({"number": TEXT, "name": TEXT, "nip": TEXT, "position": TEXT, "role": TEXT}),
}
# Jinja's loop variable inside a for (docxtpl's {% vm %} and {% hm %} use loop.first).
LOOP: Record = {
    name: TEXT for name in ("index", "index0", "revindex", "revindex0", "first", "last", "length")
}
TEXT_FILTERS = ("upper", "lower", "title", "capitalize", "trim")
TAG_SHOWN = 200  # characters of a refused tag repeated in the message


def documented_fields() -> str:
    """'issuer, number, ..., members[] (number, name, nip, position, role)' for messages."""

    def describe(name: str, field: Field) -> str:
        if isinstance(field, ListOf):
            if isinstance(field.item, Mapping):
                inner = ", ".join(describe(key, value) for key, value in field.item.items())
                return f"{name}[] ({inner})"
            return f"{name}[]"
        return name

    return ", ".join(describe(name, field) for name, field in FIELDS.items())


class DecreeEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with no globals and the text filters only, which checks every
    template source against ``FIELDS`` before compiling it."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)  # the values land in XML
        self.globals.clear()  # range, lipsum, cycler, joiner, namespace, dict
        self.filters = {name: DEFAULT_FILTERS[name] for name in TEXT_FILTERS}
        self.tests.clear()

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        # The one funnel for every source Jinja compiles (from_string, compile, parse), so
        # nothing docxtpl renders escapes the check.
        check_source(self, source)
        return super()._parse(source, name, filename)

    def _parse_unchecked(self, source: str) -> nodes.Template:
        return super()._parse(source, None, None)


def plain(value: Any) -> Any:
    """The value as texts, numbers, lists and dicts only: nothing in the context of a render
    leads to a Python object (a dataclass's ``__init__.__globals__`` reaches its module)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, Sequence):
        return [plain(item) for item in value]
    raise TypeError(f"{type(value).__name__} cannot be a decree template value")


# --- The check ---------------------------------------------------------------------------------


def check_source(environment: DecreeEnvironment, source: str) -> None:
    """Raise ``TemplateError`` unless every tag of the source is a documented placeholder."""
    spaced, tags = _tags_on_own_lines(environment, source)
    try:
        tree = environment._parse_unchecked(spaced)
    except TemplateSyntaxError as error:
        tag = tags.get(error.lineno or 0)
        if tag:
            raise TemplateError(
                _("The template cannot be read at %(tag)s: %(error)s")
                % {"tag": tag, "error": error.message}
            ) from error
        raise TemplateError(
            _("The template cannot be read: %(error)s") % {"error": error.message}
        ) from error
    _Checker(tags).body(tree.body, FIELDS)


def _tags_on_own_lines(environment: DecreeEnvironment, source: str) -> tuple[str, dict[int, str]]:
    """The source with a line break before every tag, and the tag that covers each line.

    Jinja's nodes carry only a line number, and a paragraph (one line, for docxtpl) often holds
    several tags: with each tag on its own line, a refused node names its tag. The breaks fall
    in the text between tags, so the tags parse as they do in the template itself.
    """
    pieces: list[str] = []
    tags: dict[int, str] = {}
    line = 1
    current: list[str] | None = None
    start = 0
    try:
        for _lineno, token, value in environment.lex(source):
            if token in ("variable_begin", "block_begin"):
                pieces.append("\n")
                line += 1
                current, start = [], line
            pieces.append(value)
            if current is not None:
                current.append(value)
            line += value.count("\n")
            if token in ("variable_end", "block_end") and current is not None:
                text = " ".join("".join(current).split())
                shown = text if len(text) <= TAG_SHOWN else text[: TAG_SHOWN - 1] + "…"
                for number in range(start, line + 1):
                    tags[number] = shown
                current = None
    except TemplateSyntaxError as error:
        raise TemplateError(
            _("The template cannot be read: %(error)s") % {"error": error.message}
        ) from error
    return "".join(pieces), tags


class _Checker:
    def __init__(self, tags: dict[int, str]) -> None:
        self.tags = tags

    def refuse(self, node: nodes.Node) -> PlaceholderError:
        tag = self.tags.get(node.lineno, "?")
        return PlaceholderError(
            _(
                "The placeholder %(tag)s is not allowed. A template may only use the documented "
                "fields: %(fields)s; as {{ field }}, {{ item.field }} inside a for over a list, "
                "and for and if around them."
            )
            % {"tag": tag, "fields": documented_fields()}
        )

    def body(self, body: Sequence[nodes.Node], scope: Record) -> None:
        for node in body:
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    if isinstance(child, nodes.TemplateData):
                        continue
                    if self.kind(child, scope) != TEXT:
                        raise self.refuse(child)
            elif isinstance(node, nodes.For):
                listed = self.kind(node.iter, scope)
                if (
                    not isinstance(node.target, nodes.Name)
                    or not isinstance(listed, ListOf)
                    or node.test is not None
                    or node.recursive
                ):
                    raise self.refuse(node)
                inner = {**scope, node.target.name: listed.item, "loop": LOOP}
                self.body(node.body, inner)
                self.body(node.else_, scope)
            elif isinstance(node, nodes.If):
                test = node.test.node if isinstance(node.test, nodes.Not) else node.test
                if self.kind(test, scope) is None:
                    raise self.refuse(node)
                self.body(node.body, scope)
                self.body(node.elif_, scope)  # each elif is an If node
                self.body(node.else_, scope)
            else:
                raise self.refuse(node)  # set, include, import, macro, call, with, raw code ...

    def kind(self, expression: nodes.Node, scope: Record) -> Field | None:
        """What the expression is (a text, a list, a record), or None when it is not allowed."""
        if isinstance(expression, nodes.Name) and expression.ctx == "load":
            return scope.get(expression.name)
        if isinstance(expression, nodes.Getattr):
            record = self.kind(expression.node, scope)
            if isinstance(record, Mapping):
                return record.get(expression.attr)
            return None
        if (
            isinstance(expression, nodes.Filter)
            and expression.node is not None
            and expression.name in TEXT_FILTERS
            and not expression.args
            and not expression.kwargs
            and expression.dyn_args is None
            and expression.dyn_kwargs is None
            and self.kind(expression.node, scope) == TEXT
        ):
            return TEXT
        return None  # calls, subscripts, constants, operators, tests, other filters ...
