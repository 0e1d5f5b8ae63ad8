"""The kinds of workflow event and their shipped texts, per language (issue 20).

A kind is the dotted name a service announces (``budaya.events.announce(kind=...)``). Its text
is a subject and a body with plain placeholders, ``{title}``: the event's values, filled in by
``render.fill``, never a template language. The shipped wording is translated like every
interface text; a government's city administrator may replace it per language (``Text``).
A kind not listed here is told with the generic text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Every text may use these: the government's name, where to act, the application's name.
COMMON = ("government", "url", "site")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    subject: str | Promise
    body: str | Promise
    placeholders: tuple[str, ...]

    @property
    def allowed(self) -> tuple[str, ...]:
        return (*self.placeholders, *COMMON)


# What the monitoring services announce (monev/services.py, monev/notices.py).
_REPORT = ("agency", "period", "version", "reason", "comments")
_BODY_REPORT = _("{agency}: the report of {period}, version {version}.\n\nOpen it: {url}")
_CITY = ("period", "version", "note")
_BODY_CITY = _("The report of {period}, version {version}.\n{note}\n\nOpen it: {url}")
_FOLLOW_UP = ("agency", "direction", "due")

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind(
            "monev.report.submitted",
            _("Monitoring report submitted"),
            _("Report submitted: {agency}, {period}"),
            _BODY_REPORT,
            _REPORT,
        ),
        Kind(
            "monev.report.returned",
            _("Monitoring report returned"),
            _("Report returned: {agency}, {period}"),
            _(
                "{agency}: the report of {period} was returned to be fixed.\nReason: {reason}\n"
                "Comments on rows: {comments}\n\nOpen it: {url}"
            ),
            _REPORT,
        ),
        Kind(
            "monev.report.accepted",
            _("Monitoring report accepted"),
            _("Report accepted: {agency}, {period}"),
            _BODY_REPORT,
            _REPORT,
        ),
        Kind(
            "monev.city.consolidated",
            _("Government report consolidated"),
            _("Report to forward: {period}"),
            _BODY_CITY,
            _CITY,
        ),
        Kind(
            "monev.city.forwarded",
            _("Government report forwarded"),
            _("Report to acknowledge: {period}"),
            _BODY_CITY,
            _CITY,
        ),
        Kind(
            "monev.city.returned",
            _("Government report returned"),
            _("Report returned: {period}"),
            _(
                "The report of {period}, version {version}, was returned.\nReason: {note}\n\n"
                "Open it: {url}"
            ),
            _CITY,
        ),
        Kind(
            "monev.city.acknowledged",
            _("Government report acknowledged"),
            _("Report acknowledged: {period}"),
            _("The report of {period} was acknowledged.\nDisposition: {note}\n\nOpen it: {url}"),
            _CITY,
        ),
        Kind(
            "monev.follow_up.assigned",
            _("Follow-up assigned"),
            _("Follow-up for {agency}: due on {due}"),
            _("Direction: {direction}\nDue on {due}.\n\nOpen it: {url}"),
            _FOLLOW_UP,
        ),
        Kind(
            "monev.follow_up.done",
            _("Follow-up done"),
            _("Follow-up done: {agency}"),
            _("{agency} has done: {direction}\n\nOpen it: {url}"),
            _FOLLOW_UP,
        ),
        Kind(
            "monev.deadline",
            _("Monitoring deadline approaching"),
            _("Reminder: the report of {period} is due on {date}"),
            _(
                "{agency} has not submitted its report of {period} yet. The deadline is {date} "
                "({days} days from now).\n\nOpen it: {url}"
            ),
            ("period", "agency", "date", "days"),
        ),
        Kind(
            "activities.obligation.due",
            _("Recurring obligation due"),
            _("Reminder: {name} on {date}"),
            _(
                'Reminder for {agency}: "{name}" is due on {date}.\nRecord it in the '
                'activity log as "{form}", with a photo or another piece of evidence.\n'
                "{source}\n\nOpen it: {url}"
            ),
            ("name", "agency", "date", "form", "source"),
        ),
        Kind(
            "teams.decree.expiring",
            _("Team decree expiring"),
            _("Decree to renew: {team}"),
            _(
                "The decree {number} of {team} reaches its age limit on {date} ({days} days "
                "from now). Draft a new decree.\n\nOpen it: {url}"
            ),
            ("team", "agency", "number", "date", "days"),
        ),
        Kind(
            "teams.member.left",
            _("A member left a team"),
            _("A member left {team}"),
            _("{reason}\nEnd or replace the membership in {team}.\n\nOpen it: {url}"),
            ("team", "agency", "name", "reason"),
        ),
        # KBK problem solving (problems/notices.py): up to the penanggung-jawab for direction
        # and approval, and back (T Lampiran II III); the progress report and its follow-up
        # (T Pasal 9(3)(d), 9(2)(c), (e)).
        Kind(
            "problems.root_cause.sent",
            _("KBK root cause sent for direction"),
            _("Root cause for your direction: {problem}"),
            _(
                "{team} sends the root cause of the problem “{problem}” for your direction:\n"
                "{root_cause}\n\nOpen it: {url}"
            ),
            ("team", "problem", "root_cause"),
        ),
        Kind(
            "problems.root_cause.directed",
            _("Direction on a KBK root cause"),
            _("Direction given: {problem}"),
            _(
                "The penanggung-jawab gave direction on the root cause of “{problem}” ({team}):\n"
                "{direction}\n\nOpen it: {url}"
            ),
            ("team", "problem", "direction"),
        ),
        Kind(
            "problems.plan.submitted",
            _("KBK action plan submitted"),
            _("Action plan for your approval: {problem}"),
            _(
                "{team} submits action plan {plan} for “{problem}” for your approval.\n\n"
                "Open it: {url}"
            ),
            ("team", "problem", "plan", "note"),
        ),
        Kind(
            "problems.plan.returned",
            _("KBK action plan returned"),
            _("Action plan returned with direction: {problem}"),
            _(
                "Action plan {plan} for “{problem}” ({team}) was returned with direction:\n"
                "{note}\n\nOpen it: {url}"
            ),
            ("team", "problem", "plan", "note"),
        ),
        Kind(
            "problems.plan.approved",
            _("KBK action plan approved"),
            _("Action plan approved: {problem}"),
            _(
                "Action plan {plan} for “{problem}” ({team}) was approved. Carry out its actions "
                "and link the activities that did.\n\nOpen it: {url}"
            ),
            ("team", "problem", "plan", "note"),
        ),
        Kind(
            "problems.report.sent",
            _("KBK progress report sent"),
            _("KBK progress report to read: {team}"),
            _(
                "{team} reports its progress from {period_start} to {period_end}. Read it and "
                "record your follow-up.\n\nOpen it: {url}"
            ),
            ("team", "period_start", "period_end"),
        ),
        Kind(
            "problems.report.followed_up",
            _("KBK progress report followed up"),
            _("Follow-up of the progress report: {team}"),
            _(
                "The penanggung-jawab followed up the progress report of {team}:\n{follow_up}"
                "\n\nOpen it: {url}"
            ),
            ("team", "follow_up"),
        ),
        # Competitions (competitions/services.py): an entry to the organisers, the results to
        # the entrants and the judges.
        Kind(
            "competitions.entry.submitted",
            _("Competition entry submitted"),
            _("Entry submitted: {competition}, {team}"),
            _("{team} submitted its entry to {competition}.\n\nOpen it: {url}"),
            ("competition", "team"),
        ),
        Kind(
            "competitions.results.published",
            _("Competition results published"),
            _("Results published: {competition}"),
            _("The results of {competition} are published.\n\nOpen them: {url}"),
            ("competition",),
        ),
        # Surveys (surveys/services.py): to the employees asked, when it opens and before it
        # closes.
        Kind(
            "surveys.survey.opened",
            _("Survey opened"),
            _("A survey for you: {title}"),
            _("The survey “{title}” is open until {closes_on}.\n\nAnswer it: {url}"),
            ("title", "closes_on"),
        ),
        Kind(
            "surveys.survey.reminder",
            _("Survey closing soon"),
            _("The survey closes soon: {title}"),
            _(
                "The survey “{title}” closes on {closes_on} and waits for your answers.\n\n"
                "Answer it: {url}"
            ),
            ("title", "closes_on"),
        ),
        Kind(
            "dashboard.leadership_report.ready",
            _("Leadership report ready"),
            _("Leadership report ready: {period}"),
            _("The leadership report of {period}, version {version}, is ready.\n\nOpen it: {url}"),
            ("period", "version"),
        ),
    )
}

# A step done settles the notifications that asked for it: when it is announced, the unread
# notifications of these kinds that link to the same page (the same report, problem or
# follow-up) are marked read, so a head no longer reads "Rencana tindakan menunggu persetujuan
# Anda" for a plan approved days before.
SETTLES: dict[str, tuple[str, ...]] = {
    "monev.report.submitted": ("monev.report.returned",),
    "monev.report.returned": ("monev.report.submitted",),
    "monev.report.accepted": ("monev.report.submitted",),
    "monev.city.forwarded": ("monev.city.consolidated", "monev.city.returned"),
    "monev.city.returned": ("monev.city.consolidated", "monev.city.forwarded"),
    "monev.city.acknowledged": ("monev.city.forwarded",),
    "monev.follow_up.done": ("monev.follow_up.assigned",),
    "problems.root_cause.directed": ("problems.root_cause.sent",),
    "problems.plan.submitted": ("problems.plan.returned",),
    "problems.plan.returned": ("problems.plan.submitted",),
    "problems.plan.approved": ("problems.plan.submitted",),
    "problems.report.followed_up": ("problems.report.sent",),
}

GENERIC = Kind(
    "",
    _("Other events"),
    _("Something needs your attention: {title}"),
    _("{title}\n\nOpen it: {url}"),
    ("title",),
)


def kind_of(code: str) -> Kind:
    return KINDS.get(code, GENERIC)
