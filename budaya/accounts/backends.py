"""Sign-in by user name, e-mail address or NIP."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from budaya.accounts.models import User

NIP = re.compile(r"^\d{18}$")


def find_user(identifier: str) -> User | None:
    """The one user an identifier names, or None (also when it is ambiguous)."""
    identifier = identifier.strip()
    if not identifier:
        return None
    if "@" in identifier:
        candidates = User.objects.filter(email__iexact=identifier)
    elif NIP.match(identifier.replace(" ", "")):
        # A NIP is unique per government; a person on two governments' rolls is ambiguous.
        candidates = User.objects.filter(employee__nip=identifier.replace(" ", ""))
    else:
        # User names are unique whatever their case (InviteForm), so "W.Admin" is w.admin: the
        # lockout must not be dodged by another spelling (issue 17). Two older names that differ
        # only in case: the exact one.
        candidates = User.objects.filter(username__iexact=identifier)
        found = list(candidates[:2])
        if len(found) > 1:
            candidates = User.objects.filter(username=identifier)
    found = list(candidates[:2])
    return found[0] if len(found) == 1 else None


class UsernameEmailOrNipBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Same work as a real check, so timing does not tell which identifiers exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
