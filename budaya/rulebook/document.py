"""The rulebook as the modules read it: typed, read-only objects built from a version's content.

This is the contract between the rulebook and every module that applies a rule (programme,
activities, teams, role models, monitoring, exports, navigation). A module never reads the raw
JSON: it asks ``selectors.current_rulebook(government)`` (or ``rulebook_of_version`` for a
document made under an older version) and reads attributes, e.g.::

    book = current_rulebook(government)
    book.words.programme_name.text           # "Budaya Kerja"
    book.head_of_government.title            # the head's title, as the regulation writes it
    book.cite(book.words.programme_name)     # "S Pasal 1 angka 6" (the short name + article)
    book.monev.report_form.columns           # numbered columns with their Keterangan legend
    book.monev.signatory("agency_report")    # who signs, with which title
    book.monev.step("forward").actor         # "sekda": an office code

Every element carries ``source`` (the article it comes from) and ``choice`` ("regulation", or
"government" where the regulation is silent and the government chose).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from budaya.rulebook.schema import ROW_FIELDS

REGULATION = "regulation"
GOVERNMENT = "government"


@dataclass(frozen=True)
class Cited:
    """What every element of the rulebook has: where it comes from."""

    source: str = ""
    choice: str = REGULATION
    note: str = ""

    @property
    def is_choice(self) -> bool:
        """True where the regulation is silent and the government chose (shown as such)."""
        return self.choice == GOVERNMENT


def _cited(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": data.get("source", ""),
        "choice": data.get("choice", REGULATION),
        "note": data.get("note", ""),
    }


@dataclass(frozen=True)
class Word(Cited):
    text: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class CitedText(Cited):
    text: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Regulation:
    slug: str
    kind: str
    title: str
    issuer: str = ""
    number: str = ""
    year: int | None = None
    gazette: str = ""
    # The short name citations are prefixed with on pages ("T", "S"); empty: none.
    short: str = ""
    # The slug of the value framework the regulation sets, if any.
    framework: str = ""
    note: str = ""

    @property
    def name(self) -> str:
        """ "Peraturan Bupati Contoh Nomor 7 Tahun 2024": the kind and the issuer, not repeated."""
        issuer = self.issuer
        head = self.kind
        if issuer:
            # "Peraturan Bupati" + "Bupati Contoh": the issuer's title is not said twice.
            words = self.kind.split()
            for size in range(len(words), 0, -1):
                tail = " ".join(words[-size:])
                if issuer.startswith(tail):
                    head = f"{self.kind}{issuer[len(tail) :]}"
                    break
            else:
                head = f"{self.kind} {issuer}"
        parts = [head]
        if self.number:
            parts.append(f"Nomor {self.number}")
        if self.year:
            parts.append(f"Tahun {self.year}")
        return " ".join(parts)


@dataclass(frozen=True)
class Words:
    programme_name: Word
    head_of_government_title: Word
    government_name: Word
    agency_name: Word
    city_team_name: Word
    agency_team_name: Word


@dataclass(frozen=True)
class Office(Cited):
    code: str = ""
    # head_of_government, regional_secretary or other
    kind: str = ""
    title: str = ""
    duties: tuple[CitedText, ...] = ()


@dataclass(frozen=True)
class Step(Cited):
    code: str = ""
    name: str = ""
    text: str = ""


@dataclass(frozen=True)
class Stage(Cited):
    code: str = ""
    name: str = ""
    text: str = ""
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Checklist(Cited):
    code: str = ""
    name: str = ""
    items: tuple[CitedText, ...] = ()


@dataclass(frozen=True)
class Programme:
    stages: tuple[Stage, ...]
    checklists: tuple[Checklist, ...]

    def stage(self, code: str) -> Stage | None:
        return next((stage for stage in self.stages if stage.code == code), None)

    def checklist(self, code: str) -> Checklist | None:
        return next((item for item in self.checklists if item.code == code), None)


@dataclass(frozen=True)
class ActivityForm(Cited):
    code: str = ""
    name: str = ""
    description: str = ""


@dataclass(frozen=True)
class Obligation(Cited):
    code: str = ""
    name: str = ""
    # The code of an activity form of this rulebook.
    form: str = ""
    # working_days, weekly, monthly_day or monthly (activities.Obligation.Frequency)
    frequency: str = ""
    day: int | None = None
    grace_days: int = 0
    remind_days: int | None = None


@dataclass(frozen=True)
class Activities:
    forms: tuple[ActivityForm, ...]
    obligations: tuple[Obligation, ...]

    def form(self, code: str) -> ActivityForm | None:
        return next((form for form in self.forms if form.code == code), None)


@dataclass(frozen=True)
class Teams:
    """Team kinds, roles and eligibility rules in the eligibility-rules format of budaya/teams
    (``teams.rulesfile``): the dictionaries as ``rulesfile.parse`` returns them."""

    team_kinds: tuple[dict[str, Any], ...]
    roles: tuple[dict[str, Any], ...]
    rules: tuple[dict[str, Any], ...]
    city_team_kind: str = ""
    agency_team_kind: str = ""
    # The regulation's words on naming a team, the decree that establishes it, adjusting its
    # make-up to the agency, and its organisation chart (None: the regulation says nothing).
    naming: CitedText | None = None
    decree: CitedText | None = None
    adjustment: CitedText | None = None
    chart: CitedText | None = None

    def as_rules_file(self) -> dict[str, Any]:
        """The section as a ``budaya-eligibility-rules/1`` document (teams.services imports it)."""
        return {
            "format": "budaya-eligibility-rules/1",
            "team_kinds": [dict(item) for item in self.team_kinds],
            "roles": [dict(item) for item in self.roles],
            "rules": [dict(item) for item in self.rules],
        }


@dataclass(frozen=True)
class Eligibility(Cited):
    """Who may be designated (role model or change agent)."""

    subjects: tuple[str, ...] = ()
    # Employees: the employment statuses allowed; empty allows every status.
    statuses: tuple[str, ...] = ()
    text: str = ""

    def allows_subject(self, subject: str) -> bool:
        return subject in self.subjects

    def allows_status(self, status: str) -> bool:
        return not self.statuses or status in self.statuses


@dataclass(frozen=True)
class Designations:
    role_model: Eligibility
    change_agent: Eligibility
    # The head of each agency is its role model by the regulation (T Pasal 7); not nominated.
    agency_heads: Flag


@dataclass(frozen=True)
class Flag(Cited):
    applies: bool = False

    def __bool__(self) -> bool:
        return self.applies


@dataclass(frozen=True)
class ProblemSolving(Flag):
    """KBK problem solving (T Lampiran II III): whether it applies, how problems are ranked
    (``"usg"``: Urgency, Seriousness, Growth) and the categories of the fishbone (empty: the
    six defaults of ``budaya/problems``)."""

    prioritisation: str = "usg"
    cause_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeriodKind(Cited):
    # periodic (berkala) or special (khusus)
    kind: str = ""
    name: str = ""
    text: str = ""


@dataclass(frozen=True)
class Deadline(Cited):
    month: int = 8
    day: int = 31

    def for_year(self, year: int) -> datetime.date:
        return datetime.date(year, self.month, self.day)

    @property
    def day_of_year(self) -> datetime.date:
        """The day and month, on a date of a year without 29 February (for "31 Agustus")."""
        return self.for_year(2023)


@dataclass(frozen=True)
class Reminders(Cited):
    days: tuple[int, ...] = ()


@dataclass(frozen=True)
class Column:
    number: int
    heading: str
    legend: str = ""
    field: str = ""  # the report row's field it shows (schema.ROW_FIELDS), "" for none
    width: int = 10  # its share of the table's width


@dataclass(frozen=True)
class RowGroup:
    number: int
    heading: str
    indicator: int | None = None


@dataclass(frozen=True)
class ReportForm(Cited):
    title: str = ""
    columns: tuple[Column, ...] = ()
    row_groups: tuple[RowGroup, ...] = ()


@dataclass(frozen=True)
class EvidenceItem:
    item: str
    text: str
    # What in the product gives evidence for the item (``problem_solving``: the KBKs' problems
    # and results, budaya/problems), shown beside it where that applies.
    sources: tuple[str, ...] = ()
    # The completed follow-ups of the previous period's directions count as this item's evidence.
    follow_ups: bool = False


@dataclass(frozen=True)
class Indicator(Cited):
    number: int = 0
    text: str = ""
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True)
class Maturity(Cited):
    title: str = ""
    indicators: tuple[Indicator, ...] = ()
    level_rule: str = "consecutive"
    level_text: str = ""

    def level(self, answers: dict[tuple[int, str], bool | None]) -> int:
        """The level: ``consecutive`` counts the indicators, from the first, whose evidence
        items are all met, and stops at the first that is not (each builds on the one before)."""
        level = 0
        for indicator in self.indicators:
            if all(answers.get((indicator.number, e.item)) for e in indicator.evidence):
                level = indicator.number
            else:
                break
        return level

    def follow_up_item(self) -> tuple[int, str] | None:
        """The (indicator, item) whose evidence the completed follow-ups are, if any."""
        return next(
            (
                (indicator.number, e.item)
                for indicator in self.indicators
                for e in indicator.evidence
                if e.follow_ups
            ),
            None,
        )


@dataclass(frozen=True)
class Area:
    code: str
    text: str
    # What in the product gives evidence for the area (``surveys``: the agency's survey results
    # and participation, issue 22), shown on the agency's report where that applies.
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation(Cited):
    name: str = ""
    areas: tuple[Area, ...] = ()


@dataclass(frozen=True)
class ChainStep(Cited):
    code: str = ""
    name: str = ""
    # agency_team, agency_head, city_team, or the code of an office of the rulebook.
    actor: str = ""
    # The code of an earlier step this step may send the report back to (None: no return).
    may_return_to: str | None = None
    # Codes of earlier steps whose actor may not be the person who acts here.
    distinct_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signatory(Cited):
    # agency_report, city_report, certificate or leadership_report (issue 20 item 4)
    document: str = ""
    # signs, forwards (passes it up, e.g. the regional secretary) or acknowledges
    position: str = ""
    # agency_team_chair, agency_head, city_team_chair or the code of an office: whose name and
    # NIP are printed under ``title``.
    signer: str = ""
    title: str = ""


@dataclass(frozen=True)
class Monev:
    basis: CitedText | None
    periods: tuple[PeriodKind, ...]
    deadline: Deadline
    reminders: Reminders
    report_form: ReportForm
    maturity: Maturity | None
    evaluation: Evaluation
    approval_chain: tuple[ChainStep, ...]
    signatories: tuple[Signatory, ...]

    def step(self, code: str) -> ChainStep | None:
        return next((step for step in self.approval_chain if step.code == code), None)

    def signatory(self, document: str, position: str = "signs") -> Signatory | None:
        return next(
            (
                item
                for item in self.signatories
                if item.document == document and item.position == position
            ),
            None,
        )

    def period(self, kind: str) -> PeriodKind | None:
        return next((item for item in self.periods if item.kind == kind), None)


@dataclass(frozen=True)
class RulebookDocument:
    """One version of a government's rulebook, read-only."""

    regulation: Regulation
    words: Words
    offices: tuple[Office, ...]
    programme: Programme
    activities: Activities
    teams: Teams
    designations: Designations
    problem_solving: ProblemSolving
    monev: Monev
    government_kind: str = ""
    notes: str = ""
    # The stored version it was read from (0 and "" for a shipped file not yet imported).
    version_number: int = 0
    content_hash: str = ""
    content: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # --- Offices -------------------------------------------------------------------------

    def office(self, code: str) -> Office | None:
        return next((office for office in self.offices if office.code == code), None)

    def _office_of_kind(self, kind: str) -> Office | None:
        return next((office for office in self.offices if office.kind == kind), None)

    @property
    def head_of_government(self) -> Office:
        office = self._office_of_kind("head_of_government")
        assert office is not None  # the import requires exactly one
        return office

    @property
    def regional_secretary(self) -> Office | None:
        return self._office_of_kind("regional_secretary")

    # --- Shortcuts the wiring asks for -----------------------------------------------------

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self.programme.stages

    @property
    def role_model_eligibility(self) -> Eligibility:
        return self.designations.role_model

    @property
    def change_agent_eligibility(self) -> Eligibility:
        return self.designations.change_agent

    @property
    def agency_heads_are_role_models(self) -> Flag:
        return self.designations.agency_heads

    @property
    def problem_solving_applies(self) -> bool:
        return self.problem_solving.applies

    def actor_title(self, actor: str) -> str:
        """The words for who acts at a chain step or signs: an office's title or a team's name."""
        office = self.office(actor)
        if office is not None:
            return office.title
        names = {
            "agency_team": self.words.agency_team_name.text,
            "agency_team_chair": self.words.agency_team_name.text,
            "city_team": self.words.city_team_name.text,
            "city_team_chair": self.words.city_team_name.text,
            "agency_head": self.words.agency_name.text,
        }
        return names.get(actor, actor)

    def cite(self, element: Cited | str) -> str:
        """A citation as pages show it: the regulation's short name and the article
        ("S Pasal 9 ayat (1)"); a government's own choice says so instead."""
        source = element if isinstance(element, str) else element.source
        if not isinstance(element, str) and element.is_choice and not source:
            return ""
        if not source:
            return ""
        return f"{self.regulation.short} {source}".strip()


# --- Building the objects from a version's content -------------------------------------------


def _word(data: dict[str, Any]) -> Word:
    return Word(text=data["text"], **_cited(data))


def _texts(items: list[dict[str, Any]]) -> tuple[CitedText, ...]:
    return tuple(CitedText(text=item["text"], **_cited(item)) for item in items)


def _eligibility(data: dict[str, Any]) -> Eligibility:
    return Eligibility(
        subjects=tuple(data["subjects"]),
        statuses=tuple(data.get("statuses", [])),
        text=data.get("text", ""),
        **_cited(data),
    )


def _flag(data: dict[str, Any] | None) -> Flag:
    if not data:
        return Flag(applies=False, choice=GOVERNMENT)
    return Flag(applies=data["applies"], **_cited(data))


def _columns(items: list[dict[str, Any]]) -> tuple[Column, ...]:
    """The report form's columns. A rulebook version stored before columns named their field
    (issue 19) named none: its columns show the seven row fields in the order the shipped forms
    always had, so its documents read as they did."""
    legacy = not any(c.get("field") for c in items)
    return tuple(
        Column(
            number=c["number"],
            heading=c["heading"],
            legend=c.get("legend", ""),
            field=ROW_FIELDS[index] if legacy and index < len(ROW_FIELDS) else c.get("field", ""),
            width=c.get("width", 10),
        )
        for index, c in enumerate(items)
    )


def build(content: dict[str, Any], *, number: int = 0, content_hash: str = "") -> RulebookDocument:
    """The document of a normalised content (``services.normalise``: every default filled in)."""
    regulation = content["regulation"]
    words = content["words"]
    programme = content["programme"]
    activities = content["activities"]
    teams = content["teams"]
    monev = content["monev"]
    maturity = monev.get("maturity")
    basis = monev.get("basis")
    return RulebookDocument(
        regulation=Regulation(
            slug=regulation["slug"],
            kind=regulation["kind"],
            title=regulation["title"],
            issuer=regulation.get("issuer", ""),
            number=str(regulation.get("number", "")),
            year=regulation.get("year"),
            gazette=regulation.get("gazette", ""),
            short=regulation.get("short", ""),
            framework=regulation.get("framework", ""),
            note=regulation.get("note", ""),
        ),
        words=Words(**{name: _word(words[name]) for name in Words.__dataclass_fields__}),
        offices=tuple(
            Office(
                code=item["code"],
                kind=item["kind"],
                title=item["title"],
                duties=_texts(item.get("duties", [])),
                **_cited(item),
            )
            for item in content["offices"]
        ),
        programme=Programme(
            stages=tuple(
                Stage(
                    code=stage["code"],
                    name=stage["name"],
                    text=stage.get("text", ""),
                    steps=tuple(
                        Step(code=s["code"], name=s["name"], text=s.get("text", ""), **_cited(s))
                        for s in stage.get("steps", [])
                    ),
                    **_cited(stage),
                )
                for stage in programme["stages"]
            ),
            checklists=tuple(
                Checklist(
                    code=item["code"],
                    name=item["name"],
                    items=_texts(item["items"]),
                    **_cited(item),
                )
                for item in programme.get("checklists", [])
            ),
        ),
        activities=Activities(
            forms=tuple(
                ActivityForm(
                    code=item["code"],
                    name=item["name"],
                    description=item.get("description", ""),
                    **_cited(item),
                )
                for item in activities["forms"]
            ),
            obligations=tuple(
                Obligation(
                    code=item["code"],
                    name=item["name"],
                    form=item["form"],
                    frequency=item["frequency"],
                    day=item.get("day"),
                    grace_days=item.get("grace_days", 0),
                    remind_days=item.get("remind_days"),
                    **_cited(item),
                )
                for item in activities.get("obligations", [])
            ),
        ),
        teams=Teams(
            team_kinds=tuple(teams["team_kinds"]),
            roles=tuple(teams["roles"]),
            rules=tuple(teams["rules"]),
            city_team_kind=teams.get("city_team_kind", ""),
            agency_team_kind=teams.get("agency_team_kind", ""),
            **{
                name: (CitedText(text=teams[name]["text"], **_cited(teams[name])))
                if teams.get(name)
                else None
                for name in ("naming", "decree", "adjustment", "chart")
            },
        ),
        designations=Designations(
            role_model=_eligibility(content["designations"]["role_model"]),
            change_agent=_eligibility(content["designations"]["change_agent"]),
            agency_heads=_flag(content["designations"].get("agency_heads")),
        ),
        problem_solving=ProblemSolving(
            applies=content["problem_solving"]["applies"],
            prioritisation=content["problem_solving"].get("prioritisation", "usg"),
            cause_categories=tuple(content["problem_solving"].get("cause_categories", ())),
            **_cited(content["problem_solving"]),
        ),
        monev=Monev(
            basis=CitedText(text=basis["text"], **_cited(basis)) if basis else None,
            periods=tuple(
                PeriodKind(
                    kind=item["kind"], name=item["name"], text=item.get("text", ""), **_cited(item)
                )
                for item in monev["periods"]
            ),
            deadline=Deadline(
                month=monev["deadline"]["month"],
                day=monev["deadline"]["day"],
                **_cited(monev["deadline"]),
            ),
            reminders=Reminders(
                days=tuple(monev["reminders"]["days"]), **_cited(monev["reminders"])
            ),
            report_form=ReportForm(
                title=monev["report_form"]["title"],
                columns=_columns(monev["report_form"]["columns"]),
                row_groups=tuple(
                    RowGroup(number=g["number"], heading=g["heading"], indicator=g.get("indicator"))
                    for g in monev["report_form"]["row_groups"]
                ),
                **_cited(monev["report_form"]),
            ),
            maturity=(
                Maturity(
                    title=maturity["title"],
                    indicators=tuple(
                        Indicator(
                            number=i["number"],
                            text=i["text"],
                            evidence=tuple(
                                EvidenceItem(
                                    item=e["item"],
                                    text=e["text"],
                                    sources=tuple(e.get("sources", ())),
                                    follow_ups=e.get("follow_ups", False),
                                )
                                for e in i["evidence"]
                            ),
                            **_cited(i),
                        )
                        for i in maturity["indicators"]
                    ),
                    level_rule=maturity["level_rule"],
                    level_text=maturity.get("level_text", ""),
                    **_cited(maturity),
                )
                if maturity
                else None
            ),
            evaluation=Evaluation(
                name=monev["evaluation"]["name"],
                areas=tuple(
                    Area(code=a["code"], text=a["text"], sources=tuple(a.get("sources", ())))
                    for a in monev["evaluation"]["areas"]
                ),
                **_cited(monev["evaluation"]),
            ),
            approval_chain=tuple(
                ChainStep(
                    code=item["code"],
                    name=item["name"],
                    actor=item["actor"],
                    may_return_to=item.get("may_return_to"),
                    distinct_from=tuple(item.get("distinct_from", [])),
                    **_cited(item),
                )
                for item in monev["approval_chain"]
            ),
            signatories=tuple(
                Signatory(
                    document=item["document"],
                    position=item["position"],
                    signer=item["signer"],
                    title=item["title"],
                    **_cited(item),
                )
                for item in monev["signatories"]
            ),
        ),
        government_kind=content.get("government_kind", ""),
        notes=content.get("notes", ""),
        version_number=number,
        content_hash=content_hash,
        content=content,
    )
