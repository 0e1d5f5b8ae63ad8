from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from budaya.frameworks.models import CoreValue, FrameworkVersion
from budaya.frameworks.services import MAX_FILE_SIZE
from budaya.org.models import Unit

INSTALLATION = "installation"


def owner_choices(owners: list[Any]) -> list[tuple[str, str]]:
    return [
        (owner.slug, owner.name)
        if owner is not None
        else (INSTALLATION, str(_("The installation (national framework)")))
        for owner in owners
    ]


class FrameworkUploadForm(forms.Form):
    # Issue 17: the file is imported for one owner; a city administrator only for its government.
    owner = forms.ChoiceField(label=_("On behalf of"), choices=(), required=False)
    file = forms.FileField(
        label=_("Framework file (YAML)"),
        help_text=_("A file in the framework format, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {
            key: owner for (key, _label), owner in zip(owner_choices(owners), owners, strict=True)
        }
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = owner_choices(owners)

    def clean_owner(self) -> Any:
        key = self.cleaned_data["owner"]
        if not key and len(self.owners) == 1:
            key = next(iter(self.owners))
        if key not in self.owners:
            raise forms.ValidationError(_("Choose on whose behalf the file is imported."))
        return self.owners[key]

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
        queryset=FrameworkVersion.objects.none(),
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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ModelChoiceField)
        # Issue 17: only published versions are adoptable; issue 18, item 4: only those the
        # user may read (another government's framework or regulation is not offered).
        field.queryset = (
            FrameworkVersion.objects.visible_to(user)
            .filter(status=FrameworkVersion.Status.PUBLISHED)
            .select_related("framework", "legal_basis")
            .order_by("framework__name", "-number")
        )


class MoveForm(forms.Form):
    """Move the adoption to the newer version of the adopted framework (issue 17)."""

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


class CopyForm(forms.Form):
    """A government's own copy of a framework, under its own identifier (issue 17)."""

    owner = forms.ChoiceField(label=_("For"), choices=(), required=False)
    slug = forms.SlugField(
        label=_("Identifier of the copy"),
        max_length=60,
        help_text=_("Lowercase letters, digits and single hyphens, e.g. “berakhlak-daerah”."),
    )
    name = forms.CharField(label=_("Name of the copy"), max_length=120)

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = [owner for owner in owners if owner is not None]
        self.owners = {owner.slug: owner for owner in owners}
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = owner_choices(owners)

    def clean_owner(self) -> Any:
        key = self.cleaned_data["owner"]
        if not key and len(self.owners) == 1:
            key = next(iter(self.owners))
        if key not in self.owners:
            raise forms.ValidationError(_("Choose the government the copy is for."))
        return self.owners[key]


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
