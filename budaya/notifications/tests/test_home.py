"""The home page's "Tugas saya" (issue 20): what awaits each user now, from every app's provider,
each a link the user may open, counted in the menu; nothing of another government."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.activities.models import ActivityForm, Obligation
from budaya.activities.services import ensure_forms
from budaya.activities.todo import missed_this_week
from budaya.org.models import EmployeeImport
from budaya.rulebook.services import load_shipped

pytestmark = pytest.mark.django_db


def _tasks(client, user) -> dict[str, tuple[int, str]]:
    """The home page's tasks of the user: label -> (count, link), each link answering 200."""
    client.force_login(user)
    response = client.get(reverse("home"))
    # The government's setup checklist (issue 23) waits on every administrator of the test
    # world, whose governments are not fully set up: not what these tests are about.
    tasks = {
        item.label: (item.count, item.url)
        for item in response.context["tasks"]
        if not item.url.endswith("/setup/")
    }
    for _count, url in tasks.values():
        assert client.get(url, follow=True).status_code == 200, url
    return {str(label): value for label, value in tasks.items()}


def test_decrees_to_sign_and_members_who_left(client, world, team):
    head = world.user(Role.UNIT_HEAD)
    assert _tasks(client, head)["Keputusan untuk ditandatangani"][0] == 1
    assert "Anggota yang keluar dari tim" not in _tasks(client, head)
    world.employee.active = False
    world.employee.save()
    client.post(reverse("notifications:read"), {"all": "1"})  # a write: the counts are redone
    tasks = _tasks(client, world.user(Role.UNIT_TEAM))
    assert tasks["Anggota yang keluar dari tim"][0] == 1
    assert "Keputusan untuk ditandatangani" not in tasks  # the team does not sign
    # The menu counts them under Teams, on any page.
    menu = client.get(reverse("menu")).content.decode()
    assert 'aria-label="1 tugas menunggu"' in menu
    # Nothing of it for another agency's team, another government, or an employee.
    assert _tasks(client, world.other_agency_user) == {}
    assert _tasks(client, world.foreign_user) == {}
    assert _tasks(client, world.user(Role.EMPLOYEE)) == {}


def test_imports_waiting_for_confirmation(client, world):
    for government in (world.government, world.other_government):
        EmployeeImport.objects.create(
            government=government,
            file=ContentFile(b"NIP;Nama\n", name="roster.csv"),
            original_name="roster.csv",
            status=EmployeeImport.Status.PLANNED,
            counts={"new": 0},
            report={"header_cells": ["NIP", "Nama"], "rejected": []},
        )
    tasks = _tasks(client, world.user(Role.CITY_ADMIN))
    assert tasks["Impor menunggu konfirmasi"] == (
        1,
        reverse("org:import_list", args=[world.government.slug]),
    )
    assert "Impor menunggu konfirmasi" not in _tasks(client, world.user(Role.UNIT_HEAD))


def test_obligations_missed_this_week(world):
    load_shipped(government=world.government, name="kota-serang")
    ensure_forms(world.government)
    forms = {form.code: form for form in ActivityForm.objects.filter(government=world.government)}
    Obligation.objects.create(
        government=world.government,
        name="Apel pagi",
        form=forms["apel-pagi"],
        frequency=Obligation.Frequency.WORKING_DAYS,
        starts_on=datetime.date(2025, 1, 1),
    )
    thursday = datetime.date(2025, 3, 13)
    # Monday to Wednesday have passed without the apel: three for the agency's team, three for
    # each of the two agencies for the city administrator.
    assert missed_this_week(world.user(Role.UNIT_TEAM), world.government, thursday) == 3
    assert missed_this_week(world.user(Role.CITY_ADMIN), world.government, thursday) == 6
    # On a Monday nothing of the week has passed yet.
    monday = thursday - datetime.timedelta(days=3)
    assert missed_this_week(world.user(Role.UNIT_TEAM), world.government, monday) == 0


def test_the_home_page_says_when_nothing_awaits(client, world):
    client.force_login(world.user(Role.EMPLOYEE))
    page = client.get(reverse("home")).content.decode()
    assert "Tugas saya" in page and "Tidak ada yang menunggu Anda saat ini." in page
