"""The audit trail is append-only on the database users get: one built by the real migrations
(issue 17: migration 0006 rebuilt the table on SQLite and the triggers were gone, while the
suite, built without migrations, never saw it).

A fresh database (a SQLite file, or a PostgreSQL database named test_budaya_audit_*) is built by
``manage.py migrate`` in a separate process, with the settings users run; the product then
writes audit entries, and UPDATE, DELETE and (PostgreSQL) TRUNCATE of them must fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

from django.conf import settings
from django.db import connection

PROBE = r"""
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
call_command("migrate", verbosity=0, interactive=False)
from budaya.accounts import audit
from budaya.accounts.models import AuditAction, SystemAuditChain
from budaya.org.models import Government
with transaction.atomic():
    government = Government.objects.create(
        name="Kota Uji", slug="kota-uji", kind="kota", kemendagri_code="99.01"
    )
    audit.record(None, AuditAction.CREATE, government)
    audit.record(None, AuditAction.OTHER, government, government=None)
outcomes = {}
statements = [
    "UPDATE accounts_auditentry SET object_repr = 'x'",
    "DELETE FROM accounts_auditentry",
    "UPDATE accounts_systemauditentry SET object_repr = 'x'",
    "DELETE FROM accounts_systemauditentry",
]
if connection.vendor == "postgresql":
    statements += [
        "TRUNCATE accounts_auditentry",
        "TRUNCATE accounts_systemauditentry",
        "TRUNCATE org_government CASCADE",
    ]
for statement in statements:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
        outcomes[statement] = "accepted"
    except Exception as error:
        outcomes[statement] = str(error).strip()
from budaya.accounts.models import AuditEntry, SystemAuditEntry
outcomes["entries left"] = [AuditEntry.objects.count(), SystemAuditEntry.objects.count()]
print(json.dumps(outcomes))
"""


def _postgres_admin():
    import psycopg

    database = settings.DATABASES["default"]
    return psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )


def test_a_migrated_database_refuses_to_change_or_remove_audit_entries(tmp_path):
    vendor = connection.vendor
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "budaya.settings",
        "BUDAYA_DATA_DIR": str(tmp_path),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    name = f"test_budaya_audit_migrated_{uuid.uuid4().hex[:10]}"
    if vendor == "postgresql":
        env.update(DB="postgres", DB_NAME=name, DB_CONN_MAX_AGE="0")
        with _postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    else:
        env.update(DB="sqlite", DB_NAME=str(tmp_path / "migrated.sqlite3"))
    try:
        result = subprocess.run(
            [sys.executable, "-c", PROBE],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    finally:
        if vendor == "postgresql":
            with _postgres_admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert result.returncode == 0, result.stderr[-3000:]
    outcomes = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcomes.pop("entries left") == [1, 1]
    expected = 7 if vendor == "postgresql" else 4
    assert len(outcomes) == expected
    for statement, outcome in outcomes.items():
        assert "append-only" in outcome, f"{statement}: {outcome}"
