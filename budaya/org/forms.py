import re
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from budaya.archives import ArchiveError, check_office_file
from budaya.fragments import KeptSelect, scope_key
from budaya.org import logos, selectors
from budaya.org.grades import (
    GradeError,
    normalise_echelon,
    normalise_pns_rank,
    normalise_pppk_grade,
)
from budaya.org.importing import FIELD_LABELS
from budaya.org.models import Employee, Government, Unit
from budaya.org.nip import NIPError, parse_pppk
from budaya.org.nip import parse as parse_nip

PHONE = re.compile(r"[0-9+()/\- ]{3,60}")


class LetterheadLines:
    """The address and telephone of a letterhead, cleaned the same for a government and a unit."""

    cleaned_data: dict[str, Any]

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and not PHONE.fullmatch(phone):
            raise forms.ValidationError(
                _("Write the telephone with digits, spaces, +, -, ( ) and / only.")
            )
        return phone

    def clean_address(self) -> str:
        return " ".join(self.cleaned_data["address"].split())


class GovernmentForm(LetterheadLines, forms.ModelForm):
    class Meta:
        model = Government
        # The head of government's title is a word of the government's rulebook (issue 18).
        fields = [
            "name", "slug", "kind", "kemendagri_code", "timezone", "logo",
            # The letterhead of its documents (issue 19).
            "letterhead_name", "address", "phone", "email", "website",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["logo"].widget.attrs["accept"] = logos.ACCEPT
        self.fields["logo"].help_text = _("PNG, JPEG or SVG, at most 2 MB.")

    def clean_kemendagri_code(self) -> str:
        code = self.cleaned_data["kemendagri_code"].strip()
        # Kemendagri region codes: province "36", regency/city "36.71".
        parts = code.split(".")
        if not all(part.isdigit() and len(part) == 2 for part in parts) or len(parts) > 2:
            raise forms.ValidationError(
                _("Write the Kemendagri code as two-digit groups with dots, e.g. 36 or 36.71.")
            )
        kind = self.cleaned_data.get("kind")
        if kind == Government.Kind.PROVINSI and len(parts) != 1:
            raise forms.ValidationError(_("A province has a two-digit code, e.g. 36."))
        if kind in (Government.Kind.KOTA, Government.Kind.KABUPATEN) and len(parts) != 2:
            raise forms.ValidationError(_("A city or regency has a code like 36.71."))
        return code

    def clean_logo(self):  # type: ignore[no-untyped-def]
        """A new upload is checked by content and cleaned (issue 17: PNG, JPEG or a cleaned
        SVG); the stored logo (no new upload) or a cleared one pass as they are."""
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return logos.prepare_logo(logo).as_file()
        return logo


class UnitForm(forms.ModelForm):
    """A unit of one government; the parent can only be another unit of that government."""

    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "kind", "parent", "active_from"]
        widgets = {"active_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, government: Government, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.instance.government = government
        parents = Unit.objects.filter(government=government, active_to__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        parent_field.queryset = parents.order_by("path")
        parent_field.required = False
        parent_field.help_text = _("Leave empty for an agency (Perangkat Daerah).")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        clash = Unit.objects.filter(government=self.instance.government, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another unit of this government has this code."))
        return code


class UnitLetterheadForm(LetterheadLines, forms.ModelForm):
    """The unit's lines of the letterhead of its documents (issue 19)."""

    class Meta:
        model = Unit
        fields = ["address", "phone", "email", "website"]


class DeactivateForm(forms.Form):
    active_to = forms.DateField(
        label=_("Active until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The unit and all its sub-units end on this date. Nothing is deleted."),
    )


class EmployeeForm(forms.ModelForm):
    # Longer than 18: people type NIPs with spaces and dots, which clean() removes.
    nip = forms.CharField(label=_("NIP"), max_length=40, required=False)

    class Meta:
        model = Employee
        fields = [
            "status", "nip", "ni_pppk", "front_title", "name", "back_title", "sex", "rank",
            "echelon", "position_name", "position_kind", "unit", "active",
        ]  # fmt: skip

    def __init__(self, *args, government: Government, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.instance.government = government
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(
            government=government, active_to__isnull=True
        ).order_by("path")
        if self.instance.pk:
            # A move between units is a transfer, with its date and decree.
            del self.fields["unit"]
        self.fields["nip"].help_text = _("18 digits, for PNS.")
        self.fields["ni_pppk"].help_text = _(
            "For PPPK, instead of a NIP: 18 digits, 21 after the year."
        )
        # Issue 23: the sex is digit 15 of either number; a sex chosen must agree with it.
        self.fields["sex"].required = False
        self.fields["sex"].help_text = _("Left empty, it is read from the NIP or NI PPPK.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status")
        sex = data.get("sex")
        nip_value = (data.get("nip") or "").strip()
        government = self.instance.government
        if status == Employee.Status.PNS:
            try:
                number = parse_nip(nip_value, sex=sex or None)
            except NIPError as error:
                self.add_error("nip", str(error))
            else:
                data["nip"], data["sex"] = number.value, number.sex
            data["ni_pppk"] = None
            try:
                data["rank"] = normalise_pns_rank(data.get("rank"))
            except GradeError as error:
                self.add_error("rank", str(error))
        elif status == Employee.Status.PPPK:
            data["nip"] = None
            if not (data.get("ni_pppk") or "").strip():
                self.add_error("ni_pppk", _("A PPPK employee needs an NI PPPK."))
            else:
                try:
                    number = parse_pppk(data["ni_pppk"], sex=sex or None)
                except NIPError as error:
                    self.add_error("ni_pppk", str(error))
                else:
                    data["ni_pppk"], data["sex"] = number.value, number.sex
            try:
                data["rank"] = normalise_pppk_grade(data.get("rank"))
            except GradeError as error:
                self.add_error("rank", str(error))
        try:
            data["echelon"] = normalise_echelon(data.get("echelon"))
        except GradeError as error:
            self.add_error("echelon", str(error))
        for key in ("nip", "ni_pppk"):
            value = data.get(key)
            if value:
                clash = Employee.objects.filter(government=government, **{key: value})
                if self.instance.pk:
                    clash = clash.exclude(pk=self.instance.pk)
                if clash.exists():
                    self.add_error(key, _("Another employee of this government has this number."))
        return data


class TransferForm(forms.Form):
    to_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("To unit"))
    effective_on = forms.DateField(
        label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    decree = forms.CharField(label=_("Decree number"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, employee: Employee, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Unit.objects.filter(government_id=employee.government_id, active_to__isnull=True)
            .exclude(pk=employee.unit_id)
            .order_by("path")
        )


class EmployeeImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (XLSX or CSV)"),
        help_text=_("The export from BKD/SIASN as it is: title rows above the header are fine."),
    )
    full_roster = forms.BooleanField(
        label=_("This file is the full roster of the government"),
        required=False,
        help_text=_("Employees missing from it are flagged as possibly left. Nobody is deleted."),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in {".xlsx", ".xlsm", ".csv", ".txt"}:
            raise forms.ValidationError(_("Upload an XLSX or CSV file."))
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.")
                % {"size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        head = upload.read(4)
        upload.seek(0)
        if suffix in {".xlsx", ".xlsm"} and head != b"PK\x03\x04":
            raise forms.ValidationError(_("The file is not an XLSX workbook."))
        if suffix in {".xlsx", ".xlsm"}:
            try:
                check_office_file(upload)  # issue 17: refused before it is stored or parsed
            except ArchiveError as error:
                raise forms.ValidationError(str(error)) from error
        return upload


class UnitImportForm(EmployeeImportForm):
    """The unit tree from the agency structure list (issue 23, part 2): the same checks."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        del self.fields["full_roster"]
        self.fields["file"].label = _("Unit list (XLSX or CSV)")
        self.fields["file"].help_text = _(
            "One unit a row: name, kind, parent and, if you have them, codes. Title rows above "
            "the header are fine; a parent may come after its units."
        )


class ColumnMappingForm(forms.Form):
    """Which header of this government's export holds each field (empty: the usual names)."""

    def __init__(self, *args, headers: list[str], current: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        choices = [("", _("— the usual names —"))] + [(h, h) for h in headers if h]
        for name, label in FIELD_LABELS.items():
            initial = current.get(name, "")
            if headers:
                field_choices = list(choices)
                if initial and initial not in headers:
                    field_choices.append((initial, initial))
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=field_choices, required=False, initial=initial
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label, max_length=120, required=False, initial=initial
                )


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name, position or NIP"))
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Unit (with its sub-units)"),
        empty_label=_("All units"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("PNS and PPPK")), *Employee.Status.choices],
    )
    position_kind = forms.ChoiceField(
        label=_("Position kind"),
        required=False,
        choices=[("", _("All kinds")), *Employee.PositionKind.choices],
    )
    echelon = forms.ChoiceField(
        label=_("Echelon"),
        required=False,
        choices=[
            ("", _("All")),
            ("I", _("I (JPT Madya)")),
            ("II", _("II (JPT Pratama)")),
            ("III", _("III (Administrator)")),
            ("IV", _("IV (Pengawas)")),
            ("none", _("Non-echelon")),
        ],
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("active", _("Active")),
            ("possibly_left", _("Possibly left")),
            ("inactive", _("Inactive")),
            ("all", _("All")),
        ],
    )

    def __init__(self, *args, user, government, version=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        # A city's hundreds of units: their options kept per government and version.
        field.widget = KeptSelect(
            name="org:unit-options",
            government_id=government.pk,
            parts=(scope_key(user, government.pk),),
            version=version,
        )
        field.queryset = selectors.units_of(user, government).order_by("path")

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
