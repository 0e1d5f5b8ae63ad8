"""The employee search on PostgreSQL reads trigrams kept per government (issue 25, item 3;
``budaya.org.search``): the query's form must stay the index's, or a government's search reads
the whole roster again, or every government's matches."""

import itertools

import pytest
from django.db import connection
from django.db.models import Q

from budaya.org import search
from budaya.org.models import Employee
from budaya.org.selectors import employees_of

pytestmark = pytest.mark.django_db

# On SQLite the search is the LIKE alone (it scans the government's rows) and no index is made.
POSTGRESQL = connection.vendor == "postgresql"


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # As among many governments' rows: neither the table nor the order's index read whole.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_search_reads_the_governments_own_trigrams(city_admin, government, agency):
    """A roster of thousands, known to the planner: a rare name is looked up, not read for."""
    if not POSTGRESQL:
        assert search.by_name(connection, government.pk, "siti") == Q(name_search__contains="siti")
        return
    first = ["Agus", "Budi", "Dewi", "Eko", "Fitri", "Hendra", "Indah", "Joko", "Kartika", "Lina"]
    last = ["Santoso", "Wijaya", "Lestari", "Saputra", "Hidayat", "Kurniawan", "Rahayu"]
    Employee.objects.bulk_create(
        Employee(
            government=government,
            unit=agency,
            name=f"{a} {b} {n}",
            name_search=f"{a} {b} {n}".lower(),
            sex="L",
            status="PNS",
            nip=f"198001012010{k:06d}",
            position_name="Pengelola Data",
        )
        for k, (n, a, b) in enumerate(itertools.product(range(120), first, last))
    )
    Employee.objects.create(
        government=government,
        unit=agency,
        name="Siti Aminah",
        sex="P",
        status="PPPK",
        position_name="Analis Kebijakan",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE org_employee")
    # Each way of matching can be read from its own index: the expression asked is the index's
    # (which one the whole search starts from is the planner's choice on the rows at hand; on
    # a province's, these: docs/performance.md).
    for asked, index in (
        (search.by_name(connection, government.pk, "siti amin"), "employee_name_marked"),
        (search.by_position(connection, government.pk, "kebijakan"), "employee_position_marked"),
        (Q(government=government, nip__startswith="19800101201000812"), "employee_nip_prefix"),
    ):
        assert index in _plan(Employee.objects.filter(asked))


def test_a_one_letter_query_is_not_asked_of_the_trigrams(city_admin, government, agency):
    """One letter makes no marked trigram: the index would be read whole, so only the LIKE is
    asked."""
    if not POSTGRESQL:
        assert search.by_name(connection, government.pk, "a") == Q(name_search__contains="a")
        return
    plan = _plan(employees_of(city_admin, government, {"q": "A"}))
    assert "marked" not in plan


def test_a_governments_trigrams_are_its_own(government, other_government):
    """The same name in two governments shares no trigram a search asks for, and a marked
    pattern is found in the marked name of its own government only."""
    if not POSTGRESQL:
        search.install(connection)
        with connection.cursor() as cursor:
            made = connection.introspection.get_constraints(cursor, "org_employee")
        assert not set(made) & {*search.INDEX_NAMES, "employee_nip_prefix"}
        return
    marked = search._marked_sql("%s", "%s")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT show_trgm({marked}), show_trgm({marked}), "
            f"{marked} LIKE '%%' || {marked} || '%%', {marked} LIKE '%%' || {marked} || '%%'",
            [
                *("siti aminah", government.pk, "siti aminah", other_government.pk),
                *("siti aminah", government.pk, "ti amin", government.pk),
                *("siti aminah", other_government.pk, "ti amin", government.pk),
            ],
        )
        own, other, found, found_elsewhere = cursor.fetchone()
    # Only the first letter's "  s", which no pattern of a LIKE '%...%' asks for, is shared.
    assert set(own) & set(other) == {"  s"}
    assert found and not found_elsewhere
