"""KBK problem solving (capability 7): problems of a unit, their prioritisation, cause analysis,
action plans approved by the penanggung-jawab, execution through logged activities, the check,
minutes of KBK meetings and progress reports.

T = the regulation cited as T in docs/rulebook.md. The cycle follows T Lampiran II III:
"mengidentifikasi/menginventarisasi masalah, membuat prioritas masalah, mencari penyebab
masalah, membuat rencana tindakan (action plan), melaksanakan rencana tindakan, mengecek hasil
pelaksanaan tindakan, dan membuat koreksi yang diperlukan". It applies only where the
government's rulebook says so (``current_rulebook(government).problem_solving_applies``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.org.models import TenantModel

TEAM_PATH = "team__unit__path"


class Problem(TenantModel):
    """A work-culture problem of the team's unit (T Lampiran II III: menginventarisasi masalah)."""

    scope_unit_path = TEAM_PATH

    class Source(models.TextChoices):
        MEETING = "meeting", _("KBK meeting")
        COMPLAINT = "complaint", _("Complaint")
        SURVEY = "survey", _("Survey result")
        AUDIT = "audit", _("Audit finding")
        MONITORING = "monitoring", _("Monitoring")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CHOSEN = "chosen", _("Chosen for solving")
        SOLVED = "solved", _("Solved")

    class Method(models.TextChoices):
        FISHBONE = "fishbone", _("Fishbone diagram")
        FIVE_WHYS = "five_whys", _("Five whys")

    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, related_name="problems", verbose_name=_("team")
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    values = models.ManyToManyField(
        "frameworks.CoreValue",
        through="ProblemValue",
        related_name="+",
        verbose_name=_("values concerned"),
        blank=True,
    )
    source = models.CharField(_("where it was raised"), max_length=12, choices=Source.choices)
    raised_by = models.CharField(_("raised by"), max_length=200, blank=True)
    raised_on = models.DateField(_("raised on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # T Lampiran II III: mencari penyebab masalah.
    method = models.CharField(
        _("cause analysis"), max_length=10, choices=Method.choices, default=Method.FISHBONE
    )
    # The root cause (``Cause.is_root``) goes to the penanggung-jawab for direction (T Lampiran
    # II III: causes and action plans need the penanggung-jawab's direction).
    root_cause_sent_at = models.DateTimeField(_("sent for direction at"), null=True, blank=True)
    direction = models.TextField(_("direction of the penanggung-jawab"), blank=True)
    direction_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    direction_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "-raised_on", "-pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [models.Index(fields=["government", "team", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def root_cause(self) -> Cause | None:
        return next((cause for cause in self.causes.all() if cause.is_root), None)


class ProblemValue(TenantModel):
    scope_unit_path = "problem__team__unit__path"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="value_links")
    value = models.ForeignKey("frameworks.CoreValue", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "problem", "value"], name="problem_value_once"
            )
        ]


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class PriorityScore(TenantModel):
    """One member's USG scoring of one problem (T Lampiran II III: membuat prioritas masalah;
    the method is the government's choice, USG by default): kept per member."""

    scope_unit_path = "problem__team__unit__path"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="scores")
    membership = models.ForeignKey(
        "teams.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    urgency = models.PositiveSmallIntegerField(_("urgency"), validators=SCORE)
    seriousness = models.PositiveSmallIntegerField(_("seriousness"), validators=SCORE)
    growth = models.PositiveSmallIntegerField(_("growth"), validators=SCORE)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["problem", "membership__role__order", "pk"]
        verbose_name = _("priority score")
        verbose_name_plural = _("priority scores")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "problem", "membership"], name="score_once_per_member"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__gte=1, urgency__lte=5)
                & models.Q(seriousness__gte=1, seriousness__lte=5)
                & models.Q(growth__gte=1, growth__lte=5),
                name="score_between_1_and_5",
            ),
        ]

    @property
    def total(self) -> int:
        return self.urgency + self.seriousness + self.growth


class Cause(TenantModel):
    """A cause on a bone of the fishbone (its category) or one answer of the five whys (its
    order)."""

    scope_unit_path = "problem__team__unit__path"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="causes")
    category = models.CharField(_("category"), max_length=60, blank=True)
    text = models.CharField(_("cause"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # The root cause the team chose and sent to the penanggung-jawab: one per problem.
    is_root = models.BooleanField(_("root cause"), default=False)

    class Meta:
        ordering = ["problem", "category", "order", "pk"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "problem"],
                condition=models.Q(is_root=True),
                name="one_root_cause_per_problem",
            )
        ]

    def __str__(self) -> str:
        return self.text


class ActionPlan(TenantModel):
    """The action plan of a problem (T Lampiran II III: membuat rencana tindakan), approved or
    returned with direction by the penanggung-jawab. A correction or a new cycle is a new plan
    (``number``)."""

    scope_unit_path = "problem__team__unit__path"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the penanggung-jawab")
        RETURNED = "returned", _("Returned with direction")
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    class Decision(models.TextChoices):
        # T Lampiran II III: mengecek hasil pelaksanaan tindakan, dan membuat koreksi.
        STANDARDISE = "standardise", _("Standardise: the result becomes the way of working")
        CORRECT = "correct", _("Correct: a corrected plan follows")
        RESTART = "restart", _("Start the cycle again")

    # Who moves the plan: "team" (the KBK: chair, secretary, members) or "responsible" (the
    # penanggung-jawab, T Lampiran II III). Enforced in services.transition_plan.
    TRANSITIONS: dict[str, dict[str, str]] = {
        Status.DRAFT: {Status.SUBMITTED: "team"},
        Status.SUBMITTED: {Status.APPROVED: "responsible", Status.RETURNED: "responsible"},
        Status.RETURNED: {Status.SUBMITTED: "team"},
        Status.APPROVED: {Status.IN_PROGRESS: "team"},
        Status.IN_PROGRESS: {Status.DONE: "team"},
        Status.DONE: {},
    }
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["problem", "number"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "problem", "number"], name="action_plan_number"
            )
        ]

    def __str__(self) -> str:
        return str(
            _("Action plan %(number)s: %(problem)s")
            % {"number": self.number, "problem": self.problem.title}
        )

    def allowed(self) -> dict[str, str]:
        return self.TRANSITIONS[self.status]

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class PlanEvent(TenantModel):
    """One move of a plan, with the penanggung-jawab's direction when returned: the history the
    plan page shows (the audit trail holds the same)."""

    scope_unit_path = "plan__problem__team__unit__path"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=ActionPlan.Status.choices)
    to_status = models.CharField(max_length=12, choices=ActionPlan.Status.choices)
    note = models.TextField(_("direction or note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "at", "pk"]


class Action(TenantModel):
    """One action of a plan. Its owner is a leader at any level (T Lampiran II III: the
    execution falls to leaders at every level); logged activities are its execution."""

    scope_unit_path = "plan__problem__team__unit__path"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"))
    resources = models.TextField(_("resources"), blank=True)
    expected_result = models.TextField(_("expected result"))
    indicator = models.CharField(_("indicator"), max_length=300)
    values = models.ManyToManyField(
        "frameworks.CoreValue",
        through="ActionValue",
        related_name="+",
        verbose_name=_("values addressed"),
        blank=True,
    )
    rules_to_change = models.TextField(_("rules, SOPs or systems to change"), blank=True)
    activities = models.ManyToManyField(
        "activities.Activity",
        through="ActionActivity",
        related_name="+",
        verbose_name=_("logged activities (execution)"),
        blank=True,
    )
    # The check (T Lampiran II III: mengecek hasil pelaksanaan tindakan).
    result = models.TextField(_("result against the indicator"), blank=True)
    achieved = models.BooleanField(_("indicator achieved"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title


class ActionValue(TenantModel):
    scope_unit_path = "action__plan__problem__team__unit__path"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="value_links")
    value = models.ForeignKey("frameworks.CoreValue", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "action", "value"], name="action_value_once"
            )
        ]


class ActionActivity(TenantModel):
    """A logged activity that executes an approved action."""

    scope_unit_path = "action__plan__problem__team__unit__path"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="activity_links")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "action", "activity"], name="action_activity_once"
            )
        ]


class Meeting(TenantModel):
    """A KBK meeting and its minutes (risalah), signed by the chair and the secretary."""

    scope_unit_path = TEAM_PATH

    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("team")
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"))
    discussion = models.TextField(_("discussion"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    problems = models.ManyToManyField(
        Problem,
        through="MeetingProblem",
        related_name="meetings",
        verbose_name=_("problems discussed"),
        blank=True,
    )
    # The actions its decisions and follow-ups concern (the problems' action plans).
    actions = models.ManyToManyField(
        Action,
        through="MeetingAction",
        related_name="meetings",
        verbose_name=_("actions followed up"),
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.agenda.splitlines()[0] if self.agenda else str(self.held_on)


class MeetingProblem(TenantModel):
    scope_unit_path = "meeting__team__unit__path"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="problem_links")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "meeting", "problem"], name="meeting_problem_once"
            )
        ]


class MeetingAction(TenantModel):
    scope_unit_path = "meeting__team__unit__path"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_links")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "meeting", "action"], name="meeting_action_once"
            )
        ]


class Attendance(TenantModel):
    """A member of the team at a meeting, present or not."""

    scope_unit_path = "meeting__team__unit__path"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey("teams.Membership", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["meeting", "membership__role__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "meeting", "membership"], name="attendance_once"
            )
        ]


class ProgressReport(TenantModel):
    """The KBK's progress reported to the penanggung-jawab (T Pasal 9(3)(d), 9(6)(e)), who
    follows up its results (T Pasal 9(2)(c), (e)). The figures are kept as they were sent."""

    scope_unit_path = TEAM_PATH

    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, related_name="progress_reports"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    figures = models.JSONField(default=dict)
    summary = models.TextField(_("summary"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    follow_up = models.TextField(_("follow-up of the penanggung-jawab"), blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "-period_end", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="progress_report_period_order",
            )
        ]
