"""One scoped entry point for tenant reads: who sees which government, agency and employee."""

import pytest
from django.test import override_settings

from budaya.accounts.models import Role
from budaya.org.models import Employee, Government, Unit

pytestmark = pytest.mark.django_db


def names(queryset) -> set[str]:
    return {str(row) for row in queryset}


def test_city_admin_and_leadership_see_their_government_whole(world):
    for role in (Role.CITY_ADMIN, Role.LEADERSHIP):
        user = world.user(role)
        assert set(Unit.objects.visible_to(user)) == {
            world.agency,
            world.sub_unit,
            world.other_agency,
        }
        assert set(Employee.objects.visible_to(user)) == {world.employee, world.other_employee}
        assert list(Government.objects.visible_to(user)) == [world.government]


@pytest.mark.parametrize("role", [Role.UNIT_HEAD, Role.UNIT_TEAM, Role.EMPLOYEE])
def test_unit_roles_see_their_agency_subtree_only(world, role):
    user = world.user(role)
    assert set(Unit.objects.visible_to(user)) == {world.agency, world.sub_unit}
    assert list(Employee.objects.visible_to(user)) == [world.employee]
    assert list(Government.objects.visible_to(user)) == [world.government]


def test_system_admin_sees_governments_but_no_content_by_default(world):
    user = world.user(Role.SYSTEM_ADMIN)
    assert set(Government.objects.visible_to(user)) == {world.government, world.other_government}
    assert not Unit.objects.visible_to(user).exists()
    assert not Employee.objects.visible_to(user).exists()
    with override_settings(BUDAYA_SYSTEM_ADMIN_SEES_CONTENT=True):
        user.forget_roles()
        assert Employee.objects.visible_to(user).count() == 3


def test_signed_out_and_roleless_users_see_nothing(world, make_user, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), make_user("tanpa.peran"), None):
        assert not Government.objects.visible_to(user).exists()
        assert not Unit.objects.visible_to(user).exists()


def test_roles_narrow_the_scope_to_what_the_user_may_act_on(world, make_user):
    from budaya.accounts.models import RoleGrant

    user = world.user(Role.UNIT_HEAD)
    RoleGrant.objects.create(user=user, role=Role.LEADERSHIP, government=world.other_government)
    user.forget_roles()
    assert Employee.objects.visible_to(user).count() == 2  # own agency + the other government
    acting = Employee.objects.visible_to(user, roles=[Role.UNIT_HEAD])
    assert list(acting) == [world.employee]
    assert not Unit.objects.visible_to(user, roles=[Role.CITY_ADMIN]).exists()


def test_a_unit_scoped_grant_without_an_agency_grants_nothing(world, make_user):
    user = make_user("rusak", Role.UNIT_TEAM, world.government)
    assert not Employee.objects.visible_to(user).exists()


def test_scoped_reads_cost_one_query(world, django_assert_num_queries):
    user = world.user(Role.UNIT_TEAM)
    user.forget_roles()
    with django_assert_num_queries(2):  # the user's grants once, then the rows
        list(Employee.objects.visible_to(user))
    with django_assert_num_queries(1):
        list(Unit.objects.visible_to(user))


def _grants_prepared(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return any("accounts_rolegrant" in statement for (statement,) in cursor.fetchall())


def test_the_grants_read_on_every_page_stay_exact_once_prepared(world, make_user, monkeypatch):
    """Issue 25: on PostgreSQL the grants' query is prepared after a few runs on a connection
    (its planning cost twice its run), unless connections last one request (behind PgBouncer in
    transaction mode, where a prepared statement would be looked for on another server
    connection). A prepared plan caches no rows: a grant given or revoked shows on the next
    read, and every read is counted like any other query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from budaya.accounts.models import PREPARE_THRESHOLD, RoleGrant

    user = world.user(Role.UNIT_HEAD)
    postgres = connection.vendor == "postgresql"  # SQLite has no prepared statements to keep
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        connection.connection._prepared.clear()  # psycopg's own record of what it prepared
    with monkeypatch.context() as patched:
        patched.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
        for _ in range(PREPARE_THRESHOLD + 2):
            user.read_grants("slug")
        assert not (postgres and _grants_prepared(connection))
    with CaptureQueriesContext(connection) as captured:
        for _ in range(PREPARE_THRESHOLD + 2):
            rows = user.read_grants("slug")
    assert len(captured) == PREPARE_THRESHOLD + 2
    assert [(role, slug) for role, _g, _path, slug in rows] == [
        (Role.UNIT_HEAD, world.government.slug)
    ]
    if postgres:
        assert _grants_prepared(connection)

    grant = RoleGrant.objects.create(
        user=user, role=Role.LEADERSHIP, government=world.other_government
    )
    rows = user.read_grants("slug")
    assert {(role, slug) for role, _g, _path, slug in rows} == {
        (Role.UNIT_HEAD, world.government.slug),
        (Role.LEADERSHIP, world.other_government.slug),
    }
    grant.delete()
    assert [role for role, *_rest in user.read_grants("slug")] == [Role.UNIT_HEAD]
