"""The maintained rollups of the province and national views (issue 20 item 5).

Both tables carry ``government`` (the Citus distribution column): a province sums the rows of
its governments, the country sums the provinces, and no page reads an activity or a report to
do it (docs/dashboard.md, "Province and national views"). ``budaya/dashboard/rollup.py`` keeps
them; ``manage.py rebuild_aggregates`` and ``manage.py daily`` recompute them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.monev.models import Period
from budaya.org.models import TenantModel


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
