"""Survey results where others use them (issue 22, Deliver 7): the agency's monitoring report
(where the government's rulebook names the source ``surveys``) and role-model nominations.

Both read the released figures only (``Figure``, written once when a survey closes by
``anonymity.release``), so they show exactly what the survey's own page shows: a group under k,
or one rolled up into the group above it, shows its participation and no figure. Nothing here
reads a response or a tally's answers.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.frameworks.models import CoreValue
from budaya.org.models import Employee, Government, Unit
from budaya.rulebook.document import RulebookDocument
from budaya.surveys import participation
from budaya.surveys.models import Figure, Invitation, Relation, Survey, TwibbonConfirmation
from budaya.surveys.selectors import PARTICIPATION_FLOOR, surveys_of

SOURCE = "surveys"
# The rater groups of a 360 round in the order they are shown; "raters" is all of them.
RATER_GROUPS = (
    Relation.RATERS,
    Relation.SUPERIOR,
    Relation.PEER,
    Relation.SUBORDINATE,
    Relation.OTHER,
)


def cited_items(book: RulebookDocument) -> list[str]:
    """Where the rulebook names survey results as evidence: maturity evidence items (S Tabel 2
    indicator 4 a) and evaluation areas (T Lampiran II II.3 huruf c), each as its words."""
    found = []
    maturity = book.monev.maturity
    for indicator in maturity.indicators if maturity is not None else ():
        assert maturity is not None
        for item in indicator.evidence:
            if SOURCE in item.sources:
                found.append(
                    _cited(
                        f"{maturity.title} {indicator.number} {item.item}: {item.text}",
                        book.cite(indicator),
                    )
                )
    evaluation = book.monev.evaluation
    for area in evaluation.areas:
        if SOURCE in area.sources:
            found.append(
                _cited(f"{evaluation.name} {area.code}: {area.text}", book.cite(evaluation))
            )
    return found


def _cited(text: str, citation: str) -> str:
    return f"{text} ({citation})" if citation else text


def _value_names(figures: list[Figure]) -> dict[str, str]:
    ids = {int(value) for figure in figures for value in figure.values}
    return {str(v.pk): v.name for v in CoreValue.objects.filter(pk__in=ids)}


def _percent(done: int, of: int) -> float | None:
    return round(done / of * 100, 1) if of else None


def _twibbon_over(
    government: Government,
    agency: Unit,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> list[int]:
    """Months of [start, end] up to today × the agency's active employees, and the twibbons
    confirmed in them (S Lampiran C.3.e: every month)."""
    last = min(end, today).replace(day=1)
    first = start.replace(day=1)
    months = (last.year - first.year) * 12 + last.month - first.month + 1 if last >= first else 0
    people = Employee.objects.filter(
        government=government, active=True, unit__path__startswith=agency.path
    ).count()
    confirmed = TwibbonConfirmation.objects.filter(
        government=government,
        employee__active=True,
        employee__unit__path__startswith=agency.path,
        month__gte=first,
        month__lte=last,
    ).count()
    return [confirmed, people * max(months, 0)]


def agency_surveys(
    government: Government, agency: Unit, start: datetime.date, end: datetime.date
) -> list[dict[str, Any]]:
    """The closed pulses of [start, end] that asked the agency, each with the agency's released
    figure: participation always, the index and the values' indices only where the figure was
    released (``Figure.shown``). ``invited`` is None where the agency has no group of its own
    (fewer than k people invited there: counted in the group above it)."""
    closed = list(
        participation.pulses(government, start, end)
        .filter(status=Survey.Status.CLOSED)
        .filter(Q(unit__isnull=True) | Q(unit__path__in=_at_or_above(agency.path)))
        .order_by("opens_on", "pk")
    )
    figures = {
        figure.survey_id: figure
        for figure in Figure.objects.filter(
            government=government, survey__in=closed, unit=agency, relation=Relation.MEMBER
        )
    }
    names = _value_names(list(figures.values()))
    surveys = []
    for survey in closed:
        figure = figures.get(survey.pk)
        shown = bool(figure and figure.shown)
        surveys.append(
            {
                "title": survey.title,
                "opens_on": survey.opens_on.isoformat(),
                "closes_on": survey.closes_on.isoformat(),
                "k": survey.k,
                "invited": figure.invited if figure else None,
                "answered": figure.answered if figure else None,
                "shown": shown,
                "index": figure.index if figure and shown else None,
                "values": [
                    {"name": names.get(value, value), "index": data["index"]}
                    for value, data in (figure.values.items() if figure and shown else ())
                ],
            }
        )
    return surveys


def report_evidence(report: Any, today: datetime.date | None = None) -> dict[str, Any] | None:
    """What a monitoring report shows (and a submitted version freezes) of the agency's surveys
    and participation in the report's period, where the period's rulebook names the source;
    ``None`` where it does not. Plain data (JSON), the same for the page and the exports."""
    from budaya.monev.rules import book_of

    book = book_of(report.period)
    cited = cited_items(book)
    if not cited:
        return None
    today = today or timezone.localdate()
    government, agency, period = report.government, report.unit, report.period
    start, end = period.starts_on, period.ends_on
    # The pulses closed in the period, as listed above them: an open pulse's answers are still
    # coming, and counted it flagged the agency "under 60 %" by a survey the report did not show.
    line = participation.participation(
        government, [agency], start=start, end=end, today=today, closed_only=True
    )[0]
    return {
        "cited": cited,
        "surveys": agency_surveys(government, agency, start, end),
        "participation": {
            "employees": line.employees,
            "commitment": [line.commitment.done, line.commitment.of] if line.commitment else None,
            "twibbon": _twibbon_over(government, agency, start, end, today),
            "survey": [line.survey.done, line.survey.of] if line.survey else None,
        },
    }


def worth_keeping(evidence: dict[str, Any] | None) -> bool:
    """Whether a report's content carries the evidence: only when there is some, so the content
    of a report without surveys, declaration or twibbon is what it was before issue 22."""
    if evidence is None:
        return False
    shares = evidence["participation"]
    return bool(
        evidence["surveys"]
        or shares["commitment"] is not None
        or shares["survey"] is not None
        or shares["twibbon"][0]
    )


def _at_or_above(path: str) -> list[str]:
    return list(participation._prefixes(path))


# The heading of the evidence in the documents, which print in the form's language (Indonesian),
# as the rest of the monitoring exports do.
DOCUMENT_HEADING = "Hasil survei perilaku dan partisipasi pegawai"


def document_lines(evidence: dict[str, Any]) -> list[str]:
    """The evidence as lines of the report's documents (PDF, DOCX, XLSX): the same figures as
    the page, in the language of the form."""
    lines = [f"{DOCUMENT_HEADING} ({'; '.join(evidence['cited'])}):"]
    for survey in evidence["surveys"]:
        when = f"{survey['opens_on']} s.d. {survey['closes_on']}"
        head = f"{survey['title']} ({when}, k = {survey['k']})"
        if survey["invited"] is None:
            lines.append(
                f"{head}: kurang dari k pegawai diundang di Perangkat Daerah ini; dihitung pada "
                "kelompok di atasnya"
            )
            continue
        took = (
            f"{survey['answered']} dari {survey['invited']} menjawab "
            f"({_number(_percent(survey['answered'], survey['invited']))}%)"
        )
        if not survey["shown"]:
            lines.append(
                f"{head}: {took}; tidak ada angka: kurang dari k jawaban, atau akan mengungkap "
                "kelompok yang lebih kecil"
            )
            continue
        values = ", ".join(f"{v['name']} {_number(v['index'])}" for v in survey["values"])
        lines.append(
            f"{head}: {took}; indeks {_number(survey['index'])}"
            + (f" ({values})" if values else "")
        )
    if not evidence["surveys"]:
        lines.append("Belum ada survei denyut yang ditutup dalam periode ini.")
    shares = evidence["participation"]
    labels = (
        ("commitment", "Komitmen ditandatangani"),
        ("twibbon", "Twibbon dikonfirmasi (pegawai-bulan)"),
        ("survey", "Survei denyut dijawab"),
    )
    for key, label in labels:
        pair = shares.get(key)
        if not pair:
            lines.append(f"{label}: -")
            continue
        done, of = pair
        rate = _percent(done, of)
        low = rate is not None and rate < PARTICIPATION_FLOOR
        flag = f" (di bawah {PARTICIPATION_FLOOR}%)" if low else ""
        lines.append(f"{label}: {done} dari {of} ({_number(rate)}%){flag}")
    return lines


def _number(value: float | None) -> str:
    """A figure as Indonesian writes it (decimal comma)."""
    if value is None:
        return "-"
    return f"{value:g}".replace(".", ",")


def share_rows(shares: dict[str, Any]) -> list[dict[str, Any]]:
    """The participation as rows for the page: label, done, of, percent, under the floor."""
    labels = (
        ("commitment", _("Commitment signed")),
        ("twibbon", _("Twibbon confirmed (employee-months)")),
        ("survey", _("Pulses answered")),
    )
    rows = []
    for key, label in labels:
        pair = shares.get(key)
        done, of = pair if pair else (None, None)
        rate = _percent(done, of) if done is not None and of is not None else None
        rows.append(
            {
                "label": label,
                "done": done,
                "of": of,
                "percent": rate,
                "low": rate is not None and rate < PARTICIPATION_FLOOR,
            }
        )
    return rows


def role_model_rounds(user: Any, government: Government, employee_id: int) -> list[dict[str, Any]]:
    """The closed 360 rounds of a nominee that the user reads (``surveys_of``: the city roles,
    the agency's roles for its employees), each with its rater groups: a group's index only where
    it was released (at least k answers, and showing it reveals no smaller group), else the words
    that it has fewer than k raters. Never the self-assessment."""
    rounds = list(
        surveys_of(user, government)
        .filter(kind=Survey.Kind.ROUND_360, subject_id=employee_id, status=Survey.Status.CLOSED)
        .order_by("-closes_on", "-pk")
    )
    if not rounds:
        return []
    figures: dict[int, dict[str, Figure]] = {survey.pk: {} for survey in rounds}
    for figure in Figure.objects.filter(government=government, survey__in=rounds).exclude(
        relation=Relation.SELF
    ):
        figures[figure.survey_id][figure.relation] = figure
    asked: dict[int, set[str]] = {survey.pk: set() for survey in rounds}
    for survey_id, relation in (
        Invitation.objects.filter(government=government, survey__in=rounds)
        .exclude(relation=Relation.SELF)
        .values_list("survey_id", "relation")
        .distinct()
    ):
        asked[survey_id].add(relation)
    out = []
    for survey in rounds:
        groups = []
        for relation in RATER_GROUPS:
            found = figures[survey.pk].get(relation)
            if found is None and relation not in asked[survey.pk]:
                continue
            shown = found is not None and found.shown and found.index is not None
            groups.append(
                {
                    "relation": relation.value,
                    "name": relation.label,
                    "shown": shown,
                    "index": found.index if shown and found else None,
                    "answered": found.answered if shown and found else None,
                }
            )
        out.append({"survey": survey, "k": survey.k, "groups": groups})
    return out
