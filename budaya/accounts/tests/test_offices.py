"""Issue 18: the regional secretary and the head of government are distinct offices. A leadership
grant names the office of the government's rulebook it holds; the city administrator grants it
by the office's title (audited); existing grants were migrated by each user's title, and one the
title does not tell is flagged on the user's page."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from budaya.accounts.models import AuditEntry, Role, RoleGrant
from budaya.org.models import Employee
from budaya.rulebook.services import load_shipped

pytestmark = pytest.mark.django_db

migration = importlib.import_module("budaya.accounts.migrations.0009_role_grant_office")

TANGERANG = [
    {"code": "head", "kind": "head_of_government", "title": "Walikota"},
    {"code": "sekda", "kind": "regional_secretary", "title": "Sekretaris Daerah"},
]


@pytest.mark.parametrize(
    ("title", "office"),
    [
        ("Sekretaris Daerah Kota Tangerang", "sekda"),
        ("Wali Kota Tangerang", "head"),
        ("Walikota Tangerang", "head"),
        ("Bupati Contoh", "head"),
        ("Gubernur Banten", "head"),
        ("Wakil Wali Kota Tangerang", ""),
        ("Asisten Pemerintahan", ""),
        ("", ""),
    ],
)
def test_the_migration_reads_the_title(title, office):
    assert migration.office_for(title, TANGERANG) == office


def test_the_migration_maps_the_demo_grants_and_flags_the_rest(client, world, make_user):
    government = world.government
    load_shipped(government=government, name="kota-tangerang")
    sekda = make_user("sekda.x", Role.LEADERSHIP, government)
    sekda.employee = Employee.objects.create(
        government=government,
        unit=world.agency,
        nip="196901011990031001",
        name="Sekda",
        sex="L",
        status="PNS",
        position_name="Sekretaris Daerah",
    )
    sekda.save()
    mayor = make_user("walikota.x", Role.LEADERSHIP, government, first_name="Wali Kota Tangerang")
    unknown = make_user("staf.x", Role.LEADERSHIP, government, first_name="Staf Ahli")
    RoleGrant.objects.filter(role=Role.LEADERSHIP).update(office="")
    migration.forwards(apps, None)
    offices = dict(
        RoleGrant.objects.filter(role=Role.LEADERSHIP).values_list("user__username", "office")
    )
    assert offices["sekda.x"] == "sekda" and offices["walikota.x"] == "head"
    assert offices["staf.x"] == ""
    # The administrator sees the flag on the users' list and the user's page, and sets it there.
    client.force_login(world.user(Role.CITY_ADMIN))
    listing = client.get(reverse("accounts:user_list")).content.decode()
    missing = RoleGrant.objects.filter(role=Role.LEADERSHIP, office="", government=government)
    assert listing.count("jabatan belum ditetapkan") == missing.count() >= 1
    page = client.get(reverse("accounts:user_detail", args=[unknown.pk])).content.decode()
    assert "is not set" in page or "belum" in page
    assert "Sekretaris Daerah" in page and "Walikota" in page
    grant = RoleGrant.objects.get(user=unknown)
    client.post(reverse("accounts:grant_office", args=[unknown.pk, grant.pk]), {"office": "sekda"})
    grant.refresh_from_db()
    assert grant.office == "sekda"
    entry = AuditEntry.objects.filter(object_type="accounts.rolegrant", action="update").get()
    assert entry.before["office"] == "" and entry.after["office"] == "sekda"
    assert mayor.holds_office(government, "head") and not mayor.holds_office(government, "sekda")


def test_the_grant_form_lists_the_rulebooks_offices_and_needs_one(client, world):
    load_shipped(government=world.government, name="kota-tangerang")
    admin = world.user(Role.CITY_ADMIN)
    target = world.user(Role.EMPLOYEE)
    client.force_login(admin)
    url = reverse("accounts:user_detail", args=[target.pk])
    page = client.get(url).content.decode()
    assert '<option value="head">Walikota</option>' in page
    assert '<option value="sekda">Sekretaris Daerah</option>' in page
    response = client.post(url, {"role": Role.LEADERSHIP, "government": world.government.pk})
    assert response.status_code == 200  # the office is required
    assert not RoleGrant.objects.filter(user=target, role=Role.LEADERSHIP).exists()
    client.post(url, {"role": Role.LEADERSHIP, "government": world.government.pk, "office": "head"})
    grant = RoleGrant.objects.get(user=target, role=Role.LEADERSHIP)
    assert grant.office == "head"
    assert AuditEntry.objects.get(action="grant", object_id=str(grant.pk)).after["office"] == "head"
