"""Behaviour surveys and 360 rounds (issue 22; S Pasal 10(1), S Tabel 3, T Lampiran II II.1.e).

Anonymity is a property of the tables, not only of the pages (docs/surveys.md):

- ``Invitation`` knows who was asked and whether they answered, never what; while a person
  answers, their unsent answers sit in ``draft`` (resumable), emptied when they submit.
- ``Response`` has no person, no invitation, no time and a random key: only the survey, the
  group it is counted in (a unit with at least k people invited, or a rater group) and the
  answers. When the survey closes, each response is moved up to the group its figures are shown
  in, and the answers of a survey too small to show anything are deleted.
- ``Tally`` is the maintained aggregate a response adds to; ``Figure`` the released figures,
  written once when the survey closes, which every page and export reads.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.frameworks.models import CoreValue, FrameworkVersion
from budaya.org.models import Employee, TenantModel, Unit
from budaya.surveys.anonymity import DEFAULT_K, MAX_K, MIN_K


class Scale(models.TextChoices):
    # PermenPAN-RB 6/2022: behaviour below, as, above expectation.
    EXPECTATION = "expectation", _("Below / as / above expectation (PermenPAN-RB 6/2022)")
    AGREE_5 = "agree5", _("Agreement 1–5")
    AGREE_7 = "agree7", _("Agreement 1–7")


SCALE_POINTS = {Scale.EXPECTATION: 3, Scale.AGREE_5: 5, Scale.AGREE_7: 7}


class Relation(models.TextChoices):
    """Who a person is to the survey: a pulse's member, or a rater of a 360 round. ``other`` and
    ``raters`` are the pooled groups a response is stored in when a rater group has fewer than
    k people invited."""

    MEMBER = "member", _("Member")
    SELF = "self", _("Self")
    SUPERIOR = "superior", _("Superior")
    PEER = "peer", _("Peer")
    SUBORDINATE = "subordinate", _("Subordinate")
    OTHER = "other", _("Other raters")
    RATERS = "raters", _("All raters")


class SurveyPolicy(TenantModel):
    """A government's thresholds: k, and how many peers and subordinates rate in a 360 round."""

    k = models.PositiveSmallIntegerField(
        _("minimum group size (k)"),
        default=DEFAULT_K,
        validators=[MinValueValidator(MIN_K), MaxValueValidator(MAX_K)],
    )
    peers = models.PositiveSmallIntegerField(
        _("peers per 360 round"), default=5, validators=[MaxValueValidator(20)]
    )
    subordinates = models.PositiveSmallIntegerField(
        _("subordinates per 360 round"), default=5, validators=[MaxValueValidator(20)]
    )

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")
        constraints = [
            models.UniqueConstraint(fields=["government"], name="survey_policy_per_government")
        ]


class NationalIndex(models.Model):
    """The national Indeks BerAKHLAK of a year, a reference figure kept as data with its source."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    value = models.DecimalField(_("index"), max_digits=5, decimal_places=1)
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("national index")
        verbose_name_plural = _("national indices")

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class Questionnaire(TenantModel):
    """A questionnaire made from an adopted framework version. Versioned: once a survey has
    opened with it, it is never changed; editing it makes the next version (``previous``)."""

    name = models.CharField(_("name"), max_length=200)
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, verbose_name=_("framework version")
    )
    scale = models.CharField(_("scale"), max_length=12, choices=Scale.choices)
    comments = models.BooleanField(_("optional comment"), default=True)
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions"
    )
    locked = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "-number"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def points(self) -> int:
        return SCALE_POINTS[Scale(self.scale)]


class Item(TenantModel):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    value = models.ForeignKey(CoreValue, on_delete=models.PROTECT, verbose_name=_("value"))
    text_id = models.TextField(_("text (Indonesian)"), max_length=600)
    text_en = models.TextField(_("text (English)"), max_length=600, blank=True)
    # Where the text came from: "guide:<id>", "manifestation:<id>" or "" (written here).
    origin = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        ordering = ["order"]

    def text(self, language: str | None) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_id


class Survey(TenantModel):
    class Kind(models.TextChoices):
        PULSE = "pulse", _("Pulse")
        ROUND_360 = "360", _("360 round")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("questionnaire"),
    )
    # A pulse: the unit (and everything below it) asked, or none for the whole government.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("unit"),
        related_name="+",
    )
    # A 360 round: the employee rated.
    subject = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("employee rated"),
        related_name="+",
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    # The government's k when the survey opened; never lowered afterwards.
    k = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "title"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["government", "status", "closes_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def year(self) -> int:
        return self.opens_on.year


class Invitation(TenantModel):
    """Who was asked and whether they answered (never what, never when)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(max_length=12, choices=Relation.choices)
    # The tally the answers go to, chosen when the survey opened (a group of at least k people
    # invited, or a pooled rater group): no finer than what the response itself keeps.
    cell = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    group = models.CharField(max_length=12, choices=Relation.choices)
    answered = models.BooleanField(default=False)
    # The person's answers until they submit: {item id: point}, and "comment".
    draft = models.JSONField(default=dict, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "survey", "employee"], name="survey_invitation_once"
            )
        ]
        indexes = [
            models.Index(fields=["government", "employee", "answered"]),
            # The answer page finds the employee's invitation to a survey (issue 22, Deliver 8).
            models.Index(fields=["employee", "survey"], name="survey_invitation_mine"),
        ]


class Response(TenantModel):
    """Answers without a person: a random key, no time, no link to the invitation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # The group it is counted in (a pulse), or none (a 360 round).
    cell = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    relation = models.CharField(max_length=12, choices=Relation.choices)
    answers = models.JSONField(default=dict)
    comment = models.TextField(blank=True, max_length=1000)


class Tally(TenantModel):
    """The maintained aggregate of one group: people invited, answers, and per item how many
    chose each point (``counts``: {item id: [count of point 1, ..., count of point n]})."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    cell = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    relation = models.CharField(max_length=12, choices=Relation.choices)
    invited = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)

    class Meta:
        # Answering finds its tally by group (issue 22, Deliver 8).
        indexes = [models.Index(fields=["survey", "cell", "relation"], name="survey_tally_group")]


class Figure(TenantModel):
    """A released group of a closed survey: what pages and exports show (``anonymity.release``).

    ``values``: {value id: {"mean", "index", "distribution": [...]}}; ``comments`` in an order
    that says nothing about when they were written."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    relation = models.CharField(max_length=12, choices=Relation.choices)
    depth = models.PositiveSmallIntegerField(default=0)
    # False: fewer than k answers, or rolled up into the parent; only participation is shown.
    shown = models.BooleanField(default=False)
    invited = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    values = models.JSONField(default=dict)
    index = models.FloatField(null=True)
    comments = models.JSONField(default=list)

    class Meta:
        ordering = ["depth", "unit__path", "relation"]

    @property
    def participation(self) -> float | None:
        return self.answered / self.invited * 100 if self.invited else None

    @property
    def group(self) -> str:
        """How pages and exports name the group: its unit, else who answered. A pulse's whole
        group is everyone asked, not "Anggota" (its members' relation)."""
        if self.unit_id and self.unit is not None:
            return self.unit.name
        if self.relation == Relation.MEMBER:
            return str(_("Everyone asked"))
        return self.get_relation_display()

    @property
    def low_participation(self) -> bool:
        rate = self.participation
        return rate is not None and rate < 60


class Commitment(TenantModel):
    """An employee's signature under the declaration of the values of their government or agency
    (``programme.Declaration``, S Lampiran C.2): the date and the very text signed (the values
    and the agency's slogan as they read that day). It ends only when a newer declaration of the
    same place asks for a new signature."""

    declaration = models.ForeignKey(
        "programme.Declaration", on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    text = models.TextField()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "declaration", "employee"], name="commitment_once"
            )
        ]


class TwibbonConfirmation(TenantModel):
    """An employee wore the month's twibbon on the 17th (S Lampiran C.3.e), optionally with a
    photo stored as evidence (docs/evidence.md)."""

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    photo = models.ForeignKey(
        "activities.Evidence", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("twibbon confirmation")
        verbose_name_plural = _("twibbon confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "employee", "month"], name="twibbon_once_a_month"
            )
        ]
