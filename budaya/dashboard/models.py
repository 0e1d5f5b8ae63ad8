"""The dashboard's own tables: the maintained rollups of the province and national views
(issue 20 item 5) and the leadership report of a period (issue 20 item 4).

The rollups carry ``government`` (the Citus distribution column): a province sums the rows of
its governments, the country sums the provinces, and no page reads an activity or a report to
do it (docs/dashboard.md, "Province and national views"). ``budaya/dashboard/rollup.py`` keeps
them; ``manage.py rebuild_aggregates`` and ``manage.py daily`` recompute them.

The leadership report is a PDF made in the background from the dashboard's figures and the
monitoring summary, stored with its hash, kept in versions.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.files import GeneratedName
from budaya.monev.models import Period
from budaya.org.models import TenantModel
from budaya.tasks import BackgroundJob


class GovernmentMonth(TenantModel):
    """The activities a government recorded as done in one month: the sum of its
    ``ActivityMonth`` cells, moved by the activity services in the transaction of each change."""

    month = models.DateField(_("month"))  # its first day
    activities = models.PositiveIntegerField(_("activities done"), default=0)

    class Meta:
        verbose_name = _("activities of a government in a month")
        verbose_name_plural = _("activities of a government in a month")
        constraints = [
            models.UniqueConstraint(fields=["government", "month"], name="government_month_unique")
        ]
        indexes = [models.Index(fields=["month"], name="government_month_month")]


class GovernmentPeriod(TenantModel):
    """One monitoring period of a government in figures: the agencies expected to report, how
    many reports stand in each status of the completeness board, how many were submitted by the
    deadline, and the sums of the maturity levels claimed and verified (S Pasal 11, S Tabel 2).
    Recomputed from the period's ``ReportSummary`` lines (at most one per agency) after every
    write that changes one of them."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    # Copied from the period, so the national view filters and groups without a join.
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Period.Kind.choices)
    deadline = models.DateField(_("deadline"))
    agencies = models.PositiveIntegerField(_("agencies expected"), default=0)
    not_started = models.PositiveIntegerField(_("not started"), default=0)
    draft = models.PositiveIntegerField(_("draft"), default=0)
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    returned = models.PositiveIntegerField(_("returned"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    on_time = models.PositiveIntegerField(_("submitted by the deadline"), default=0)
    claimed_total = models.PositiveIntegerField(_("sum of the levels claimed"), default=0)
    claimed_count = models.PositiveIntegerField(_("reports with a level claimed"), default=0)
    verified_total = models.PositiveIntegerField(_("sum of the levels verified"), default=0)
    verified_count = models.PositiveIntegerField(_("reports with a level verified"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed"), auto_now=True)

    class Meta:
        verbose_name = _("monitoring period of a government in figures")
        verbose_name_plural = _("monitoring periods of governments in figures")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "period"], name="government_period_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "kind"], name="government_period_year")]


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
