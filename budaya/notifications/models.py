"""Notifications (in the app), the e-mail outbox, each user's choice of delivery and the texts a
government edits (issue 20, docs/notifications.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.org.models import TenantModel


class Delivery(models.TextChoices):
    NOW = "now", _("E-mail at once")
    DIGEST = "digest", _("One e-mail a day (digest)")
    APP = "app", _("In the app only")


class Preference(models.Model):
    """How one user wants to hear of workflow events, and in which language (a user belongs to
    no single government: like users, a reference table)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    delivery = models.CharField(
        _("notifications by e-mail"), max_length=10, choices=Delivery.choices, default=Delivery.NOW
    )
    language = models.CharField(
        _("language of the e-mails"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.delivery}"


class Notification(TenantModel):
    """One event told to one recipient: the text as rendered when it happened, in the
    recipient's language. ``key`` is the event's idempotency key: never twice per recipient."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=80)
    key = models.CharField(max_length=200)
    url = models.CharField(max_length=500)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # When the notification went out in a digest e-mail; None while it waits for the next digest
    # (set at once for those who chose e-mail at once or the app only).
    digested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "recipient", "key"], name="notification_once"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class Email(TenantModel):
    """The outbox: one e-mail to one recipient, sent by the task runner exactly once (``key``
    unique per recipient), retried with back-off when the mail server fails."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Waiting to retry")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    key = models.CharField(max_length=200)
    address = models.EmailField(_("address"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # Not before this moment (the back-off after a failure).
    next_attempt_at = models.DateTimeField(_("next attempt"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When a worker took it (SENDING): a worker that died is seen by the age of this.
    taken_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        # Government.email is the letterhead's address: the outbox is reached by another name.
        default_related_name = "outbox_emails"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        constraints = [
            models.UniqueConstraint(fields=["government", "recipient", "key"], name="email_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.address}: {self.subject}"


class Text(TenantModel):
    """A government's own wording of one kind of notification in one language; without one,
    the shipped text (``kinds.py``) applies. Plain placeholders only (``{title}``)."""

    kind = models.CharField(_("kind"), max_length=80)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["government", "kind", "language"]
        verbose_name = _("notification text")
        verbose_name_plural = _("notification texts")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "kind", "language"], name="notification_text_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"
