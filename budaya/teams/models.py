"""Teams (KBK, reform acceleration teams), memberships, decrees (SK), eligibility rules, and the
designation of role models and change agents.

What a regulation decides (team kinds, roles, duties, eligibility, who may be designated) comes
from the government's rulebook (budaya/rulebook). Comments cite the two shipped regulations:
T and S: the two shipped rulebooks and their regulations (docs/rulebook.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.files import GeneratedName
from budaya.org.models import Employee, TenantModel, TenantQuerySet, Unit


def lines(text: str) -> list[str]:
    """A duties text (one duty a line) as a list, empty lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class TeamKind(TenantModel):
    """A kind of team a government runs: KBK (T Pasal 8), city or agency reform acceleration
    team (S Pasal 9), or one the government defines."""

    class Scope(models.TextChoices):
        AGENCY = "agency", _("One per agency")
        CITY = "city", _("City-wide")

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    required = models.BooleanField(
        _("every agency must have one"),
        default=False,
        help_text=_("Agencies without an active team of this kind appear on the compliance board."),
    )
    duties = models.TextField(_("duties of the team"), blank=True, help_text=_("One a line."))
    source = models.CharField(_("source in the regulation"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["government", "order", "name"]
        verbose_name = _("team kind")
        verbose_name_plural = _("team kinds")
        constraints = [
            models.UniqueConstraint(fields=["government", "code"], name="team_kind_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duty_list(self) -> list[str]:
        return lines(self.duties)


class TeamRole(TenantModel):
    """A role in a team (T Pasal 9(1): penanggung-jawab, ketua, sekretaris, anggota,
    fasilitator) with its duties (T Pasal 9(2)–(6)), or a role the government defines."""

    class ChartPlace(models.TextChoices):
        # T Lampiran I: the responsible officer above the chair, the facilitator beside them
        # on a coordination line, the secretary and the members below.
        TOP = "top", _("Top (responsible officer, steering)")
        CHAIR = "chair", _("Chair")
        SIDE = "side", _("Beside, on a coordination line (facilitator)")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Members")

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    chart_place = models.CharField(_("place in the chart"), max_length=10, choices=ChartPlace)
    single = models.BooleanField(
        _("held by one person at a time"),
        default=True,
        help_text=_("A second current holder is reported as a problem of the team."),
    )
    duties = models.TextField(_("duties"), blank=True, help_text=_("One a line."))
    source = models.CharField(_("source in the regulation"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["government", "order", "name"]
        verbose_name = _("team role")
        verbose_name_plural = _("team roles")
        constraints = [
            models.UniqueConstraint(fields=["government", "code"], name="team_role_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duty_list(self) -> list[str]:
        return lines(self.duties)


class EligibilityRule(TenantModel):
    """Who may hold a role, as data (T Lampiran II III.2.b–h), per team kind and agency kind.

    A rule with no unit kinds applies whatever the kind of the team's unit.
    """

    class Requirement(models.TextChoices):
        HEAD = "head", _("Is the head of the team's unit")
        ECHELON = "echelon", _("Holds one of these echelons")
        WORKS_IN_UNIT = "works_in_unit", _("Works in the team's unit (with this status)")
        MAY_COMBINE = "may_combine", _("May also hold these roles in the same team")

    team_kind = models.ForeignKey(
        TeamKind, on_delete=models.CASCADE, related_name="rules", verbose_name=_("team kind")
    )
    role = models.ForeignKey(
        TeamRole, on_delete=models.CASCADE, related_name="rules", verbose_name=_("role")
    )
    unit_kinds = models.JSONField(_("unit kinds"), default=list, blank=True)
    requirement = models.CharField(_("requirement"), max_length=16, choices=Requirement.choices)
    # ECHELON: "II.b" is that echelon exactly, "III" is III.a or III.b.
    echelons = models.JSONField(_("echelons"), default=list, blank=True)
    # WORKS_IN_UNIT: the employment statuses allowed (PNS, PPPK); empty allows both.
    statuses = models.JSONField(_("statuses"), default=list, blank=True)
    # MAY_COMBINE: codes of the roles the holder may hold besides.
    other_roles = models.JSONField(_("other roles"), default=list, blank=True)
    source = models.CharField(_("source in the regulation"), max_length=200, blank=True)
    wording = models.TextField(_("wording of the regulation"), blank=True)

    class Meta:
        ordering = ["government", "team_kind__order", "role__order", "requirement", "pk"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self) -> str:
        return f"{self.team_kind}: {self.role}: {self.get_requirement_display()}"

    def applies_to(self, unit_kind: str | None) -> bool:
        return not self.unit_kinds or (unit_kind or "") in self.unit_kinds

    @property
    def unit_kind_labels(self) -> list[str]:
        labels = dict(Unit.Kind.choices)
        return [str(labels.get(kind, kind)) for kind in self.unit_kinds]


class TeamPolicy(TenantModel):
    """A government's settings for teams, decrees and designations (one row per government)."""

    class Decider(models.TextChoices):
        CITY_ADMIN = "city_admin", _("City administrator")
        LEADERSHIP = "leadership", _("Leadership")

    decree_max_age_months = models.PositiveSmallIntegerField(
        _("decrees older than this many months are flagged"),
        default=24,
        help_text=_("0 turns the check off."),
    )
    decree_template = models.FileField(
        _("decree template (.docx)"),
        # A generated name, never the client's (issue 17).
        upload_to=GeneratedName("teams/decree-templates", "decree_template", ("docx",)),
        max_length=255,
        blank=True,
    )
    legal_basis = models.TextField(
        _("legal basis cited in decrees (Mengingat)"),
        blank=True,
        help_text=_("One regulation a line; left empty, the adopted framework's regulation."),
    )
    decider_role = models.CharField(
        _("who decides on nominations"),
        max_length=12,
        choices=Decider.choices,
        default=Decider.CITY_ADMIN,
    )
    decider_title = models.CharField(
        _("deciding authority"),
        max_length=200,
        blank=True,
        help_text=_("As written in the decision, e.g. Sekretaris Daerah selaku Ketua Tim."),
    )

    class Meta:
        verbose_name = _("team policy")
        verbose_name_plural = _("team policies")
        constraints = [models.UniqueConstraint(fields=["government"], name="team_policy_one")]

    def __str__(self) -> str:
        return str(self.government)


class TeamQuerySet(TenantQuerySet):
    def active(self) -> TeamQuerySet:
        return self.filter(dissolved_on__isnull=True)


class Team(TenantModel):
    """A KBK or reform team of an agency (or a sub-unit), or a city-wide team (no unit)."""

    kind = models.ForeignKey(
        TeamKind, on_delete=models.PROTECT, related_name="teams", verbose_name=_("kind")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("unit"),
    )
    # T Pasal 8(3): an agency may name its KBK after its own character.
    name = models.CharField(_("name"), max_length=200)
    formed_on = models.DateField(_("formed on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["government", "kind__order", "unit__path", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None


class Membership(TenantModel):
    """One employee in one role of one team for a period; ended memberships are the history."""

    scope_unit_path = "team__unit__path"

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="+", verbose_name=_("employee")
    )
    role = models.ForeignKey(TeamRole, on_delete=models.PROTECT, verbose_name=_("role"))
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    # T Pasal 9(7): the make-up follows the conditions of the agency; a departure from a rule
    # must be explained in writing.
    justification = models.TextField(_("justification for departing from a rule"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "role__order", "start_on", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee} ({self.role})"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_on <= on and (self.end_on is None or self.end_on >= on)


class Decree(TenantModel):
    """A decree (Keputusan, SK) that establishes or changes a team (T Pasal 8(4))."""

    scope_unit_path = "team__unit__path"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        SUPERSEDED = "superseded", _("Superseded")

    class Purpose(models.TextChoices):
        ESTABLISH = "establish", _("Establishes the team")
        CHANGE = "change", _("Changes the team")

    # domain.md: draft → signed (scan uploaded) → superseded; enforced in services.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.SIGNED,),
        Status.SIGNED: (Status.SUPERSEDED,),
        Status.SUPERSEDED: (),
    }

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="decrees", verbose_name=_("team")
    )
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.ESTABLISH
    )
    number = models.CharField(_("number"), max_length=120, blank=True)
    subject = models.CharField(_("subject (tentang)"), max_length=300)
    place = models.CharField(_("place of signing"), max_length=80, blank=True)
    decided_on = models.DateField(_("date"), null=True, blank=True)
    signer_name = models.CharField(_("signed by (name)"), max_length=200, blank=True)
    signer_position = models.CharField(_("signed by (position)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    # The signed and stamped scan (shared evidence, budaya/activities).
    scans = models.ManyToManyField(
        "activities.Evidence", through="DecreeScan", related_name="decrees", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The rulebook version the draft was made under: its words (the programme's name) stay those
    # of that version (issue 18, item 5). Empty: made before the government had a rulebook.
    rulebook_version = models.ForeignKey(
        "rulebook.RulebookVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["team", "-decided_on", "-created_at"]
        verbose_name = _("decree")
        verbose_name_plural = _("decrees")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "number"],
                condition=~models.Q(number=""),
                name="decree_number_per_government",
            )
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft decree: %(subject)s") % {"subject": self.subject})

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]


class Designation(TenantModel):
    """A role model (T Pasal 1 angka 16, T Pasal 7, S Pasal 1 angka 9) or change agent
    (S Pasal 1 angka 10, S Pasal 8): an employee, a unit or an agency, for a period."""

    class Kind(models.TextChoices):
        ROLE_MODEL = "role_model", _("Role model")
        CHANGE_AGENT = "change_agent", _("Change agent")

    class Subject(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        UNIT = "unit", _("Unit")
        AGENCY = "agency", _("Agency")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PUBLISHED = "published", _("Published")
        EXPIRED = "expired", _("Expired")

    # domain.md: nominated → approved or rejected (deciding authority) → published → expired.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.NOMINATED: (Status.APPROVED, Status.REJECTED),
        Status.APPROVED: (Status.PUBLISHED,),
        Status.REJECTED: (),
        Status.PUBLISHED: (Status.EXPIRED,),
        Status.EXPIRED: (),
    }

    kind = models.CharField(_("designation"), max_length=14, choices=Kind.choices)
    subject = models.CharField(_("who"), max_length=10, choices=Subject.choices)
    employee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employee"),
    )
    # The unit concerned: the unit or agency designated, or the employee's unit when nominated
    # (it scopes who sees the designation).
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    criteria = models.TextField(_("criteria"), blank=True)
    reasons = models.TextField(_("reasons for the nomination"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    nominated_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ManyToManyField(
        "activities.Evidence",
        through="DesignationEvidence",
        related_name="designations",
        blank=True,
    )

    class Meta:
        ordering = ["government", "-period_start", "pk"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="designation_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_name}"

    @property
    def subject_name(self) -> str:
        if self.subject == self.Subject.EMPLOYEE and self.employee is not None:
            return self.employee.full_name
        return self.unit.name

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def transition_label(self, status: str) -> Any:
        return self.Status(status).label


class DecreeScan(TenantModel):
    """Links a decree to its signed scan (shared evidence)."""

    scope_unit_path = "decree__team__unit__path"

    decree = models.ForeignKey(Decree, on_delete=models.CASCADE)
    evidence = models.ForeignKey("activities.Evidence", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "decree", "evidence"], name="decree_scan_once"
            )
        ]


class DesignationEvidence(TenantModel):
    """Links a nomination to the evidence given for it."""

    scope_unit_path = "designation__unit__path"

    designation = models.ForeignKey(Designation, on_delete=models.CASCADE)
    evidence = models.ForeignKey("activities.Evidence", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "designation", "evidence"], name="designation_evidence_once"
            )
        ]
