"""The employee search on PostgreSQL reads trigrams kept per government (issue 25, item 3;
``budaya.org.search``): the query's form must stay the index's, or a government's search reads
the whole roster again, or every government's matches."""

import itertools

import pytest
from django.db import connection

from budaya.org.models import Employee
from budaya.org.selectors import employees_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes"),
]


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
        for k, (n, a, b) in enumerate(itertools.product(range(40), first, last))
    )
    Employee.objects.create(
        government=government, unit=agency, name="Siti Aminah", sex="P", status="PPPK"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE org_employee")
    plan = _plan(employees_of(city_admin, government, {"q": "Siti Amin"}))
    assert "employee_name_grams" in plan
    assert "employee_position_grams" in plan
    assert "employee_nip_prefix" in plan


def test_a_query_without_three_letters_in_a_row_is_not_asked_of_the_trigrams(
    city_admin, government, agency
):
    """Without a trigram the containment would read the whole index: only the LIKE is asked."""
    plan = _plan(employees_of(city_admin, government, {"q": "Al"}))
    assert "grams" not in plan


def test_the_trigrams_are_the_governments_and_a_patterns_lie_within_its_words():
    with connection.cursor() as cursor:
        cursor.execute("SELECT budaya_grams(7, 'siti aminah'), budaya_like_grams(7, 'siti amin')")
        grams, pattern = cursor.fetchone()
    assert "7:  s" in grams and "7:ah " in grams and "7:min" in grams
    # "siti amin" may be "...siti amin..." inside longer words: no trigram at a word's edge.
    assert sorted(pattern) == ["7:ami", "7:iti", "7:min", "7:sit"]
    assert set(pattern) <= set(grams)
