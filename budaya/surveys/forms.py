"""Forms of surveys and the employee's page; messages in the interface's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from budaya.frameworks.models import FrameworkVersion
from budaya.org.models import Employee, Unit
from budaya.surveys.models import NationalIndex, Questionnaire, Scale, Survey, SurveyPolicy

DATE = forms.DateInput(attrs={"type": "date"})


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SurveyPolicy
        fields = ["k", "peers", "subordinates"]


class QuestionnaireForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    version = forms.ModelChoiceField(
        label=_("Framework version"), queryset=FrameworkVersion.objects.none()
    )
    source = forms.ChoiceField(
        label=_("Items from"),
        choices=[
            ("guides", _("Behaviour guides (one item each)")),
            ("manifestations", _("Behaviour manifestations (one item each)")),
            ("values", _("Core values (one item each, from its definition)")),
        ],
    )
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices)
    comments = forms.BooleanField(label=_("Optional comment at the end"), required=False)

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]


class ItemForm(forms.Form):
    text_id = forms.CharField(label=_("Text (Indonesian)"), max_length=600, widget=forms.Textarea)
    text_en = forms.CharField(
        label=_("Text (English)"), max_length=600, widget=forms.Textarea, required=False
    )


class SurveyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Survey.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Questionnaire.objects.none()
    )
    unit = forms.ModelChoiceField(
        label=_("Unit asked (a pulse; empty: the whole government)"),
        queryset=Unit.objects.none(),
        required=False,
    )
    subject = forms.ModelChoiceField(
        label=_("Employee rated (a 360 round)"), queryset=Employee.objects.none(), required=False
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)

    def __init__(
        self, *args: Any, questionnaires: Any, units: Any, employees: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["subject"].queryset = employees  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Survey.Kind.ROUND_360 and not data.get("subject"):
            self.add_error("subject", _("A 360 round rates one employee: choose them."))
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("A survey closes on or after the day it opens."))
        return data


class NationalIndexForm(forms.ModelForm):
    class Meta:
        model = NationalIndex
        fields = ["year", "value", "source"]


class TwibbonForm(forms.Form):
    photo = forms.FileField(label=_("Photo (optional)"), required=False)
