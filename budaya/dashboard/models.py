"""The leadership report of a period (issue 20 item 4): a PDF made in the background from the
dashboard's figures and the monitoring summary, stored with its hash, kept in versions."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.files import GeneratedName
from budaya.org.models import TenantModel
from budaya.tasks import BackgroundJob


class LeadershipReport(TenantModel, BackgroundJob):
    """One version of a period's leadership report. Asking again makes the next version; the
    earlier ones stay, each with its file and the SHA-256 of its bytes, which the report's page
    (what the QR code opens) checks again.

    Made by the task runner (``budaya.tasks``): queued in the database in production, so a
    restart does not lose it; a version whose runner died is marked failed and can be tried
    again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the background worker")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    period = models.ForeignKey(
        "monev.Period", on_delete=models.PROTECT, related_name="+", verbose_name=_("period")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(
        _("file"),
        upload_to=GeneratedName("leadership", "file", ("pdf",)),
        max_length=255,
        blank=True,
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    # Scheme and host of the request that asked for it: the QR code and the links of the
    # document are absolute (the task has no request).
    base_url = models.CharField(max_length=200, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    RUNNING = (Status.QUEUED, Status.RUNNING)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("leadership report")
        verbose_name_plural = _("leadership reports")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "period", "number"], name="leadership_report_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period.title} · {self.number}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def filename(self) -> str:
        return f"laporan-pimpinan-{self.period.year}-{self.period_id}-v{self.number}"

    def stored_hash(self) -> str:
        """The SHA-256 of the stored file as it is now ("" without a file)."""
        if not self.file:
            return ""
        digest = hashlib.sha256()
        with self.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def verify(self) -> bool:
        """Whether the stored file is still the one made (its hash unchanged)."""
        return bool(self.sha256) and self.stored_hash() == self.sha256
