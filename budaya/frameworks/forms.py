from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from budaya.frameworks.models import CoreValue, FrameworkVersion
from budaya.frameworks.services import MAX_FILE_SIZE
from budaya.org.models import Unit


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file (YAML)"),
        help_text=_("A file in the framework format, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from error


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} — {obj.legal_basis}"


class AdoptionForm(forms.Form):
    version = VersionChoiceField(
        label=_("Framework version"),
        queryset=FrameworkVersion.objects.select_related("framework", "legal_basis").order_by(
            "framework__name", "-number"
        ),
        empty_label=_("— choose a version —"),
    )
    adopted_from = forms.DateField(
        label=_("Adopted from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The adoption in force now ends on the day before."),
    )
    decision = forms.CharField(
        label=_("Decision"),
        max_length=255,
        required=False,
        help_text=_("The regulation or decree by which the government adopted it."),
    )


class SloganForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Agency"), queryset=Unit.objects.none(), empty_label=_("— choose an agency —")
    )
    text = forms.CharField(label=_("Slogan"), max_length=255)
    values = forms.ModelMultipleChoiceField(
        label=_("Values it expresses"),
        queryset=CoreValue.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, units: QuerySet[Unit], values: QuerySet[CoreValue], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        value_field = self.fields["values"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        assert isinstance(value_field, forms.ModelMultipleChoiceField)
        unit_field.queryset = units
        value_field.queryset = values
