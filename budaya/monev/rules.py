"""What monitoring reads from the government's rulebook (issue 18): the report's workflow built
from ``monev.approval_chain``, who acts at each step (a role, or an office of the rulebook), and
the rulebook a period was made under.

The states of a report stay those of ``models.State``; a chain step is matched to the state it
reaches by its code: ``prepare`` (the draft), ``approve``, ``submit``, ``accept``,
``consolidate``, ``forward``, ``acknowledge``. A step the chain leaves out is skipped (the report
goes from the previous step's state to the next one's). A step with ``may_return_to: prepare``
may return the report to the agency (``returned``, then revised as a new version by the actor of
``prepare``); ``distinct_from`` names earlier steps whose actor may not act here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.rulebook.document import ChainStep, RulebookDocument
from budaya.rulebook.selectors import current_rulebook, rulebook_of_version

DRAFT, APPROVED, SUBMITTED, RETURNED = "draft", "approved", "submitted", "returned"
ACCEPTED, CONSOLIDATED, FORWARDED, ACKNOWLEDGED = (
    "accepted",
    "consolidated",
    "forwarded",
    "acknowledged",
)

# The state a chain step reaches, by the step's code.
STEP_STATE = {
    "prepare": DRAFT,
    "approve": APPROVED,
    "submit": SUBMITTED,
    "accept": ACCEPTED,
    "consolidate": CONSOLIDATED,
    "forward": FORWARDED,
    "acknowledge": ACKNOWLEDGED,
}
# Steps made on the city report (all its agency reports move together).
CITY_STATES = frozenset({CONSOLIDATED, FORWARDED, ACKNOWLEDGED})

LABELS = {
    APPROVED: _("Approve"),
    # Completed with the rulebook's name of the government's team (``_label``).
    SUBMITTED: _("Submit to {team}"),
    RETURNED: _("Return with comments"),
    ACCEPTED: _("Accept"),
    CONSOLIDATED: _("Consolidate into the city report"),
    FORWARDED: _("Forward"),
    ACKNOWLEDGED: _("Acknowledge"),
}

# Who acts, for the actors that are not offices: the roles and where they act.
ACTOR_ROLES: dict[str, tuple[tuple[str, ...], str]] = {
    "agency_team": ((Role.UNIT_TEAM, Role.UNIT_HEAD), "agency"),
    "agency_head": ((Role.UNIT_HEAD,), "agency"),
    "city_team": ((Role.CITY_ADMIN,), "city"),
}


@dataclass(frozen=True)
class Move:
    """One legal move: from, to, who makes it (roles, and the office of the rulebook when the
    actor is one), the chain step it makes, and the steps whose actor may not make it."""

    source: str
    target: str
    roles: tuple[str, ...]
    label: Any
    step: str = ""
    actor: str = ""
    # An office code of the rulebook when an office acts (the grant must hold it).
    office: str = ""
    distinct_from: tuple[str, ...] = ()
    # who acts on the agency's report: "agency" (unit roles of its agency) or "city" (government)
    scope: str = "city"
    # Made on the city report (its agency reports move together): consolidate, forward,
    # acknowledge, and the returns of the leadership's steps.
    on_city: bool = False
    # A return: sends the report back to the actor of the step ``may_return_to`` names.
    returns: bool = False

    @property
    def separate(self) -> bool:
        return bool(self.distinct_from)


def _who(book: RulebookDocument, actor: str) -> tuple[tuple[str, ...], str, str]:
    if actor in ACTOR_ROLES:
        roles, scope = ACTOR_ROLES[actor]
        return roles, scope, ""
    # An office of the rulebook (validated on import): a leadership grant holding it.
    return (Role.LEADERSHIP,), "city", actor


def _label(book: RulebookDocument, state: str) -> Any:
    """The button's words; a submission names the government's own team (issue 18)."""
    if state == SUBMITTED:
        return format_lazy(LABELS[SUBMITTED], team=str(book.words.city_team_name))
    return LABELS[state]


def _move(
    book: RulebookDocument,
    step: ChainStep,
    source: str,
    target: str,
    label: Any,
    *,
    returns: bool = False,
) -> Move:
    roles, scope, office = _who(book, step.actor)
    return Move(
        source,
        target,
        roles,
        label,
        step=step.code,
        actor=step.actor,
        office=office,
        distinct_from=tuple(step.distinct_from),
        scope=scope,
        on_city=target in CITY_STATES or source in CITY_STATES,
        returns=returns,
    )


def chain_moves(book: RulebookDocument) -> tuple[Move, ...]:
    """The report's state machine, from the rulebook's approval chain."""
    steps = [step for step in book.monev.approval_chain if step.code in STEP_STATE]
    moves: list[Move] = []
    previous = DRAFT
    prepare = book.monev.step("prepare")
    # The state each step acts on (the state before it): where a return to that step sends it.
    acts_on: dict[str, str] = {}
    for step in steps:
        state = STEP_STATE[step.code]
        if state == DRAFT:
            continue
        acts_on[step.code] = previous
        moves.append(_move(book, step, previous, state, _label(book, state)))
        if state in CITY_STATES and step.may_return_to in acts_on:
            # A leadership step sends the city report back to the actor of an earlier city
            # step: its agency reports go back to the state that step acts on.
            moves.append(
                _move(
                    book,
                    step,
                    previous,
                    acts_on[step.may_return_to],
                    _("Return"),
                    returns=True,
                )
            )
        if step.code == "approve":
            # The approver may send the approved report back to the draft before it goes up.
            moves.append(_move(book, step, APPROVED, DRAFT, _("Back to draft")))
        if step.may_return_to == "prepare" and state not in CITY_STATES:
            moves.append(_move(book, step, previous, RETURNED, LABELS[RETURNED]))
            reviser = prepare or ChainStep(code="prepare", actor="agency_team")
            moves.append(
                Move(
                    RETURNED,
                    DRAFT,
                    _who(book, reviser.actor)[0],
                    _("Revise as a new version"),
                    step="prepare",
                    actor=reviser.actor,
                    scope=_who(book, reviser.actor)[1],
                )
            )
        previous = state
    return tuple(moves)


def city_moves(book: RulebookDocument, state: str) -> list[Move]:
    """The moves made on the city report from its agency reports' ``state`` (forward,
    acknowledge, and their returns)."""
    return [move for move in chain_moves(book) if move.on_city and move.source == state]


def moves_from(book: RulebookDocument, state: str) -> list[Move]:
    return [move for move in chain_moves(book) if move.source == state]


def find_move(book: RulebookDocument, source: str, target: str) -> Move | None:
    return next((m for m in chain_moves(book) if m.source == source and m.target == target), None)


def book_of(period: Any) -> RulebookDocument:
    """The rulebook the period was made under (its stored version), else the current one; kept
    on the period object for the rest of the request (a version never changes)."""
    version_id = getattr(period, "rulebook_version_id", None)
    cached = period.__dict__.get("_rulebook")
    if cached is not None and cached[0] == version_id:
        return cached[1]  # type: ignore[no-any-return]
    book = rulebook_of_version(version_id) if version_id else current_rulebook(period.government)
    period.__dict__["_rulebook"] = (version_id, book)
    return book
