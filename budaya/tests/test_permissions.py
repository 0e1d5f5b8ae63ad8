"""Every route, for every role, with objects of a second agency and a second government.

Generated from the URL configuration: a route missing from the registry
(``budaya/accounts/permissions.py``) fails with its name. Allowed roles get 200 or a redirect
(not to sign-in); other roles 403 or 404; objects outside the user's scope 404; signed-out
visitors are sent to sign-in unless the route is public; every POST form carries a CSRF token.
The same module doubles as a test-only URLconf with a deliberately broken view, to show that the
checker catches a view that forgets scoping.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.test import override_settings
from django.urls import path, reverse

import budaya.urls
from budaya.accounts.models import Role, RoleGrant
from budaya.accounts.permissions import (
    ROLE_ORDER,
    ROUTES,
    SIGNED_IN,
    UNIT_ROLES,
    Access,
    other_agency,
    other_government,
    walk,
    world_builders,
)
from budaya.frameworks.models import FrameworkVersion, Regulation, Slogan, ValueFramework
from budaya.frameworks.services import version_hash
from budaya.org.models import EmployeeImport, Unit

pytestmark = pytest.mark.django_db

# A 1x1 PNG, for the government logo route.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def full_world(world, make_user, tmp_path, settings):
    """The conftest world, plus what the routes of every app need."""
    settings.MEDIA_ROOT = tmp_path
    w = world
    for government in (w.government, w.other_government):
        government.logo.save("logo.png", ContentFile(PNG))
    second_admin = make_user("w.admin2", Role.CITY_ADMIN, w.government)
    w.extras["second_admin"] = second_admin
    w.extras["second_grant"] = second_admin.role_grants.get()
    w.extras["foreign_grant"] = w.foreign_user.role_grants.get()
    regulation = Regulation.objects.create(
        slug="perwal-uji",
        issuer="Wali Kota Uji",
        kind="Peraturan Wali Kota",
        number="1",
        year=2024,
        title="Nilai Uji",
    )
    # Owned by the first government (issue 17): its city administrator publishes its drafts.
    framework = ValueFramework.objects.create(slug="uji", name="UJI", owner=w.government)
    version = FrameworkVersion.objects.create(
        framework=framework, number=1, legal_basis=regulation, content_hash="0" * 64
    )
    w.extras["version"] = version
    # The second government's own framework and regulation (issue 18, item 4): out of scope.
    foreign_regulation = Regulation.objects.create(
        slug="perwal-lain",
        issuer="Wali Kota Lain",
        kind="Peraturan Wali Kota",
        number="2",
        year=2024,
        title="Nilai Lain",
        owner=w.other_government,
    )
    foreign_framework = ValueFramework.objects.create(
        slug="lain", name="LAIN", owner=w.other_government
    )
    w.extras["foreign_version"] = FrameworkVersion.objects.create(
        framework=foreign_framework,
        number=1,
        legal_basis=foreign_regulation,
        content_hash="0" * 64,
    )
    for key, unit, text in (
        ("slogan", w.agency, "Melayani sepenuh hati"),
        ("other_slogan", w.other_agency, "Sehat bersama"),
        ("foreign_slogan", w.foreign_agency, "Serang juara"),
    ):
        w.extras[key] = Slogan.objects.create(government=unit.government, unit=unit, text=text)
    for key, government in (("import", w.government), ("foreign_import", w.other_government)):
        w.extras[key] = EmployeeImport.objects.create(
            government=government,
            file=ContentFile(b"NIP;Nama;Unit kerja\n", name="roster.csv"),
            original_name="roster.csv",
            status=EmployeeImport.Status.PLANNED,
            counts={"new": 0},
            report={"header_cells": ["NIP", "Nama", "Unit kerja"], "rejected": []},
            created_by=w.user(Role.CITY_ADMIN),
        )
    for build in world_builders():
        build(w)
    # The version's true hash, once every app has added its rows: the version page and the
    # export check it (issue 17).
    for each in (version, w.extras["foreign_version"]):
        each.content_hash = version_hash(each)
        each.save(update_fields=["content_hash"])
    return w


@dataclass
class Answer:
    status: int
    location: str
    body: str


def _ask(client, access: Access, url: str) -> Answer:
    # Each request runs in a savepoint that is rolled back: a POST by one role (revoke, delete)
    # does not change what the next role finds.
    with transaction.atomic():
        if access.method == "POST":
            response = client.post(url, access.data(None) if access.data else {})
        else:
            response = client.get(url)
        transaction.set_rollback(True)
    body = ""
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        body = response.content.decode()
    return Answer(response.status_code, response.get("Location", ""), body)


def _reached(answer: Answer) -> bool:
    if answer.status == 200:
        return True
    return answer.status in (301, 302, 303) and not answer.location.startswith(reverse("login"))


FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def _forms_without_csrf(body: str) -> int:
    return sum("csrfmiddlewaretoken" not in form for form in FORM.findall(body))


def check_route(client, name: str, access: Access, world) -> list[str]:
    """Every problem of one route, as sentences that name the route and the role."""
    problems: list[str] = []
    url = reverse(name, kwargs=access.args(world) if access.args else None)

    client.logout()
    answer = _ask(client, access, url)
    if access.who != "public":
        if not (answer.status == 302 and answer.location.startswith(reverse("login"))):
            problems.append(f"{name}: reachable without sign-in ({answer.status})")
    elif answer.status >= 400:
        problems.append(f"{name}: public route answers {answer.status} to a visitor")

    for role in ROLE_ORDER:
        client.force_login(world.user(role))
        allowed = access.allows(role)
        answer = _ask(client, access, url)
        public_ok = access.who == "public" and answer.status < 400
        if allowed and not (_reached(answer) or public_ok):
            problems.append(f"{name}: {role} may reach it but got {answer.status}")
        if not allowed and answer.status not in (403, 404):
            problems.append(f"{name}: {role} may not reach it but got {answer.status}")
        if answer.status == 200 and _forms_without_csrf(answer.body):
            problems.append(f"{name}: a POST form without a CSRF token for {role}")
        for foreign in access.foreign:
            foreign_url = reverse(name, kwargs=foreign.args(world))
            answer = _ask(client, access, foreign_url)
            if role in foreign.hidden_from:
                expected = (404,) if allowed else (403, 404)
                if answer.status not in expected:
                    problems.append(
                        f"{name}: {role} reached an object of the {foreign.label} "
                        f"({answer.status}, expected 404)"
                    )
            elif allowed and not _reached(answer):
                problems.append(
                    f"{name}: {role} may reach the {foreign.label}'s object but got {answer.status}"
                )
    return problems


ALL_ROUTES = list(walk())


def test_every_route_is_in_the_registry():
    missing = sorted({route.name for route in ALL_ROUTES} - set(ROUTES))
    assert missing == [], f"Routes without a permission entry: {missing}"


def test_the_registry_has_no_stale_entries():
    stale = sorted(set(ROUTES) - {route.name for route in ALL_ROUTES})
    assert stale == [], f"Registry entries without a route: {stale}"


@pytest.mark.parametrize("name", [route.name for route in ALL_ROUTES if route.name in ROUTES])
def test_route_answers_each_role_as_the_matrix_says(client, full_world, name):
    assert check_route(client, name, ROUTES[name], full_world) == []


def test_docs_permissions_md_is_current():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("permissions_doc", "--check", stdout=out, stderr=err)
    except SystemExit as exit:
        pytest.fail(
            f"docs/permissions.md is stale (exit {exit.code}): run manage.py permissions_doc"
        )


# --- The checker catches a view that forgets scoping ------------------------------------------


@login_required
def leaky_unit(request: HttpRequest, pk: int) -> HttpResponse:
    # The mistake under test: Unit.objects instead of Unit.objects.visible_to(request.user).
    unit = get_object_or_404(Unit, pk=pk)
    return HttpResponse(unit.name)


@login_required
def scoped_unit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    return HttpResponse(unit.name)


def forgets_sign_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("units")


urlpatterns = [
    *budaya.urls.urlpatterns,
    path("test/leaky/<int:pk>/", leaky_unit, name="leaky_unit"),
    path("test/scoped/<int:pk>/", scoped_unit, name="scoped_unit"),
    path("test/open/", forgets_sign_in, name="forgets_sign_in"),
]

UNIT_PAGE = Access(
    "Read a unit",
    frozenset(ROLE_ORDER) - {Role.SYSTEM_ADMIN},
    args=lambda w: {"pk": w.sub_unit.pk},
    foreign=(
        other_agency(lambda w: {"pk": w.other_agency.pk}),
        other_government(lambda w: {"pk": w.foreign_agency.pk}, frozenset(ROLE_ORDER)),
    ),
)


@override_settings(ROOT_URLCONF=__name__)
def test_the_checker_catches_a_view_that_forgets_scoping(client, world):
    problems = check_route(client, "leaky_unit", UNIT_PAGE, world)
    leaks = [p for p in problems if "reached an object" in p]
    # Every role reaches the second government's agency, unit roles the second agency too.
    assert len(leaks) == len(ROLE_ORDER) + len(UNIT_ROLES), problems
    assert (
        "leaky_unit: city_admin reached an object of the second government (200, expected 404)"
        in leaks
    )
    assert check_route(client, "scoped_unit", UNIT_PAGE, world) == []


@override_settings(ROOT_URLCONF=__name__)
def test_the_checker_catches_a_route_open_to_visitors_and_an_unknown_route(client, world):
    problems = check_route(client, "forgets_sign_in", Access("List", SIGNED_IN), world)
    assert problems == ["forgets_sign_in: reachable without sign-in (200)"]
    names = {route.name for route in walk(__name__)}
    assert {"leaky_unit", "scoped_unit", "forgets_sign_in"} <= names - set(ROUTES)


# --- Mass assignment: forms never take a government, agency or role that is not the user's ------


def test_granting_in_a_foreign_government_or_agency_is_refused(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    target = world.user(Role.EMPLOYEE)
    url = reverse("accounts:user_detail", args=[target.pk])
    attempts = [
        {
            "role": Role.UNIT_TEAM,
            "government": world.other_government.pk,
            "unit": world.foreign_agency.pk,
        },
        {
            "role": Role.UNIT_TEAM,
            "government": world.government.pk,
            "unit": world.foreign_agency.pk,
        },
        {"role": Role.SYSTEM_ADMIN, "government": world.government.pk, "unit": ""},
        {"role": Role.UNIT_HEAD, "government": world.government.pk, "unit": ""},
    ]
    before = set(RoleGrant.objects.values_list("pk", flat=True))
    for data in attempts:
        response = client.post(url, data)
        assert response.status_code == 200, data  # the form again, with its errors
        assert "form-errors" in response.content.decode()
    assert set(RoleGrant.objects.values_list("pk", flat=True)) == before


def test_unit_roles_cannot_grant_at_all(client, world):
    client.force_login(world.user(Role.UNIT_HEAD))
    url = reverse("accounts:user_detail", args=[world.user(Role.EMPLOYEE).pk])
    response = client.post(
        url, {"role": Role.CITY_ADMIN, "government": world.government.pk, "unit": ""}
    )
    assert response.status_code == 403
    assert not world.user(Role.EMPLOYEE).role_grants.filter(role=Role.CITY_ADMIN).exists()


def test_an_agency_field_is_ignored_for_a_government_wide_role(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    target = world.user(Role.EMPLOYEE)
    client.post(
        reverse("accounts:user_detail", args=[target.pk]),
        {
            "role": Role.LEADERSHIP,
            "government": world.government.pk,
            "unit": world.agency.pk,
            "office": "sekda",
        },
    )
    grant = target.role_grants.get(role=Role.LEADERSHIP)
    assert (grant.government, grant.unit) == (world.government, None)


def test_a_foreign_government_posted_to_the_edit_form_is_not_a_field(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    government = world.government
    client.post(
        reverse("org:government_edit", args=[government.slug]),
        {
            "name": government.name,
            "slug": government.slug,
            "kind": "kota",
            "kemendagri_code": "36.71",
            "timezone": "Asia/Jakarta",
            "id": world.other_government.pk,
        },
    )
    world.other_government.refresh_from_db()
    assert world.other_government.name == "Kota Serang"
