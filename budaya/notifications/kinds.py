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


_REPORT = ("title", "agency", "period", "actor", "note")
_BODY_REPORT = _("{agency}: {title}\n{actor}\n{note}\n\nOpen it: {url}")

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind(
            "monev.report.approved",
            _("Monitoring report approved"),
            _("Report approved: {title}"),
            _BODY_REPORT,
            _REPORT,
        ),
        Kind(
            "monev.report.submitted",
            _("Monitoring report submitted"),
            _("Report submitted: {title}"),
            _BODY_REPORT,
            _REPORT,
        ),
        Kind(
            "monev.report.returned",
            _("Monitoring report returned"),
            _("Report returned: {title}"),
            _("{agency}: {title} was returned to be fixed.\nReason: {note}\n\nOpen it: {url}"),
            _REPORT,
        ),
        Kind(
            "monev.report.accepted",
            _("Monitoring report accepted"),
            _("Report accepted: {title}"),
            _BODY_REPORT,
            _REPORT,
        ),
        Kind(
            "monev.report.draft",
            _("Monitoring report back to draft"),
            _("Report back to draft: {title}"),
            _BODY_REPORT,
            _REPORT,
        ),
        Kind(
            "monev.report.consolidated",
            _("City report consolidated"),
            _("Report consolidated into the city report: {title}"),
            _BODY_REPORT,
            _REPORT,
        ),
        Kind(
            "monev.report.forwarded",
            _("City report forwarded"),
            _("City report forwarded: {period}"),
            _BODY_REPORT,
            _REPORT,
        ),
        Kind(
            "monev.report.acknowledged",
            _("City report acknowledged"),
            _("City report acknowledged: {period}"),
            _("{title} was acknowledged.\nDirections: {note}\n\nOpen it: {url}"),
            _REPORT,
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
    )
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
