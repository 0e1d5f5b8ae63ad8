"""Workflow events: what happened, to whom it matters (issue 20: notifications).

A service that completes a workflow step (a report submitted, returned, accepted, forwarded,
acknowledged; a decree about to expire; a member leaving a team; a survey opening) sends
``workflow_event`` once, *after* its transaction commits (``transaction.on_commit``), so a
rolled-back step never notifies. The notifications app listens and turns each event into an
in-app notification and, by each recipient's choice, an e-mail; nothing else needs to know how.

Senders never import the notifications app: they call ``announce`` with plain data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.dispatch import Signal

# Sent with ``event=Event``.
workflow_event = Signal()

# Rows of one government written in bulk, for which Django sends no ``post_save``
# (``bulk_update``): sent with the model as sender and ``government_id``, so what is cached of
# them moves on (the activity form's choices, issue 25: ``budaya/activities/choices.py``).
rows_changed = Signal()


@dataclass(frozen=True)
class Event:
    # A dotted name of the step ("monev.report.returned"); the notification text is chosen by it.
    kind: str
    government_id: int
    # The users (primary keys) to tell; the actor is never among them.
    recipient_ids: frozenset[int]
    # Where the recipient acts (a path, e.g. the report's page).
    url: str
    # Exactly once: the same key is never delivered twice to the same recipient.
    key: str
    # Plain values for the text (titles, names, the reason given, dates), all strings.
    context: dict[str, str] = field(default_factory=dict)
    actor_id: int | None = None


# Notifications that asked for something now moot, though nobody is told of it (a survey closed:
# its "answer this survey"): sent with ``event=Settled`` after the step commits.
settled = Signal()


@dataclass(frozen=True)
class Settled:
    government_id: int
    url: str
    kinds: tuple[str, ...]


def settle(*, government_id: int, url: str, kinds: Iterable[str]) -> None:
    """The unread notifications of ``kinds`` linking to ``url`` marked read, once the current
    transaction commits (at once outside one)."""
    event = Settled(government_id, url, tuple(kinds))
    transaction.on_commit(lambda: settled.send(sender=Settled, event=event))


def _text(value: Any) -> str:
    """A value as the notification's text shows it: a date as the product writes dates in
    numbers ("05-02-2027"), not as ISO ("2027-02-05" beside "5 Februari 2027" on the page)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.strftime("%d-%m-%Y")
    return str(value)


def announce(
    *,
    kind: str,
    government_id: int,
    recipient_ids: Iterable[int],
    url: str,
    key: str,
    context: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> None:
    """Send the event when the current transaction commits (at once outside one)."""
    recipients = frozenset(pk for pk in recipient_ids if pk != actor_id)
    if not recipients:
        return
    event = Event(
        kind=kind,
        government_id=government_id,
        recipient_ids=recipients,
        url=url,
        key=key,
        context={name: _text(value) for name, value in (context or {}).items()},
        actor_id=actor_id,
    )
    transaction.on_commit(lambda: workflow_event.send(sender=Event, event=event))
