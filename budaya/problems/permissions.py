"""Who may reach each route of KBK problem solving (merged into ``budaya.accounts.permissions``).

Every route also answers 404 in a government whose rulebook says problem solving does not apply
(``budaya/problems/tests/test_views.py`` checks that).
"""

from __future__ import annotations

import datetime
from typing import Any

from budaya.accounts.models import Role
from budaya.accounts.permissions import (
    ALL_BUT_SYSTEM,
    Access,
    Args,
    Foreign,
    other_agency,
    other_government,
)

# The KBK's work is the team's; the head, its penanggung-jawab, directs and approves (T Pasal 9).
WORK = frozenset({Role.CITY_ADMIN, Role.UNIT_TEAM})
RESPONSIBLE = frozenset({Role.UNIT_HEAD})
SCOPE = "city administrator and leadership: whole government; unit roles: own agency"
WORK_SCOPE = "the KBK (unit team) of own agency; city administrator: any KBK"
RESPONSIBLE_SCOPE = "the penanggung-jawab: the head of own agency"


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


def _obj(key: str, **more: Any) -> Args:
    def args(w: Any) -> dict[str, Any]:
        obj = w.extras[key]
        values = {"slug": obj.government.slug, "pk": obj.pk}
        for name, extra in more.items():
            values[name] = extra(w, key) if callable(extra) else extra
        return values

    return args


def _scoped(key: str, **more: Any) -> tuple[Foreign, ...]:
    return (
        other_agency(_obj(f"other_{key}", **more)),
        other_government(_obj(f"foreign_{key}", **more)),
    )


def _sub(name: str) -> Any:
    """The id of a related object of the same place: ``problem`` → its ``action``/``cause``."""
    return lambda w, key: w.extras[key.replace("problem", name)].pk


def _route(action: str, who: frozenset[str], key: str, **kwargs: Any) -> Access:
    more = kwargs.pop("more", {})
    return Access(action, who, args=_obj(key, **more), foreign=_scoped(key, **more), **kwargs)


ROUTES: dict[str, Access] = {
    "problems:mine": Access("Menu: problem solving of one's government", ALL_BUT_SYSTEM),
    "problems:index": Access(
        "The KBKs and their problem-solving cycles",
        ALL_BUT_SYSTEM,
        args=_gov,
        foreign=(other_government(lambda w: {"slug": w.other_government.slug}),),
        scope=SCOPE,
    ),
    "problems:team": _route(
        "A KBK's problems ranked by USG (ties shown), minutes, reports",
        ALL_BUT_SYSTEM,
        "team",
        scope=SCOPE,
    ),
    "problems:problem_create": _route("Record a problem", WORK, "team", scope=WORK_SCOPE),
    "problems:meeting_create": _route(
        "Write the minutes of a KBK meeting", WORK, "team", scope=WORK_SCOPE
    ),
    "problems:report_create": _route(
        "Report the KBK's progress to the penanggung-jawab", WORK, "team", scope=WORK_SCOPE
    ),
    "problems:problem": _route(
        "The whole cycle of a problem, printable", ALL_BUT_SYSTEM, "problem", scope=SCOPE
    ),
    "problems:problem_edit": _route("Edit a problem", WORK, "problem", scope=WORK_SCOPE),
    "problems:score": _route(
        "Score a problem (USG), per member", WORK, "problem", scope=WORK_SCOPE
    ),
    "problems:choose": _route(
        "Choose a problem for solving", WORK, "problem", method="POST", scope=WORK_SCOPE
    ),
    "problems:cause_add": _route(
        "Add causes (fishbone or five whys)", WORK, "problem", scope=WORK_SCOPE
    ),
    "problems:cause_edit": _route(
        "Correct a cause while the plan is a draft or returned",
        WORK,
        "problem",
        more={"cause": _sub("cause")},
        scope=WORK_SCOPE,
    ),
    "problems:cause_delete": _route(
        "Delete a cause (asks first; not a root cause sent for direction)",
        WORK,
        "problem",
        method="POST",
        more={"cause": _sub("cause")},
        scope=WORK_SCOPE,
    ),
    "problems:fishbone": _route(
        "The fishbone diagram as SVG", ALL_BUT_SYSTEM, "problem", scope=SCOPE
    ),
    "problems:root": _route(
        "Choose the root cause and send it to the penanggung-jawab",
        WORK,
        "problem",
        method="POST",
        more={"cause": _sub("cause")},
        scope=WORK_SCOPE,
    ),
    "problems:direction": _route(
        "Give direction on the root cause", RESPONSIBLE, "problem", scope=RESPONSIBLE_SCOPE
    ),
    "problems:action_add": _route("Add an action to the plan", WORK, "problem", scope=WORK_SCOPE),
    "problems:action_edit": _route(
        "Edit an action of a draft or returned plan",
        WORK,
        "problem",
        more={"action": _sub("action")},
        scope=WORK_SCOPE,
    ),
    "problems:action_delete": _route(
        "Delete an action of a draft or returned plan (asks first)",
        WORK,
        "problem",
        method="POST",
        more={"action": _sub("action")},
        scope=WORK_SCOPE,
    ),
    "problems:action_execute": _route(
        "Link logged activities to an approved action; record its result",
        WORK,
        "problem",
        more={"action": _sub("action")},
        scope=WORK_SCOPE,
    ),
    "problems:plan_move": _route(
        "Submit a plan (the penanggung-jawab approves or returns it the same way)",
        WORK,
        "problem",
        method="POST",
        more={"to": "submitted"},
        scope="submit, start, finish: the KBK; approve, return: the penanggung-jawab",
    ),
    "problems:check": _route(
        "Record the check: decision and lessons", WORK, "problem", method="POST", scope=WORK_SCOPE
    ),
    "problems:meeting": _route("Minutes of a meeting", ALL_BUT_SYSTEM, "meeting", scope=SCOPE),
    "problems:meeting_export": _route(
        "Minutes as DOCX or PDF, with letterhead and signatures",
        ALL_BUT_SYSTEM,
        "meeting",
        more={"fmt": "docx"},
        scope=SCOPE,
    ),
    "problems:report": _route(
        "A progress report; the penanggung-jawab records the follow-up",
        ALL_BUT_SYSTEM,
        "progress_report",
        scope=SCOPE + "; follow-up: the penanggung-jawab",
    ),
}


def world(w: Any) -> None:
    """Problem solving turned on in both governments' rulebooks, and in each of the three places
    (own agency, second agency, second government) a problem with a cause, a draft plan with one
    action, a meeting and a progress report, on the team the teams app made there."""
    from budaya.problems.models import (
        Action,
        ActionPlan,
        Cause,
        Meeting,
        Problem,
        ProgressReport,
    )
    from budaya.rulebook import services as rulebook

    text = rulebook.shipped_text("starter").replace(
        "problem_solving:\n  applies: false", "problem_solving:\n  applies: true"
    )
    assert "applies: true" in text
    for government in (w.government, w.other_government):
        rulebook.import_rulebook(government=government, text=text)
    day = datetime.date(2025, 3, 1)
    for prefix, employee in (
        ("", w.employee),
        ("other_", w.other_employee),
        ("foreign_", w.foreign_employee),
    ):
        team = w.extras[f"{prefix}team"]
        government = team.government
        problem = Problem.objects.create(
            government=government,
            team=team,
            title="Apel pagi sering terlambat",
            source="meeting",
            raised_on=day,
        )
        cause = Cause.objects.create(
            government=government, problem=problem, category="Man", text="Belum ada jadwal"
        )
        plan = ActionPlan.objects.create(government=government, problem=problem)
        action = Action.objects.create(
            government=government,
            plan=plan,
            title="Menyusun jadwal apel",
            owner=employee,
            due_on=day,
            expected_result="Jadwal terbit",
            indicator="Jadwal ditandatangani",
        )
        w.extras[f"{prefix}problem"] = problem
        w.extras[f"{prefix}cause"] = cause
        w.extras[f"{prefix}action"] = action
        w.extras[f"{prefix}meeting"] = Meeting.objects.create(
            government=government, team=team, held_on=day, place="Aula", agenda="Rapat KBK"
        )
        w.extras[f"{prefix}progress_report"] = ProgressReport.objects.create(
            government=government, team=team, period_start=day, period_end=day
        )
