"""Monitoring and evaluation (capability 8): periods, agency reports in the shape of S Tabel 1,
their frozen versions with hashes, the maturity self-assessment of S Tabel 2, the evaluation
instrument, the city report and the reminders.

Every rule comes from the government's rulebook (``budaya/rulebook``): the form's columns and row
groups, the maturity indicators (if any), the evaluation areas, the workflow (the approval
chain, ``rules.chain_moves``, enforced only in ``services.transition``), the signatories, the
default deadline and the reminders. A period stores the rulebook version it was made under.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.activities.models import Activity, Evidence
from budaya.org.models import Government, TenantModel, Unit


class MonevSetting(TenantModel):
    """No longer read (issue 18): the default deadline is the rulebook's ``monev.deadline``, and
    the monitoring page's deadline form writes the rulebook's next version. Kept so the rows
    made before stay readable in the audit trail."""

    deadline_month = models.PositiveSmallIntegerField(_("deadline month"), default=8)
    deadline_day = models.PositiveSmallIntegerField(_("deadline day"), default=31)

    class Meta:
        verbose_name = _("monitoring setting")
        verbose_name_plural = _("monitoring settings")
        constraints = [
            models.UniqueConstraint(fields=["government"], name="monev_setting_per_government")
        ]

    def deadline_for(self, year: int) -> datetime.date:
        return datetime.date(year, self.deadline_month, self.deadline_day)


def default_deadline(government: Government, year: int) -> datetime.date:
    """The default deadline of the yearly report: the government's rulebook's."""
    from budaya.rulebook.selectors import current_rulebook

    return current_rulebook(government).monev.deadline.for_year(year)


class Period(TenantModel):
    """A monitoring period (S Pasal 11(2)): yearly (berkala) or special (khusus)."""

    class Kind(models.TextChoices):
        BERKALA = "berkala", _("Yearly (berkala)")
        KHUSUS = "khusus", _("Special (khusus)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("activities from"))
    ends_on = models.DateField(_("activities until"))
    deadline = models.DateField(_("deadline"))
    closed = models.BooleanField(_("closed"), default=False)
    # The rulebook version the period was made under: its form, maturity, chain and signatories
    # apply to its reports for good (issue 18). Null: no rulebook was loaded (the starter).
    rulebook_version = models.ForeignKey(
        "rulebook.RulebookVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("rulebook version"),
    )
    units = models.ManyToManyField(
        Unit,
        through="PeriodUnit",
        related_name="+",
        blank=True,
        verbose_name=_("agencies"),
        help_text=_("Empty: every agency."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-deadline", "-pk"]
        verbose_name = _("monitoring period")
        verbose_name_plural = _("monitoring periods")
        constraints = [
            models.UniqueConstraint(fields=["government", "title"], name="monev_period_title"),
            models.UniqueConstraint(
                fields=["government", "year"],
                condition=models.Q(kind="berkala"),
                name="monev_one_yearly_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def agencies(self) -> models.QuerySet[Unit]:
        """The agencies that report in this period."""
        chosen = Unit.objects.filter(
            government=self.government, pk__in=self.unit_links.values("unit_id")
        )
        if self.kind == self.Kind.KHUSUS and chosen.exists():
            return chosen.order_by("path")
        return Unit.objects.filter(
            government=self.government, parent__isnull=True, active_to__isnull=True
        ).order_by("path")

    def days_left(self, today: datetime.date) -> int:
        return (self.deadline - today).days


class PeriodUnit(TenantModel):
    scope_unit_path = ""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "period", "unit"], name="monev_period_unit"
            )
        ]


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")
    CONSOLIDATED = "consolidated", _("Consolidated")
    FORWARDED = "forwarded", _("Forwarded")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


# The report's workflow is the government's approval chain (``rules.chain_moves``), read from the
# rulebook the period was made under; ``services.transition`` alone enforces it.

# States in which the agency may still change its working copy.
EDITABLE = frozenset({State.DRAFT})
# States whose version is frozen (submitted and after).
FROZEN = frozenset(
    {
        State.SUBMITTED,
        State.RETURNED,
        State.ACCEPTED,
        State.CONSOLIDATED,
        State.FORWARDED,
        State.ACKNOWLEDGED,
    }
)


class Report(TenantModel):
    """One agency's report for one period (S Lampiran E, Tabel 1): the working copy (rows and
    maturity answers) and its state; the frozen versions are ``ReportVersion``."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="monev_reports")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    place = models.CharField(_("place"), max_length=80, blank=True)
    signatory_name = models.CharField(_("team chair"), max_length=200, blank=True)
    signatory_nip = models.CharField(_("NIP of the team chair"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The last person who changed the working copy: the unit head approves someone else's work.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "unit__path"]
        verbose_name = _("agency report")
        verbose_name_plural = _("agency reports")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "period", "unit"], name="monev_report_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.period.title}"

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE


class ReportRow(TenantModel):
    """One row of the report form under one of the rulebook's row groups (``indicator`` holds the
    group's number); ``key`` stays the same across versions, so comments and the diff follow a
    row."""

    scope_unit_path = "report__unit__path"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="rows")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    order = models.PositiveIntegerField(_("order"), default=0)
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    when = models.CharField(_("time of implementation"), max_length=120)
    activity_title = models.CharField(_("activity"), max_length=300)
    form = models.TextField(_("form, media or equipment used"), blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    solutions = models.TextField(_("efforts to solve the problems"), blank=True)
    evidence = models.ManyToManyField(Evidence, through="RowEvidence", related_name="+", blank=True)

    class Meta:
        ordering = ["indicator", "order", "pk"]
        verbose_name = _("report row")
        verbose_name_plural = _("report rows")
        constraints = [
            models.UniqueConstraint(fields=["government", "report", "key"], name="monev_row_key")
        ]


class RowActivity(TenantModel):
    """One of the activities a grouped row stands for (issue 19: "Apel pagi: 233 kali,
    Januari–Desember" as one row). A row made from a single activity keeps it in
    ``ReportRow.activity``; a row made from a group links each of its activities here."""

    scope_unit_path = "row__report__unit__path"

    row = models.ForeignKey(ReportRow, on_delete=models.CASCADE, related_name="activity_links")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "row", "activity"], name="monev_row_activity"
            )
        ]


class RowEvidence(TenantModel):
    """Evidence linked (not copied) to a row."""

    scope_unit_path = "row__report__unit__path"

    row = models.ForeignKey(ReportRow, on_delete=models.CASCADE, related_name="evidence_links")
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "row", "evidence"], name="monev_row_evidence"
            )
        ]


class MaturityAnswer(TenantModel):
    """The rulebook's maturity table: the agency's yes/no on one evidence item of one indicator,
    and the city team's verified answer with its reason when it differs."""

    scope_unit_path = "report__unit__path"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="maturity")
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    item = models.CharField(_("item"), max_length=1)
    answer = models.BooleanField(_("agency answer"), null=True)
    note = models.TextField(_("note"), blank=True)
    verified = models.BooleanField(_("verified answer"), null=True)
    reason = models.TextField(_("reason for the change"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ManyToManyField(
        Evidence, through="MaturityEvidence", related_name="+", blank=True
    )

    class Meta:
        ordering = ["indicator", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "report", "indicator", "item"], name="monev_maturity_item"
            )
        ]


class MaturityEvidence(TenantModel):
    scope_unit_path = "answer__report__unit__path"

    answer = models.ForeignKey(
        MaturityAnswer, on_delete=models.CASCADE, related_name="evidence_links"
    )
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "answer", "evidence"], name="monev_maturity_evidence"
            )
        ]


class ReportVersion(TenantModel):
    """A frozen version (made at submission): the canonical serialisation and its SHA-256.
    Never updated; a returned report is revised as the next version."""

    scope_unit_path = "report__unit__path"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    canonical = models.TextField(_("canonical content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "report", "number"], name="monev_version_number"
            )
        ]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise ValueError("A submitted report version never changes.")
        super().save(*args, **kwargs)

    def verify(self) -> bool:
        return hashlib.sha256(self.canonical.encode()).hexdigest() == self.sha256


class CitedActivity(TenantModel):
    """An activity that a row of a submitted version was made from, and when that activity had
    last changed at the submission (issue 17). While a version cites it, the activity cannot be
    deleted (the service refuses, Django's delete raises RestrictedError, and the foreign key
    keeps the database from it); an edit made after the submission shows on the row as changed
    since submitted. The version itself never changes."""

    scope_unit_path = "version__report__unit__path"

    version = models.ForeignKey(
        ReportVersion, on_delete=models.CASCADE, related_name="cited_activities"
    )
    row_key = models.UUIDField()
    activity = models.ForeignKey(Activity, on_delete=models.RESTRICT, related_name="citations")
    activity_changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("activity cited by a report")
        verbose_name_plural = _("activities cited by reports")
        constraints = [
            # A grouped row cites each of its activities.
            models.UniqueConstraint(
                fields=["government", "version", "row_key", "activity"],
                name="monev_cited_activity",
            )
        ]


class ReviewComment(TenantModel):
    """The city team's comment on one row (by key) of one version, given with a return."""

    scope_unit_path = "report__unit__path"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    version = models.PositiveSmallIntegerField(_("version"))
    row_key = models.UUIDField(null=True, blank=True)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "pk"]


class Transition(TenantModel):
    """The log of moves of a report (who, when, from, to, version)."""

    scope_unit_path = "report__unit__path"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=20, choices=State.choices)
    target = models.CharField(max_length=20, choices=State.choices)
    version = models.PositiveSmallIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class CityState(models.TextChoices):
    """Where a version of the city report stands on the leadership's part of the chain."""

    CONSOLIDATED = "consolidated", _("Consolidated")
    FORWARDED = "forwarded", _("Forwarded")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    # Sent back to the city team (by the step whose ``may_return_to`` names ``consolidate``):
    # the city team consolidates the next version.
    RETURNED = "returned", _("Returned to the city team")


class CityReport(TenantModel):
    """One version of the period's city report (S Pasal 9(3)(d)): the city team's consolidation
    of every agency report of the period accepted so far, with the hashes of the versions it
    holds and its own hash. The period has one city report; each consolidation is its next
    version (``number``); the latest version is the one the leadership acts on."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="city_reports")
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    state = models.CharField(
        _("state"), max_length=20, choices=CityState.choices, default=CityState.CONSOLIDATED
    )
    # The head of government's disposition (S Pasal 11(2)(a): "arahan"), with the directions
    # that became follow-ups (``FollowUp``).
    disposition = models.TextField(_("disposition"), blank=True)
    canonical = models.TextField()
    sha256 = models.CharField(max_length=64)
    place = models.CharField(_("place"), max_length=80, blank=True)
    signatory_name = models.CharField(_("team chair"), max_length=200, blank=True)
    signatory_nip = models.CharField(_("NIP of the team chair"), max_length=30, blank=True)
    consolidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    consolidated_at = models.DateTimeField(auto_now_add=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    forwarded_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period", "number"]
        # How the audit trail names it ("City report CityReport object (6)" on an Indonesian page).
        verbose_name = _("government report")
        verbose_name_plural = _("government reports")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "period", "number"], name="monev_city_report_number"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.number}"  # its version: the trail reads "Laporan pemerintah daerah v6"

    def verify(self) -> bool:
        return hashlib.sha256(self.canonical.encode()).hexdigest() == self.sha256


class CityStep(TenantModel):
    """The log of the leadership's part of the chain on one version of the city report: who
    forwarded, acknowledged or returned it, when, with which note (the reason of a return)."""

    city = models.ForeignKey(CityReport, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=20)
    source = models.CharField(max_length=20, choices=CityState.choices)
    target = models.CharField(max_length=20, choices=CityState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class FollowUp(TenantModel):
    """A direction of the head of government's disposition, assigned to one agency with a due
    date and tracked to done with evidence (S Lampiran D: reports go up "untuk kemudian dapat
    ditindaklanjuti"; T Pasal 11 a: "arahan"). Done follow-ups are evidence of the maturity item
    the rulebook marks (S Tabel 2 indicator 4 b) in the agency's next report."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not done yet")
        DONE = "done", _("Done")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="follow_ups")
    city = models.ForeignKey(CityReport, on_delete=models.PROTECT, related_name="follow_ups")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="monev_follow_ups")
    text = models.TextField(_("direction"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_note = models.TextField(_("what was done"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ManyToManyField(
        Evidence, through="FollowUpEvidence", related_name="+", blank=True
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.text

    def overdue(self, today: datetime.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


class FollowUpEvidence(TenantModel):
    scope_unit_path = "follow_up__unit__path"

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="evidence_links")
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "follow_up", "evidence"], name="monev_follow_up_evidence"
            )
        ]


class Instrument(TenantModel):
    """A government's evaluation instrument (S Pasal 11(4); T Lampiran II II.3)."""

    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["government", "name"], name="monev_instrument_name")
        ]

    def __str__(self) -> str:
        return self.name


class Question(TenantModel):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="questions")
    area_code = models.CharField(_("area"), max_length=10)
    area = models.CharField(_("evaluation area"), max_length=300)
    text = models.TextField(_("question"))
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=4)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]


class Score(TenantModel):
    """The agency's score on one question of the instrument, and the city team's verified one."""

    scope_unit_path = "report__unit__path"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="scores")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("agency score"), null=True, blank=True)
    verified = models.PositiveSmallIntegerField(_("verified score"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "report", "question"], name="monev_score_once"
            )
        ]


class Reminder(TenantModel):
    """A deadline reminder sent to one agency for one period: once per number of days before."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "period", "unit", "days_before"], name="monev_reminder_once"
            )
        ]


class ReportSummary(TenantModel):
    """Maintained aggregate: one line per agency report with what the board and the maturity
    overview show (state, dates, the Tabel 2 figures per indicator, the instrument's totals),
    so those pages read one row per agency instead of the reports, their answers and scores.
    ``aggregates.refresh`` rewrites it in the transaction of every service that changes them;
    ``aggregates.rebuild`` recomputes a government's from the rows."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    changed_at = models.DateTimeField(_("last step"), null=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True)
    # The maturity table, per indicator of the rulebook (keys: the indicator's number): how
    # many of its evidence items the agency answered yes, and the city team verified yes (an
    # indicator is absent from ``verified_items`` until all its items are verified).
    own_items = models.JSONField(default=dict)
    verified_items = models.JSONField(default=dict)
    own_level = models.PositiveSmallIntegerField(_("level"), default=0)
    verified_level = models.PositiveSmallIntegerField(_("verified level"), null=True)
    # The instrument: the sums of the agency's and the verified scores (None while none is
    # given) and of the questions' highest scores.
    score = models.PositiveIntegerField(_("score"), null=True)
    verified_score = models.PositiveIntegerField(_("verified score"), null=True)
    max_score = models.PositiveIntegerField(_("highest score"), default=0)

    class Meta:
        verbose_name = _("report summary")
        verbose_name_plural = _("report summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "period", "unit"], name="monev_summary_per_agency"
            ),
            models.UniqueConstraint(fields=["government", "report"], name="monev_summary_report"),
        ]

    def per_indicator(self) -> list[tuple[int, int, int | None]]:
        """(indicator, items answered yes, items verified yes) for every indicator of the
        report's maturity table."""
        return [
            (int(number), own, self.verified_items.get(number))
            for number, own in sorted(self.own_items.items(), key=lambda item: int(item[0]))
        ]
