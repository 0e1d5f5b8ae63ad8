"""Asking for the leadership report of a period, and making it in the background (issue 20
item 4). Every write is audited in its transaction; the PDF is made by the task runner
(``budaya.tasks``, docs/dashboard.md)."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budaya import events, tasks
from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.dashboard import selectors
from budaya.dashboard.models import LeadershipReport
from budaya.monev.models import Period

log = logging.getLogger(__name__)

WORKER_STOPPED = gettext_lazy(
    "The background worker stopped before the report was made. Try again."
)
NOT_MADE = gettext_lazy(
    "The report could not be made. Try again; if it fails again, tell the operator."
)
NO_LONGER_ALLOWED = gettext_lazy(
    "The user who asked for it no longer reads every agency of the government."
)


class ReportStateError(Exception):
    pass


def _enqueue(report: LeadershipReport) -> None:
    from budaya.dashboard import tasks as dashboard_tasks

    transaction.on_commit(lambda: tasks.enqueue(dashboard_tasks.make_leadership_report, report))


@transaction.atomic
def request_report(
    *,
    period: Period,
    actor: Any,
    base_url: str,
    request: HttpRequest | None = None,
) -> LeadershipReport:
    """Queue the next version of the period's leadership report. Only a user who reads every
    agency of the government (city administrator, leadership) may ask."""
    government = period.government
    if not selectors.sees_city(actor, government):
        raise PermissionDenied
    # One version number per request, even for two clicks at once: the period is locked.
    Period.objects.select_for_update().filter(pk=period.pk).exists()
    latest = LeadershipReport.objects.filter(government=government, period=period).aggregate(
        latest=Max("number")
    )["latest"]
    report = LeadershipReport.objects.create(
        government=government,
        period=period,
        number=(latest or 0) + 1,
        requested_by=actor,
        base_url=base_url[:200],
    )
    audit.record(
        actor,
        AuditAction.CREATE,
        report,
        after=audit.snapshot(report, ["period", "number", "status"]),
        request=request,
    )
    _enqueue(report)
    return report


@transaction.atomic
def retry_report(
    *, report: LeadershipReport, actor: Any, request: HttpRequest | None = None
) -> LeadershipReport:
    """Make a failed version again (its worker died, or the rendering failed)."""
    if not selectors.sees_city(actor, report.government):
        raise PermissionDenied
    locked = LeadershipReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != LeadershipReport.Status.FAILED:
        raise ReportStateError(
            _("This report is %(status)s; only a failed report can be tried again.")
            % {"status": locked.get_status_display()}
        )
    locked.status, locked.error = LeadershipReport.Status.QUEUED, ""
    locked.save(update_fields=["status", "error"])
    audit.record(
        actor,
        AuditAction.UPDATE,
        locked,
        before={"status": LeadershipReport.Status.FAILED},
        after={"status": LeadershipReport.Status.QUEUED},
        request=request,
    )
    _enqueue(locked)
    return locked


def _end(report: LeadershipReport, status: str, **fields: Any) -> None:
    """The run's last write and its audit entry (the system's: no user acts here)."""
    with transaction.atomic():
        locked = LeadershipReport.objects.select_for_update().get(pk=report.pk)
        before = locked.status
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = status
        locked.finished_at = timezone.now()
        locked.save()
        after: dict[str, Any] = {"status": status}
        if status == LeadershipReport.Status.READY:
            after |= {"sha256": locked.sha256, "pages": locked.pages}
        audit.record(None, AuditAction.UPDATE, locked, before={"status": before}, after=after)
        if status == LeadershipReport.Status.READY:
            events.announce(
                kind="dashboard.leadership_report.ready",
                government_id=locked.government_id,
                recipient_ids=[locked.requested_by_id],
                url=reverse("dashboard:report", args=[locked.government.slug, locked.pk]),
                key=f"leadership_report:{locked.pk}:ready",
                context={"period": locked.period.title, "version": locked.number},
            )


def make_report(report_id: int) -> None:
    """Render the PDF (a background task) and store it with its hash."""
    from budaya.dashboard import leadership

    report = LeadershipReport.objects.select_related("government", "period", "requested_by").get(
        pk=report_id
    )
    with tasks.running(report):
        # Taken under the lock: a version already made (a task given twice) is left alone.
        with transaction.atomic():
            taken = LeadershipReport.objects.filter(
                pk=report.pk, status=LeadershipReport.Status.QUEUED
            ).update(status=LeadershipReport.Status.RUNNING)
        if not taken:
            return
        if not selectors.sees_city(report.requested_by, report.government):
            _end(report, LeadershipReport.Status.FAILED, error=str(NO_LONGER_ALLOWED))
            return
        try:
            data, pages = leadership.pdf(report, today=timezone.localdate())
        except Exception:
            log.exception("leadership report %s not made", report.pk)
            _end(report, LeadershipReport.Status.FAILED, error=str(NOT_MADE))
            return
        _end(
            report,
            LeadershipReport.Status.READY,
            file=ContentFile(data, name="laporan-pimpinan.pdf"),
            sha256=hashlib.sha256(data).hexdigest(),
            pages=pages,
            error="",
        )


def fail_interrupted(reports: Any) -> int:
    """Mark failed the versions whose worker died while they waited or were made (they would
    say "Being made" for ever); run by the pages that show them. Returns how many."""
    ended = 0
    for report in reports.filter(status__in=LeadershipReport.RUNNING).exclude(runner=""):
        if not report.runner_died():
            continue
        with transaction.atomic():
            locked = LeadershipReport.objects.select_for_update().get(pk=report.pk)
            if not locked.is_running or locked.runner != report.runner:
                continue  # finished, or tried again, meanwhile
            before = locked.status
            locked.status, locked.error = LeadershipReport.Status.FAILED, str(WORKER_STOPPED)
            locked.save(update_fields=["status", "error"])
            audit.record(
                None,
                AuditAction.UPDATE,
                locked,
                before={"status": before},
                after={"status": locked.status},
            )
        ended += 1
    return ended
