"""Workflow events become notifications and e-mails (issue 20, docs/notifications.md).

``receive`` listens to ``budaya.events.workflow_event`` (sent after the step's transaction
committed): one ``Notification`` per recipient who holds a role in the event's government, and,
for those who chose "e-mail at once", one ``Email`` in the outbox. Both are unique per recipient
and idempotency key, so an event announced twice tells nobody twice. The task runner sends each
e-mail (``send_email``); a failure of the mail server is retried with back-off (``BACKOFF``) up to
``MAX_ATTEMPTS``; ``send_due`` (``manage.py daily`` and every few minutes in production, see
docs/operations.md) sends whatever the queue lost. ``send_digests`` sends the daily digests.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from budaya.accounts import audit
from budaya.accounts.models import AuditAction, User
from budaya.events import Event, Settled
from budaya.notifications import kinds, render
from budaya.notifications.models import Delivery, Email, Notification, Preference, Text
from budaya.org.models import Government

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Minutes to wait after the n-th failure: 1, 5, 15, 60, 240.
BACKOFF = (1, 5, 15, 60, 240)
# A worker that took an e-mail and was not heard of again within this time died: the e-mail
# is queued again (docs/notifications.md: at least once then, rather than never).
TAKEN_TOO_LONG = datetime.timedelta(minutes=15)


# --- Texts ---------------------------------------------------------------------------------


def texts_of(government_id: int, kind: str) -> dict[str, Text]:
    """The government's own texts of one kind, by language."""
    return {t.language: t for t in Text.objects.filter(government_id=government_id, kind=kind)}


def text_in_force(kind: kinds.Kind, own: Text | None, language: str) -> tuple[str, str]:
    """Subject and body as written, in the language: the government's own, else the shipped."""
    if own is not None:
        return own.subject, own.body
    with translation.override(language):
        return str(kind.subject), str(kind.body)


def compose(
    kind: kinds.Kind, own: Text | None, language: str, values: dict[str, str]
) -> tuple[str, str]:
    """Subject and body in the language, the event's values filled in."""
    subject, body = text_in_force(kind, own, language)
    subject = render.fill(subject, values, kind.allowed)
    body = render.fill(body, values, kind.allowed)
    # A subject is one line (a header: no line breaks reach the mail server).
    return " ".join(subject.split())[:300], body


# --- Receiving events ----------------------------------------------------------------------


def preference_of(user: Any) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def receive(sender: Any, event: Event, **kwargs: Any) -> None:
    """One notification per recipient of the event's government; e-mails queued at once."""
    government = Government.objects.filter(pk=event.government_id).first()
    if government is None:
        return
    # Only people who hold a role in the event's government hear of it (issue 17's rule).
    recipients = list(
        User.objects.filter(
            pk__in=event.recipient_ids,
            is_active=True,
            role_grants__government_id=event.government_id,
        )
        .distinct()
        .select_related("notification_preference")
    )
    kind = kinds.kind_of(event.kind)
    own = texts_of(government.pk, event.kind)
    values = {
        **event.context,
        "government": government.name,
        "url": absolute(event.url),
        "site": settings.SITE_NAME,
    }
    queued: list[int] = []
    now = timezone.now()
    with transaction.atomic():
        _settle(government, event, now)
        for user in recipients:
            preference = getattr(user, "notification_preference", None) or Preference(user=user)
            subject, body = compose(kind, own.get(preference.language), preference.language, values)
            try:
                with transaction.atomic():
                    Notification.objects.create(
                        government=government,
                        recipient=user,
                        kind=event.kind,
                        key=event.key,
                        url=event.url,
                        subject=subject,
                        body=body,
                        # Only a digest reader's notification waits for the next digest.
                        digested_at=None if preference.delivery == Delivery.DIGEST else now,
                    )
            except IntegrityError:
                continue  # told already: the same event announced again
            forget_counts(user.pk)
            if preference.delivery == Delivery.NOW and user.email:
                email = queue_email(
                    government=government,
                    recipient=user,
                    key=event.key,
                    subject=subject,
                    body=body,
                )
                if email is not None:
                    queued.append(email.pk)
        transaction.on_commit(lambda: enqueue(queued))
    for pk in event.recipient_ids | ({event.actor_id} if event.actor_id else set()):
        forget_counts(pk)


def _settle(government: Government, event: Event, now: datetime.datetime) -> None:
    """The notifications the event's step answers, read: it is done (``kinds.SETTLES``)."""
    asked = kinds.SETTLES.get(event.kind)
    if asked:
        settle_waiting(government.pk, event.url, asked, now)


def on_settled(sender: Any, event: Settled, **kwargs: Any) -> None:
    """``budaya.events.settle``: a step after which notifications are moot (a survey closed)."""
    with transaction.atomic():
        settle_waiting(event.government_id, event.url, event.kinds, timezone.now())


def settle_waiting(
    government_id: int, url: str, asked: Iterable[str], now: datetime.datetime
) -> None:
    """The unread notifications of ``asked`` linking to ``url``, read; a digest reader's that
    has not gone out yet no longer goes."""
    waiting = Notification.objects.filter(
        government_id=government_id, url=url, kind__in=list(asked), read_at__isnull=True
    )
    readers = set(waiting.values_list("recipient_id", flat=True))
    if readers:
        waiting.filter(digested_at__isnull=True).update(digested_at=now)
        waiting.update(read_at=now)
        for pk in readers:
            forget_counts(pk)


def absolute(url: str) -> str:
    base = getattr(settings, "BUDAYA_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def queue_email(
    *, government: Government, recipient: Any, key: str, subject: str, body: str
) -> Email | None:
    """Put one e-mail in the outbox; None if one with this key went to the recipient already."""
    try:
        with transaction.atomic():
            return Email.objects.create(
                government=government,
                recipient=recipient,
                key=key,
                address=recipient.email,
                subject=subject,
                body=body,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None


def enqueue(email_ids: Iterable[int], run_after: datetime.datetime | None = None) -> None:
    from budaya.notifications.tasks import send_email

    task = send_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # ``send_due`` sends it when its time comes
        task = task.using(run_after=run_after)
    for pk in email_ids:
        task.enqueue(pk)


# --- Sending -------------------------------------------------------------------------------


def send_email(email_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one e-mail of the outbox if it is due and nobody else took it; True when sent.

    Taking it is one conditional UPDATE: two workers given the same e-mail never both send it.
    """
    now = now or timezone.now()
    taken = Email.objects.filter(
        pk=email_id,
        status__in=[Email.Status.QUEUED, Email.Status.RETRYING],
        next_attempt_at__lte=now,
    ).update(status=Email.Status.SENDING, taken_at=now)
    if not taken:
        return False
    email = Email.objects.get(pk=email_id)
    attempts = email.attempts + 1
    try:
        EmailMessage(email.subject, email.body, to=[email.address]).send()
    except Exception as error:  # the mail server refused or was away: try again later
        logger.warning("E-mail %s failed (attempt %s): %s", email.pk, attempts, error)
        if attempts >= MAX_ATTEMPTS:
            status, later = Email.Status.FAILED, now
        else:
            status = Email.Status.RETRYING
            later = now + datetime.timedelta(minutes=BACKOFF[attempts - 1])
        Email.objects.filter(pk=email.pk).update(
            status=status,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:500],
            next_attempt_at=later,
            taken_at=None,
        )
        if status == Email.Status.RETRYING:
            enqueue([email.pk], run_after=later)
        return False
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.SENT, attempts=attempts, sent_at=timezone.now(), last_error=""
    )
    return True


def send_due(now: datetime.datetime | None = None) -> int:
    """Send every e-mail whose time has come (a queue lost, a worker died): the sweep."""
    now = now or timezone.now()
    Email.objects.filter(status=Email.Status.SENDING, taken_at__lt=now - TAKEN_TOO_LONG).update(
        status=Email.Status.QUEUED, taken_at=None
    )
    due = Email.objects.filter(
        status__in=[Email.Status.QUEUED, Email.Status.RETRYING], next_attempt_at__lte=now
    ).values_list("pk", flat=True)
    return sum(send_email(pk, now) for pk in list(due))


def send_digests(today: datetime.date) -> int:
    """One e-mail a day to each digest reader with notifications not yet in a digest: key
    ``digest:<date>``, so a second run the same day sends nothing more."""
    pending = (
        Notification.objects.filter(
            digested_at__isnull=True,
            recipient__notification_preference__delivery=Delivery.DIGEST,
            recipient__is_active=True,
            recipient__email__isnull=False,
        )
        .select_related("recipient__notification_preference", "government")
        .order_by("recipient_id", "government_id", "created_at", "pk")
    )
    # One digest per reader and government: each government's e-mails are its own (outbox).
    by_reader: dict[tuple[int, int], list[Notification]] = {}
    for notification in pending:
        key = (notification.recipient_id, notification.government_id)
        by_reader.setdefault(key, []).append(notification)
    queued: list[int] = []
    for items in by_reader.values():
        user = items[0].recipient
        language = user.notification_preference.language
        with translation.override(language):
            subject = _("%(government)s: %(count)s notifications of %(date)s") % {
                "government": items[0].government.name,
                "count": len(items),
                "date": today.strftime("%d-%m-%Y"),
            }
            body = "\n\n".join(f"{item.subject}\n{item.body}" for item in items)
        with transaction.atomic():
            email = queue_email(
                government=items[0].government,
                recipient=user,
                key=f"digest:{today.isoformat()}",
                subject=subject,
                body=body,
            )
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(
                digested_at=timezone.now()
            )
        if email is not None:
            queued.append(email.pk)
    enqueue(queued)
    return len(queued)


# --- Reading -------------------------------------------------------------------------------


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user: Any, *, known: int | None = None) -> int:
    """The bell's number, kept in the cache until a notification arrives or is read; counted
    unless the caller ``known`` it (from the unread it read)."""
    count = (
        known
        if known is not None
        else Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
    )
    cache.set(_unread_key(user.pk), count, settings.BUDAYA_PENDING_CACHE_SECONDS)
    return count


def kept_unread_count(user_id: int) -> int | None:
    count: int | None = cache.get(_unread_key(user_id))
    return count


def forget_counts(user_id: int) -> None:
    """The bell and the menu's counts of this user are computed afresh on the next page."""
    from budaya.navigation import pending_key

    cache.delete_many([_unread_key(user_id), pending_key(user_id)])


def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them without ids). Reading one's own
    notifications changes nothing of a government's record: not audited."""
    mine = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        mine = mine.filter(pk__in=list(notification_ids))
    count = mine.update(read_at=timezone.now())
    forget_counts(user.pk)
    return count


# --- Choices and texts ---------------------------------------------------------------------


@transaction.atomic
def save_preference(
    *, user: Any, delivery: str, language: str, request: HttpRequest | None = None
) -> Preference:
    preference = preference_of(user)
    created = preference.pk is None
    before = None if created else {"delivery": preference.delivery, "language": preference.language}
    preference.delivery, preference.language = delivery, language
    preference.save()
    # A user's own choice belongs to no government: a system-level entry.
    audit.record(
        user,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        preference,
        before,
        {"delivery": delivery, "language": language},
        request,
        government=None,
    )
    return preference


@transaction.atomic
def save_text(
    *,
    government: Government,
    kind: str,
    language: str,
    subject: str,
    body: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Text | None:
    """The government's own wording (both empty: back to the shipped text)."""
    own = Text.objects.filter(government=government, kind=kind, language=language).first()
    before = {"subject": own.subject, "body": own.body} if own else None
    if not subject.strip() and not body.strip():
        if own is not None:
            audit.record(actor, AuditAction.DELETE, own, before, None, request)
            own.delete()
        return None
    own = own or Text(government=government, kind=kind, language=language)
    own.subject, own.body = subject, body
    own.save()
    after = {"subject": subject, "body": body}
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    audit.record(actor, action, own, before, after, request)
    return own
