from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from budaya.accounts import services, throttle
from budaya.accounts.backends import find_user
from budaya.accounts.models import UNIT_SCOPED_ROLES, Role, SignInResult, SignInStep, User
from budaya.org.models import Employee, Government, Unit
from budaya.org.nip import NIPError, normalise


def _lockout_message(seconds: int) -> str:
    minutes = max((seconds + 59) // 60, 1)
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class SignInForm(AuthenticationForm):
    """Password step: user name, e-mail or NIP, with lockout after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct user name (or e-mail or NIP) and password. "
            "Note that the password is case-sensitive."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name, e-mail or NIP")
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean(self) -> dict[str, Any]:
        # Issue 17: counted per account the identifier resolves to (whatever its spelling) and
        # per address; every refusal logged; the same lockout message for unknown identifiers.
        identifier = self.cleaned_data.get("username") or ""
        user = find_user(identifier)
        subject = throttle.subject(identifier, user)
        address = throttle.client_address(self.request)

        def refuse(result: str) -> None:
            services.record_sign_in_attempt(
                identifier=identifier,
                user=user,
                address=address,
                step=SignInStep.PASSWORD,
                result=result,
            )

        locked = throttle.locked_for(subject=subject, address=address)
        if locked:
            refuse(SignInResult.LOCKED)
            raise forms.ValidationError(_lockout_message(locked), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if self.cleaned_data.get("password"):
                refuse(SignInResult.FAILED)
                locked = throttle.failed(subject=subject, address=address)
                if locked:
                    raise forms.ValidationError(_lockout_message(locked), code="locked") from None
            raise
        throttle.succeeded(subject=subject, address=address)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the six digits shown in your authenticator app."))
        return code


class SignInCodeForm(CodeForm):
    """The code step of sign-in: a TOTP code, or one of the user's recovery codes."""

    code = forms.CharField(
        label=_("Six-digit code from your authenticator app, or a recovery code"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if code.isdigit() and len(code) == 6:
            return code
        if len(services.normalise_recovery_code(code)) == 16:
            return code
        raise forms.ValidationError(
            _("Enter the six digits shown in your authenticator app, or a recovery code.")
        )


class SignInAttemptFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    identifier = forms.CharField(label=_("Typed identifier"), required=False, max_length=64)
    address = forms.GenericIPAddressField(label=_("Address"), required=False)
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("All")), *SignInResult.choices]
    )


def office_choices(governments: Iterable[Government]) -> list[tuple[str, str]]:
    """The offices of the governments' rulebooks by their titles (code, title), each once."""
    from budaya.rulebook.selectors import current_rulebook

    seen: dict[str, list[str]] = {}
    for government in governments:
        for office in current_rulebook(government).offices:
            titles = seen.setdefault(office.code, [])
            if office.title not in titles:
                titles.append(office.title)
    return [(code, " / ".join(titles)) for code, titles in seen.items()]


class RoleGrantForm(forms.Form):
    """Only the governments the granting user administers, and only their agencies."""

    role = forms.ChoiceField(label=_("Role"))
    government = forms.ModelChoiceField(label=_("Government"), queryset=Government.objects.none())
    unit = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Required for unit head, unit team and employee: the role covers this agency."),
    )
    office = forms.ChoiceField(
        label=_("Office"),
        required=False,
        help_text=_("Required for leadership: the office of the government's rulebook it holds."),
    )

    def __init__(
        self,
        *args: Any,
        governments: QuerySet[Government],
        units: QuerySet[Unit],
        roles: list[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("government", governments)
        self._set_queryset("unit", units.select_related("government"))
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        # No role chosen for the administrator: the first of the list was the government's
        # administrator, given to whoever was invited without a second look.
        role_field.choices = [("", "—"), *roles]
        if governments.count() == 1:
            self.fields["government"].initial = governments.first()
        office_field = self.fields["office"]
        assert isinstance(office_field, forms.ChoiceField)
        # The governments read once: their rulebooks stay on these objects for the request.
        self.governments = {government.pk: government for government in governments}
        self.office_options = office_choices(self.governments.values())
        office_field.choices = [("", "—"), *self.office_options]

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, government, unit = (cleaned.get(k) for k in ("role", "government", "unit"))
        if role in UNIT_SCOPED_ROLES:
            if unit is None:
                self.add_error("unit", _("Choose the agency this role covers."))
            elif government is not None and unit.government_id != government.pk:
                self.add_error("unit", _("This agency belongs to another government."))
        elif unit is not None:
            cleaned["unit"] = None
        office = cleaned.get("office") or ""
        if role == Role.LEADERSHIP and government is not None:
            from budaya.rulebook.selectors import current_rulebook

            if not office:
                self.add_error("office", _("Choose the office this person holds."))
            elif current_rulebook(government).office(office) is None:
                self.add_error("office", _("The rulebook of this government has no such office."))
        else:
            cleaned["office"] = ""
        return cleaned


# Letters, digits, dots, hyphens and underscores, with at least one letter: "admin.contoh" as
# governments name their accounts (issue 23). Never "@" (sign-in reads it as an e-mail address)
# nor digits alone (read as a NIP): budaya.accounts.backends.find_user.
USERNAME = RegexValidator(
    r"^(?=.*[^\W\d_])[\w.-]+\Z",
    _("Use letters, digits, dots, hyphens or underscores, with at least one letter."),
)


class InviteForm(RoleGrantForm):
    # Every demo login is "first.last" (issue 23, part 1); a slug field refused the dot. Not
    # Django's own rule, which also takes "@" and "+": see USERNAME.
    username = forms.CharField(label=_("User name"), max_length=150, validators=[USERNAME])
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    nip = forms.CharField(
        label=_("NIP or NI PPPK"),
        # As people write it, "19911225 201908 2 214": 18 characters cut it short.
        max_length=40,
        required=False,
        help_text=_("Links the account to the employee with this number in the chosen government."),
    )

    field_order = ["username", "first_name", "last_name", "email", "nip", "role", "government"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address exists already."))
        return email

    def clean_nip(self) -> str:
        try:
            return normalise(self.cleaned_data["nip"])
        except NIPError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        nip, government = cleaned.get("nip"), cleaned.get("government")
        cleaned["employee"] = None
        if nip and government is not None:
            employee = (
                Employee.objects.filter(government=government)
                .filter(Q(nip=nip) | Q(ni_pppk=nip))
                .first()
            )
            if employee is None:
                self.add_error("nip", _("No employee of this government has this NIP."))
            elif hasattr(employee, "user"):
                self.add_error("nip", _("This employee already has an account."))
            else:
                cleaned["employee"] = employee
        return cleaned


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actor = forms.CharField(label=_("By (user name)"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args: Any, object_types: list[str], **kwargs: Any) -> None:
        from budaya.accounts.audit_words import kind_name
        from budaya.accounts.models import AuditAction

        super().__init__(*args, **kwargs)
        type_field, action_field = self.fields["object_type"], self.fields["action"]
        assert isinstance(type_field, forms.ChoiceField)
        assert isinstance(action_field, forms.ChoiceField)
        kinds = sorted(((t, kind_name(t)) for t in object_types), key=lambda choice: choice[1])
        type_field.choices = [("", _("All")), *kinds]
        action_field.choices = [("", _("All")), *AuditAction.choices]
