"""The home page's "Tugas saya" kept per user and version (issue 25 item 1): the providers run
once, and again after every write that can change a task; the home page shows the new task
right after the write."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from budaya import pending
from budaya.accounts import audit
from budaya.accounts.models import AuditAction, Role, RoleGrant
from budaya.org.models import EmployeeImport
from budaya.pending import PendingItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(monkeypatch):
    """A provider that counts how often it is asked, in place of the apps' ones."""
    calls: list[int] = []

    def provider(user):
        calls.append(user.pk)
        return [PendingItem("Tugas uji", reverse("home"), len(calls))]

    monkeypatch.setattr(pending, "_providers", [provider])
    return calls


def _labels(client, user) -> dict[str, int]:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {str(item.label): item.count for item in response.context["tasks"]}


def _audited_write(government) -> None:
    with transaction.atomic():
        audit.record(None, AuditAction.UPDATE, government, {"name": "a"}, {"name": "b"})


def test_the_tasks_are_asked_once_then_again_after_a_write_of_the_users_government(
    client, world, asked
):
    team = world.user(Role.UNIT_TEAM)
    assert _labels(client, team) == {"Tugas uji": 1}
    assert _labels(client, team) == {"Tugas uji": 1}
    assert len(asked) == 1
    # The menu's counts keep theirs (asked when the home page's counts were forgotten).
    client.get(reverse("menu"))
    client.get(reverse("menu"))
    assert len(asked) == 2
    # Another government's write leaves them kept: its writes do not cost this one.
    _audited_write(world.other_government)
    assert _labels(client, team) == {"Tugas uji": 1}
    _audited_write(world.government)
    assert _labels(client, team) == {"Tugas uji": 3}
    # Another user has their own.
    _labels(client, world.user(Role.UNIT_HEAD))
    assert len(asked) == 4


def test_the_tasks_are_asked_again_on_a_new_day_and_with_a_new_grant(
    client, world, asked, monkeypatch
):
    team = world.user(Role.UNIT_TEAM)
    _labels(client, team)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    _labels(client, team)
    assert len(asked) == 2
    # A grant given without going through the services (no audit entry) still changes the key.
    RoleGrant.objects.create(user=team, role=Role.UNIT_HEAD, government=world.government)
    _labels(client, team)
    assert len(asked) == 3


def test_an_import_ready_in_the_background_shows_at_once(client, world):
    admin = world.user(Role.CITY_ADMIN)
    assert "Impor menunggu konfirmasi" not in _labels(client, admin)
    # The background task's last step is not audited: the imports are asked on every request.
    EmployeeImport.objects.create(
        government=world.government,
        file=ContentFile(b"NIP;Nama\n", name="roster.csv"),
        original_name="roster.csv",
        status=EmployeeImport.Status.PLANNED,
        counts={"new": 0},
        report={"header_cells": ["NIP", "Nama"], "rejected": []},
    )
    assert _labels(client, admin)["Impor menunggu konfirmasi"] == 1


def test_a_user_without_a_role_and_the_system_administrator_have_their_home(
    client, world, make_user, system_admin
):
    assert _labels(client, make_user("tanpa.peran")) == {}
    client.force_login(system_admin)
    assert client.get(reverse("home")).status_code == 200
