"""What awaits a city administrator in the organisation registry (issue 20, "Tugas saya"):
employee imports read and waiting for confirmation."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budaya.accounts.models import Role
from budaya.org.models import EmployeeImport
from budaya.pending import PendingItem


def pending_imports(user: Any) -> list[PendingItem]:
    if Role.CITY_ADMIN not in user.role_names():
        return []
    waiting = (
        EmployeeImport.objects.visible_to(user, roles=[Role.CITY_ADMIN])
        .filter(status=EmployeeImport.Status.PLANNED)
        .values("government__slug")
        .annotate(count=Count("pk"))
        .order_by("government__slug")
    )
    return [
        PendingItem(
            _("Imports waiting for confirmation"),
            reverse("org:import_list", args=[row["government__slug"]]),
            row["count"],
            "org:import_",
            1,
        )
        for row in waiting
    ]
