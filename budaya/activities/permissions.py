"""Who may reach the routes of activities and evidence (merged into the permission registry)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image

from budaya.accounts.models import Role
from budaya.accounts.permissions import (
    ALL_BUT_SYSTEM,
    CITY_ADMIN,
    SIGNED_IN,
    Access,
    Args,
    Foreign,
    other_agency,
    other_government,
)

LOGGING = frozenset({Role.CITY_ADMIN, Role.UNIT_HEAD, Role.UNIT_TEAM})
READERS_SCOPE = "city administrator and leadership: whole government; unit roles: own agency"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def world(w: Any) -> None:
    """Picture evidence, activities, forms and obligations of the own agency, of a second
    agency and of a second government."""
    from budaya.activities.evidence import store_file
    from budaya.activities.models import Activity, ActivityEvidence, ActivityForm, Obligation

    admin = w.user(Role.CITY_ADMIN)
    day = datetime.date(2025, 3, 17)
    forms = {}
    for government in (w.government, w.other_government):
        forms[government.pk] = ActivityForm.objects.create(
            government=government, code="twibbon", name="Twibbon"
        )
        key = "obligation" if government == w.government else "foreign_obligation"
        w.extras[key] = Obligation.objects.create(
            government=government,
            name="Twibbon tanggal 17",
            form=forms[government.pk],
            frequency=Obligation.Frequency.MONTHLY_DAY,
            day=17,
            starts_on=datetime.date(2025, 1, 1),
        )
    w.extras["form"] = forms[w.government.pk]
    w.extras["foreign_form"] = forms[w.other_government.pk]
    for suffix, unit, actor in (
        ("", w.sub_unit, admin),
        ("other_", w.other_agency, admin),
        ("foreign_", w.foreign_agency, w.foreign_user),
    ):
        evidence = store_file(
            government=unit.government,
            unit=unit,
            upload=ContentFile(_jpeg(), name="foto.jpg"),
            actor=actor,
        )
        activity = Activity.objects.create(
            government=unit.government,
            unit=unit,
            date=day,
            form=forms[unit.government_id],
            title="Pemasangan twibbon",
            participants_count=12,
        )
        ActivityEvidence.objects.create(
            government=unit.government, activity=activity, evidence=evidence
        )
        w.extras[f"{suffix}evidence"] = evidence
        w.extras[f"{suffix}activity"] = activity


def _pk(key: str) -> Args:
    return lambda w: {"pk": w.extras[key].pk}


def _gov(w: Any) -> dict[str, Any]:
    return {"slug": w.government.slug}


def _foreign_gov(w: Any) -> dict[str, Any]:
    return {"slug": w.other_government.slug}


def _in_gov(key: str) -> Args:
    return lambda w: {"slug": w.government.slug, "pk": w.extras[key].pk}


def _in_foreign_gov(key: str) -> Args:
    return lambda w: {"slug": w.other_government.slug, "pk": w.extras[key].pk}


def _government_page(action: str, who: frozenset[str] = ALL_BUT_SYSTEM, **extra: Any) -> Access:
    return Access(action, who, args=_gov, foreign=(other_government(_foreign_gov),), **extra)


def _activity_foreign(key: str, hidden_from: frozenset[str] | None = None) -> tuple[Foreign, ...]:
    agency = (
        other_agency(_in_gov(f"other_{key}"))
        if hidden_from is None
        else other_agency(_in_gov(f"other_{key}"), hidden_from=hidden_from)
    )
    return (agency, other_government(_in_foreign_gov(f"foreign_{key}")))


def _evidence_access(action: str) -> Access:
    return Access(
        action,
        ALL_BUT_SYSTEM,
        args=_pk("evidence"),
        foreign=(
            other_agency(_pk("other_evidence")),
            other_government(_pk("foreign_evidence")),
        ),
        scope=READERS_SCOPE + "; plus the government's own evidence",
    )


ROUTES: dict[str, Access] = {
    "activities:start": Access("Menu: the activity log of one's government", SIGNED_IN),
    "activities:evidence_file": _evidence_access("Open an evidence file or link"),
    "activities:evidence_thumbnail": _evidence_access("Thumbnail of picture evidence"),
    "activities:list": _government_page("Search and filter the activity log", scope=READERS_SCOPE),
    "activities:export": _government_page(
        "Export activities to XLSX", scope="the activities the list shows"
    ),
    "activities:create": _government_page(
        "Record an activity with photos and evidence",
        LOGGING,
        scope="city administrator: every agency; unit head and team: own agency",
    ),
    "activities:detail": Access(
        "Read an activity and its evidence",
        ALL_BUT_SYSTEM,
        args=_in_gov("activity"),
        foreign=_activity_foreign("activity"),
        scope=READERS_SCOPE,
    ),
    "activities:edit": Access(
        "Edit an activity",
        LOGGING,
        args=_in_gov("activity"),
        foreign=_activity_foreign("activity"),
        scope="city administrator: every agency; unit head and team: own agency",
    ),
    "activities:delete": Access(
        "Delete an activity (asks first)",
        LOGGING,
        method="POST",
        args=_in_gov("activity"),
        foreign=_activity_foreign("activity"),
        scope="city administrator: every agency; unit head and team: own agency",
    ),
    "activities:gallery": _government_page("Photo gallery of evidence", scope=READERS_SCOPE),
    "activities:calendar": _government_page(
        "Calendar of planned and done activities", scope=READERS_SCOPE
    ),
    "activities:compliance": _government_page(
        "Compliance board: agencies × months, done against due",
        scope="city administrator and leadership: every agency; unit roles: own agency",
    ),
    "activities:form_list": _government_page(
        "Forms of activity; add one or load the regulation's",
        scope="all read; the city administrator adds",
    ),
    "activities:form_edit": Access(
        "Edit a form of activity",
        CITY_ADMIN,
        args=_in_gov("form"),
        foreign=(other_government(_in_foreign_gov("foreign_form")),),
    ),
    "activities:obligation_list": _government_page(
        "Recurring obligations", scope="all read; the city administrator defines"
    ),
    "activities:obligation_create": _government_page("Define a recurring obligation", CITY_ADMIN),
    "activities:obligation_edit": Access(
        "Edit a recurring obligation",
        CITY_ADMIN,
        args=_in_gov("obligation"),
        foreign=(other_government(_in_foreign_gov("foreign_obligation")),),
    ),
}
