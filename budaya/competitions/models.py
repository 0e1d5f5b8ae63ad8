"""Competitions and culture fairs of a government, their entries, jury, rubric and results.

The head of government coordinates KBK competitions and culture fairs ("mengkoordinasikan
penyelenggaraan kompetisi/gelar budaya KBK", T Pasal 11; S Pasal 11 ayat (2) huruf c); the city
team organises them. One maturity table counts a "lomba Budaya Kerja" as evidence (S Tabel 2
indicators 3.b and 4.b). Writes go through ``services.py``; the timeline is enforced there by
dates (``Competition.phase``).
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.org.models import TenantModel, Unit

# Scores are given from 1 to MAX_SCORE; a criterion has a descriptor for each.
MAX_SCORE = 5
SCORES = tuple(range(1, MAX_SCORE + 1))


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Not open yet")
    REGISTRATION = "registration", _("Registration")
    SUBMISSION = "submission", _("Submission")
    JUDGING = "judging", _("Judging")
    CLOSED = "closed", _("Judging closed")
    PUBLISHED = "published", _("Results published")


class Competition(TenantModel):
    """A KBK competition, culture fair, innovation competition or role-model award."""

    class Kind(models.TextChoices):
        KBK = "kbk", _("KBK competition")
        FAIR = "fair", _("Culture fair")
        INNOVATION = "innovation", _("Innovation competition")
        ROLE_MODEL = "role_model", _("Role model award")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        "teams.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
    # Who may enter: teams of these kinds, in agencies of these kinds (empty: any).
    team_kinds = models.JSONField(_("team kinds"), default=list, blank=True)
    unit_kinds = models.JSONField(_("agency kinds"), default=list, blank=True)
    # The timeline (all days inclusive).
    opens_on = models.DateField(_("registration opens"))
    registration_closes = models.DateField(_("registration closes"))
    submission_closes = models.DateField(_("submission deadline"))
    judging_closes = models.DateField(_("judging closes"))
    announce_on = models.DateField(_("announcement"))
    winners = models.PositiveSmallIntegerField(_("winners per category"), default=3)
    normalise = models.BooleanField(
        _("show scores normalised per judge (z-score)"),
        default=True,
        help_text=_("Shown beside the raw total; the raw total decides the rank."),
    )
    rules_document = models.ForeignKey(
        "activities.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rules document"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-opens_on", "-pk"]
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "year", "name"], name="competition_name_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def phase(self, today: datetime.date | None = None) -> str:
        """Where the timeline stands on ``today`` (registration → submission → judging →
        announcement)."""
        if self.published_at is not None:
            return Phase.PUBLISHED
        today = today or timezone.localdate()
        if today < self.opens_on:
            return Phase.UPCOMING
        if today <= self.registration_closes:
            return Phase.REGISTRATION
        if today <= self.submission_closes:
            return Phase.SUBMISSION
        if today <= self.judging_closes:
            return Phase.JUDGING
        return Phase.CLOSED

    @property
    def phase_label(self) -> Any:
        return Phase(self.phase()).label

    @property
    def accepts_changes(self) -> bool:
        """Entries may be changed, submitted and withdrawn until the submission deadline."""
        return self.phase() in (Phase.REGISTRATION, Phase.SUBMISSION)

    @property
    def judging_over(self) -> bool:
        return self.phase() in (Phase.CLOSED, Phase.PUBLISHED)


class Category(TenantModel):
    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("name"), max_length=160)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "competition", "name"], name="competition_category_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(TenantModel):
    """A criterion of the rubric: its weight (the weights of a competition sum to 100) and what
    each score from 1 to 5 means."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    # {"1": "...", ..., "5": "..."}
    descriptors = models.JSONField(_("descriptors"), default=dict)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "competition", "name"], name="competition_criterion_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def descriptor_list(self) -> list[tuple[int, str]]:
        return [(score, self.descriptors.get(str(score), "")) for score in SCORES]


class Judge(TenantModel):
    """A member of the jury of one category, with the agencies they declared a conflict of
    interest with. A judge never scores an entry of their own agency nor of a declared one
    (``services.score_entry``)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="judges")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("judge"),
    )
    # Agency ids: the judge's own (from their employee record and grants) and declared ones.
    conflicts = models.JSONField(_("agencies with a conflict of interest"), default=list)
    declaration = models.TextField(_("declaration of conflicts of interest"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category__order", "pk"]
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "category", "user"], name="competition_judge_once"
            )
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Entry(TenantModel):
    """A team's entry: its material (files, links, a short video) and references to activities,
    action plans and evidence already in the system. Withdrawn before the submission deadline,
    frozen after it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="entries")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    # The team's agency, so that unit roles see their own agency's entries.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    evidence = models.ManyToManyField(
        "activities.Evidence", through="EntryEvidence", related_name="+", blank=True
    )
    activities = models.ManyToManyField(
        "activities.Activity", through="EntryActivity", related_name="+", blank=True
    )
    plans = models.ManyToManyField(
        "problems.ActionPlan", through="EntryPlan", related_name="+", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category__order", "unit__path", "pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "competition", "category", "team"],
                name="competition_entry_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class EntryEvidence(TenantModel):
    scope_unit_path = "entry__unit__path"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE)
    evidence = models.ForeignKey("activities.Evidence", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "entry", "evidence"], name="competition_entry_evidence"
            )
        ]


class EntryActivity(TenantModel):
    scope_unit_path = "entry__unit__path"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE)
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "entry", "activity"], name="competition_entry_activity"
            )
        ]


class EntryPlan(TenantModel):
    scope_unit_path = "entry__unit__path"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE)
    plan = models.ForeignKey("problems.ActionPlan", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "entry", "plan"], name="competition_entry_plan"
            )
        ]


class JudgeScore(TenantModel):
    """One judge's score of one entry on one criterion, with a comment."""

    scope_unit_path = "entry__unit__path"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "entry", "judge", "criterion"], name="competition_score_once"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1) & models.Q(value__lte=MAX_SCORE),
                name="competition_score_range",
            ),
        ]


def _token() -> str:
    return secrets.token_urlsafe(24)


class Award(TenantModel):
    """A rank won by an entry, written when the results are published; its certificate is
    verified by ``token`` (the QR code on it)."""

    scope_unit_path = "entry__unit__path"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="awards")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="awards")
    rank = models.PositiveSmallIntegerField(_("rank"))
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    note = models.CharField(_("how the tie was decided"), max_length=300, blank=True)
    token = models.CharField(max_length=40, default=_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry__category__order", "rank", "pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(fields=["government", "entry"], name="competition_award_once"),
            models.UniqueConstraint(fields=["government", "token"], name="competition_award_token"),
        ]
        indexes = [models.Index(fields=["token"])]

    def __str__(self) -> str:
        return f"{self.entry} ({self.rank})"
