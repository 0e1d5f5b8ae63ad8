"""The eligibility-rules file: a government's team kinds, roles (with duties) and eligibility rules
as one YAML document (format ``budaya-eligibility-rules/1``, schema in
``data/eligibility-rules.schema.json``, documented in docs/teams.md).

It sits beside the framework file format (``budaya/frameworks``): YAML, a JSON Schema, messages
that name the place in the file. The government's rules themselves live in its rulebook's
``teams`` section (issue 18: one place to read); ``from_rulebook`` reads them from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from budaya.org.models import Government
from budaya.rulebook.document import RulebookDocument
from budaya.teams.models import EligibilityRule, TeamKind, TeamRole, lines

FORMAT = "budaya-eligibility-rules/1"
DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_PATH = DATA_DIR / "eligibility-rules.schema.json"


class RulesFileError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit dates."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _where(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or _("(the whole file)")


@dataclass
class ParsedRules:
    data: dict[str, Any]

    @property
    def team_kinds(self) -> list[dict[str, Any]]:
        return self.data.get("team_kinds", [])

    @property
    def roles(self) -> list[dict[str, Any]]:
        return self.data.get("roles", [])

    @property
    def rules(self) -> list[dict[str, Any]]:
        return self.data.get("rules", [])


def parse(text: str) -> ParsedRules:
    """Read and check a rules file; every problem is reported at once, with its place."""
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=_Loader)):
            raise RulesFileError([_("Anchors and aliases (&, *) are not allowed.")])
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RulesFileError(
            [_("Line %(line)s: this is not valid YAML.") % {"line": line}]
        ) from error
    if not isinstance(data, dict):
        raise RulesFileError([_("The file must hold a mapping of fields, starting with format.")])
    messages = [
        f"{_where(error.absolute_path)}: {error.message}"
        for error in sorted(
            Draft202012Validator(schema()).iter_errors(data), key=lambda e: list(e.absolute_path)
        )
    ]
    if messages:
        raise RulesFileError(messages)
    messages = _semantic_problems(data)
    if messages:
        raise RulesFileError(messages)
    return ParsedRules(data)


def _semantic_problems(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for key in ("team_kinds", "roles"):
        seen: set[str] = set()
        for index, item in enumerate(data.get(key, [])):
            if item["code"] in seen:
                problems.append(
                    _("%(where)s: the code “%(code)s” is used twice.")
                    % {"where": _where((key, index, "code")), "code": item["code"]}
                )
            seen.add(item["code"])
    kinds = {item["code"] for item in data.get("team_kinds", [])}
    roles = {item["code"] for item in data.get("roles", [])}
    for index, rule in enumerate(data.get("rules", [])):
        if rule["team_kind"] not in kinds:
            problems.append(
                _("%(where)s: no team kind has the code “%(code)s”.")
                % {"where": _where(("rules", index, "team_kind")), "code": rule["team_kind"]}
            )
        for code in [rule["role"], *rule.get("other_roles", [])]:
            if code not in roles:
                problems.append(
                    _("%(where)s: no role has the code “%(code)s”.")
                    % {"where": _where(("rules", index)), "code": code}
                )
    return problems


def from_rulebook(book: RulebookDocument) -> ParsedRules:
    """The team kinds, roles and rules of a rulebook (its import checked them with this format's
    schema and checks: ``rulebook.services``)."""
    return ParsedRules(book.teams.as_rules_file())


# --- Export -----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def document(government: Government) -> dict[str, Any]:
    kinds = list(TeamKind.objects.filter(government=government))
    roles = list(TeamRole.objects.filter(government=government))
    rules = EligibilityRule.objects.filter(government=government).select_related(
        "team_kind", "role"
    )
    return {
        "format": FORMAT,
        "source": str(government),
        "team_kinds": [
            _compact(
                {
                    "code": kind.code,
                    "name": kind.name,
                    "scope": kind.scope,
                    "required": kind.required,
                    "order": kind.order,
                    "source": kind.source,
                    "duties": kind.duty_list,
                }
            )
            for kind in kinds
        ],
        "roles": [
            _compact(
                {
                    "code": role.code,
                    "name": role.name,
                    "chart_place": role.chart_place,
                    "single": role.single,
                    "order": role.order,
                    "source": role.source,
                    "duties": role.duty_list,
                }
            )
            for role in roles
        ],
        "rules": [
            _compact(
                {
                    "team_kind": rule.team_kind.code,
                    "role": rule.role.code,
                    "unit_kinds": rule.unit_kinds,
                    "requirement": rule.requirement,
                    "echelons": rule.echelons,
                    "statuses": rule.statuses,
                    "other_roles": rule.other_roles,
                    "source": rule.source,
                    "wording": rule.wording,
                }
            )
            for rule in rules
        ],
    }


def _compact(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if value not in ("", [], None)}


def export(government: Government) -> str:
    header = (
        f"# Team kinds, roles and eligibility rules of {government}.\n"
        "# Format: docs/teams.md; schema: /teams/rules-schema.json\n"
    )
    body = yaml.dump(
        document(government),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return header + body


# Fields of the rows as the file gives them, for the import (services.import_rules writes them).
def kind_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": item["name"],
        "scope": item["scope"],
        "required": bool(item.get("required", False)),
        "order": item.get("order", 1),
        "source": item.get("source", ""),
        "duties": "\n".join(item.get("duties", [])),
    }


def role_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": item["name"],
        "chart_place": item["chart_place"],
        "single": bool(item.get("single", True)),
        "order": item.get("order", 1),
        "source": item.get("source", ""),
        "duties": "\n".join(item.get("duties", [])),
    }


def rule_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit_kinds": list(item.get("unit_kinds", [])),
        "requirement": item["requirement"],
        "echelons": list(item.get("echelons", [])),
        "statuses": list(item.get("statuses", [])),
        "other_roles": list(item.get("other_roles", [])),
        "source": item.get("source", ""),
        "wording": item.get("wording", ""),
    }


__all__ = ["RulesFileError", "export", "from_rulebook", "lines", "parse"]
