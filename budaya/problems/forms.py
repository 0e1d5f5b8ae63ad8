"""Forms of the problem-solving cycle; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from budaya.problems.models import Action, ActionPlan, Problem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
ONE_TO_FIVE = [(n, str(n)) for n in range(1, 6)]


class Form(forms.Form):
    """Labels begin with a capital, as those a model form takes from its fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = capfirst(field.label)


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["title", "description", "source", "raised_by", "raised_on", "values"]
        widgets = {
            "raised_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "values": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, values: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["values"].queryset = values  # type: ignore[attr-defined]
        self.fields["values"].required = False
        if not self.instance.pk:
            self.initial.setdefault("raised_on", timezone.localdate())


class ScoreForm(Form):
    """One member's USG scoring (Urgency, Seriousness, Growth: 1 low to 5 high)."""

    membership: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("member"),
    )
    urgency = forms.TypedChoiceField(
        choices=ONE_TO_FIVE, coerce=int, label=_("Urgency (U)"), help_text=_("How pressing it is.")
    )
    seriousness = forms.TypedChoiceField(
        choices=ONE_TO_FIVE,
        coerce=int,
        label=_("Seriousness (S)"),
        help_text=_("How much harm it does."),
    )
    growth = forms.TypedChoiceField(
        choices=ONE_TO_FIVE,
        coerce=int,
        label=_("Growth (G)"),
        help_text=_("How fast it worsens if left alone."),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = lambda m: f"{m.employee.full_name} ({m.role.name})"  # type: ignore[attr-defined]


class CauseForm(Form):
    category = forms.ChoiceField(label=_("category (bone)"), required=False)
    text = forms.CharField(label=_("cause"), max_length=300)

    def __init__(self, *args: Any, categories: list[str], method: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if method == Problem.Method.FIVE_WHYS:
            del self.fields["category"]
            self.fields["text"].label = capfirst(_("why? (the next answer)"))
        else:
            self.fields["category"].choices = [(c, c) for c in categories]  # type: ignore[attr-defined]
            self.fields["category"].required = True


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "title",
            "owner",
            "due_on",
            "resources",
            "expected_result",
            "indicator",
            "values",
            "rules_to_change",
        ]
        widgets = {
            "due_on": DATE,
            "resources": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "rules_to_change": forms.Textarea(attrs={"rows": 2}),
            "values": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "owner": _("A leader at any level of the unit carries it out (T Lampiran II III)."),
        }

    def __init__(self, *args: Any, owners: Any, values: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["values"].queryset = values  # type: ignore[attr-defined]
        self.fields["values"].required = False


class NoteForm(Form):
    note = forms.CharField(
        label=_("direction or note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DirectionForm(Form):
    direction = forms.CharField(
        label=_("direction of the penanggung-jawab"), widget=forms.Textarea(attrs={"rows": 3})
    )


class LinkActivityForm(Form):
    activity: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("logged activity"),
    )

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        field.queryset = activities  # type: ignore[attr-defined]
        field.label_from_instance = lambda a: f"{a.date:%d-%m-%Y} · {a.title}"  # type: ignore[attr-defined]


class ResultForm(Form):
    result = forms.CharField(
        label=_("result against the indicator"), widget=forms.Textarea(attrs={"rows": 2})
    )
    achieved = forms.TypedChoiceField(
        label=_("indicator achieved"),
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        required=False,
        empty_value=None,
    )


class CheckForm(Form):
    decision = forms.ChoiceField(
        label=_("decision"), choices=ActionPlan.Decision.choices, widget=forms.RadioSelect
    )
    lessons = forms.CharField(
        label=_("lessons learned"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MeetingForm(Form):
    held_on = forms.DateField(label=_("date"), widget=DATE)
    starts_at = forms.TimeField(label=_("time"), widget=TIME, required=False)
    place = forms.CharField(label=_("place"), max_length=200)
    agenda = forms.CharField(label=_("agenda"), widget=forms.Textarea(attrs={"rows": 2}))
    discussion = forms.CharField(
        label=_("discussion"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    decisions = forms.CharField(
        label=_("decisions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    follow_ups = forms.CharField(
        label=_("follow-ups"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    present: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("members present"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    problems: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("problems discussed"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    actions: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("actions followed up"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self, *args: Any, members: Any, problems: Any, actions: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions  # type: ignore[attr-defined]
        self.fields["actions"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.title} ({a.plan.problem.title})"
        )
        present = self.fields["present"]
        present.queryset = members  # type: ignore[attr-defined]
        present.label_from_instance = lambda m: f"{m.employee.full_name} ({m.role.name})"  # type: ignore[attr-defined]
        self.fields["problems"].queryset = problems  # type: ignore[attr-defined]
        self.initial.setdefault("held_on", timezone.localdate())


class ReportForm(Form):
    period_start = forms.DateField(label=_("from"), widget=DATE)
    period_end = forms.DateField(label=_("until"), widget=DATE)
    summary = forms.CharField(
        label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class FollowUpForm(Form):
    follow_up = forms.CharField(
        label=_("follow-up of the penanggung-jawab"), widget=forms.Textarea(attrs={"rows": 3})
    )
