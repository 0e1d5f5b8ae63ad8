"""Forms of monitoring and evaluation."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from budaya.activities.models import Evidence
from budaya.monev.models import Period, Question, ReportRow
from budaya.org.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Period.Kind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Activities from"), widget=DateInput())
    ends_on = forms.DateField(label=_("Activities until"), widget=DateInput())
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty for a yearly period: the government's default deadline."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Agencies (special period)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every agency."),
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = agencies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Period.Kind.KHUSUS and not data.get("deadline"):
            self.add_error("deadline", _("A special period needs its own deadline."))
        return data


class PeriodEditForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    closed = forms.BooleanField(label=_("Closed"), required=False)


class DeadlineForm(forms.Form):
    deadline_month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    deadline_day = forms.IntegerField(label=_("Day"), min_value=1, max_value=31)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            datetime.date(2024, data.get("deadline_month") or 1, data.get("deadline_day") or 1)
        except ValueError:
            raise forms.ValidationError(_("Not a day of the year.")) from None
        return data


class RowForm(forms.ModelForm):
    # The row groups of the report form of the period's rulebook (set in __init__).
    indicator = forms.TypedChoiceField(label=_("Group of rows"), choices=[], coerce=int)
    evidence = forms.ModelMultipleChoiceField(
        label=_("Supporting data (evidence)"),
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ReportRow
        fields = ["indicator", "when", "activity_title", "form", "problems", "solutions"]
        widgets = {
            "form": forms.Textarea(attrs={"rows": 2}),
            "problems": forms.Textarea(attrs={"rows": 2}),
            "solutions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args: Any, evidence: Any, groups: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = evidence  # type: ignore[attr-defined]
        self.fields["indicator"].choices = [  # type: ignore[attr-defined]
            (number, f"{number}. {heading}") for number, heading in groups
        ]
        if self.instance.pk:
            self.fields["evidence"].initial = list(
                self.instance.evidence_links.values_list("evidence_id", flat=True)
            )


class SignatoryForm(forms.Form):
    place = forms.CharField(label=_("Place"), max_length=80)
    signatory_name = forms.CharField(
        label=_("Name of the signatory"), max_length=200, required=False
    )
    signatory_nip = forms.CharField(label=_("NIP of the signatory"), max_length=30, required=False)

    def __init__(self, *args: Any, title: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if title:
            # The rulebook's printed title of who signs (e.g. the agency head's).
            self.fields["signatory_name"].help_text = title


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["area_code", "area", "text", "max_score", "order"]


class ForwardForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the head of government"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AcknowledgeForm(forms.Form):
    disposition = forms.CharField(
        label=_("Disposition"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Guidance and directions on the report (arahan)."),
    )


class DirectionForm(forms.Form):
    """One direction of the disposition: it becomes a follow-up of the agency."""

    unit = forms.ModelChoiceField(label=_("Agency"), queryset=Unit.objects.none())
    text = forms.CharField(
        label=_("Direction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["unit"].queryset = agencies  # type: ignore[attr-defined]


DirectionFormSet = forms.formset_factory(DirectionForm, extra=3, max_num=30, validate_max=True)


class FollowUpDoneForm(forms.Form):
    done_note = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.ModelMultipleChoiceField(
        label=_("Supporting data (evidence)"),
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, evidence: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = evidence  # type: ignore[attr-defined]
