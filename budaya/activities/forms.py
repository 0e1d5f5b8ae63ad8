"""Forms of the activity log, the forms of activity and the obligations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.activities import evidence as evidence_files
from budaya.activities.models import Activity, ActivityForm, Evidence, Obligation
from budaya.frameworks.models import CoreValue
from budaya.org.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by ``evidence.prepare_file``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[evidence_files.PreparedFile]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        prepared: list[evidence_files.PreparedFile] = []
        errors: list[str] = []
        for upload in uploads:
            try:
                prepared.append(evidence_files.prepare_file(upload))
            except ValidationError as error:
                errors.extend(f"{upload.name}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return prepared


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        depth = max(obj.path.count("/") - 1, 0)
        return "— " * depth + obj.name


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Agency"),
        empty_label=_("All agencies"),
    )
    form = forms.ModelChoiceField(
        queryset=ActivityForm.objects.none(),
        required=False,
        label=_("Form or method"),
        empty_label=_("All forms"),
    )
    value = forms.ModelChoiceField(
        queryset=CoreValue.objects.none(),
        required=False,
        label=_("Value"),
        empty_label=_("All values"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Planned and done")), *Activity.Status.choices],
    )

    def __init__(self, *args: Any, units: Any, forms_: Any, values: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["form"].queryset = forms_  # type: ignore[attr-defined]
        self.fields["value"].queryset = values  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return self.cleaned_data


class ActivityEditForm(forms.ModelForm):
    """One page, quick from a phone: what, when, where, values, a photo; the rest folded."""

    photos = MultipleFileField(
        label=_("Photos"),
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Take a photo or choose pictures. Location data is removed."),
    )
    documents = MultipleFileField(
        label=_("Other files"),
        widget=MultipleFileInput(attrs={"accept": evidence_files.ACCEPT_ATTRIBUTE}),
        help_text=_("PDF, office documents or short videos."),
    )
    link_url = forms.CharField(
        label=_("Link to evidence"),
        required=False,
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://drive.google.com/…"}),
        help_text=_("For example a shared-drive folder (S Tabel 1 column 7)."),
    )
    link_title = forms.CharField(label=_("Title of the link"), required=False, max_length=200)
    remove_evidence = forms.ModelMultipleChoiceField(
        queryset=Evidence.objects.none(),
        required=False,
        label=_("Remove evidence"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            "unit",
            "date",
            "time",
            "form",
            "title",
            "values",
            "participants_count",
            "status",
            "participant_names",
            "description",
            "problems",
            "solutions",
        ]
        widgets = {
            "date": DateInput(),
            "time": TimeInput(),
            "values": forms.CheckboxSelectMultiple,
            "participant_names": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 2}),
            "solutions": forms.Textarea(attrs={"rows": 2}),
            "participants_count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    def __init__(
        self,
        *args: Any,
        units: Any,
        forms_: Any,
        values: Any,
        current_evidence: list[Evidence] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(queryset=units, label=_("Agency or unit"))
        self.fields["form"].queryset = forms_  # type: ignore[attr-defined]
        self.fields["values"].queryset = values  # type: ignore[attr-defined]
        self.fields["values"].required = False
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: the name of the form.")
        if not self.instance.pk and not self.is_bound:  # a sent form keeps what was sent
            self.initial.setdefault("date", timezone.localdate())
            first = units.first() if hasattr(units, "first") else None
            if first is not None:
                self.initial.setdefault("unit", first.pk)
        if current_evidence:
            self.fields["remove_evidence"].queryset = Evidence.objects.filter(  # type: ignore[attr-defined]
                pk__in=[item.pk for item in current_evidence]
            )
        else:
            del self.fields["remove_evidence"]

    def clean_link_url(self) -> str:
        url = self.cleaned_data.get("link_url") or ""
        return evidence_files.clean_url(url) if url.strip() else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("title") or "").strip() and data.get("form"):
            data["title"] = data["form"].name
        return data

    # Shown first on the page; the rest sits in a folded section.
    QUICK = ("unit", "date", "time", "form", "title", "values", "participants_count")
    MORE = ("status", "participant_names", "description", "problems", "solutions")

    def quick_fields(self) -> list[Any]:
        return [self[name] for name in self.QUICK]

    def more_fields(self) -> list[Any]:
        return [self[name] for name in self.MORE]


class ActivityFormForm(forms.ModelForm):
    """A form or method of activity of the government (city administrator)."""

    class Meta:
        model = ActivityForm
        fields = ["name", "code", "description", "source", "order", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, government: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.government = government
        self.instance.government = government

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        clash = ActivityForm.objects.filter(government=self.government, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another form of this government has this code."))
        return code


class ObligationForm(forms.ModelForm):
    class Meta:
        model = Obligation
        fields = [
            "name",
            "form",
            "frequency",
            "day",
            "grace_days",
            "remind_days_before",
            "starts_on",
            "ends_on",
            "source",
            "active",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args: Any, government: Any, forms_: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.government = government
        self.instance.government = government
        self.fields["form"].queryset = forms_  # type: ignore[attr-defined]
        if not self.instance.pk:
            self.initial.setdefault("starts_on", timezone.localdate().replace(month=1, day=1))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Obligation.objects.filter(government=self.government, name=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another obligation of this government has this name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        frequency, day = data.get("frequency"), data.get("day")
        if frequency == Obligation.Frequency.MONTHLY_DAY and not (day and 1 <= day <= 31):
            self.add_error("day", _("Give the day of the month (1–31)."))
        if frequency == Obligation.Frequency.WEEKLY and not (day and 1 <= day <= 7):
            self.add_error("day", _("Give the weekday (1 = Monday … 7 = Sunday)."))
        if frequency in (Obligation.Frequency.WORKING_DAYS, Obligation.Frequency.MONTHLY):
            data["day"] = None
        ends_on, starts_on = data.get("ends_on"), data.get("starts_on")
        if ends_on and starts_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end comes before the start."))
        return data
