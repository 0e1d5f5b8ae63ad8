"""The culture programme of a government and of each agency, per year (capability 5).

Its stages, their steps and texts, and the checklists it is checked against are the government's
rulebook (``programme`` section, issue 18): T Lampiran II II.1–II.3 and IV for one regulation,
S Lampiran C.1–C.2 for another, the starter's neutral stages for a government without its own.
A programme keeps the rulebook version it was started under (``rulebook_version``), so its pages
read the same stages after the government loads a new version. What the programme records
(scorecard, declaration, socialisations, institutional changes, sensitive areas) are tools any
government's stages may use; they cite no regulation of their own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from budaya.frameworks.models import BehaviourManifestation, CoreValue
from budaya.org.models import Employee, TenantModel, TenantQuerySet, Unit


class ProgrammeQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, roles: Any = None) -> Any:
        """Agency programmes as every tenant model (unit roles: their agency subtree); the
        city-wide programme is the government's own and read by every role in it."""
        scoped = super().visible_to(user, roles)
        if user is None or not getattr(user, "is_authenticated", False):
            return scoped
        scope = user.tenant_scope(roles)
        if scope.all_content or not scope.subtrees:
            return scoped
        return scoped | self.filter(unit__isnull=True, government_id__in=scope.member_governments)


ProgrammeManager = models.Manager.from_queryset(ProgrammeQuerySet)


class Programme(TenantModel):
    """One year of the culture programme: city-wide (no unit) or of one agency."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("agency"),
        help_text=_("Empty for the city-wide programme of the government."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The rulebook the programme was started under (issue 18, item 5): its stages, steps and
    # checklists. Empty: none was loaded then; the government's current rulebook is read.
    rulebook_version = models.ForeignKey(
        "rulebook.RulebookVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rulebook version"),
    )

    objects = ProgrammeManager()  # type: ignore[misc]

    class Meta:
        ordering = ["government", "-year", "unit__name"]
        verbose_name = _("culture programme")
        verbose_name_plural = _("culture programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "unit", "year"],
                condition=models.Q(unit__isnull=False),
                name="programme_one_per_agency_year",
            ),
            models.UniqueConstraint(
                fields=["government", "year"],
                condition=models.Q(unit__isnull=True),
                name="programme_one_city_wide_per_year",
            ),
        ]

    def __str__(self) -> str:
        owner = self.unit.name if self.unit_id and self.unit else str(self.government)
        return f"{owner} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("programme:detail", args=[self.government.slug, self.pk])

    @property
    def is_city_wide(self) -> bool:
        return self.unit_id is None


class ProgrammePart(TenantModel):
    """A row of a programme: scoped like the programme's agency."""

    scope_unit_path = "programme__unit__path"

    class Meta:
        abstract = True


# --- Steps of the rulebook's stages -----------------------------------------------------------


class Source(models.TextChoices):
    # T Lampiran II II.1 (sources of values, a–c) and II.1.b (references for the values).
    RELIGION = "religion", _("Religious teachings")
    STATE_PHILOSOPHY = "state_philosophy", _("State philosophy")
    CUSTOM = "custom", _("Customs that have grown in society (adat)")
    VISION_MISSION = "vision_mission", _("Vision and mission of the organisation")
    DUTIES = "duties", _("Main duties and functions of the organisation")
    REGULATIONS = "regulations", _("Laws and regulations")
    SIMILAR_ORGANISATIONS = "similar_organisations", _("Similar organisations")
    OTHER = "other", _("Other")


class FormulationStep(ProgrammePart):
    """The record of one step of a stage of the programme's rulebook (``stage`` and ``step``
    are the rulebook's codes; ``step`` is empty for a stage without steps, which is done as a
    whole). Rows whose codes the rulebook no longer has are kept and shown as recorded earlier."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="steps", verbose_name=_("programme")
    )
    stage = models.CharField(_("stage"), max_length=60, default="")
    step = models.CharField(_("step"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sources = models.JSONField(_("sources consulted"), default=list, blank=True)
    other_sources = models.CharField(_("other sources"), max_length=255, blank=True)
    fgd_held_on = models.DateField(_("FGD held on"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.ManyToManyField(
        "activities.Evidence",
        through="ProgrammeEvidence",
        blank=True,
        related_name="+",
        verbose_name=_("evidence"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "pk"]
        verbose_name = _("programme step")
        verbose_name_plural = _("programme steps")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "programme", "stage", "step"],
                name="programme_step_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage}/{self.step}" if self.step else self.stage

    def source_labels(self) -> list[str]:
        labels = [str(Source(code).label) for code in self.sources if code in Source.values]
        if self.other_sources:
            labels.append(self.other_sources)
        return labels


class SensitiveArea(ProgrammePart):
    """Area sensitif (T Lampiran II II.1.c): where a value may give rise to conflict."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="sensitive_areas",
        verbose_name=_("programme"),
    )
    area = models.CharField(_("area"), max_length=255)
    value = models.ForeignKey(
        CoreValue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("value concerned"),
    )
    conflict = models.TextField(_("possible conflict"), blank=True)
    handling = models.TextField(_("how it is handled"), blank=True)

    class Meta:
        ordering = ["programme", "pk"]
        verbose_name = _("sensitive area")
        verbose_name_plural = _("sensitive areas")

    def __str__(self) -> str:
        return self.area


# --- The scorecard: key behaviours bound to the values, what is measured, targets ---------------


class ScorecardItem(ProgrammePart):
    """A key behaviour bound to a value, with what is measured and the target."""

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", _("At least the target (higher is better)")
        AT_MOST = "at_most", _("At most the target (lower is better)")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="scorecard_items",
        verbose_name=_("programme"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    value = models.ForeignKey(
        CoreValue, on_delete=models.PROTECT, related_name="+", verbose_name=_("value")
    )
    manifestation = models.ForeignKey(
        BehaviourManifestation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("behaviour manifestation"),
    )
    key_behaviour = models.TextField(_("key behaviour"))
    metric = models.CharField(_("metric"), max_length=255, help_text=_("What is measured."))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    measure_unit = models.CharField(
        _("unit of measure"), max_length=40, help_text=_("For example %, times, people.")
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )

    class Meta:
        ordering = ["programme", "order", "pk"]
        verbose_name = _("scorecard item")
        verbose_name_plural = _("scorecard items")

    def __str__(self) -> str:
        return self.key_behaviour[:80]

    def attainment(self, result: Decimal | None) -> int | None:
        """Percent of the target reached by a result (0–100), None without a result."""
        if result is None:
            return None
        if self.direction == self.Direction.AT_MOST:
            if result <= self.target:
                return 100
            return max(0, round(100 * self.target / result)) if result else 100
        if self.target <= 0:
            return 100
        return max(0, min(100, round(100 * result / self.target)))


class ScorecardResult(TenantModel):
    """A measured result of one scorecard item for a period (a day or a month)."""

    scope_unit_path = "item__programme__unit__path"

    class Granularity(models.TextChoices):
        DAY = "day", _("Date")
        MONTH = "month", _("Month")

    item = models.ForeignKey(
        ScorecardItem, on_delete=models.CASCADE, related_name="results", verbose_name=_("item")
    )
    # The first day of the month for a monthly result.
    period_start = models.DateField(_("period"))
    granularity = models.CharField(
        _("period kind"), max_length=5, choices=Granularity.choices, default=Granularity.MONTH
    )
    value = models.DecimalField(_("result"), max_digits=12, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "period_start"]
        verbose_name = _("scorecard result")
        verbose_name_plural = _("scorecard results")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "item", "period_start", "granularity"],
                name="scorecard_result_one_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.value} ({self.period_label})"

    @property
    def attainment(self) -> int | None:
        return self.item.attainment(self.value)

    @property
    def period_label(self) -> str:
        from django.utils.formats import date_format

        if self.granularity == self.Granularity.MONTH:
            return date_format(self.period_start, "F Y")
        return date_format(self.period_start, "j F Y")


# --- Implementation records: declaration, socialisation, internalisation, changes -------------


class Declaration(ProgrammePart):
    """The declaration of the values: the formal start, led by the highest leader, attended by
    all (T Lampiran II II.2.a; S Lampiran C.2)."""

    # One per programme, unique with the government (Citus: every unique key of a distributed
    # table holds the distribution column), hence a foreign key rather than a one-to-one field.
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=_("programme"),
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    led_by = models.CharField(
        _("led by"),
        max_length=255,
        help_text=_("Name and position, e.g. the head of government or the head of the agency."),
    )
    attendee_count = models.PositiveIntegerField(_("number of attendees"), default=0)
    attendees = models.ManyToManyField(
        Employee,
        through="DeclarationAttendee",
        blank=True,
        related_name="+",
        verbose_name=_("attendees (optional)"),
    )
    notes = models.TextField(_("notes"), blank=True)
    evidence = models.ManyToManyField(
        "activities.Evidence",
        through="ProgrammeEvidence",
        blank=True,
        related_name="+",
        verbose_name=_("evidence"),
    )

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "programme"], name="declaration_one_per_programme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.held_on}"


class DeclarationAttendee(TenantModel):
    scope_unit_path = "declaration__programme__unit__path"

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "declaration", "employee"], name="declaration_attendee_unique"
            )
        ]


class Method(models.TextChoices):
    # T Lampiran II II.2.b (socialisation): interview, lecture, PKS, discussion, workshop,
    # education and training, FGD, and others.
    INTERVIEW = "interview", _("Interview")
    LECTURE = "lecture", _("Lecture")
    PKS = "pks", _("In-office training (PKS)")
    DISCUSSION = "discussion", _("Discussion")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Education and training (diklat)")
    FGD = "fgd", _("Focus group discussion (FGD)")
    KBK = "kbk", _("KBK discussion")
    # T Lampiran II II.2.c (internalisation): mind setting, outbound, workshop, other ways.
    MIND_SETTING = "mind_setting", _("Mind setting")
    OUTBOUND = "outbound", _("Outbound")
    # S Lampiran C.2: formal and informal forums (internal meetings, guidance, assemblies).
    INTERNAL_MEETING = "internal_meeting", _("Internal meeting")
    GUIDANCE = "guidance", _("Guidance session (pembinaan)")
    ASSEMBLY = "assembly", _("Assembly (apel)")
    OTHER = "other", _("Other")


SOCIALISATION_METHODS = [
    Method.INTERVIEW,
    Method.LECTURE,
    Method.PKS,
    Method.DISCUSSION,
    Method.WORKSHOP,
    Method.TRAINING,
    Method.FGD,
    Method.KBK,
    Method.OTHER,
]
INTERNALISATION_METHODS = [
    Method.MIND_SETTING,
    Method.OUTBOUND,
    Method.WORKSHOP,
    Method.KBK,
    Method.INTERNAL_MEETING,
    Method.GUIDANCE,
    Method.ASSEMBLY,
    Method.OTHER,
]


class Engagement(ProgrammePart):
    """A socialisation (T II.2.b) or internalisation (T II.2.c) event."""

    class Kind(models.TextChoices):
        SOCIALISATION = "socialisation", _("Socialisation")
        INTERNALISATION = "internalisation", _("Internalisation")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="engagements",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    method_other = models.CharField(_("other method"), max_length=120, blank=True)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=255)
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)
    participants = models.TextField(
        _("participants"), blank=True, help_text=_("Who took part (optional).")
    )
    evidence = models.ManyToManyField(
        "activities.Evidence",
        through="ProgrammeEvidence",
        blank=True,
        related_name="+",
        verbose_name=_("evidence"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["programme", "kind", "held_on", "pk"]
        verbose_name = _("socialisation or internalisation")
        verbose_name_plural = _("socialisations and internalisations")

    def __str__(self) -> str:
        return self.title

    @property
    def method_label(self) -> str:
        if self.method == Method.OTHER and self.method_other:
            return self.method_other
        return str(self.get_method_display())


class InstitutionalChange(ProgrammePart):
    """T Lampiran II II.2.d: a rule, policy, system or work procedure changed to reflect the
    values; institutionalisation is reached when all of them do."""

    class Kind(models.TextChoices):
        RULE = "rule", _("Rule")
        POLICY = "policy", _("Policy")
        SYSTEM = "system", _("System")
        PROCEDURE = "procedure", _("Work procedure (SOP)")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="institutional_changes",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    reference = models.CharField(
        _("number or reference"), max_length=120, blank=True, help_text=_("E.g. SOP number.")
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    description = models.TextField(_("how it reflects the values"), blank=True)
    values = models.ManyToManyField(
        CoreValue,
        through="InstitutionalChangeValue",
        blank=True,
        related_name="+",
        verbose_name=_("values reflected"),
    )
    evidence = models.ManyToManyField(
        "activities.Evidence",
        through="ProgrammeEvidence",
        blank=True,
        related_name="+",
        verbose_name=_("evidence"),
    )

    class Meta:
        ordering = ["programme", "kind", "title"]
        verbose_name = _("institutional change")
        verbose_name_plural = _("institutional changes")

    def __str__(self) -> str:
        return self.title


class InstitutionalChangeValue(TenantModel):
    scope_unit_path = "change__programme__unit__path"

    change = models.ForeignKey(InstitutionalChange, on_delete=models.CASCADE, related_name="+")
    value = models.ForeignKey(CoreValue, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "change", "value"], name="institutional_change_value_unique"
            )
        ]


class ChecklistItem(TenantModel):
    """An item of one of a government's checklists (success criteria, conditions for success:
    T Lampiran II II.2.d and IV), copied from the checklists of its rulebook (``checklist`` is
    the rulebook's code) and editable by its city administrator. A rulebook without checklists
    gives none."""

    checklist = models.CharField(_("checklist"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=120, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["government", "checklist", "order"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "checklist", "order"], name="checklist_item_order_per_list"
            )
        ]

    def __str__(self) -> str:
        return self.text


class ChecklistAnswer(ProgrammePart):
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="checklist_answers",
        verbose_name=_("programme"),
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("item")
    )
    met = models.BooleanField(pgettext_lazy("checklist", "met"), default=False)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ManyToManyField(
        "activities.Evidence",
        through="ProgrammeEvidence",
        blank=True,
        related_name="+",
        verbose_name=_("evidence"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "item__checklist", "item__order"]
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "programme", "item"], name="checklist_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.met}"


# --- Evidence (files and links of budaya/activities) ------------------------------------------


def _exactly_one_of(names: tuple[str, ...]) -> models.Q:
    condition = models.Q()
    for name in names:
        condition |= models.Q(
            **{f"{name}__isnull": False}, **{other: None for other in names if other != name}
        )
    return condition


class ProgrammeEvidence(ProgrammePart):
    """Evidence attached to one part of a programme: FGD minutes of a formulation step, photos
    of the declaration or of a socialisation, the SK behind a checklist item, ..."""

    TARGETS = ("step", "declaration", "engagement", "change", "answer")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(
        "activities.Evidence",
        on_delete=models.PROTECT,
        related_name="programme_links",
        verbose_name=_("evidence"),
    )
    step = models.ForeignKey(FormulationStep, on_delete=models.CASCADE, null=True, related_name="+")
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, null=True, related_name="+"
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, null=True, related_name="+"
    )
    change = models.ForeignKey(
        InstitutionalChange, on_delete=models.CASCADE, null=True, related_name="+"
    )
    answer = models.ForeignKey(
        ChecklistAnswer, on_delete=models.CASCADE, null=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("programme evidence")
        verbose_name_plural = _("programme evidence")
        constraints = [
            # Exactly one part of the programme carries each link.
            models.CheckConstraint(
                condition=_exactly_one_of(
                    ("step", "declaration", "engagement", "change", "answer")
                ),
                name="programme_evidence_one_target",
            )
        ]

    def __str__(self) -> str:
        return str(self.evidence_id)

    @property
    def target_field(self) -> str:
        return next(name for name in self.TARGETS if getattr(self, f"{name}_id"))
