"""Who may reach each route of the rulebook (see budaya/accounts/permissions.py).

Every role of a government reads its rulebook, and the system administrator reads every one;
only the government's own city administrator changes it. Another government's rulebook answers
404 to everyone but the system administrator.
"""

from __future__ import annotations

from typing import Any

from budaya.accounts.permissions import (
    CITY_ADMIN,
    PUBLIC,
    SIGNED_IN,
    Access,
    other_government,
)


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


def _foreign_gov(w: Any) -> dict[str, Any]:
    return {"slug": w.other_government.slug}


def _version(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug, "number": w.extras["rulebook_version"].number}


def _foreign_version(w: Any) -> dict[str, Any]:
    return {"slug": w.other_government.slug, "number": w.extras["foreign_rulebook_version"].number}


ROUTES = {
    "rulebook:mine": Access("Menu: the rulebooks of one's governments", SIGNED_IN),
    "rulebook:schema": Access("JSON Schema of the rulebook format", PUBLIC),
    "rulebook:starter": Access("The neutral starter rulebook file", SIGNED_IN),
    "rulebook:detail": Access(
        "Read a government's rulebook and its history",
        SIGNED_IN,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
        scope="own governments; system administrator: all",
    ),
    "rulebook:version": Access(
        "Read one version of a rulebook",
        SIGNED_IN,
        args=_version,
        foreign=(other_government(_foreign_version),),
        scope="own governments; system administrator: all",
    ),
    "rulebook:export": Access(
        "Download a rulebook version (YAML)",
        SIGNED_IN,
        args=_version,
        foreign=(other_government(_foreign_version),),
        scope="own governments; system administrator: all",
    ),
    "rulebook:import": Access(
        "Change the rulebook: upload, preview with differences, confirm",
        CITY_ADMIN,
        args=_gov,
        foreign=(other_government(_foreign_gov),),
        scope="own government",
    ),
}


def world(w: Any) -> None:
    """Each government of the test world with a rulebook (the neutral starter)."""
    from budaya.rulebook import services

    w.extras["rulebook_version"] = services.load_shipped(
        government=w.government, name="starter"
    ).version
    w.extras["foreign_rulebook_version"] = services.load_shipped(
        government=w.other_government, name="starter"
    ).version
