"""The employee search's index on PostgreSQL, kept per government (issue 25, item 3).

A trigram index over every government's names answers "aditya" with the matches of all of them
(3,077 in a province of 25 against the city's own 176): a government's search then costs more the
more governments share the database, and the planner falls back to reading the government's whole
roster. Here the indexed text carries its government in every trigram: the government's mark, a
letter of its own (one of 20,992 CJK ideographs, which pg_trgm counts as letters), follows each
character (``"ad"`` → ``"a一d一"``), so every trigram holds a mark and one government's trigrams
are never another's. The search asks ``marked(name) LIKE '%' || marked(query) || '%'``, which
holds exactly when ``name LIKE '%query%'`` does (marking each character keeps and only keeps the
substrings), from a GIN trigram index over ``marked(name)`` whose posting lists hold one
government's rows. The plain LIKE stays in the query: a name that itself holds a mark could
otherwise match out of step.

Made by migration 0014 and again after every migrate (the suite's database is made from the
models). Without pg_trgm there is no index: both LIKEs are checked on the government's rows.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Contains

# The marks: 20,992 ideographs from U+4E00, the government's id modulo their number.
FIRST_MARK, MARKS = 0x4E00, 20992


def _marked_sql(text: str, government: str) -> str:
    return (
        f"regexp_replace({text}, '(.)', '\\1' || chr({FIRST_MARK} + "
        f"({government} %% {MARKS})::integer), 'g')"
    )


_INDEXES = {
    "employee_name_marked": _marked_sql("name_search", "government_id"),
    "employee_position_marked": _marked_sql("upper(position_name)", "government_id"),
}
# The NIP prefixes, within the government.
_PREFIX_INDEXES = [
    "CREATE INDEX IF NOT EXISTS employee_nip_prefix ON org_employee "
    "(government_id, nip varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS employee_ni_pppk_prefix ON org_employee "
    "(government_id, ni_pppk varchar_pattern_ops)",
]
INDEX_NAMES = list(_INDEXES)


def install(connection: Any) -> None:
    """The indexes, idempotently (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:  # a role that may not create the extension searches without the trigram indexes
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            trigrams = False
        else:
            trigrams = True
        statements = [
            f"CREATE INDEX IF NOT EXISTS {name} ON org_employee "
            f"USING gin (({expression.replace('%%', '%')}) gin_trgm_ops)"
            for name, expression in _INDEXES.items()
            if trigrams
        ]
        for statement in [*statements, *_PREFIX_INDEXES]:
            cursor.execute(statement)


def install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """After every migrate: the suite's database is made from the models, without migrations."""
    from django.db import connections

    from budaya.org.models import Employee

    connection = connections[using]
    if Employee._meta.db_table in connection.introspection.table_names():
        install(connection)


class _Marked(Func):
    """``text`` with the mark of ``government`` after each character (the indexes' form)."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        (text, text_params), (government, government_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return _marked_sql(text, government), [*text_params, *government_params]


def _marked_contains(column: Any, government_id: int, pattern: Any) -> Q:
    # The pattern's government a value, not the column: what the index is asked.
    return Q(Contains(_Marked(column, F("government_id")), _Marked(pattern, Value(government_id))))


def by_name(connection: Any, government_id: int, key: str) -> Q:
    """The government's employees whose name contains ``key`` (a ``search_key``)."""
    name = Q(name_search__contains=key)
    if _marked(connection, key):
        name &= _marked_contains(F("name_search"), government_id, Value(key))
    return name


def by_position(connection: Any, government_id: int, query: str) -> Q:
    """The government's employees whose position contains ``query``, in any case."""
    position = Q(position_name__icontains=query)
    if _marked(connection, query.strip()):
        position &= _marked_contains(Upper("position_name"), government_id, Upper(Value(query)))
    return position


def _marked(connection: Any, text: str) -> bool:
    # Two characters make a marked trigram; from one, pg_trgm would read the whole index.
    return connection.vendor == "postgresql" and len(text) > 1


def matching(connection: Any, government_id: int, key: str, query: str) -> Q:
    """The government's employees whose name contains ``key`` (the query's ``search_key``) or
    whose position contains ``query`` (any case), or whose NIP or NI PPPK starts with its
    digits."""
    digits = query.replace(" ", "")
    return (
        by_name(connection, government_id, key)
        | by_position(connection, government_id, query)
        | Q(nip__startswith=digits)
        | Q(ni_pppk__startswith=digits)
    )
