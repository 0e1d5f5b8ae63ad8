"""Activities, their evidence and the recurring obligations they answer (capability 6).

Evidence (files and links) is shared: activities link to it here, and programme steps, decrees
and reports link to it from their own apps through a ManyToMany table that carries the
government. Writes go through ``evidence.py`` (files, links) and ``services.py`` (the rest).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.files import GeneratedName
from budaya.org.models import TenantModel, TenantQuerySet, Unit

# What the first bytes tell apart; an office file (a ZIP) saved this way would be .bin.
EVIDENCE_EXTENSIONS = ("pdf", "jpg", "png")

# --- Evidence ------------------------------------------------------------------------------------


class EvidenceQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, roles: Any = None) -> TenantQuerySet:
        """As every tenant model, plus the government's own evidence (no unit: a city-wide
        declaration, the city programme) for unit roles, who read their government's rows
        that belong to no agency (as adoptions and periods)."""
        scoped = super().visible_to(user, roles)
        if user is None or not getattr(user, "is_authenticated", False):
            return scoped
        scope = user.tenant_scope(roles)
        if scope.all_content:
            return scoped
        governments = {government for government, _path in scope.subtrees}
        if not governments:
            return scoped
        return scoped | self.filter(government_id__in=governments, unit__isnull=True)


EvidenceManager = models.Manager.from_queryset(EvidenceQuerySet)


class Evidence(TenantModel):
    """Proof of something done (data dukung, S Tabel 1 column 7): an uploaded file or a link.

    Files live in the default storage under ``evidence/<government>/...`` with a random name,
    never under a public URL; ``activities:evidence_file`` serves them after checking the
    reader's scope. The content type is what the content is, detected when stored.
    """

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("unit"),
        help_text=_("Empty for the government's own evidence."),
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # ``evidence.py`` names the stored files itself; should anything else ever save one, the
    # name is still generated, never the client's (issue 17).
    file = models.FileField(
        _("file"),
        upload_to=GeneratedName("evidence", "file", EVIDENCE_EXTENSIONS),
        max_length=255,
        blank=True,
    )
    thumbnail = models.FileField(
        _("thumbnail"),
        upload_to=GeneratedName("evidence", "thumbnail", ("jpg",)),
        max_length=255,
        blank=True,
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EvidenceManager()  # type: ignore[misc]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [models.Index(fields=["government", "unit", "content_type"])]

    def __str__(self) -> str:
        return self.title or self.original_name or self.url or f"#{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.FILE and self.content_type.startswith("image/")

    @property
    def is_video(self) -> bool:
        return self.kind == self.Kind.FILE and self.content_type.startswith("video/")

    @property
    def is_link(self) -> bool:
        return self.kind == self.Kind.LINK

    @property
    def type_label(self) -> str:
        """What kind of file it is, as people name it ("PDF", not "application/pdf")."""
        from budaya.activities.evidence import ACCEPTED

        if self.is_link:
            return str(_("link"))
        accepted = ACCEPTED.get(self.content_type)
        return accepted.label if accepted else self.content_type


# --- Activity log -------------------------------------------------------------------------------


class ActivityForm(TenantModel):
    """A form or method of activity, per government from its rulebook (``activities.forms``:
    S Lampiran C.3 apel pagi, rapat, ...; T Lampiran II II.2 PKS, FGD, workshop, ...), extended
    by its city administrator. ``code`` is the rulebook's code."""

    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("source"),
        max_length=160,
        blank=True,
        help_text=_("The article that names it, as the rulebook cites it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("activity form")
        verbose_name_plural = _("activity forms")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "code"], name="activity_form_code_per_government"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Activity(TenantModel):
    """One thing an agency did (or plans) for its work culture: S Tabel 1 columns 2 to 7."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="activities", verbose_name=_("unit")
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DONE
    )
    form = models.ForeignKey(
        ActivityForm,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("form or method"),
    )
    title = models.CharField(_("activity"), max_length=200)
    values = models.ManyToManyField(
        "frameworks.CoreValue",
        through="ActivityValue",
        related_name="activities",
        verbose_name=_("values addressed"),
        blank=True,
    )
    participants_count = models.PositiveIntegerField(_("number of participants"), default=0)
    participant_names = models.TextField(
        _("participants"), blank=True, help_text=_("One name or NIP a line (optional).")
    )
    participants = models.ManyToManyField(
        "org.Employee",
        through="ActivityParticipant",
        related_name="activities",
        verbose_name=_("employees who took part"),
        blank=True,
    )
    description = models.TextField(_("description"), blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    solutions = models.TextField(_("solutions tried"), blank=True)
    evidence = models.ManyToManyField(
        Evidence,
        through="ActivityEvidence",
        related_name="activities",
        verbose_name=_("evidence"),
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["-date", "-time", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["government", "date"]),
            models.Index(fields=["government", "form", "date"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_planned(self) -> bool:
        from django.utils import timezone

        return self.status == self.Status.PLANNED or self.date > timezone.localdate()


class ActivityValue(TenantModel):
    """A value an activity addressed (a value of the government's adopted framework version)."""

    scope_unit_path = "activity__unit__path"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="value_links")
    value = models.ForeignKey(
        "frameworks.CoreValue", on_delete=models.PROTECT, related_name="activity_links"
    )

    class Meta:
        verbose_name = _("value addressed")
        verbose_name_plural = _("values addressed")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "activity", "value"], name="activity_value_unique"
            )
        ]


class ActivityParticipant(TenantModel):
    scope_unit_path = "activity__unit__path"

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participant_links"
    )
    employee = models.ForeignKey(
        "org.Employee", on_delete=models.CASCADE, related_name="activity_links"
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "activity", "employee"], name="activity_participant_unique"
            )
        ]


class ActivityEvidence(TenantModel):
    scope_unit_path = "activity__unit__path"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence_links")
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="activity_links")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("activity evidence")
        verbose_name_plural = _("activity evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "activity", "evidence"], name="activity_evidence_unique"
            )
        ]


# --- Recurring obligations ----------------------------------------------------------------------


class Obligation(TenantModel):
    """What every agency must do on a schedule, as the government's regulation says (values read
    at every apel pagi, twibbon on the 17th of each month: S Lampiran C.3.a and e). Expected
    occurrences are derived per agency (``obligations.py``) and matched to logged activities of
    the obligation's form."""

    class Frequency(models.TextChoices):
        WORKING_DAYS = "working_days", _("Every working day (Monday to Friday)")
        WEEKLY = "weekly", _("Every week, on a weekday")
        MONTHLY_DAY = "monthly_day", _("Every month, on a day of the month")
        MONTHLY = "monthly", _("Once a month, any day")

    name = models.CharField(_("name"), max_length=200)
    form = models.ForeignKey(
        ActivityForm,
        on_delete=models.PROTECT,
        related_name="obligations",
        verbose_name=_("activity form that fulfils it"),
    )
    frequency = models.CharField(_("schedule"), max_length=20, choices=Frequency.choices)
    day = models.PositiveSmallIntegerField(
        _("day"),
        null=True,
        blank=True,
        help_text=_("Day of the month (1–31) or weekday (1 = Monday … 7 = Sunday)."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days of grace"),
        default=0,
        help_text=_("An activity up to this many days after the date still counts."),
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind days before"),
        null=True,
        blank=True,
        help_text=_("Empty: no reminder (for daily obligations)."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=160, blank=True)
    active = models.BooleanField(_("in force"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("recurring obligation")
        verbose_name_plural = _("recurring obligations")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "name"], name="obligation_name_per_government"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ObligationReminder(TenantModel):
    """A reminder sent for one occurrence of an obligation in one agency: never sent twice."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_on"]
        verbose_name = _("obligation reminder")
        verbose_name_plural = _("obligation reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "obligation", "unit", "due_on"],
                name="obligation_reminder_once",
            )
        ]


# --- Maintained aggregate (aggregates.py) --------------------------------------------------------


class ActivityMonth(TenantModel):
    """The done activities of one unit, of one form, in one month: how many, and on which days
    (bit ``d - 1`` of ``days`` set when at least one was done on day ``d``). Kept by the services
    of this app in the transaction that changes an activity; the compliance board and the
    reminders read it instead of the activity log. ``aggregates.rebuild`` recomputes it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(ActivityForm, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # its first day
    done = models.PositiveIntegerField(_("activities done"), default=0)
    days = models.PositiveIntegerField(_("days with an activity done"), default=0)

    class Meta:
        verbose_name = _("activities of a month")
        verbose_name_plural = _("activities of a month")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "unit", "form", "month"], name="activity_month_unique"
            )
        ]
        indexes = [models.Index(fields=["government", "form", "month"])]


class ActivityValueMonth(TenantModel):
    """The done activities of one unit that addressed one value, in one month (issue 25): the
    leadership dashboard's activities by value and its agency × value heatmap read it instead
    of the activity log. Kept beside ``ActivityMonth`` by the same services, in the same
    transaction (one upsert for the values of a recorded activity); ``aggregates.rebuild``
    recomputes it and ``manage.py rebuild_aggregates --check`` compares the two."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    value = models.ForeignKey("frameworks.CoreValue", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # its first day
    done = models.PositiveIntegerField(_("activities done"), default=0)

    class Meta:
        verbose_name = _("activities of a month by value")
        verbose_name_plural = _("activities of a month by value")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "unit", "value", "month"],
                name="activity_value_month_unique",
            )
        ]
        indexes = [
            models.Index(fields=["government", "month"], name="activity_value_month_by_month")
        ]


class ActivityChoices(TenantModel):
    """The version of what the activity form offers a government (issue 25): its active units,
    forms of activity and current values, cached per government under this version
    (``choices.py``). Every write that changes them moves the version in its own transaction,
    so no process serves choices older than the database."""

    version = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = _("version of the activity form's choices")
        verbose_name_plural = _("versions of the activity form's choices")
        constraints = [
            models.UniqueConstraint(fields=["government"], name="activity_choices_per_government")
        ]
