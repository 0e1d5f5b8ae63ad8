"""The JSON Schema of the rulebook file format (``budaya-rulebook/1``, docs/rulebook.md).

Written here as data and published as ``data/rulebook.schema.json`` (a test keeps the two equal)
and at ``/rulebook/schema.json``. The ``teams`` section is the eligibility-rules format of
``budaya/teams`` (team kinds, roles, rules), embedded so that one file holds every rule.

Defaults written in the schema (``"default"``) are what the import fills in and what the export
leaves out again: a file and its export mean the same, and the export of an import is identical.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

FORMAT = "budaya-rulebook/1"
DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_PATH = DATA_DIR / "rulebook.schema.json"
TEAMS_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "teams" / "data"
TEAMS_SCHEMA_PATH = TEAMS_SCHEMA_PATH / "eligibility-rules.schema.json"

# Who acts at a step of the approval chain or signs a document, besides the offices of the file.
BUILT_IN_ACTORS = ("agency_team", "agency_head", "city_team")
BUILT_IN_SIGNERS = ("agency_team_chair", "agency_head", "city_team_chair")
DOCUMENTS = ("agency_report", "city_report", "certificate", "leadership_report")
OFFICE_KINDS = ("head_of_government", "regional_secretary", "other")
# What in the product can give evidence for a maturity item or an evaluation area: the KBKs'
# problem solving (issue 21), the agency's survey results and participation (issue 22), the
# competitions its teams won (issue 24).
EVIDENCE_SOURCES = ("problem_solving", "surveys", "competitions")
# The fields of a report row a column of the report form can show (issue 19): the sequence
# number, the date, the activity, its form or media, problems, solutions, the evidence links.
ROW_FIELDS = ("number", "when", "activity", "form", "problems", "solutions", "evidence")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def _list(item: dict[str, Any], minimum: int = 0) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": item}
    if minimum:
        schema["minItems"] = minimum
    return schema


# Every element says where it comes from: ``source`` cites the article; ``choice`` says whether
# the regulation decides it or the government chose it where the regulation is silent.
CITED = {
    "source": _ref("citation"),
    "choice": _ref("choice"),
    "note": _ref("note"),
}


def _cited(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return _object(required, {**properties, **CITED})


def _text(maximum: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1}
    if maximum:
        schema["maxLength"] = maximum
    return schema


def _teams_defs() -> tuple[dict[str, Any], dict[str, Any]]:
    """The eligibility-rules schema's definitions, renamed ``teams_*``, and its three lists."""
    teams = json.loads(TEAMS_SCHEMA_PATH.read_text(encoding="utf-8"))

    def rename(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (
                    value.replace("#/$defs/", "#/$defs/teams_")
                    if key == "$ref" and isinstance(value, str)
                    else rename(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [rename(item) for item in node]
        return node

    defs = {f"teams_{name}": rename(value) for name, value in teams["$defs"].items()}
    lists = {
        key: rename(copy.deepcopy(teams["properties"][key]))
        for key in ("team_kinds", "roles", "rules")
    }
    return defs, lists


def build() -> dict[str, Any]:
    teams_defs, teams_lists = _teams_defs()
    word = _cited(["text"], {"text": _text(200)})
    defs: dict[str, Any] = {
        "code": {
            "type": "string",
            "minLength": 1,
            "maxLength": 40,
            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
        },
        "citation": {"type": "string", "maxLength": 200, "default": ""},
        "note": {"type": "string", "default": ""},
        "choice": {"enum": ["regulation", "government"], "default": "regulation"},
        "word": word,
        "cited_text": _cited(["text"], {"text": _text()}),
        **teams_defs,
    }
    regulation = _object(
        ["slug", "kind", "title"],
        {
            "slug": {
                "type": "string",
                "minLength": 1,
                "maxLength": 80,
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
            },
            "kind": _text(120),
            "issuer": {"type": "string", "maxLength": 200, "default": ""},
            "number": {"type": ["string", "integer"], "maxLength": 40, "default": ""},
            "year": {
                "type": ["integer", "null"],
                "minimum": 1945,
                "maximum": 2200,
                "default": None,
            },
            "title": _text(),
            "gazette": {"type": "string", "maxLength": 200, "default": ""},
            "short": {"type": "string", "maxLength": 10, "default": ""},
            "framework": {"type": "string", "maxLength": 60, "default": ""},
            "note": _ref("note"),
        },
    )
    words = _object(
        [
            "programme_name",
            "head_of_government_title",
            "government_name",
            "agency_name",
            "city_team_name",
            "agency_team_name",
        ],
        {
            "programme_name": _ref("word"),
            "head_of_government_title": _ref("word"),
            "government_name": _ref("word"),
            "agency_name": _ref("word"),
            "city_team_name": _ref("word"),
            "agency_team_name": _ref("word"),
        },
    )
    office = _cited(
        ["code", "kind", "title"],
        {
            "code": _ref("code"),
            "kind": {"enum": list(OFFICE_KINDS)},
            "title": _text(200),
            "duties": {**_list(_ref("cited_text")), "default": []},
        },
    )
    step = _cited(
        ["code", "name"],
        {"code": _ref("code"), "name": _text(200), "text": {"type": "string", "default": ""}},
    )
    stage = _cited(
        ["code", "name"],
        {
            "code": _ref("code"),
            "name": _text(200),
            "text": {"type": "string", "default": ""},
            "steps": {**_list(step), "default": []},
        },
    )
    checklist = _cited(
        ["code", "name", "items"],
        {"code": _ref("code"), "name": _text(200), "items": _list(_ref("cited_text"), 1)},
    )
    programme = _object(
        ["stages"],
        {"stages": _list(stage, 1), "checklists": {**_list(checklist), "default": []}},
    )
    form = _cited(
        ["code", "name"],
        {
            "code": _ref("code"),
            "name": _text(200),
            "description": {"type": "string", "default": ""},
        },
    )
    obligation = _cited(
        ["code", "name", "form", "frequency"],
        {
            "code": _ref("code"),
            "name": _text(200),
            "form": _ref("code"),
            "frequency": {"enum": ["working_days", "weekly", "monthly_day", "monthly"]},
            "day": {"type": ["integer", "null"], "minimum": 1, "maximum": 31, "default": None},
            "grace_days": {"type": "integer", "minimum": 0, "maximum": 31, "default": 0},
            # Days before an occurrence on which agencies are reminded (none: no reminder).
            "remind_days": {
                "type": ["integer", "null"],
                "minimum": 0,
                "maximum": 31,
                "default": None,
            },
        },
    )
    activities = _object(
        ["forms"],
        {"forms": _list(form, 1), "obligations": {**_list(obligation), "default": []}},
    )
    teams = _object(
        ["team_kinds", "roles", "rules"],
        {
            **teams_lists,
            "city_team_kind": {"type": "string", "maxLength": 40, "default": ""},
            "agency_team_kind": {"type": "string", "maxLength": 40, "default": ""},
            # What the regulation says of teams beyond kinds, roles and rules, for the pages to
            # cite: the agency names its team (naming), a decree establishes it (decree), the
            # make-up may follow the agency's conditions (adjustment), the organisation chart.
            **{
                name: {"oneOf": [{"type": "null"}, _ref("cited_text")], "default": None}
                for name in ("naming", "decree", "adjustment", "chart")
            },
        },
    )
    eligibility = _cited(
        ["subjects"],
        {
            "subjects": {
                "type": "array",
                "items": {"enum": ["employee", "unit", "agency"]},
                "uniqueItems": True,
                "minItems": 1,
            },
            # Employees only: the employment statuses allowed (PNS, PPPK); empty allows both.
            "statuses": {
                "type": "array",
                "items": {"enum": ["PNS", "PPPK"]},
                "uniqueItems": True,
                "default": [],
            },
            "text": {"type": "string", "default": ""},
        },
    )
    flag = _cited(["applies"], {"applies": {"type": "boolean"}})
    designations = _object(
        ["role_model", "change_agent"],
        {
            "role_model": eligibility,
            "change_agent": eligibility,
            # The head of each agency is its role model by the regulation itself (shown on the
            # role-model page, never nominated); absent: not so.
            "agency_heads": {"oneOf": [{"type": "null"}, flag], "default": None},
        },
    )
    # Issue 21: how a KBK ranks its problems (USG by default) and the bones of its fishbone
    # (empty: Man, Method, Material, Machine, Environment, Money); both the government's choice
    # where the regulation names no method.
    problem_solving = _cited(
        ["applies"],
        {
            "applies": {"type": "boolean"},
            "prioritisation": {"enum": ["usg"], "default": "usg"},
            "cause_categories": {"type": "array", "items": _text(60), "default": []},
        },
    )
    period = _cited(
        ["kind", "name"],
        {
            "kind": {"enum": ["periodic", "special"]},
            "name": _text(120),
            "text": {"type": "string", "default": ""},
        },
    )
    deadline = _cited(
        ["month", "day"],
        {
            "month": {"type": "integer", "minimum": 1, "maximum": 12},
            "day": {"type": "integer", "minimum": 1, "maximum": 31},
        },
    )
    reminders = _cited(
        ["days"],
        {
            "days": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": 366},
                "uniqueItems": True,
            }
        },
    )
    column = _object(
        ["number", "heading"],
        {
            "number": {"type": "integer", "minimum": 1, "maximum": 99},
            "heading": _text(200),
            "legend": {"type": "string", "default": ""},
            # Which field of a report row the column shows (issue 19): by key, never by
            # position; empty: a column the form prints empty (filled in by hand).
            "field": {"enum": [*ROW_FIELDS, ""], "default": ""},
            # The column's share of the table's width (the printed form's layout).
            "width": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
        },
    )
    row_group = _object(
        ["number", "heading"],
        {
            "number": {"type": "integer", "minimum": 1, "maximum": 99},
            "heading": _text(),
            # The maturity indicator the rows of this group give evidence for, if any.
            "indicator": {
                "type": ["integer", "null"],
                "minimum": 1,
                "maximum": 99,
                "default": None,
            },
        },
    )
    report_form = _cited(
        ["title", "columns", "row_groups"],
        {"title": _text(200), "columns": _list(column, 1), "row_groups": _list(row_group, 1)},
    )
    evidence_item = _object(
        ["item", "text"],
        {
            "item": {"type": "string", "pattern": "^[a-z]$"},
            "text": _text(),
            # What in the product gives evidence for the item: "problem_solving" (the KBKs'
            # problems and results, issue 21), shown beside the item where it applies.
            "sources": {
                "type": "array",
                "items": {"enum": list(EVIDENCE_SOURCES)},
                "uniqueItems": True,
                "default": [],
            },
            # The follow-ups of the leadership's directions an agency completed are evidence of
            # this item in its next report (S Tabel 2 indicator 4 b: "pelaksanaan rekomendasi
            # dan tindak lanjut evaluasi").
            "follow_ups": {"type": "boolean", "default": False},
        },
    )
    indicator = _cited(
        ["number", "text", "evidence"],
        {
            "number": {"type": "integer", "minimum": 1, "maximum": 99},
            "text": _text(),
            "evidence": _list(evidence_item, 1),
        },
    )
    maturity = _cited(
        ["title", "indicators", "level_rule"],
        {
            "title": _text(200),
            "indicators": _list(indicator, 1),
            # consecutive: the level is the last of the indicators, from the first, whose evidence
            # items are all met (each builds on the one before).
            "level_rule": {"enum": ["consecutive"]},
            "level_text": {"type": "string", "default": ""},
        },
    )
    area = _object(
        ["code", "text"],
        {
            "code": {"type": "string", "pattern": "^[a-z0-9]+$"},
            "text": _text(),
            # What in the product gives evidence for the area ("surveys": the agency's survey
            # results and participation, issue 22), shown on the agency's report.
            "sources": {
                "type": "array",
                "items": {"enum": list(EVIDENCE_SOURCES)},
                "uniqueItems": True,
                "default": [],
            },
        },
    )
    evaluation = _cited(["name", "areas"], {"name": _text(200), "areas": _list(area, 1)})
    chain_step = _cited(
        ["code", "name", "actor"],
        {
            "code": _ref("code"),
            "name": _text(200),
            # agency_team, agency_head, city_team or the code of an office of this file.
            "actor": _ref("code_or_actor"),
            "may_return_to": {"type": ["string", "null"], "default": None},
            "distinct_from": {
                "type": "array",
                "items": _ref("code"),
                "uniqueItems": True,
                "default": [],
            },
        },
    )
    signatory = _cited(
        ["document", "position", "signer", "title"],
        {
            "document": {"enum": list(DOCUMENTS)},
            "position": {"enum": ["signs", "forwards", "acknowledges"]},
            # agency_team_chair, agency_head, city_team_chair or the code of an office.
            "signer": _ref("code_or_actor"),
            "title": _text(300),
        },
    )
    defs["code_or_actor"] = {
        "type": "string",
        "minLength": 1,
        "maxLength": 40,
        "pattern": "^[a-z0-9]+([_-][a-z0-9]+)*$",
    }
    monev = _object(
        [
            "periods",
            "deadline",
            "reminders",
            "report_form",
            "evaluation",
            "approval_chain",
            "signatories",
        ],
        {
            "basis": {"oneOf": [{"type": "null"}, _ref("cited_text")], "default": None},
            "periods": _list(period, 1),
            "deadline": deadline,
            "reminders": reminders,
            "report_form": report_form,
            "maturity": {"oneOf": [{"type": "null"}, maturity], "default": None},
            "evaluation": evaluation,
            "approval_chain": _list(chain_step, 1),
            "signatories": _list(signatory, 1),
        },
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://budaya.example/rulebook/schema.json",
        "title": "Budaya rulebook",
        "description": (
            "Everything regulation-specific of one government: its words, offices, programme "
            "stages, activity forms, teams, role-model eligibility, monitoring and evaluation "
            "(report form, maturity, chain, signatories). Documented in docs/rulebook.md."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": [
            "format",
            "regulation",
            "words",
            "offices",
            "programme",
            "activities",
            "teams",
            "designations",
            "problem_solving",
            "monev",
        ],
        "properties": {
            "format": {"const": FORMAT},
            "government_kind": {"enum": ["", "kota", "kabupaten", "provinsi"], "default": ""},
            "regulation": regulation,
            "words": words,
            "offices": _list(office, 1),
            "programme": programme,
            "activities": activities,
            "teams": teams,
            "designations": designations,
            "problem_solving": problem_solving,
            "monev": monev,
            "notes": {"type": "string", "default": ""},
        },
        "$defs": defs,
    }


@cache
def schema() -> dict[str, Any]:
    return build()


def schema_text() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"
