from __future__ import annotations

import time
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya import spreadsheets
from budaya.accounts import crypto, selectors, services, throttle
from budaya.accounts.audit_words import describe, kind_name
from budaya.accounts.forms import (
    AuditFilterForm,
    CodeForm,
    InviteForm,
    RoleGrantForm,
    SignInAttemptFilterForm,
    SignInCodeForm,
    SignInForm,
    _lockout_message,
)
from budaya.accounts.middleware import SECOND_FACTOR_DONE
from budaya.accounts.models import (
    AuditRecord,
    Role,
    SignInAttempt,
    SignInResult,
    SignInStep,
    SystemSignInAttempt,
    User,
)
from budaya.fragments import cached_fragment, kept, scope_key
from budaya.notifications.services import preference_of
from budaya.org.models import Government

# The password step passed, the code step pending: {user, backend, next, at}.
PENDING_SIGN_IN = "budaya_pending_sign_in"
PENDING_SECONDS = 5 * 60
ENROL_SECRET = "budaya_totp_secret"  # noqa: S105 (a session key, not a secret)
# New recovery codes, shown once on the next page and then gone (issue 17).
NEW_RECOVERY_CODES = "budaya_new_recovery_codes"
AUDIT_PAGE_SIZE = 50


def _require_role(request: HttpRequest, *roles: str) -> None:
    if not request.user.has_role(*roles):  # type: ignore[union-attr]
        raise PermissionDenied


# --- Sign-in ------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if hasattr(user, "totp"):
            # No session yet: only a note that the password was right, for five minutes.
            self.request.session[PENDING_SIGN_IN] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "at": time.time(),
            }
            return redirect("accounts:sign_in_code")
        return super().form_valid(form)


def _safe_next(request: HttpRequest, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else reverse("home")


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: a TOTP code, for users who enrolled an authenticator."""
    pending = request.session.get(PENDING_SIGN_IN)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_SIGN_IN, None)
        return redirect("login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    # Counted apart from the password step's count of this account (issue 17).
    subject = f"code:{user.pk}"
    address = throttle.client_address(request)
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        locked = throttle.locked_for(subject=subject, address=address)
        if locked:
            services.record_sign_in_attempt(
                identifier=user.get_username(),
                user=user,
                address=address,
                step=SignInStep.CODE,
                result=SignInResult.LOCKED,
            )
            form.add_error(None, _lockout_message(locked))
        elif (
            services.check_totp(user, code)
            if len(code) == 6 and code.isdigit()
            else services.use_recovery_code(user=user, code=code, request=request)
        ):
            throttle.succeeded(subject=subject, address=address)
            del request.session[PENDING_SIGN_IN]
            login(request, user, backend=pending["backend"])
            request.session[SECOND_FACTOR_DONE] = True
            return redirect(_safe_next(request, pending["next"]))
        else:
            services.record_sign_in_attempt(
                identifier=user.get_username(),
                user=user,
                address=address,
                step=SignInStep.CODE,
                result=SignInResult.FAILED,
            )
            throttle.failed(subject=subject, address=address)
            form.add_error("code", _("This code is not right or was used already."))
    return render(request, "accounts/sign_in_code.html", {"form": form})


class ResetForm(PasswordResetForm):
    def get_users(self, email: str) -> Any:
        # Invited accounts have no password yet: they may ask for a new link too.
        return User.objects.filter(email__iexact=email, is_active=True)


# Our own template names: django.contrib.admin ships registration/password_* templates that
# would win over ours (it comes first in INSTALLED_APPS).
password_reset = auth_views.PasswordResetView.as_view(
    form_class=ResetForm,
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.html",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change_form.html",
    success_url=reverse_lazy("accounts:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)


# --- Own account ----------------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    grants = user.role_grants.select_related("government", "unit")  # type: ignore[union-attr,misc]
    return render(
        request,
        "accounts/account.html",
        {
            "grants": grants,
            "has_totp": hasattr(user, "totp"),
            # Issue 20: how the user hears of workflow events; the outbox of the governments
            # the user administers.
            "notification_preference": preference_of(user),
            "administered": Government.objects.visible_to(user, roles=[Role.CITY_ADMIN]),
        },
    )


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    enrolled = hasattr(user, "totp")
    form = CodeForm(request.POST or None)
    if enrolled:
        if request.method == "POST" and form.is_valid():
            if user.needs_second_factor:
                raise PermissionDenied
            if services.check_totp(user, form.cleaned_data["code"]):
                services.disable_totp(user, request)
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("accounts:account")
            form.add_error("code", _("This code is not right or was used already."))
        return render(
            request, "accounts/two_factor.html", {"form": form, "enrolled": True, "user": user}
        )
    # Encrypted in the session too: sessions are rows of the database (issue 17).
    stored = request.session.get(ENROL_SECRET)
    secret = crypto.decrypt_or_none(stored) if stored else None
    secret = secret or services.new_totp_secret()
    request.session[ENROL_SECRET] = crypto.encrypt(secret)
    if request.method == "POST" and form.is_valid():
        codes = services.enable_totp(user, secret, form.cleaned_data["code"], request)
        if codes is not None:
            del request.session[ENROL_SECRET]
            request.session[SECOND_FACTOR_DONE] = True
            _show_once(request, codes)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("accounts:recovery_codes")
        form.add_error("code", _("This code is not right. Check the time on your phone."))
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "enrolled": False,
            "secret": secret,
            "uri": services.provisioning_uri(user, secret),
        },
    )


def _show_once(request: HttpRequest, codes: list[str]) -> None:
    # Encrypted: the session is a database row until the next page takes the codes out.
    request.session[NEW_RECOVERY_CODES] = crypto.encrypt(" ".join(codes))


def _shown_once(request: HttpRequest) -> list[str] | None:
    stored = request.session.pop(NEW_RECOVERY_CODES, None)
    plain = crypto.decrypt_or_none(stored) if stored else None
    return plain.split() if plain else None


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; new ones for a current TOTP code (issue 17)."""
    user: User = request.user  # type: ignore[assignment]
    if not hasattr(user, "totp"):
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST or None)
    # Not focused: on a phone that would scroll the new codes out of sight.
    form.fields["code"].widget.attrs.pop("autofocus", None)
    if request.method == "POST" and form.is_valid():
        if services.check_totp(user, form.cleaned_data["code"]):
            _show_once(request, services.new_recovery_codes(user=user, request=request))
            return redirect("accounts:recovery_codes")
        form.add_error("code", _("This code is not right or was used already."))
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "form": form,
            "codes": _shown_once(request),
            "left": services.recovery_codes_left(user=user),
        },
    )


# --- Users and roles (administrators) ---------------------------------------------------------


def _grants_prefetch(request: HttpRequest) -> Prefetch:
    return Prefetch(
        "role_grants",
        queryset=selectors.grants_visible_to(request.user).select_related("government", "unit"),
        to_attr="visible_grants",
    )


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_role(request, *selectors.ADMINISTRATORS)
    users = (
        selectors.users_visible_to(request.user)
        .select_related("employee")
        .prefetch_related(_grants_prefetch(request))
        .order_by("username")
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


def _grant_form_kwargs(request: HttpRequest) -> dict[str, Any]:
    return {
        "governments": selectors.administered_governments(request.user),
        "units": selectors.grantable_units(request.user),
        "roles": selectors.grantable_roles(request.user),
    }


@login_required
def user_invite(request: HttpRequest) -> HttpResponse:
    _require_role(request, *selectors.ADMINISTRATORS)
    form = InviteForm(request.POST or None, **_grant_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.invite_user(
            request.user,
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=data["role"],
            government=data["government"],
            unit=data["unit"],
            employee=data["employee"],
            request=request,
            office=data.get("office", ""),
        )
        messages.success(
            request,
            _("%(user)s was invited: an e-mail with a link to choose a password is on its way.")
            % {"user": user.get_username()},
        )
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_invite.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role(request, *selectors.ADMINISTRATORS)
    shown = get_object_or_404(
        selectors.users_visible_to(request.user)
        .select_related("employee__unit")
        .prefetch_related(_grants_prefetch(request)),
        pk=pk,
    )
    form = RoleGrantForm(request.POST or None, **_grant_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.grant_role(
            request.user,
            shown,
            data["role"],
            data["government"],
            data["unit"],
            request,
            office=data.get("office", ""),
        )
        messages.success(request, _("The role was granted."))
        return redirect("accounts:user_detail", pk=shown.pk)
    revocable = set(
        selectors.grants_administered_by(request.user)
        .filter(user=shown)
        .values_list("pk", flat=True)
    )
    for held in shown.visible_grants:  # type: ignore[attr-defined]
        # The office's title from the rulebook of the government the form already read.
        held.office_label = held.office_title(form.governments.get(held.government_id))
    return render(
        request,
        "accounts/user_detail.html",
        {
            "shown": shown,
            "form": form,
            "revocable": revocable,
            "office_choices": form.office_options,
        },
    )


@login_required
@require_POST
def grant_office(request: HttpRequest, pk: int, grant: int) -> HttpResponse:
    """Set the office of the rulebook a leadership grant holds (flagged when missing)."""
    _require_role(request, *selectors.ADMINISTRATORS)
    shown = get_object_or_404(selectors.users_visible_to(request.user), pk=pk)
    chosen = get_object_or_404(selectors.grants_administered_by(request.user), pk=grant, user=shown)
    try:
        services.set_office(request.user, chosen, request.POST.get("office", ""), request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The office was set."))
    return redirect("accounts:user_detail", pk=shown.pk)


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int, grant: int) -> HttpResponse:
    _require_role(request, *selectors.ADMINISTRATORS)
    shown = get_object_or_404(selectors.users_visible_to(request.user), pk=pk)
    revoked = get_object_or_404(
        selectors.grants_administered_by(request.user), pk=grant, user=shown
    )
    services.revoke_role(request.user, revoked, request)
    messages.success(request, _("The role was revoked."))
    return redirect("accounts:user_detail", pk=shown.pk)


# --- Audit trail ------------------------------------------------------------------------------


def _trail_government(user: Any) -> int | None:
    """The one government whose trail the user reads, when it is one: the trail then changes
    with, and only with, that government's version (budaya/fragments.py)."""
    if user.has_role(Role.SYSTEM_ADMIN):
        return None
    scope = user.tenant_scope()
    governments = scope.member_governments
    if scope.all_content or scope.all_governments or len(governments) != 1:
        return None
    return next(iter(governments))


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    _require_role(request, *selectors.ADMINISTRATORS)
    trail = entries = selectors.audit_entries(request.user)
    government_id = _trail_government(request.user)
    if government_id is None:
        object_types = entries.object_types()
    else:  # a long-lived trail's kinds and pages, kept per version (issue 25)
        scope = scope_key(request.user, government_id)
        object_types = kept("accounts:audit-kinds", government_id, (scope,), entries.object_types)
    form = AuditFilterForm(request.GET or None, object_types=object_types)
    if form.is_valid():
        data = form.cleaned_data
        if data["date_from"]:
            entries = entries.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(at__date__lte=data["date_to"])
        if data["actor"]:
            entries = entries.filter(actor_repr__iexact=data["actor"].strip())
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
    query = request.GET.copy()
    query.pop("page", None)
    if query.pop("format", None) == ["xlsx"]:
        return _audit_workbook(request, entries, trail, query.urlencode())

    def render_table() -> str:
        # A Trail pages like a queryset (count and slices), which the stubs' protocol cannot see.
        page: Page[AuditRecord] = Paginator(entries, AUDIT_PAGE_SIZE).get_page(  # type: ignore[arg-type]
            request.GET.get("page")
        )
        if not page.object_list:
            return ""
        context = {
            "page": page,
            "rows": describe(page.object_list, trail),
            "query": query.urlencode(),
        }
        return render_to_string("accounts/_audit_table.html", context)

    if government_id is None:
        table = mark_safe(render_table())  # noqa: S308 (our own template, autoescaped)
    else:
        parts = (
            scope,
            timezone.get_current_timezone_name(),
            query.urlencode(),
            request.GET.get("page"),
        )
        table = cached_fragment("accounts:audit-trail", government_id, parts, render_table)
    return render(request, "accounts/audit_list.html", {"form": form, "table": table})


# A download holds at most this many entries: a trail holds an entry per imported employee.
AUDIT_EXPORT_LIMIT = 100_000
AUDIT_EXPORT_BATCH = 1000


def _audit_workbook(request: HttpRequest, entries: Any, trail: Any, query: str) -> HttpResponse:
    """The filtered entries as the page words them, in one sheet (its filters' own rows)."""
    count = entries.count()
    if count > AUDIT_EXPORT_LIMIT:
        messages.error(
            request,
            _(
                "%(count)s entries match: narrow the dates or the kind to at most %(limit)s "
                "to download them."
            )
            % {
                "count": number_format(count, force_grouping=True),
                "limit": number_format(AUDIT_EXPORT_LIMIT, force_grouping=True),
            },
        )
        return redirect(f"{reverse('accounts:audit_list')}?{query}")

    def changes(row: Any, side: str) -> str:
        return "; ".join(
            f"{change.field}: {getattr(change, side)}"
            for change in row.changes
            if getattr(change, side) is not None
        )

    def rows() -> Any:
        for start in range(0, count, AUDIT_EXPORT_BATCH):
            for row in describe(entries[start : start + AUDIT_EXPORT_BATCH], trail):
                entry = row.entry
                yield [
                    timezone.localtime(entry.at).strftime("%d-%m-%Y %H:%M:%S"),
                    entry.actor_repr,
                    row.summary,
                    changes(row, "before"),
                    changes(row, "after"),
                    entry.remote_addr or "",
                    entry.sequence,
                ]

    header = [
        _("Time"),
        _("By"),
        _("What changed"),
        _("Before"),
        _("After"),
        _("Address"),
        _("Position in the chain"),
    ]
    content = spreadsheets.workbook_bytes(str(_("Audit trail")), header, rows())
    return spreadsheets.xlsx_response("jejak-audit.xlsx", content)


def _object_in_scope(request: HttpRequest, object_type: str, object_id: str) -> bool:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return False
    if model is User:
        queryset: Any = selectors.users_visible_to(request.user)
    elif hasattr(model._default_manager, "visible_to"):
        queryset = model._default_manager.visible_to(request.user)  # type: ignore[attr-defined]
    else:
        return False
    try:
        return bool(queryset.filter(pk=object_id).exists())
    except (ValueError, TypeError):
        return False


@login_required
def audit_object(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """The history of one object: what object pages link to."""
    _require_role(request, *selectors.ADMINISTRATORS)
    trail = selectors.audit_entries(request.user)
    entries = trail.filter(object_type=object_type, object_id=object_id)
    if not entries.exists() and not _object_in_scope(request, object_type, object_id):
        raise Http404
    # A Trail pages like a queryset (count and slices), which the stubs' protocol cannot see.
    page: Page[AuditRecord] = Paginator(entries, AUDIT_PAGE_SIZE).get_page(  # type: ignore[arg-type]
        request.GET.get("page")
    )
    latest = entries.first()
    return render(
        request,
        "accounts/audit_object.html",
        {
            "page": page,
            "rows": describe(page.object_list, trail),
            "kind": kind_name(object_type),
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": latest.object_repr if latest else f"#{object_id}",
        },
    )


# --- Refused sign-ins (issue 17) --------------------------------------------------------------

SIGN_IN_PAGE_SIZE = 50


@login_required
def sign_in_attempts(request: HttpRequest) -> HttpResponse:
    """Failed and locked-out sign-ins: on the accounts of the administrator's governments; for
    the system administrator, on unknown identifiers and accounts of no government."""
    _require_role(request, *selectors.ADMINISTRATORS)
    system = request.user.has_role(Role.SYSTEM_ADMIN)  # type: ignore[union-attr]
    attempts: Any = (
        SystemSignInAttempt.objects.visible_to(request.user)
        if system
        else SignInAttempt.objects.visible_to(request.user).select_related("government")
    ).select_related("user")
    form = SignInAttemptFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["date_from"]:
            attempts = attempts.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            attempts = attempts.filter(at__date__lte=data["date_to"])
        if data["identifier"]:
            attempts = attempts.filter(identifier__icontains=data["identifier"].strip())
        if data["address"]:
            attempts = attempts.filter(remote_addr=data["address"])
        if data["result"]:
            attempts = attempts.filter(result=data["result"])
    page = Paginator(attempts, SIGN_IN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/sign_in_attempts.html",
        {"form": form, "page": page, "query": query.urlencode(), "system": system},
    )
