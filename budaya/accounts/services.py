"""Writes of accounts: grants, revocations, invitations, second factors. Each is one
transaction with its audit entry. Refused sign-ins are logged in their own tables (they are a
log themselves, not changes: no audit entry)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from base64 import b32encode
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from budaya.accounts import audit, selectors
from budaya.accounts.models import (
    UNIT_SCOPED_ROLES,
    AuditAction,
    RecoveryCode,
    Role,
    RoleGrant,
    SignInAttempt,
    SystemSignInAttempt,
    TwoFactorDevice,
    User,
)
from budaya.org.models import Employee, Government, Unit


def _grant_fields(grant: RoleGrant) -> dict[str, Any]:
    return {
        "user": grant.user.get_username(),
        "role": grant.role,
        "government": grant.government_id,
        "unit": grant.unit_id,
        # Leadership: the office of the rulebook held (issue 18).
        **({"office": grant.office} if grant.role == Role.LEADERSHIP else {}),
    }


def _check_office(role: str, government: Government, office: str) -> str:
    """A leadership grant names an office of the government's rulebook; no other role does."""
    if role != Role.LEADERSHIP:
        return ""
    from budaya.rulebook.selectors import current_rulebook

    if office and current_rulebook(government).office(office) is None:
        raise ValidationError(_("The rulebook of this government has no such office."))
    return office


def _check_grant(actor: Any, role: str, government: Government, unit: Unit | None) -> None:
    """Refuse what the form should already have refused: the service is the last line."""
    if role not in {value for value, _label in selectors.grantable_roles(actor, government)}:
        raise PermissionDenied
    if role in UNIT_SCOPED_ROLES:
        if unit is None or unit.government_id != government.pk:
            raise PermissionDenied
    elif unit is not None:
        raise PermissionDenied


@transaction.atomic
def grant_role(
    actor: Any,
    user: User,
    role: str,
    government: Government,
    unit: Unit | None = None,
    request: HttpRequest | None = None,
    office: str = "",
) -> RoleGrant:
    _check_grant(actor, role, government, unit)
    office = _check_office(role, government, office)
    grant, created = RoleGrant.objects.get_or_create(
        user=user,
        role=role,
        government=government,
        unit=unit if role in UNIT_SCOPED_ROLES else None,
        defaults={"granted_by": actor if actor.is_authenticated else None, "office": office},
    )
    if created:
        audit.record(actor, AuditAction.GRANT, grant, after=_grant_fields(grant), request=request)
    elif office and grant.office != office:
        set_office(actor, grant, office, request)
    user.forget_roles()
    return grant


@transaction.atomic
def set_office(
    actor: Any, grant: RoleGrant, office: str, request: HttpRequest | None = None
) -> RoleGrant:
    """The city administrator sets which office of the rulebook a leadership grant holds."""
    if not selectors.grants_administered_by(actor).filter(pk=grant.pk).exists():
        raise PermissionDenied
    if grant.role != Role.LEADERSHIP:
        raise ValidationError(_("Only a leadership role holds an office."))
    office = _check_office(grant.role, grant.government, office)
    before = _grant_fields(grant)
    grant.office = office
    grant.save(update_fields=["office"])
    audit.record(actor, AuditAction.UPDATE, grant, before, _grant_fields(grant), request)
    grant.user.forget_roles()
    return grant


@transaction.atomic
def revoke_role(actor: Any, grant: RoleGrant, request: HttpRequest | None = None) -> None:
    if not selectors.grants_administered_by(actor).filter(pk=grant.pk).exists():
        raise PermissionDenied
    if grant.user_id == actor.pk and grant.role == Role.CITY_ADMIN:
        # Nobody removes their own administration by accident; another administrator may.
        raise PermissionDenied
    audit.record(actor, AuditAction.REVOKE, grant, before=_grant_fields(grant), request=request)
    grant.delete()
    grant.user.forget_roles()


@transaction.atomic
def invite_user(
    actor: Any,
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    government: Government,
    unit: Unit | None,
    employee: Employee | None,
    request: HttpRequest,
    office: str = "",
) -> User:
    """Create the account without a password and e-mail a link to choose one."""
    _check_grant(actor, role, government, unit)
    if employee is not None and employee.government_id != government.pk:
        raise PermissionDenied
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        employee=employee,
    )
    user.set_unusable_password()
    user.save()
    audit.record(
        actor,
        AuditAction.INVITE,
        user,
        after={"username": username, "email": email, "employee": employee and employee.pk},
        request=request,
        government=government,
    )
    grant_role(actor, user, role, government, unit, request, office=office)
    # Sent once the account exists for sure: a rolled-back invitation sends nothing.
    link = request.build_absolute_uri(set_password_path(user))
    transaction.on_commit(lambda: send_invitation(user, government, link))
    return user


@transaction.atomic
def invite_first_administrator(
    *,
    government: Government,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    operator: str,
    site_url: str,
) -> tuple[User, str]:
    """``manage.py create_government --admin-username ...`` (issue 23): the system operator, who
    has no account of the application, makes the new government's first administrator. The
    account has no password; the link returned (and e-mailed after the commit) lets its owner
    choose one, once: the token no longer holds after the password is set, nor after
    PASSWORD_RESET_TIMEOUT. The invitation and the grant are audited in the government's chain,
    naming the operator."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.save()
    by = {"operator": operator, "via": "manage.py create_government"}
    audit.record(
        None,
        AuditAction.INVITE,
        user,
        after={"username": username, "email": email, "employee": None, **by},
        government=government,
    )
    grant = RoleGrant.objects.create(user=user, role=Role.CITY_ADMIN, government=government)
    audit.record(None, AuditAction.GRANT, grant, after={**_grant_fields(grant), **by})
    link = site_url.rstrip("/") + set_password_path(user)
    transaction.on_commit(lambda: send_invitation(user, government, link))
    return user, link


def set_password_path(user: User) -> str:
    """Where the user chooses a password: valid until it is used or PASSWORD_RESET_TIMEOUT."""
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def send_invitation(user: User, government: Government, link: str) -> None:
    context = {
        "user": user,
        "government": government,
        "link": link,
        "site_name": settings.SITE_NAME,
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
    }
    subject = _("Your %(site)s account") % {"site": settings.SITE_NAME}
    body = render_to_string("accounts/email/invitation.txt", context)
    EmailMessage(subject, body, to=[user.email or ""]).send()


# --- Second factor ------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.get_username(), issuer_name=settings.BUDAYA_TOTP_ISSUER
    )


def _accepted_step(secret: str, code: str, last_step: int) -> int | None:
    """The time step a code belongs to (one step either side for clock drift), or None."""
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if step > last_step and pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


@transaction.atomic
def enable_totp(user: User, secret: str, code: str, request: HttpRequest) -> list[str] | None:
    """Confirm the authenticator; its first recovery codes (shown once), or None."""
    step = _accepted_step(secret, code, 0)
    if step is None:
        return None
    TwoFactorDevice.objects.filter(user=user).delete()
    TwoFactorDevice.objects.create(user=user, secret=secret, last_step=step)
    audit.record(user, AuditAction.ENABLE_2FA, user, request=request, government=None)
    return new_recovery_codes(user=user, request=request)


@transaction.atomic
def check_totp(user: User, code: str) -> bool:
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return False
    step = _accepted_step(device.secret, code, device.last_step)
    if step is None:
        return False
    device.last_step = step
    device.save(update_fields=["last_step"])
    return True


@transaction.atomic
def disable_totp(user: User, request: HttpRequest) -> None:
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(user, AuditAction.DISABLE_2FA, user, request=request, government=None)


# --- Recovery codes (issue 17) ----------------------------------------------------------------

RECOVERY_CODE_COUNT = 10


def normalise_recovery_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    # 80 random bits as 16 base32 characters, shown in groups of four.
    text = b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def new_recovery_codes(*, user: User, request: HttpRequest | None) -> list[str]:
    """Replace the user's recovery codes by new ones; the codes, to show once."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, digest=_recovery_digest(code)) for code in codes]
    )
    audit.record(
        user,
        AuditAction.RECOVERY_CODES,
        user,
        after={"count": len(codes)},
        request=request,
        government=None,
    )
    return codes


@transaction.atomic
def use_recovery_code(*, user: User, code: str, request: HttpRequest | None) -> bool:
    """Accept an unused recovery code of this user once, in place of a TOTP code."""
    found = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, digest=_recovery_digest(code), used_at__isnull=True)
        .first()
    )
    if found is None:
        return False
    found.used_at = timezone.now()
    found.save(update_fields=["used_at"])
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    audit.record(
        user,
        AuditAction.USE_RECOVERY_CODE,
        user,
        after={"left": left},
        request=request,
        government=None,
    )
    return True


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- Refused sign-ins (issue 17) --------------------------------------------------------------

sign_in_log = logging.getLogger("budaya.signin")
IDENTIFIER_KEPT = 64


def record_sign_in_attempt(
    *, identifier: str, user: User | None, address: str, step: str, result: str
) -> None:
    """Log a failed or locked-out sign-in: one line in the log, and a row for each government
    the account serves (its city administrators see it), else a system row (an unknown
    identifier, or an account of no government: system administrators see it)."""
    kept = identifier.strip()[:IDENTIFIER_KEPT]
    sign_in_log.warning(
        "Sign-in refused: result=%s step=%s identifier=%r account=%s address=%s",
        result,
        step,
        kept,
        user.pk if user is not None else "-",
        address or "-",
    )
    fields = {
        "at": timezone.now(),
        "identifier": kept,
        "user": user,
        "remote_addr": address or None,
        "step": step,
        "result": result,
    }
    governments: set[int] = set()
    if user is not None:
        governments = set(user.role_grants.values_list("government_id", flat=True))
        if user.employee_id is not None:
            governments |= set(
                Employee.objects.filter(pk=user.employee_id).values_list("government_id", flat=True)
            )
    with transaction.atomic():
        if governments:
            SignInAttempt.objects.bulk_create(
                [SignInAttempt(government_id=pk, **fields) for pk in sorted(governments)]
            )
        else:
            SystemSignInAttempt.objects.create(**fields)
