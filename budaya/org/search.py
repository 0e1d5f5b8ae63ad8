"""The employee search's index on PostgreSQL, kept per government (issue 25, item 3).

A trigram index over every government's names answers "aditya" with the matches of all of them
(3,077 in a province of 25 against the city's own 176): a government's search then costs more the
more governments share the database, and the planner falls back to reading the government's whole
roster. Here each trigram is keyed by its government (``"12:adi"``): a GIN index over
``budaya_grams(government_id, name_search)`` (and the position) whose posting lists hold one
government's rows only, asked with ``budaya_like_grams(government_id, pattern)``, the trigrams a
``LIKE '%pattern%'`` needs (those within the pattern's words; pg_trgm splits the words on both sides
alike). The LIKE itself stays in the query: the index only narrows the rows it is checked on.

Without pg_trgm (a role that may not create the extension) both functions return no trigrams, the
containment always holds and the LIKE alone decides. Made by migration 0014 and again after every
migrate (the suite's database is made from the models)."""

from __future__ import annotations

import re
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import BooleanField, F, Func, Q, Value

GRAMS = "budaya_grams"
LIKE_GRAMS = "budaya_like_grams"


def _functions(schema: str) -> str:
    """``schema``: pg_trgm's, so that the functions find ``show_trgm`` whatever the search_path
    of the session evaluating the index (autovacuum, a restore). chr(31) is in no trigram."""
    # The names of this module and pg_trgm's schema: no input.
    return f"""
CREATE OR REPLACE FUNCTION {GRAMS}(government bigint, value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.string_to_array(
    government || ':' || pg_catalog.array_to_string(
        {schema}.show_trgm(value), pg_catalog.chr(31) || government || ':'),
    pg_catalog.chr(31));
CREATE OR REPLACE FUNCTION {LIKE_GRAMS}(government bigint, pattern text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ARRAY(
    SELECT government || ':' || gram FROM pg_catalog.unnest({schema}.show_trgm(pattern)) AS gram
    WHERE pg_catalog.strpos(gram, ' ') = 0);
"""  # noqa: S608


# Without pg_trgm: no trigrams on either side.
_FALLBACK = f"""
CREATE OR REPLACE FUNCTION {GRAMS}(government bigint, value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN '{{}}'::text[];
CREATE OR REPLACE FUNCTION {LIKE_GRAMS}(government bigint, pattern text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN '{{}}'::text[];
"""
_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS employee_name_grams ON org_employee "
    f"USING gin ({GRAMS}(government_id, name_search))",
    f"CREATE INDEX IF NOT EXISTS employee_position_grams ON org_employee "
    f"USING gin ({GRAMS}(government_id, position_name))",
]
# The NIP prefixes, within the government.
_PREFIX_INDEXES = [
    "CREATE INDEX IF NOT EXISTS employee_nip_prefix ON org_employee "
    "(government_id, nip varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS employee_ni_pppk_prefix ON org_employee "
    "(government_id, ni_pppk varchar_pattern_ops)",
]
INDEX_NAMES = ["employee_name_grams", "employee_position_grams"]


def install(connection: Any) -> None:
    """The functions and indexes, idempotently (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:  # a role that may not create the extension searches without the trigram indexes
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            pass
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
        )
        row = cursor.fetchone()
        cursor.execute(_functions(row[0]) if row else _FALLBACK)
        for statement in [*(_INDEXES if row else []), *_PREFIX_INDEXES]:
            cursor.execute(statement)


def install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """After every migrate: the suite's database is made from the models, without migrations."""
    from django.db import connections

    from budaya.org.models import Employee

    connection = connections[using]
    if Employee._meta.db_table in connection.introspection.table_names():
        install(connection)


# Three ASCII letters or digits in a row: pg_trgm has a trigram within them to look up, in any
# locale (without one, the containment would read the whole index).
_WORD = re.compile(r"[A-Za-z0-9]{3}")


class _Contains(Func):
    template = "%(expressions)s"
    arg_joiner = " @> "
    output_field = BooleanField()


def _grams_contain(column: str, government_id: int, pattern: str) -> Q:
    return Q(
        _Contains(
            Func(F("government_id"), F(column), function=GRAMS),
            # Values, not the column: what the index is asked (a column here would be a filter).
            Func(Value(government_id), Value(pattern), function=LIKE_GRAMS),
        )
    )


def matching(connection: Any, government_id: int, key: str, query: str) -> Q:
    """The government's employees whose name contains ``key`` (the query's ``search_key``) or
    whose position contains ``query`` (any case), or whose NIP or NI PPPK starts with its
    digits."""
    digits = query.replace(" ", "")
    name = Q(name_search__contains=key)
    position = Q(position_name__icontains=query)
    if connection.vendor == "postgresql":
        # The government's own trigrams narrow the rows first (see the module's docstring).
        if _WORD.search(key):
            name &= _grams_contain("name_search", government_id, key)
        if _WORD.search(query):
            position &= _grams_contain("position_name", government_id, query)
    return name | position | Q(nip__startswith=digits) | Q(ni_pppk__startswith=digits)
