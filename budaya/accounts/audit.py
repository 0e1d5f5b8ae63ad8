"""The audit trail: one ``record()`` call per change, inside the writer's transaction.

Chains. Entries are hash-chained per government (key ``g<id>``, ``AuditEntry``, tenant data)
and in one system chain (``system``, ``SystemAuditEntry``, shared data) for changes that belong
to no government (shared frameworks, a user's second factor). One chain per government keeps
every row of a government together (Citus distributes by ``government_id``, which is therefore
never null) and lets writers of different governments append without waiting for each other.

Hash. ``hash = sha256(canonical JSON of the entry's fields, previous_hash included)``; the
canonical JSON has sorted keys, no spaces and UTF-8 text, and the time is written in UTC with
microseconds. The first entry of a chain links to the empty string.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone

from budaya import bulk
from budaya.accounts.models import (
    AuditAction,
    AuditChain,
    AuditEntry,
    AuditRecord,
    ChainHead,
    SystemAuditChain,
    SystemAuditEntry,
)
from budaya.org.models import Government

HASHED_FIELDS = (
    "chain",
    "sequence",
    "government_id",
    "actor_id",
    "actor_repr",
    "at",
    "remote_addr",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "previous_hash",
)


def object_type(obj_or_model: Any) -> str:
    """``app_label.model``: how the trail and the history URL name a kind of object."""
    return obj_or_model._meta.label_lower


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete fields of a row as JSON-ready values (foreign keys by id, files by name)."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        values[field.name] = value
    return _jsonable(values)


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, so an entry shows what was changed."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _jsonable(value: Any) -> Any:
    # Stored exactly as hashed: dates, decimals and UUIDs become the strings JSON reads back.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _client_address(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a proxy rewrites it.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _government_of(obj: Any) -> Government | None:
    if isinstance(obj, Government):
        return obj
    government_id = getattr(obj, "government_id", None)
    return Government(pk=government_id) if government_id else None


# What an entry's hash is computed over: its hashed fields as JSON with sorted keys, no spaces.
_CANONICAL = DjangoJSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(values: dict[str, Any]) -> bytes:
    return _CANONICAL.encode(values).encode()


def _hashed_values(entry: AuditRecord) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    at: datetime.datetime = values["at"]
    values["at"] = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return values


def compute_hash(entry: AuditRecord) -> str:
    return hashlib.sha256(canonical(_hashed_values(entry))).hexdigest()


SYSTEM_CHAIN = "system"


def _lock_chain(government: Government | None) -> ChainHead:
    if not connection.in_atomic_block:
        raise RuntimeError("audit entries must be written inside the writer's transaction.")
    # The lock: every writer of this chain waits here until the previous one commits.
    chain: ChainHead
    if government is None:
        chain, _created = SystemAuditChain.objects.select_for_update().get_or_create(
            key=SYSTEM_CHAIN
        )
    else:
        chain, _created = AuditChain.objects.select_for_update().get_or_create(
            key=f"g{government.pk}", defaults={"government_id": government.pk}
        )
    return chain


def _advance(chain: ChainHead) -> None:
    type(chain)._default_manager.filter(pk=chain.key).update(
        length=chain.length, last_hash=chain.last_hash
    )


def _entry(
    chain: ChainHead,
    actor: Any,
    action: str,
    obj: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    government: Government | None,
    at: datetime.datetime,
    remote_addr: str | None,
    object_repr: str | None,
) -> AuditRecord:
    """The next entry of ``chain``, hashed and linked; the chain head advances in memory."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    entry = SystemAuditEntry() if government is None else AuditEntry(government_id=government.pk)
    values = dict(
        chain=chain.key,
        sequence=chain.length + 1,
        actor_id=actor.pk if signed_in else None,
        actor_repr=actor.get_username() if signed_in else "",
        at=at,
        remote_addr=remote_addr,
        action=AuditAction(action).value,
        object_type=object_type(obj),
        object_id=str(obj.pk),
        object_repr=(object_repr if object_repr is not None else str(obj))[:255],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        previous_hash=chain.last_hash,
    )
    for name, value in values.items():
        setattr(entry, name, value)
    entry.hash = compute_hash(entry)
    chain.length, chain.last_hash = entry.sequence, entry.hash
    return entry


def record(
    actor: Any,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    *,
    government: Government | bool | None = True,
    object_repr: str | None = None,
) -> AuditRecord:
    """Append one entry to the chain of the object's government, in the caller's transaction.

    ``government=True`` (the default) takes the government from the object; pass one, or None
    for a system-level entry (a ``SystemAuditEntry``). Refuses to run outside a transaction:
    the entry must commit or roll back with the change it describes.
    """
    if government is True:
        government = _government_of(obj)
    assert government is None or isinstance(government, Government)
    chain = _lock_chain(government)
    entry = _entry(
        chain,
        actor,
        action,
        obj,
        before,
        after,
        government=government,
        at=timezone.now(),
        remote_addr=_client_address(request),
        object_repr=object_repr,
    )
    entry.save()
    _advance(chain)
    return entry


Change = tuple[str, Any, dict[str, Any] | None, dict[str, Any] | None]


def record_many(
    actor: Any,
    changes: Iterable[Change],
    request: HttpRequest | None = None,
    *,
    government: Government,
    batch_size: int = 1000,
) -> int:
    """Append one entry per (action, obj, before, after) of one government, in bulk.

    For writes of thousands of rows at once (an employee import): the same chain, hashes and
    stored values as ``record`` would give, written with one multi-row INSERT per batch and
    without building a model instance per entry.
    """
    chain = _lock_chain(government)
    at, remote_addr = timezone.now(), _client_address(request)
    at_hashed = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    actor_id = actor.pk if signed_in else None
    actor_repr = actor.get_username() if signed_in else ""
    at_stored = connection.ops.adapt_datetimefield_value(at)
    # canonical() of each entry, built from its parts: a dict with sorted keys is encoded as its
    # "key":value pairs in that order, so what every entry shares is encoded once, and before
    # and after once each for the hash and the row alike (verify() recomputes it from the row).
    encode = _CANONICAL.encode
    after_actor = f',"actor_id":{encode(actor_id)},"actor_repr":{encode(actor_repr)},"after":'
    after_after = f',"at":{encode(at_hashed)},"before":'
    after_before = (
        f',"chain":{encode(chain.key)},"government_id":{encode(government.pk)},"object_id":'
    )
    after_type = f',"remote_addr":{encode(remote_addr)},"sequence":'
    shared: dict[str, str] = {}  # actions and kinds, the same for most entries: encoded once
    written = 0
    batch: list[tuple[Any, ...]] = []
    for action, obj, before, after in changes:
        sequence = chain.length + 1
        action = AuditAction(action).value
        kind, object_id, object_repr = object_type(obj), str(obj.pk), str(obj)[:255]
        if (action_json := shared.get(action)) is None:
            action_json = shared[action] = encode(action)
        if (kind_json := shared.get(kind)) is None:
            kind_json = shared[kind] = encode(kind)
        before_json, after_json = encode(before), encode(after)
        text = "".join(
            (
                '{"action":', action_json, after_actor, after_json, after_after,
                before_json, after_before, encode(object_id), ',"object_repr":',
                encode(object_repr), ',"object_type":', kind_json, ',"previous_hash":"',
                chain.last_hash, '"', after_type, str(sequence), "}",  # a hash is hex: no escapes
            )
        )  # fmt: skip
        digest = hashlib.sha256(text.encode()).hexdigest()
        batch.append(
            (
                chain.key,
                sequence,
                government.pk,
                actor_id,
                actor_repr,
                at_stored,
                remote_addr,
                action,
                kind,
                object_id,
                object_repr,
                None if before is None else before_json,
                None if after is None else after_json,
                chain.last_hash,
                digest,
            )
        )
        chain.length, chain.last_hash = sequence, digest
        if len(batch) >= batch_size:
            written += _insert(batch)
            batch = []
    written += _insert(batch)
    _advance(chain)
    return written


_INSERT_COLUMNS = (
    "chain",
    "sequence",
    "government_id",
    "actor_id",
    "actor_repr",
    "at",
    "remote_addr",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "previous_hash",
    "hash",
)


def _insert(rows: list[tuple[Any, ...]]) -> int:
    bulk.insert(TABLE, _INSERT_COLUMNS, rows)
    return len(rows)


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    sequence: int
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry {self.entry_id}" if self.entry_id else "chain head"
        return f"chain {self.chain}, position {self.sequence} ({where}): {self.reason}"


def _chain_problems(
    entries_model: type[AuditRecord], key: str, head: ChainHead | None
) -> Iterator[BrokenLink]:
    previous_hash = ""
    expected = 1
    entries = (
        entries_model._default_manager.filter(chain=key)
        .order_by("sequence")
        .iterator(chunk_size=2000)
    )
    for entry in entries:
        if entry.sequence != expected:
            yield BrokenLink(key, expected, entry.pk, f"entry missing (found {entry.sequence})")
            return
        if entry.previous_hash != previous_hash:
            yield BrokenLink(key, entry.sequence, entry.pk, "previous hash does not match")
            return
        if compute_hash(entry) != entry.hash:
            yield BrokenLink(key, entry.sequence, entry.pk, "content does not match its hash")
            return
        previous_hash = entry.hash
        expected += 1
    if head is None or head.length != expected - 1 or head.last_hash != previous_hash:
        yield BrokenLink(key, expected - 1, None, "entries at the end of the chain are missing")


# Each kind of chain: its heads and its entries.
CHAINS: tuple[tuple[type[ChainHead], type[AuditRecord]], ...] = (
    (AuditChain, AuditEntry),
    (SystemAuditChain, SystemAuditEntry),
)


def verify() -> BrokenLink | None:
    """The first broken link, chain by chain; None when every chain is whole."""
    for head_model, entries_model in CHAINS:
        heads = {head.key: head for head in head_model._default_manager.all()}
        keys = entries_model._default_manager.values_list("chain", flat=True).distinct()
        for key in sorted(set(heads) | set(keys)):
            for problem in _chain_problems(entries_model, key, heads.get(key)):
                return problem
    return None


# --- Append-only below the ORM: triggers (installed by migrations 0002 and 0003) ----------

TABLE = "accounts_auditentry"
SYSTEM_TABLE = "accounts_systemauditentry"


def _triggers(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
        ]
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$",
            f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ]
    return []


def _drops(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
        ]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_append_only()",
        ]
    return []


def install_triggers(schema_connection: Any, table: str = TABLE) -> None:
    with schema_connection.cursor() as cursor:
        for statement in _triggers(schema_connection.vendor, table):
            cursor.execute(statement)


def drop_triggers(schema_connection: Any, table: str = TABLE) -> None:
    with schema_connection.cursor() as cursor:
        for statement in _drops(schema_connection.vendor, table):
            cursor.execute(statement)
