"""The audit trail: append-only, hash-chained per government, verified by a command."""

import dataclasses
import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from budaya.accounts import audit, checkpoints, views
from budaya.accounts.models import (
    AppendOnlyError,
    AuditAction,
    AuditChain,
    AuditEntry,
    Role,
    SystemAuditChain,
    SystemAuditEntry,
)
from budaya.org.models import Government

pytestmark = pytest.mark.django_db


def write(actor, obj, **kwargs) -> AuditEntry:
    with transaction.atomic():
        return audit.record(actor, AuditAction.UPDATE, obj, **kwargs)


def verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_entries_chain_per_government(world):
    admin = world.user(Role.CITY_ADMIN)
    first = write(admin, world.agency, before={"name": "A"}, after={"name": "B"})
    second = write(admin, world.employee)
    foreign = write(world.foreign_user, world.foreign_agency)
    assert first.previous_hash == ""
    assert second.previous_hash == first.hash
    assert (first.chain, second.sequence) == (f"g{world.government.pk}", 2)
    assert foreign.chain == f"g{world.other_government.pk}" and foreign.previous_hash == ""
    assert first.actor_repr == "w.admin" and first.object_type == "org.unit"
    assert verify() == (0, "The audit trail is whole: 3 entries in 2 chains.\n")


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction(world):
    with pytest.raises(RuntimeError):
        audit.record(None, AuditAction.OTHER, world.agency)


def test_the_model_refuses_update_and_delete(world):
    entry = write(world.user(Role.CITY_ADMIN), world.agency)
    entry.object_repr = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_update_and_delete(world):
    """The suite's own database: the triggers are made by the post_migrate handler, as after
    every migrate (the database built by the real migrations: test_migrated_database.py)."""
    entry = write(world.user(Role.CITY_ADMIN), world.agency)
    system = write(world.user(Role.SYSTEM_ADMIN), world.government, government=None)
    statements = [
        ("UPDATE accounts_auditentry SET object_repr = 'x' WHERE id = %s", [entry.pk]),
        ("DELETE FROM accounts_auditentry WHERE id = %s", [entry.pk]),
        ("UPDATE accounts_systemauditentry SET object_repr = 'x' WHERE id = %s", [system.pk]),
        ("DELETE FROM accounts_systemauditentry WHERE id = %s", [system.pk]),
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # no pending foreign-key checks to refuse it first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        statements += [
            ("TRUNCATE accounts_auditentry", []),
            ("TRUNCATE accounts_systemauditentry", []),
            ("TRUNCATE org_government CASCADE", []),
        ]
    for statement, params in statements:
        with (
            pytest.raises((IntegrityError, DatabaseError), match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, params)
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == entry.object_repr


def _tamper(sql: str, params: list) -> None:
    # What someone with database access could do: drop the triggers, then write.
    audit.drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE accounts_auditentry SET object_repr = 'x' WHERE sequence = 2", "its hash"),
        ('UPDATE accounts_auditentry SET after = \'{"name": "C"}\' WHERE sequence = 2', "its hash"),
        ("DELETE FROM accounts_auditentry WHERE sequence = 2", "entry missing"),
        ("DELETE FROM accounts_auditentry WHERE sequence = 3", "at the end"),
        ("UPDATE accounts_auditentry SET previous_hash = 'x' WHERE sequence = 3", "previous hash"),
    ],
)
def test_tampering_is_detected_at_the_first_broken_link(world, sql, reason):
    admin = world.user(Role.CITY_ADMIN)
    for name in ("A", "B", "C"):
        write(admin, world.agency, after={"name": name})
    assert verify()[0] == 0
    _tamper(sql, [])
    code, output = verify()
    assert code == 1
    assert reason in output
    assert f"chain g{world.government.pk}" in output


def test_a_rehashed_forgery_still_breaks_the_next_link(world):
    admin = world.user(Role.CITY_ADMIN)
    entries = [write(admin, world.agency, after={"n": n}) for n in range(3)]
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.after = {"n": 99}
    new_hash = audit.compute_hash(forged)
    _tamper(
        "UPDATE accounts_auditentry SET after = %s, hash = %s WHERE id = %s",
        ['{"n": 99}', new_hash, forged.pk],
    )
    code, output = verify()
    assert code == 1 and f"position 2 (entry {forged.pk})" in output and "MAC" in output


def test_chain_head_is_locked_and_advanced(world):
    write(world.user(Role.CITY_ADMIN), world.agency)
    head = AuditChain.objects.get(key=f"g{world.government.pk}")
    assert head.length == 1 and head.last_hash == AuditEntry.objects.get().hash


def test_government_create_and_update_are_audited(world, client):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    client.post(
        "/governments/new/",
        {
            "name": "Kota Cilegon",
            "slug": "kota-cilegon",
            "kind": "kota",
            "kemendagri_code": "36.72",
            "timezone": "Asia/Jakarta",
        },
    )
    cilegon = Government.objects.get(slug="kota-cilegon")
    client.post(
        "/governments/kota-cilegon/edit/",
        {
            "name": "Kota Cilegon",
            "slug": "kota-cilegon",
            "kind": "kota",
            "kemendagri_code": "36.72",
            "timezone": "Asia/Makassar",
        },
    )
    created, updated = AuditEntry.objects.filter(object_id=str(cilegon.pk)).order_by("sequence")
    assert created.action == "create" and created.after["name"] == "Kota Cilegon"
    assert created.remote_addr == "127.0.0.1" and created.actor_repr == "w.sysadmin"
    assert updated.before == {"timezone": "Asia/Jakarta"}
    assert updated.after == {"timezone": "Asia/Makassar"}


def test_city_admin_browses_and_filters_the_trail(world, client):
    admin = world.user(Role.CITY_ADMIN)
    write(admin, world.agency, after={"name": "Dinas Baru"})
    write(admin, world.employee)
    write(world.foreign_user, world.foreign_agency, after={"name": "RAHASIA SERANG"})
    client.force_login(admin)
    page = client.get("/audit/").content.decode()
    assert "Dinas Baru" in page and "RAHASIA SERANG" not in page
    filtered = client.get("/audit/", {"object_type": "org.employee"}).content.decode()
    assert "Siti Contoh" in filtered and "Dinas Baru" not in filtered
    nothing = client.get("/audit/", {"action": "delete"}).content.decode()
    assert "Dinas Baru" not in nothing
    history = client.get(f"/audit/object/org.unit/{world.agency.pk}/")
    assert history.status_code == 200 and "Dinas Baru" in history.content.decode()
    assert client.get(f"/audit/object/org.unit/{world.foreign_agency.pk}/").status_code == 404
    assert client.get("/audit/object/nothing.here/1/").status_code == 404


def test_audit_pages_are_for_administrators(world, client):
    client.force_login(world.user(Role.LEADERSHIP))
    assert client.get("/audit/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(world):
    import threading

    barrier = threading.Barrier(4)

    def writer() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                audit.record(None, AuditAction.OTHER, world.agency)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    assert verify()[0] == 0


def test_system_entries_form_their_own_chain_outside_the_tenant_tables(world):
    admin = world.user(Role.SYSTEM_ADMIN)
    first = write(admin, admin, government=None)
    second = write(admin, admin, government=None)
    write(world.user(Role.CITY_ADMIN), world.agency)
    assert isinstance(first, SystemAuditEntry) and second.previous_hash == first.hash
    assert (second.chain, second.sequence) == ("system", 2)
    assert SystemAuditChain.objects.get().last_hash == second.hash
    assert AuditEntry.objects.count() == 1  # every tenant entry has its government
    assert verify() == (0, "The audit trail is whole: 3 entries in 2 chains.\n")
    _tamper("DELETE FROM accounts_systemauditentry WHERE sequence = 2", [])
    code, output = verify()
    assert code == 1 and "chain system, position 1" in output and "at the end" in output


def test_system_admin_reads_both_chains_newest_first_page_by_page(world, client, monkeypatch):
    monkeypatch.setattr(views, "AUDIT_PAGE_SIZE", 2)
    admin = world.user(Role.SYSTEM_ADMIN)
    write(admin, admin, government=None, after={"n": "system-1"})
    write(admin, world.government, after={"n": "government-1"})
    write(world.user(Role.CITY_ADMIN), world.agency, after={"n": "content-1"})
    write(admin, admin, government=None, after={"n": "system-2"})
    client.force_login(admin)
    responses = [client.get("/audit/", {"page": n}) for n in (1, 2)]
    pages = [response.content.decode() for response in responses]
    shown = [re.findall(r"(system-\d|government-\d|content-\d)", page) for page in pages]
    assert shown == [["system-2", "government-1"], ["system-1"]]
    assert responses[0].context["page"].paginator.count == 3
    history = client.get(f"/audit/object/accounts.user/{admin.pk}/").content.decode()
    assert "system-2" in history and "government-1" not in history
    client.force_login(world.user(Role.CITY_ADMIN))
    assert "system-" not in client.get("/audit/").content.decode()


def test_bulk_entries_hash_and_store_as_single_entries_do(world):
    """record_many (imports) builds each entry's canonical text from its parts: the stored
    entries must verify, chain on from a single entry, and give back what was recorded."""
    admin = world.user(Role.CITY_ADMIN)
    first = write(admin, world.agency, before={"name": "A"}, after={"name": "B"})
    changes = [
        (AuditAction.CREATE, world.employee, None, {"name": 'Ñoman "Ügi"\n', "unit": 7}),
        (
            AuditAction.UPDATE,
            world.agency,
            {"active_to": None, "z": [1, {"b": 2, "a": 1}]},
            {"active_to": datetime.date(2026, 12, 31), "z": []},
        ),
    ]
    with transaction.atomic():
        assert audit.record_many(admin, changes, government=world.government) == 2
    entries = list(AuditEntry.objects.filter(chain=first.chain).order_by("sequence"))
    assert [entry.previous_hash for entry in entries[1:]] == [e.hash for e in entries[:-1]]
    assert [entry.hash for entry in entries] == [audit.compute_hash(e) for e in entries]
    created, updated = entries[1:]
    assert created.before is None and created.after == {"name": 'Ñoman "Ügi"\n', "unit": 7}
    assert created.object_repr == str(world.employee) and created.action == "create"
    assert updated.after == {"active_to": "2026-12-31", "z": []}
    assert updated.before == {"active_to": None, "z": [1, {"b": 2, "a": 1}]}
    assert verify() == (0, "The audit trail is whole: 3 entries in 1 chains.\n")


# --- Issue 17: attacks by someone who can write the database (not the key, not the checkpoints)


def _chain(government) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(government=government).order_by("sequence"))


@pytest.mark.parametrize("mac", ["kept", "stripped", "forged with a guessed key"])
def test_a_chain_rewritten_with_recomputed_hashes_is_named_by_its_mac(world, mac):
    """Attack (a): rewrite an entry's content and recompute every following hash and the chain
    head with the public algorithm, the triggers dropped. Every link and hash then holds; the
    MAC, made with a key outside the database, does not."""
    admin = world.user(Role.CITY_ADMIN)
    for n in range(5):
        write(admin, world.agency, after={"n": n})
    assert verify()[0] == 0
    entries = _chain(world.government)
    audit.drop_triggers(connection)
    previous = entries[0].hash
    for entry in entries[1:]:
        if entry.sequence == 2:
            entry.after, entry.actor_repr = {"n": "forged"}, "someone.else"
        entry.previous_hash = previous
        entry.hash = audit.compute_hash(entry)
        if mac == "stripped":
            entry.key_id, entry.mac = "", ""
        elif mac == "forged with a guessed key":
            entry.mac = audit.AuditKeys("dev", {"dev": b"guess"}).mac(entry.key_id, entry.hash)
        _tamper(
            "UPDATE accounts_auditentry SET after = %s, actor_repr = %s, previous_hash = %s, "
            "hash = %s, key_id = %s, mac = %s WHERE id = %s",
            [
                json.dumps(entry.after),
                entry.actor_repr,
                entry.previous_hash,
                entry.hash,
                entry.key_id,
                entry.mac,
                entry.pk,
            ],
        )
        previous = entry.hash
    AuditChain.objects.filter(pk=f"g{world.government.pk}").update(last_hash=previous)
    assert [audit.compute_hash(e) for e in _chain(world.government)] == [
        e.hash for e in _chain(world.government)
    ]  # the public algorithm is satisfied
    code, output = verify()
    assert code == 1
    assert f"chain g{world.government.pk} (government kota-tangerang)" in output
    assert f"position 2 (entry {entries[1].pk})" in output
    if mac == "stripped":
        assert "no entry from here to the end is signed with a configured key" in output
    else:
        assert "MAC does not match" in output


@pytest.fixture(params=["files", "objects"])
def checkpoint_store(request, settings, tmp_path):
    """Checkpoints in append-only files (the default), or one object each in a storage: the
    S3 bucket of BUDAYA_AUDIT_CHECKPOINT_BUCKET, stood in for by a local folder."""
    if request.param == "objects":
        settings.STORAGES = {
            **settings.STORAGES,
            checkpoints.STORAGE: {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path / "bucket")},
            },
        }
    return request.param


def test_a_tail_deleted_with_the_head_rewound_is_found_by_the_checkpoint(
    world, settings, checkpoint_store
):
    """Attack (b): after the daily checkpoint, delete the last entries and rewind the chain
    head to the last one kept. The chain left is whole and signed; the checkpoint outside the
    database still names the entries removed."""
    admin = world.user(Role.CITY_ADMIN)
    for n in range(5):
        write(admin, world.agency, after={"n": n})
    write(world.foreign_user, world.foreign_agency)
    call_command("daily", stdout=io.StringIO())
    (point,) = checkpoints.read(f"g{world.government.pk}")
    entries = _chain(world.government)
    if checkpoint_store == "objects":  # one object per checkpoint, nothing in the folder
        from django.core.files.storage import storages

        assert not any(settings.BUDAYA_AUDIT_CHECKPOINT_DIR.iterdir())
        assert storages[checkpoints.STORAGE].listdir(f"g{world.government.pk}")[1] == [
            f"000000000005-{entries[-1].hash}.json"
        ]
    assert dataclasses.asdict(point) | {"at": ""} == {
        "chain": f"g{world.government.pk}",
        "government_id": world.government.pk,
        "entry_id": entries[-1].pk,
        "sequence": 5,
        "hash": entries[-1].hash,
        "mac": entries[-1].mac,
        "key_id": "dev",
        "at": "",
    }
    assert verify() == (
        0,
        "The audit trail is whole: 6 entries in 2 chains.\n"
        "2 checkpoints outside the database match.\n",
    )
    _tamper("DELETE FROM accounts_auditentry WHERE government_id = %s AND sequence > 3",
            [world.government.pk])  # fmt: skip
    AuditChain.objects.filter(pk=f"g{world.government.pk}").update(
        length=3, last_hash=entries[2].hash
    )
    code, output = verify()
    assert code == 1
    assert f"chain g{world.government.pk} (government kota-tangerang), position 5" in output
    assert f"entry {entries[-1].pk}" in output
    assert "entries at the end were removed: the checkpoint of" in output
    assert "recorded 5 entries, the chain now holds 3" in output


def test_a_checkpointed_entry_rewritten_is_named(world, settings, checkpoint_store):
    admin = world.user(Role.CITY_ADMIN)
    entries = [write(admin, world.agency, after={"n": n}) for n in range(2)]
    call_command("daily", stdout=io.StringIO())
    settings.BUDAYA_AUDIT_KEYS = "other:" + "QUJD" * 11  # a stolen key, say: the MACs hold
    _tamper("DELETE FROM accounts_auditentry", [])
    AuditChain.objects.all().delete()
    for n in range(3):
        write(admin, world.agency, after={"n": f"again {n}"})
    code, output = verify()
    assert code == 1
    assert f"position 2 (entry {_chain(world.government)[1].pk})" in output
    assert "differs from the checkpoint" in output and f"entry {entries[1].pk}" in output


def test_daily_checkpoints_each_moved_chain_once(world, settings):
    write(world.user(Role.CITY_ADMIN), world.agency)
    write(world.user(Role.SYSTEM_ADMIN), world.government, government=None)
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "2 audit chains checkpointed" in out.getvalue()
    again = io.StringIO()
    call_command("daily", stdout=again)
    assert "0 audit chains checkpointed" in again.getvalue()
    write(world.user(Role.CITY_ADMIN), world.agency)
    hourly = io.StringIO()
    call_command("checkpoint_audit", stdout=hourly)  # the same, more often than daily
    assert hourly.getvalue().startswith("1 audit chains checkpointed")
    folder = settings.BUDAYA_AUDIT_CHECKPOINT_DIR
    assert sorted(p.name for p in folder.iterdir()) == [
        f"g{world.government.pk}.jsonl",
        "system.jsonl",
    ]
    lines = (folder / f"g{world.government.pk}.jsonl").read_text().splitlines()
    assert [json.loads(line)["sequence"] for line in lines] == [1, 2]


def test_keys_rotate_and_old_entries_stay_verifiable(world, settings):
    old = "kid0:" + "MDAw" * 11
    settings.BUDAYA_AUDIT_KEYS = old
    admin = world.user(Role.CITY_ADMIN)
    first = write(admin, world.agency)
    write(world.foreign_user, world.foreign_agency)
    settings.BUDAYA_AUDIT_KEYS = "kid1:" + "MTEx" * 11 + "," + old
    second = write(admin, world.agency)
    assert (first.key_id, second.key_id) == ("kid0", "kid1")
    assert verify()[0] == 0
    # Before the old key goes: one entry under the new key at the end of every chain.
    out = io.StringIO()
    call_command("rekey_audit", stdout=out)
    assert "1 chains signed with the audit key 'kid1'" in out.getvalue()
    settings.BUDAYA_AUDIT_KEYS = "kid1:" + "MTEx" * 11
    code, output = verify()
    assert code == 0, output
    assert (
        f"chain g{world.government.pk}: unkeyed (or under a retired key) up to position 1" in output
    )
    # An entry under a retired key is still covered: rewriting it breaks the next MAC.
    _tamper("UPDATE accounts_auditentry SET object_repr = 'x' WHERE id = %s", [first.pk])
    assert verify()[0] == 1


def test_entries_without_a_key_are_covered_once_rekeyed(world):
    """Entries written before the keys (key id empty) are vouched for by the first keyed entry
    after them; a chain ending in such entries is reported until rekey_audit signs it."""
    entries = [write(world.user(Role.CITY_ADMIN), world.agency) for _n in range(3)]
    _tamper("UPDATE accounts_auditentry SET key_id = '', mac = ''", [])
    code, output = verify()
    assert code == 1 and f"position 1 (entry {entries[0].pk})" in output
    assert "rekey_audit" in output
    call_command("rekey_audit", stdout=io.StringIO())
    code, output = verify()
    assert code == 0 and "unkeyed (or under a retired key) up to position 3" in output
    signed = _chain(world.government)[-1]
    assert (signed.sequence, signed.key_id, signed.object_id) == (
        4,
        "dev",
        str(world.government.pk),
    )


def test_rekey_refuses_to_sign_a_broken_chain(world):
    for _n in range(2):
        write(world.user(Role.CITY_ADMIN), world.agency)
    _tamper("UPDATE accounts_auditentry SET key_id = '', mac = '', object_repr = 'x'", [])
    with pytest.raises(CommandError, match="broken"):
        call_command("rekey_audit", stdout=io.StringIO())
    assert AuditEntry.objects.count() == 2


def test_bulk_entries_carry_the_mac_of_the_current_key(world, settings):
    settings.BUDAYA_AUDIT_KEYS = "bulk1:" + "QkJC" * 11
    changes = [(AuditAction.CREATE, world.employee, None, {"n": n}) for n in range(3)]
    with transaction.atomic():
        audit.record_many(world.user(Role.CITY_ADMIN), changes, government=world.government)
    keys = audit.audit_keys()
    for entry in _chain(world.government):
        assert entry.key_id == "bulk1" and entry.mac == keys.mac("bulk1", entry.hash)
    assert verify()[0] == 0


def test_deploy_check_refuses_the_development_key_and_short_keys(settings):
    from budaya.accounts.checks import audit_keys_check

    def ids(keys: str, deploy: bool = True) -> list[str]:
        settings.BUDAYA_AUDIT_KEYS = keys
        return [m.id for m in audit_keys_check(include_deployment_checks=deploy)]

    assert ids(audit.DEVELOPMENT_KEYS) == ["budaya.accounts.E002"]
    assert ids(audit.DEVELOPMENT_KEYS, deploy=False) == []
    assert ids("k1:" + "QUJD" * 4) == ["budaya.accounts.E003"]
    assert ids("k1:" + "QUJD" * 11) == []
    assert ids("k1:not base64!") == ["budaya.accounts.E001"]
    assert ids("k1:QUJD,k1:QUJD", deploy=False) == ["budaya.accounts.E001"]


def test_production_settings_refuse_to_start_without_audit_keys():
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key != "BUDAYA_AUDIT_KEYS"} | {
        "DJANGO_SETTINGS_MODULE": "budaya.settings.production",
        "SECRET_KEY": "s" * 60,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "BUDAYA_AUDIT_KEYS must be set in production" in result.stderr
