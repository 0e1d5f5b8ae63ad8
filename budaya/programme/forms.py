from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.frameworks.models import BehaviourManifestation, CoreValue
from budaya.org.models import Employee, Unit
from budaya.programme.models import (
    INTERNALISATION_METHODS,
    SOCIALISATION_METHODS,
    ChecklistItem,
    Declaration,
    Engagement,
    FormulationStep,
    InstitutionalChange,
    Method,
    Programme,
    ScorecardItem,
    ScorecardResult,
    SensitiveArea,
    Source,
)


def _field(form: forms.BaseForm, name: str) -> Any:
    """A field whose type the stubs do not know (a ModelChoiceField, a ChoiceField)."""
    return form.fields[name]


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["year", "unit", "notes"]
        widgets = {"notes": TEXT}

    def __init__(
        self, *args: Any, units: QuerySet[Unit], city_wide: bool, level: str, **kwargs: Any
    ):
        """``level``: the government's own name for its level (its rulebook's words)."""
        super().__init__(*args, **kwargs)
        _field(self, "unit").queryset = units
        self.fields["unit"].required = not city_wide
        _field(self, "unit").empty_label = (
            _("— Programme of %(level)s —") % {"level": level} if city_wide else "---------"
        )
        this_year = timezone.localdate().year
        self.fields["year"].widget = forms.NumberInput(attrs={"min": 2000, "max": this_year + 5})
        self.fields["year"].initial = this_year

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= timezone.localdate().year + 5:
            raise forms.ValidationError(_("Enter a year between 2000 and five years from now."))
        return year


class ProgrammeNotesForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 5})}


class StepForm(forms.ModelForm):
    sources = forms.MultipleChoiceField(
        label=_("Sources consulted"),
        choices=Source.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where the values were drawn from."),
    )

    class Meta:
        model = FormulationStep
        fields = ["notes", "sources", "other_sources", "fgd_held_on", "done", "done_on"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 6}),
            "fgd_held_on": DATE,
            "done_on": DATE,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("done") and not data.get("done_on"):
            data["done_on"] = timezone.localdate()
        if not data.get("done"):
            data["done_on"] = None
        if Source.OTHER in (data.get("sources") or []) and not data.get("other_sources"):
            self.add_error("other_sources", _("Name the other sources."))
        return data


class SensitiveAreaForm(forms.ModelForm):
    class Meta:
        model = SensitiveArea
        fields = ["area", "value", "conflict", "handling"]
        widgets = {"conflict": TEXT, "handling": TEXT}

    def __init__(self, *args: Any, values: QuerySet[CoreValue], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _field(self, "value").queryset = values


class ScorecardItemForm(forms.ModelForm):
    class Meta:
        model = ScorecardItem
        fields = [
            "value",
            "manifestation",
            "key_behaviour",
            "metric",
            "target",
            "measure_unit",
            "direction",
            "order",
        ]
        widgets = {"key_behaviour": TEXT}

    def __init__(self, *args: Any, values: QuerySet[CoreValue], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _field(self, "value").queryset = values
        manifestations = BehaviourManifestation.objects.filter(value__in=values).select_related(
            "value"
        )
        _field(self, "manifestation").queryset = manifestations
        _field(self, "manifestation").label_from_instance = lambda m: (
            f"{m.value.name}: {m.text[:90]}"
        )
        self.fields["manifestation"].help_text = _(
            "Optional: the behaviour manifestation of the framework this key behaviour measures."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value, manifestation = data.get("value"), data.get("manifestation")
        if value and manifestation and manifestation.value_id != value.pk:
            self.add_error(
                "manifestation", _("This behaviour manifestation belongs to another value.")
            )
        return data


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ResultForm(forms.ModelForm):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"}),
        help_text=_("A monthly result: year and month (YYYY-MM)."),
    )
    date = forms.DateField(
        label=_("or date"),
        required=False,
        widget=DATE,
        help_text=_("A result measured on one day."),
    )

    class Meta:
        model = ScorecardResult
        fields = ["value", "note"]
        widgets = {"note": forms.TextInput()}

    def clean_month(self) -> datetime.date | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        match = MONTH.match(text)
        if not match or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(_("Enter the month as YYYY-MM, e.g. 2025-03."))
        return datetime.date(int(match[1]), int(match[2]), 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        month, date = data.get("month"), data.get("date")
        if bool(month) == bool(date) and not self.errors.get("month"):
            raise forms.ValidationError(_("Give either a month or a date."))
        if month:
            data["period_start"], data["granularity"] = month, ScorecardResult.Granularity.MONTH
        elif date:
            data["period_start"], data["granularity"] = date, ScorecardResult.Granularity.DAY
        return data


class DeclarationForm(forms.ModelForm):
    attendee_nips = forms.CharField(
        label=_("Attendees by NIP (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("NIP or NI PPPK of attendees, separated by commas, spaces or new lines."),
    )

    class Meta:
        model = Declaration
        fields = ["held_on", "place", "led_by", "attendee_count", "notes"]
        widgets = {"held_on": DATE, "notes": TEXT}

    def __init__(self, *args: Any, employees: QuerySet[Employee], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.employees = employees
        if self.instance.pk:
            numbers = [e.nip or e.ni_pppk or "" for e in self.instance.attendees.all()]
            self.fields["attendee_nips"].initial = "\n".join(numbers)

    def clean_attendee_nips(self) -> list[Employee]:
        numbers = [
            n for n in re.split(r"[\s,;]+", self.cleaned_data.get("attendee_nips") or "") if n
        ]
        if not numbers:
            return []
        found = {
            number: employee
            for employee in self.employees.filter(nip__in=numbers)
            | self.employees.filter(ni_pppk__in=numbers)
            for number in (employee.nip, employee.ni_pppk)
            if number
        }
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                _("No employee of this programme's scope has the number: %(numbers)s"),
                params={"numbers": ", ".join(unknown[:10])},
            )
        return list({found[n].pk: found[n] for n in numbers}.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        attendees = data.get("attendee_nips") or []
        if data.get("attendee_count") is not None and data["attendee_count"] < len(attendees):
            data["attendee_count"] = len(attendees)
        return data


class EngagementForm(forms.ModelForm):
    class Meta:
        model = Engagement
        fields = [
            "held_on",
            "title",
            "method",
            "method_other",
            "participant_count",
            "participants",
            "notes",
        ]
        widgets = {"held_on": DATE, "participants": TEXT, "notes": TEXT}

    def __init__(self, *args: Any, kind: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        methods = (
            SOCIALISATION_METHODS
            if kind == Engagement.Kind.SOCIALISATION
            else INTERNALISATION_METHODS
        )
        _field(self, "method").choices = [(m.value, m.label) for m in methods]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == Method.OTHER and not data.get("method_other"):
            self.add_error("method_other", _("Name the method."))
        return data


class InstitutionalChangeForm(forms.ModelForm):
    values = forms.ModelMultipleChoiceField(
        label=_("Values reflected"),
        queryset=CoreValue.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InstitutionalChange
        fields = ["kind", "title", "reference", "url", "effective_on", "description"]
        widgets = {"effective_on": DATE, "description": TEXT}

    def __init__(self, *args: Any, values: QuerySet[CoreValue], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _field(self, "values").queryset = values
        if self.instance.pk:
            self.fields["values"].initial = list(self.instance.values.all())


class ChecklistAnswerForm(forms.Form):
    met = forms.BooleanField(label=_("Met"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _checklist_choices(checklists: list[tuple[str, str]], current: str = "") -> list[Any]:
    """The rulebook's checklists; an item's own code too when its rulebook no longer has it."""
    choices = list(checklists)
    if current and current not in {code for code, _name in choices}:
        choices.append((current, current))
    return choices


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["checklist", "order", "text", "source", "active"]
        widgets = {"text": TEXT}

    def __init__(self, *args: Any, checklists: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["checklist"] = forms.ChoiceField(
            label=_("Checklist"),
            choices=_checklist_choices(checklists, self.instance.checklist or ""),
        )


class ChecklistLoadForm(forms.Form):
    checklist = forms.ChoiceField(label=_("Checklist"))
    lines = forms.CharField(
        label=_("Items, one per line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("They replace the items in use of this checklist; answers already given stay."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=120,
        required=False,
        help_text=_("The regulation and article they come from."),
    )

    def __init__(self, *args: Any, checklists: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _field(self, "checklist").choices = checklists

    def clean_lines(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["lines"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Enter at least one item."))
        return lines


class EvidenceForm(forms.Form):
    """A file or a link (S Tabel 1 column 7 expects links, e.g. to a shared drive)."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("or link"), max_length=1000, required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Choose a file or give a link (one of them)."))
        return data
