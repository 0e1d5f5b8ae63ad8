"""Reading, checking, importing and exporting rulebook files (format ``budaya-rulebook/1``).

The YAML is read with the framework format's loader (line numbers for every field, no aliases,
no implicit dates: ``budaya.frameworks.services``) and checked against ``schema.schema()`` and
the rules a schema cannot say (``_semantic_messages``). Messages name the line and the field, in
the active language (Indonesian by default).

The canonical form (``normalise``) fills in every default of the schema and trims text; its
SHA-256 identifies a version. The export writes the canonical form without the defaults
(``compact``), so export, import and export again give the same text.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.frameworks.services import (
    FrameworkFileError,
    _explain,
    _locate,
    _Located,
    _message,
)
from budaya.org import selectors as org_selectors
from budaya.org.models import Government
from budaya.rulebook import document as documents
from budaya.rulebook.models import Rulebook, RulebookVersion
from budaya.rulebook.schema import (
    BUILT_IN_ACTORS,
    BUILT_IN_SIGNERS,
    DATA_DIR,
    FORMAT,
    schema,
)

MAX_FILE_SIZE = 1024 * 1024
# The shipped rulebooks (data/*.yaml, by file name): the two demo cities' regulations and the
# neutral starter of a new government.
SHIPPED = tuple(sorted(path.stem for path in DATA_DIR.glob("*.yaml")))

Path_ = tuple[str | int, ...]


class RulebookFileError(Exception):
    """A rulebook file that cannot be imported; ``messages`` say why, in the active language."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class ParsedRulebook:
    """A checked file in its canonical form, with its hash and the document modules read."""

    content: dict[str, Any]
    content_hash: str
    text: str
    source_name: str = ""

    @property
    def document(self) -> documents.RulebookDocument:
        return documents.build(self.content, content_hash=self.content_hash)


@dataclass
class ImportResult:
    parsed: ParsedRulebook
    # The version written, or the current one when nothing changed; None in a dry run.
    version: RulebookVersion | None
    created: bool
    # The current version before the import (None: the government had none).
    previous: RulebookVersion | None
    diff: list[DiffLine] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return self.previous is not None and self.previous.content_hash == self.parsed.content_hash


@dataclass(frozen=True)
class DiffLine:
    # "add", "remove", "context" or "hunk"
    kind: str
    text: str


# --- The canonical form -------------------------------------------------------------------


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        merged = {**schema()["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
        node = merged
    return node


def _branch(node: dict[str, Any], value: Any) -> dict[str, Any]:
    """The branch of a ``oneOf`` (null or something) that fits a non-null value."""
    for option in node["oneOf"]:
        option = _resolve(option)
        if option.get("type") != "null":
            return option
    return node


def _fill(node: dict[str, Any], value: Any) -> Any:
    node = _resolve(node)
    if "oneOf" in node:
        return None if value is None else _fill(_branch(node, value), value)
    if isinstance(value, dict) and "properties" in node:
        filled: dict[str, Any] = {}
        for key, sub in node["properties"].items():
            resolved = _resolve(sub)
            if key in value:
                filled[key] = _fill(sub, value[key])
            elif "default" in resolved:
                filled[key] = json.loads(json.dumps(resolved["default"]))
        return filled
    if isinstance(value, list):
        items = node.get("items", {})
        return [_fill(items, item) for item in value]
    if isinstance(value, str):
        return value.strip()
    return value


def _strip_defaults(node: dict[str, Any], value: Any) -> Any:
    node = _resolve(node)
    if "oneOf" in node:
        return None if value is None else _strip_defaults(_branch(node, value), value)
    if isinstance(value, dict) and "properties" in node:
        kept: dict[str, Any] = {}
        for key, sub in node["properties"].items():
            if key not in value:
                continue
            resolved = _resolve(sub)
            if "default" in resolved and value[key] == resolved["default"]:
                continue
            kept[key] = _strip_defaults(sub, value[key])
        return kept
    if isinstance(value, list):
        items = node.get("items", {})
        return [_strip_defaults(items, item) for item in value]
    return value


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Every default filled in, text trimmed, fields in the schema's order: two files that mean
    the same give the same content (and hash)."""
    content = _fill(schema(), data)
    number = content["regulation"].get("number")
    content["regulation"]["number"] = "" if number is None else str(number)
    return content


def compact(content: dict[str, Any]) -> dict[str, Any]:
    """The canonical content without the values the import fills in (readable output)."""
    return _strip_defaults(schema(), content)


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def to_yaml(content: dict[str, Any]) -> str:
    """The canonical YAML of a content (no header): what the export writes and the diff compares."""
    return yaml.dump(
        compact(content), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )


# --- Checking ------------------------------------------------------------------------------


def _enum_text(values: list[Any]) -> str:
    return ", ".join(f"“{value}”" for value in values)


def _explain_error(located: _Located, error: SchemaError) -> list[tuple[int, str]]:
    path: Path_ = tuple(error.absolute_path)
    if error.validator == "enum":
        text = _("must be one of %(values)s.") % {"values": _enum_text(list(error.validator_value))}  # type: ignore[arg-type]
        return [_message(located, path, text)]
    if error.validator == "uniqueItems":
        return [_message(located, path, _("holds the same item twice."))]
    if error.validator == "oneOf":
        # null or a mapping: say what the mapping lacks.
        for option in error.context or []:
            if option.validator != "type":
                return _explain_error(located, option)
        return [_message(located, path, _("must be empty or a mapping of fields."))]
    return _explain(located, error)


def _schema_messages(located: _Located) -> list[tuple[int, str]]:
    validator = Draft202012Validator(schema())
    messages: list[tuple[int, str]] = []
    for error in validator.iter_errors(located.data):
        messages.extend(_explain_error(located, error))
    return messages


def _semantic_messages(located: _Located, content: dict[str, Any]) -> list[tuple[int, str]]:
    """Rules a schema cannot say: unique codes, references that resolve, one head of
    government, cited elements, titles that match their office."""
    messages: list[tuple[int, str]] = []

    def say(path: Path_, text: str) -> None:
        messages.append(_message(located, path, text))

    def unique(items: list[dict[str, Any]], path: Path_, key: str = "code") -> set[Any]:
        seen: set[Any] = set()
        for index, item in enumerate(items):
            if item[key] in seen:
                say(
                    (*path, index, key),
                    _("the value “%(value)s” is used more than once.") % {"value": item[key]},
                )
            seen.add(item[key])
        return seen

    # Every element the regulation decides cites it; only a government's choice may be uncited.
    def cited(node: Any, path: Path_) -> None:
        if isinstance(node, dict):
            if node.get("choice") == documents.REGULATION and node.get("source") == "":
                say(
                    (*path, "source"),
                    _(
                        "cite the article this comes from, or mark it "
                        "“choice: government” where the regulation is silent."
                    ),
                )
            for key, value in node.items():
                if key != "teams":
                    cited(value, (*path, key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                cited(item, (*path, index))

    cited({k: v for k, v in content.items() if k != "teams"}, ())

    offices = content["offices"]
    office_codes = unique(offices, ("offices",))
    for kind, most in (("head_of_government", 1), ("regional_secretary", 1)):
        count = sum(1 for office in offices if office["kind"] == kind)
        if kind == "head_of_government" and count != 1:
            say(("offices",), _("name exactly one office of kind “head_of_government”."))
        elif count > most:
            say(("offices",), _("name at most one office of kind “regional_secretary”."))
    head = next((o for o in offices if o["kind"] == "head_of_government"), None)
    words = content["words"]
    if head and head["title"] != words["head_of_government_title"]["text"]:
        say(
            ("words", "head_of_government_title", "text"),
            _("must be the title of the head-of-government office, “%(title)s”.")
            % {"title": head["title"]},
        )

    programme = content["programme"]
    unique(programme["stages"], ("programme", "stages"))
    for index, stage in enumerate(programme["stages"]):
        unique(stage.get("steps", []), ("programme", "stages", index, "steps"))
    unique(programme.get("checklists", []), ("programme", "checklists"))

    activities = content["activities"]
    forms = unique(activities["forms"], ("activities", "forms"))
    unique(activities.get("obligations", []), ("activities", "obligations"))
    for index, obligation in enumerate(activities.get("obligations", [])):
        path: Path_ = ("activities", "obligations", index)
        if obligation["form"] not in forms:
            say(
                (*path, "form"),
                _("no activity form has the code “%(code)s”.") % {"code": obligation["form"]},
            )
        if obligation["frequency"] in ("weekly", "monthly_day") and not obligation.get("day"):
            say((*path, "day"), _("this frequency needs the day."))
        if obligation["frequency"] == "weekly" and (obligation.get("day") or 0) > 7:
            say((*path, "day"), _("a weekday is written 1 (Monday) to 7 (Sunday)."))

    teams = content["teams"]
    from budaya.teams.rulesfile import _semantic_problems

    for problem in _semantic_problems(teams):
        say(("teams",), problem)
    kinds = {item["code"]: item for item in teams["team_kinds"]}
    for key, scope in (("city_team_kind", "city"), ("agency_team_kind", "agency")):
        code = teams.get(key)
        if code and code not in kinds:
            say(("teams", key), _("no team kind has the code “%(code)s”.") % {"code": code})
        elif code and kinds[code]["scope"] != scope:
            say(
                ("teams", key),
                _("the team kind “%(code)s” is not of scope “%(scope)s”.")
                % {"code": code, "scope": scope},
            )

    monev = content["monev"]
    unique(monev["periods"], ("monev", "periods"), key="kind")
    deadline = monev["deadline"]
    try:
        datetime.date(2023, deadline["month"], deadline["day"])  # a year without 29 February
    except ValueError:
        say(("monev", "deadline", "day"), _("this day does not exist in that month every year."))
    form = monev["report_form"]
    numbers = [column["number"] for column in form["columns"]]
    if numbers != list(range(1, len(numbers) + 1)):
        say(("monev", "report_form", "columns"), _("number the columns 1, 2, 3 … in order."))
    shown = [column["field"] for column in form["columns"] if column.get("field")]
    if len(shown) != len(set(shown)):
        say(("monev", "report_form", "columns"), _("a field may be shown in one column only."))
    unique(form["row_groups"], ("monev", "report_form", "row_groups"), key="number")
    maturity = monev.get("maturity")
    indicators: set[int] = set()
    if maturity:
        indicators = unique(
            maturity["indicators"], ("monev", "maturity", "indicators"), key="number"
        )
        for index, indicator in enumerate(maturity["indicators"]):
            unique(
                indicator["evidence"],
                ("monev", "maturity", "indicators", index, "evidence"),
                key="item",
            )
    for index, group in enumerate(form["row_groups"]):
        if group.get("indicator") is not None and group["indicator"] not in indicators:
            say(
                ("monev", "report_form", "row_groups", index, "indicator"),
                _("no maturity indicator has the number %(number)s.")
                % {"number": group["indicator"]},
            )
    unique(monev["evaluation"]["areas"], ("monev", "evaluation", "areas"))

    chain = monev["approval_chain"]
    unique(chain, ("monev", "approval_chain"))
    earlier: set[str] = set()
    for index, step in enumerate(chain):
        path = ("monev", "approval_chain", index)
        if step["actor"] not in BUILT_IN_ACTORS and step["actor"] not in office_codes:
            say(
                (*path, "actor"),
                _("“%(actor)s” is neither an office of this file nor one of %(built_in)s.")
                % {"actor": step["actor"], "built_in": _enum_text(list(BUILT_IN_ACTORS))},
            )
        back = step.get("may_return_to")
        if back is not None and back not in earlier:
            say(
                (*path, "may_return_to"),
                _("a step may only return to an earlier step; “%(code)s” is not one.")
                % {"code": back},
            )
        for code in step.get("distinct_from", []):
            if code not in earlier:
                say(
                    (*path, "distinct_from"),
                    _("“%(code)s” is not an earlier step.") % {"code": code},
                )
        earlier.add(step["code"])

    seen_signatories: set[tuple[str, str]] = set()
    for index, signatory in enumerate(monev["signatories"]):
        path = ("monev", "signatories", index)
        slot = (signatory["document"], signatory["position"])
        if slot in seen_signatories:
            say(path, _("this document already has a signatory in this position."))
        seen_signatories.add(slot)
        signer = signatory["signer"]
        if signer not in BUILT_IN_SIGNERS and signer not in office_codes:
            say(
                (*path, "signer"),
                _("“%(signer)s” is neither an office of this file nor one of %(built_in)s.")
                % {"signer": signer, "built_in": _enum_text(list(BUILT_IN_SIGNERS))},
            )
            continue
        # Never one office's name under another's title: an office signs under its own title.
        office = next((o for o in offices if o["code"] == signer), None)
        if office is not None and office["title"].lower() not in signatory["title"].lower():
            say(
                (*path, "title"),
                _("the office “%(code)s” signs under its own title, “%(title)s”.")
                % {"code": signer, "title": office["title"]},
            )
    for document in ("agency_report", "city_report"):
        if (document, "signs") not in seen_signatories:
            say(
                ("monev", "signatories"),
                _("say who signs the document “%(document)s”.") % {"document": document},
            )
    return messages


def parse_rulebook(text: str, *, source_name: str = "") -> ParsedRulebook:
    """Read and check a rulebook file without writing anything (the preview and dry run use it)."""
    if len(text.encode("utf-8")) > MAX_FILE_SIZE:
        raise RulebookFileError([_("The file is larger than 1 MB.")])
    try:
        located = _locate(text)
    except FrameworkFileError as error:
        raise RulebookFileError(error.messages) from error
    if not isinstance(located.data, dict):
        raise RulebookFileError(
            [_("The file must hold a mapping of fields, starting with “format: %(format)s”.")
             % {"format": FORMAT}]
        )  # fmt: skip
    messages = _schema_messages(located)
    if not messages:
        content = normalise(located.data)
        messages = _semantic_messages(located, content)
    if messages:
        raise RulebookFileError([text for _line, text in sorted(messages, key=lambda m: m[0])])
    return ParsedRulebook(content, content_hash(content), text, source_name)


# --- Reading what is stored --------------------------------------------------------------------


def current_version(government: Government) -> RulebookVersion | None:
    return (
        RulebookVersion.objects.filter(government=government)
        .order_by("-number")
        .select_related("created_by")
        .first()
    )


def shipped_path(name: str) -> Path:
    if name not in SHIPPED:
        raise KeyError(name)
    return DATA_DIR / f"{name}.yaml"


def shipped_text(name: str) -> str:
    return shipped_path(name).read_text(encoding="utf-8")


def parse_shipped(name: str) -> ParsedRulebook:
    return parse_rulebook(shipped_text(name), source_name=f"{name}.yaml")


# --- The diff ------------------------------------------------------------------------------


def diff_lines(before: str, after: str) -> list[DiffLine]:
    """A unified diff of two canonical YAML texts, line by line, for the preview."""
    lines: list[DiffLine] = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            lines.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("remove", line[1:]))
        else:
            lines.append(DiffLine("context", line[1:]))
    return lines


# --- Import and export ---------------------------------------------------------------------


def import_rulebook(
    *,
    government: Government,
    text: str,
    acting_user: Any = None,
    dry_run: bool = False,
    note: str = "",
    source_name: str = "",
    expected_hash: str | None = None,
) -> ImportResult:
    """Check a rulebook file and, unless ``dry_run``, write it as the government's next version
    with an audit entry in the government's chain, in one transaction.

    Only the government's city administrator changes its rulebook; ``acting_user=None`` is the
    operator at the command line. A file identical to the current version writes nothing.
    ``expected_hash`` (the preview's) refuses a file that changed since it was previewed.
    """
    if acting_user is not None and not org_selectors.is_city_admin(acting_user, government):
        raise PermissionDenied
    parsed = parse_rulebook(text, source_name=source_name)
    if expected_hash is not None and expected_hash != parsed.content_hash:
        raise RulebookFileError([_("The file changed since the preview: upload it again.")])
    previous = current_version(government)
    before = to_yaml(previous.content) if previous else ""
    diff = diff_lines(before, to_yaml(parsed.content))
    if dry_run:
        return ImportResult(parsed, None, False, previous, diff)
    if previous is not None and previous.content_hash == parsed.content_hash:
        return ImportResult(parsed, previous, False, previous, diff)
    with transaction.atomic():
        rulebook, _created = Rulebook.objects.select_for_update().get_or_create(
            government=government
        )
        top = rulebook.versions.aggregate(top=Max("number"))["top"] or 0
        latest = rulebook.versions.filter(number=top).first()
        if latest is not None and latest.content_hash == parsed.content_hash:
            return ImportResult(parsed, latest, False, latest, diff)
        version = RulebookVersion.objects.create(
            government=government,
            rulebook=rulebook,
            number=top + 1,
            content=parsed.content,
            source_text=text,
            source_name=source_name[:200],
            content_hash=parsed.content_hash,
            note=note.strip(),
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        audit.record(
            acting_user,
            AuditAction.CREATE,
            version,
            after={
                "number": version.number,
                "content_hash": version.content_hash,
                "previous_hash": previous.content_hash if previous else None,
                "regulation": parsed.content["regulation"]["slug"],
                "source": source_name,
                "note": version.note,
            },
            government=government,
        )
        from budaya.rulebook import selectors, signals

        selectors.forget(government)
        signals.version_created.send(
            sender=RulebookVersion, government=government, version=version, acting_user=acting_user
        )
    return ImportResult(parsed, version, True, previous, diff)


def export_rulebook(*, government: Government, number: int | None = None) -> str:
    """The YAML file of a version of the government's rulebook (the current one by default)."""
    versions = RulebookVersion.objects.filter(government=government)
    version = (
        versions.filter(number=number).first()
        if number is not None
        else versions.order_by("-number").first()
    )
    if version is None:
        raise RulebookVersion.DoesNotExist(government.slug)
    return export_version(version)


def export_version(version: RulebookVersion) -> str:
    header = (
        f"# Rulebook of {version.government}, version {version.number} "
        f"(sha256 {version.content_hash}).\n"
        "# Format: docs/rulebook.md; schema: /rulebook/schema.json\n"
    )
    return header + to_yaml(version.content)


def load_shipped(
    *, government: Government, name: str, acting_user: Any = None, note: str = ""
) -> ImportResult:
    """Import a shipped rulebook for a government (idempotent: known content writes nothing)."""
    return import_rulebook(
        government=government,
        text=shipped_text(name),
        acting_user=acting_user,
        note=note,
        source_name=f"{name}.yaml",
    )


__all__ = [
    "SHIPPED",
    "DiffLine",
    "ImportResult",
    "ParsedRulebook",
    "RulebookFileError",
    "compact",
    "content_hash",
    "diff_lines",
    "export_rulebook",
    "export_version",
    "import_rulebook",
    "load_shipped",
    "normalise",
    "parse_rulebook",
    "parse_shipped",
    "to_yaml",
]
