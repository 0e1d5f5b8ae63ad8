"""Forms of the activity log, the forms of activity and the obligations."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from budaya.activities import evidence as evidence_files
from budaya.activities.models import Activity, ActivityForm, Evidence, Obligation
from budaya.fragments import KeptSelect
from budaya.frameworks.models import CoreValue
from budaya.org.models import Unit

ISO_DATE = "%Y-%m-%d"  # what <input type="date"> sends
ISO_TIMES = ("%H:%M", "%H:%M:%S")  # and <input type="time">


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


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
        return unit_label(obj)


def unit_label(unit: Unit) -> str:
    depth = max(unit.path.count("/") - 1, 0)
    return "— " * depth + unit.name


class InstanceChoiceField(forms.ChoiceField):
    """One of the rows already loaded (issue 25: the recording form's choices come from the
    per-government cache, ``choices.py``): validated against them without a query, cleaned to
    the row."""

    def __init__(
        self, instances: Iterable[Any], *, label_of: Callable[[Any], str] = str, **kwargs: Any
    ) -> None:
        self.instances = {str(item.pk): item for item in instances}
        blank = [("", _("- Select an option -"))]  # Django's own empty choice, translated
        # Labelled when rendered only (a callable): a sent form is checked against ``instances``
        # and needs no label of the government's hundreds of units.
        super().__init__(
            choices=lambda: [
                *blank,
                *((key, label_of(item)) for key, item in self.instances.items()),
            ],
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        return "" if value in self.empty_values else str(value)

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)
        if value and value not in self.instances:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        return self.instances.get(key) if key else None

    def prepare_value(self, value: Any) -> Any:
        return str(value.pk) if hasattr(value, "pk") else value


class InstanceMultipleChoiceField(forms.MultipleChoiceField):
    """Several of the rows already loaded, as ``InstanceChoiceField``."""

    def __init__(
        self, instances: Iterable[Any], *, label_of: Callable[[Any], str] = str, **kwargs: Any
    ) -> None:
        self.instances = {str(item.pk): item for item in instances}
        super().__init__(
            choices=lambda: [(key, label_of(item)) for key, item in self.instances.items()],
            **kwargs,
        )

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.instances

    def clean(self, value: Any) -> list[Any]:
        keys = super().clean(value)
        return [self.instances[str(key)] for key in dict.fromkeys(keys)]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [str(item.pk) if hasattr(item, "pk") else str(item) for item in value]
        return value


class ValueChoiceField(forms.ModelChoiceField):
    """A value; those of an earlier framework version (listed after the latest's) named with
    their version's number."""

    def label_from_instance(self, obj: CoreValue) -> str:
        latest = self.__dict__.setdefault("_latest_version", obj.version_id)
        return obj.name if obj.version_id == latest else f"{obj.name} (v{obj.version.number})"


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
    value = ValueChoiceField(
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

    def __init__(
        self,
        *args: Any,
        units: Any,
        forms_: Any,
        values: Any,
        government_id: int,
        scope: str,
        version: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The three selects' options kept per government and version (issue 25), the agencies
        # also per the user's part of the government; set before their querysets give choices.
        for name, parts in (("unit", (scope,)), ("form", ()), ("value", ())):
            self.fields[name].widget = KeptSelect(
                name=f"activities:{name}-options",
                government_id=government_id,
                parts=parts,
                version=version,
            )
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

    class Meta:
        model = Activity
        # ``unit``, ``form`` and ``values`` are chosen among rows already loaded (__init__).
        fields = [
            "date",
            "time",
            "title",
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
            "participant_names": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 2}),
            "solutions": forms.Textarea(attrs={"rows": 2}),
            "participants_count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    def __init__(
        self,
        *args: Any,
        units: Iterable[Unit],
        forms_: Iterable[ActivityForm],
        values: Iterable[CoreValue],
        current_evidence: list[Evidence] | None = None,
        **kwargs: Any,
    ) -> None:
        """``units``, ``forms_`` and ``values``: what may be chosen, already loaded (from the
        per-government cache when recording, ``choices.py``): the choices are checked against
        them, without a query per field."""
        super().__init__(*args, **kwargs)
        units = list(units)
        fields = Activity._meta
        self.fields["unit"] = InstanceChoiceField(
            units, label_of=unit_label, label=_("Agency or unit")
        )
        self.fields["form"] = InstanceChoiceField(
            forms_, label=capfirst(fields.get_field("form").verbose_name)
        )
        self.fields["values"] = InstanceMultipleChoiceField(
            values,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=capfirst(fields.get_field("values").verbose_name),
        )
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: the name of the form.")
        if self.instance.pk:
            self.initial.setdefault("unit", self.instance.unit_id)
            self.initial.setdefault("form", self.instance.form_id)
            self.initial.setdefault(
                "values",
                [str(pk) for pk in self.instance.value_links.values_list("value_id", flat=True)],
            )
        elif not self.is_bound:  # a sent form keeps what was sent
            self.initial.setdefault("date", timezone.localdate())
            if units:
                self.initial.setdefault("unit", units[0].pk)
        # The browser's date and time inputs send ISO: tried first, so that a recording does not
        # fail through the locale's formats before it (issue 25, the hot write).
        self.fields["date"].input_formats = [ISO_DATE, *get_format("DATE_INPUT_FORMATS")]  # type: ignore[attr-defined]
        self.fields["time"].input_formats = [*ISO_TIMES, *get_format("TIME_INPUT_FORMATS")]  # type: ignore[attr-defined]
        if current_evidence:  # editing: a field of its own (a recording copies no queryset)
            self.fields["remove_evidence"] = forms.ModelMultipleChoiceField(
                queryset=Evidence.objects.filter(pk__in=[item.pk for item in current_evidence]),
                required=False,
                label=_("Remove evidence"),
                widget=forms.CheckboxSelectMultiple,
            )

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
