from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from budaya.activities import evidence
from budaya.org.models import Employee, Government, Unit
from budaya.rulebook.document import RulebookDocument
from budaya.teams import services
from budaya.teams.models import (
    Decree,
    Designation,
    Membership,
    Team,
    TeamKind,
    TeamPolicy,
    TeamRole,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["kind", "unit", "name", "formed_on", "note"]
        widgets = {"formed_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "unit": _("Empty for a city-wide team."),
        }

    def __init__(
        self,
        *args: Any,
        kinds: QuerySet[TeamKind],
        units: QuerySet[Unit],
        city_wide_allowed: bool,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units.order_by("path")  # type: ignore[attr-defined]
        self.city_wide_allowed = city_wide_allowed

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, unit = data.get("kind"), data.get("unit")
        if kind is not None:
            if kind.scope == TeamKind.Scope.CITY and unit is not None:
                self.add_error("unit", _("A city-wide team belongs to no unit."))
            if kind.scope == TeamKind.Scope.AGENCY and unit is None:
                self.add_error("unit", _("Choose the agency or unit of the team."))
            if kind.scope == TeamKind.Scope.CITY and not self.city_wide_allowed:
                self.add_error("kind", _("Only the city administrator forms city-wide teams."))
        return data


class MembershipForm(forms.ModelForm):
    nip = forms.CharField(
        label=_("or NIP / NI PPPK of an employee elsewhere"),
        required=False,
        max_length=30,
        help_text=_("For someone who is not in the list (another agency)."),
    )

    class Meta:
        model = Membership
        fields = ["employee", "role", "start_on", "end_on", "justification"]
        widgets = {
            "start_on": DATE,
            "end_on": DATE,
            "justification": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "justification": _(
                "Required only when the member does not meet a rule; shown wherever the team "
                "is shown."
            ),
        }

    def __init__(
        self,
        *args: Any,
        candidates: QuerySet[Employee],
        visible: QuerySet[Employee],
        roles: QuerySet[TeamRole],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["employee"].required = False
        self.fields["employee"].label_from_instance = (  # type: ignore[attr-defined]
            lambda e: f"{e.full_name} ({e.echelon or '-'}, {e.position_name or e.status})"
        )
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
        self.visible = visible

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = (data.get("nip") or "").replace(" ", "")
        if number:
            found = (
                self.visible.filter(nip=number).first()
                or self.visible.filter(ni_pppk=number).first()
            )
            if found is None:
                self.add_error("nip", _("No employee you can see has this number."))
            else:
                data["employee"] = found
                self.instance.employee = found
        if not data.get("employee"):
            self.add_error("employee", _("Choose an employee or give a NIP."))
        end, start = data.get("end_on"), data.get("start_on")
        if end and start and end < start:
            self.add_error("end_on", _("The end is before the start."))
        return data


class MembershipEditForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["start_on", "end_on", "justification"]
        widgets = {
            "start_on": DATE,
            "end_on": DATE,
            "justification": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end, start = data.get("end_on"), data.get("start_on")
        if end and start and end < start:
            self.add_error("end_on", _("The end is before the start."))
        return data


class DecreeForm(forms.ModelForm):
    class Meta:
        model = Decree
        fields = ["purpose", "subject", "place", "signer_name", "signer_position"]
        help_texts = {
            "signer_position": _(
                "As it heads the decree: the position followed by the government's name."
            ),
        }


class SignForm(forms.Form):
    number = forms.CharField(label=_("Decree number"), max_length=120)
    decided_on = forms.DateField(label=_("Date signed"), widget=DATE)
    scan = forms.FileField(
        label=_("Signed scan (PDF or image)"),
        help_text=_("The decree as signed and stamped."),
    )

    def __init__(self, *args: Any, government: Government, decree: Decree, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.government = government
        self.decree = decree

    def clean_scan(self) -> evidence.PreparedFile:
        return evidence.prepare_file(self.cleaned_data["scan"])

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        clash = Decree.objects.filter(government=self.government, number=number).exclude(
            pk=self.decree.pk
        )
        if clash.exists():
            raise forms.ValidationError(_("Another decree already has this number."))
        return number


class PolicyForm(forms.ModelForm):
    class Meta:
        model = TeamPolicy
        fields = [
            "decree_max_age_months",
            "legal_basis",
            "decider_role",
            "decider_title",
        ]
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 4})}


class DocxUploadForm(forms.Form):
    template = forms.FileField(label=_("Decree template (.docx)"))

    def clean_template(self) -> Any:
        upload = self.cleaned_data["template"]
        head = upload.read(4)
        upload.seek(0)
        if not upload.name.lower().endswith(".docx") or head != b"PK\x03\x04":
            raise forms.ValidationError(_("Upload a Word document (.docx)."))
        return upload


class DesignationForm(forms.ModelForm):
    nip = forms.CharField(label=_("NIP / NI PPPK of the employee"), required=False, max_length=30)
    evidence_file = forms.FileField(label=_("Evidence (file)"), required=False)
    evidence_link = forms.URLField(
        label=_("Evidence (link)"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Designation
        fields = ["kind", "subject", "unit", "period_start", "period_end", "criteria", "reasons"]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "criteria": forms.Textarea(attrs={"rows": 3}),
            "reasons": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"unit": _("For a unit or an agency; for an employee, their unit is used.")}

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        employees: QuerySet[Employee],
        book: RulebookDocument,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")  # type: ignore[attr-defined]
        self.fields["unit"].required = False
        self.employees = employees
        self.book = book

    def clean_evidence_file(self) -> evidence.PreparedFile | None:
        upload = self.cleaned_data.get("evidence_file")
        return evidence.prepare_file(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        subject = data.get("subject")
        if subject == Designation.Subject.EMPLOYEE:
            number = (data.get("nip") or "").replace(" ", "")
            employee = (
                self.employees.filter(nip=number).first()
                or self.employees.filter(ni_pppk=number).first()
                if number
                else None
            )
            if employee is None:
                self.add_error("nip", _("Give the NIP of an employee you can see."))
            else:
                self.instance.employee = employee
                self.instance.unit = employee.unit
                data["unit"] = employee.unit
        else:
            unit = data.get("unit")
            if unit is None:
                self.add_error("unit", _("Choose the unit or agency."))
            elif subject == Designation.Subject.AGENCY and not unit.is_agency:
                self.add_error("unit", _("This unit is not an agency."))
            self.instance.employee = None
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end is before the start."))
        if data.get("kind") and subject and not self.errors:
            # Who may be designated is the rulebook's (T Pasal 1 angka 16: a PNS).
            self.instance.kind = data["kind"]
            self.instance.subject = subject
            refusal = services.designation_refusal(self.instance, self.book)
            if refusal:
                self.add_error("subject", refusal.strip())
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Decision note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
