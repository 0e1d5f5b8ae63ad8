from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# Set in the session once the user has passed (or just enrolled) a second factor.
SECOND_FACTOR_DONE = "budaya_second_factor"
# Where a user who must enrol may still go.
OPEN_ROUTES = {"accounts:two_factor", "logout", "set_language", "healthz"}


class SecondFactorRequiredMiddleware:
    """When the settings require a second factor of administrators, an administrator without
    one is sent to enrol before anything else (BUDAYA_REQUIRE_2FA_FOR_ADMINS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "needs_second_factor", False)
            and not request.session.get(SECOND_FACTOR_DONE)
        ):
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = ""
            if name in OPEN_ROUTES:
                return self.get_response(request)
            if hasattr(user, "totp"):
                # Enrolled, but this session never passed the code: sign in again, with it.
                logout(request)
                return redirect_to_login(request.get_full_path())
            messages.warning(
                request, _("Administrators must set up two-factor sign-in before going on.")
            )
            return redirect("accounts:two_factor")
        return self.get_response(request)
