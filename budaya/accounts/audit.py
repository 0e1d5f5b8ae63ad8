"""The audit trail: one ``record()`` call per change, inside the writer's transaction.

Chains. Entries are hash-chained per government (key ``g<id>``, ``AuditEntry``, tenant data)
and in one system chain (``system``, ``SystemAuditEntry``, shared data) for changes that belong
to no government (shared frameworks, a user's second factor). One chain per government keeps
every row of a government together (Citus distributes by ``government_id``, which is therefore
never null) and lets writers of different governments append without waiting for each other.

Hash. ``hash = sha256(canonical JSON of the entry's fields, previous_hash included)``; the
canonical JSON has sorted keys, no spaces and UTF-8 text, and the time is written in UTC with
microseconds. The first entry of a chain links to the empty string.

MAC (issue 17). The hash alone is public: whoever can write the database can rewrite an entry
and recompute every hash after it. So each entry is also keyed: ``mac = HMAC-SHA256(key,
"<key_id>:<hash>")`` with a secret from the environment (``BUDAYA_AUDIT_KEYS``), never stored in
the database, and the entry names its key (``key_id``) so keys can rotate. Since the hash covers
the previous hash, an entry's MAC vouches for the whole chain up to it: entries written before
the key (``key_id`` empty) or under a retired key are checked by their hashes and covered by the
first later entry whose MAC verifies (``manage.py rekey_audit`` appends one). Chain heads are
checkpointed outside the database every day (``budaya.accounts.checkpoints``), so a chain cut
short and its head rewound is found too. See docs/security.md.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import functools
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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


# --- Keys (issue 17) -----------------------------------------------------------------------

# The embedded default's key: public, for development and tests only. The production settings
# refuse to start without BUDAYA_AUDIT_KEYS and ``check --deploy`` refuses this key
# (budaya.accounts.checks).
DEVELOPMENT_KEYS = "dev:" + base64.b64encode(b"budaya-development-audit-key-NOT-SECRET").decode()
DEVELOPMENT_KEY_ID = "dev"
MIN_KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")


@dataclass(frozen=True)
class AuditKeys:
    """The keys of ``BUDAYA_AUDIT_KEYS``: the first signs new entries, all of them verify."""

    current: str
    secrets: dict[str, bytes]

    def mac(self, key_id: str, entry_hash: str) -> str:
        return _mac(self.secrets[key_id], key_id, entry_hash)


def _mac(secret: bytes, key_id: str, entry_hash: str) -> str:
    return hmac.new(secret, f"{key_id}:{entry_hash}".encode(), hashlib.sha256).hexdigest()


def parse_keys(text: str) -> AuditKeys:
    """``"kid2:<base64 secret>,kid1:<base64 secret>"``: key id and secret, current key first."""
    secrets: dict[str, bytes] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key_id, _colon, encoded = item.partition(":")
        if not _KEY_ID.match(key_id) or not encoded:
            raise ImproperlyConfigured(
                "BUDAYA_AUDIT_KEYS: each key is <id>:<base64 secret>, the id 1-16 letters, "
                "digits, '.', '_' or '-'."
            )
        if key_id in secrets:
            raise ImproperlyConfigured(f"BUDAYA_AUDIT_KEYS: key id {key_id!r} appears twice.")
        try:
            secrets[key_id] = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ImproperlyConfigured(
                f"BUDAYA_AUDIT_KEYS: the secret of {key_id!r} is not base64."
            ) from error
    if not secrets:
        raise ImproperlyConfigured("BUDAYA_AUDIT_KEYS holds no key.")
    return AuditKeys(current=next(iter(secrets)), secrets=secrets)


@functools.cache
def _parsed(text: str) -> AuditKeys:
    return parse_keys(text)


def audit_keys() -> AuditKeys:
    return _parsed(settings.BUDAYA_AUDIT_KEYS)


SYSTEM_CHAIN = "system"


def _chain_key(government: Government) -> str:
    return f"g{government.pk}"


def _lock_chain(government: Government | None, first: Sequence[bulk.Statement] = ()) -> ChainHead:
    """The chain's head, locked: every writer of this chain waits here until the previous one
    commits. ``first``: the caller's statements to run before the lock, in its round trip on
    PostgreSQL (``bulk.together``): upserts of rows whose locks every writer takes before the
    chain's (issue 25: a recording's month cells), so that they are held one round trip less."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit entries must be written inside the writer's transaction.")
    if first and government is not None:
        key = _chain_key(government)
        q = connection.ops.quote_name
        for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
        lock = (
            f"SELECT {q('length')}, {q('last_hash')} FROM {q(AuditChain._meta.db_table)} "  # noqa: S608
            f"WHERE {q('key')} = %s{for_update}",
            [key],
        )
        rows = bulk.together([*first, lock])
        if rows:
            ((length, last_hash),) = rows
            return AuditChain(
                key=key, government_id=government.pk, length=length, last_hash=last_hash
            )
        # The government's first entry: its chain is made below.
    chain: ChainHead
    if government is None:
        chain, _created = SystemAuditChain.objects.select_for_update().get_or_create(
            key=SYSTEM_CHAIN
        )
    else:
        chain, _created = AuditChain.objects.select_for_update().get_or_create(
            key=_chain_key(government), defaults={"government_id": government.pk}
        )
    return chain


def _advance_statement(chain: ChainHead) -> bulk.Statement:
    """The chain head moved to its last entry."""
    q = connection.ops.quote_name
    return (
        f"UPDATE {q(type(chain)._meta.db_table)} SET {q('length')} = %s, "  # noqa: S608
        f"{q('last_hash')} = %s WHERE {q('key')} = %s",
        [chain.length, chain.last_hash, chain.key],
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
    keys = audit_keys()
    entry.key_id, entry.mac = keys.current, keys.mac(keys.current, entry.hash)
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
    first: Sequence[bulk.Statement] = (),
) -> AuditRecord:
    """Append one entry to the chain of the object's government, in the caller's transaction.

    ``government=True`` (the default) takes the government from the object; pass one, or None
    for a system-level entry (a ``SystemAuditEntry``). Refuses to run outside a transaction:
    the entry must commit or roll back with the change it describes. ``first``: the caller's
    statements to run just before the chain's lock (see ``_lock_chain``). The entry and the
    chain's head go in one round trip on PostgreSQL (``bulk.together``).
    """
    if government is True:
        government = _government_of(obj)
    assert government is None or isinstance(government, Government)
    chain = _lock_chain(government, first)
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
    ((entry.pk,),) = bulk.together([_advance_statement(chain), _insert_statement(entry)])
    entry._state.adding = False
    return entry


def _insert_statement(entry: AuditRecord) -> bulk.Statement:
    """The entry's INSERT, its id returned: the values as the model's fields prepare them."""
    q = connection.ops.quote_name
    fields = [field for field in entry._meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
    columns = ", ".join(q(str(field.column)) for field in fields)
    key = str(entry._meta.pk.column) if entry._meta.pk else "id"
    return (
        f"INSERT INTO {q(entry._meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {q(key)}",
        values,
    )


Change = tuple[str, Any, dict[str, Any] | None, dict[str, Any] | None]


def record_many(
    actor: Any,
    changes: Iterable[Change],
    request: HttpRequest | None = None,
    *,
    government: Government,
    first: Sequence[bulk.Statement] = (),
) -> int:
    """Append one entry per (action, obj, before, after) of one government, in bulk.

    For writes of thousands of rows at once (an employee import): the same chain, hashes and
    stored values as ``record`` would give, written with one multi-row INSERT per batch and
    without building a model instance per entry. ``first``: statements to run just before the
    chain's lock (see ``_lock_chain``); the last batch and the chain's head go together too.

    A few entries (up to ``bulk.FEW``: a recording's two, issue 25): what does not depend on
    the chain's head (each entry's JSON, its stored values) is encoded before the lock, so that
    every other writer of the government waits only for the hashing and the insert. More (an
    import's thousands, issue 23): each entry is encoded and hashed as it is sent, so that the
    database server stores the first ones while Python makes the next (``bulk.insert``).
    """
    keys = audit_keys()
    key_id, key = keys.current, _chain_key(government)
    # The MAC of each entry: one HMAC over a copy of the keyed state (cheaper than a new key).
    keyed = hmac.new(keys.secrets[key_id], digestmod=hashlib.sha256)
    mac_prefix = f"{key_id}:".encode()
    remote_addr = _client_address(request)
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    actor_id = actor.pk if signed_in else None
    actor_repr = actor.get_username() if signed_in else ""
    # canonical() of each entry, built from its parts: a dict with sorted keys is encoded as its
    # "key":value pairs in that order, so what every entry shares is encoded once, and before
    # and after once each for the hash and the row alike (verify() recomputes it from the row).
    # The time, the sequence and the previous hash are known only under the lock: the text is
    # cut around them.
    encode = _CANONICAL.encode
    after_actor = f',"actor_id":{encode(actor_id)},"actor_repr":{encode(actor_repr)},"after":'
    after_before = f',"chain":{encode(key)},"government_id":{encode(government.pk)},"object_id":'
    after_hash = f'","remote_addr":{encode(remote_addr)},"sequence":'
    shared: dict[str, str] = {}  # actions and kinds, the same for most entries: encoded once

    def encoded(change: Change) -> tuple[str, str, tuple[Any, ...]]:
        action, obj, before, after = change
        action = AuditAction(action).value
        kind, object_id, object_repr = object_type(obj), str(obj.pk), str(obj)[:255]
        if (action_json := shared.get(action)) is None:
            action_json = shared[action] = encode(action)
        if (kind_json := shared.get(kind)) is None:
            kind_json = shared[kind] = encode(kind)
        before_json, after_json = encode(before), encode(after)
        to_at = "".join(('{"action":', action_json, after_actor, after_json, ',"at":"'))
        to_hash = "".join(
            (
                '","before":', before_json, after_before, encode(object_id), ',"object_repr":',
                encode(object_repr), ',"object_type":', kind_json, ',"previous_hash":"',
            )
        )  # fmt: skip
        row = (
            key,
            government.pk,
            actor_id,
            actor_repr,
            remote_addr,
            action,
            kind,
            object_id,
            object_repr,
            None if before is None else before_json,
            None if after is None else after_json,
            key_id,
        )
        return to_at, to_hash, row

    pending = map(encoded, changes)
    ahead = list(itertools.islice(pending, bulk.FEW + 1))
    chain = _lock_chain(government, first)
    at = timezone.now()
    at_hashed = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # a time: no escapes
    at_stored = connection.ops.adapt_datetimefield_value(at)

    def hashed(entries: Iterable[tuple[str, str, tuple[Any, ...]]]) -> Iterator[tuple[Any, ...]]:
        for to_at, to_hash, row in entries:
            sequence, previous = chain.length + 1, chain.last_hash
            text = "".join(  # a hash is hex: no escapes
                (to_at, at_hashed, to_hash, previous, after_hash, str(sequence), "}")
            )
            digest = hashlib.sha256(text.encode()).hexdigest()
            signer = keyed.copy()
            signer.update(mac_prefix + digest.encode())
            chain.length, chain.last_hash = sequence, digest
            yield (*row, at_stored, sequence, previous, digest, signer.hexdigest())

    if len(ahead) <= bulk.FEW:  # all of them: with the chain's head in one round trip
        rows = list(hashed(ahead))
        return bulk.insert(TABLE, _INSERT_COLUMNS, rows, then=[_advance_statement(chain)])
    # Many: encoded and hashed as they are sent, the head moved after the last.
    written = bulk.insert(TABLE, _INSERT_COLUMNS, hashed(itertools.chain(ahead, pending)))
    bulk.together([_advance_statement(chain)])
    return written


# The columns of ``record_many``'s rows: those known before the chain's lock, then the rest.
_INSERT_COLUMNS = (
    "chain",
    "government_id",
    "actor_id",
    "actor_repr",
    "remote_addr",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "key_id",
    "at",
    "sequence",
    "previous_hash",
    "hash",
    "mac",
)


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    sequence: int
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry {self.entry_id}" if self.entry_id else "chain head"
        chain = f"chain {self.chain}{_named(self.chain)}"
        return f"{chain}, position {self.sequence} ({where}): {self.reason}"


def _named(chain: str) -> str:
    # The government of a chain by its slug, for the operator reading the report.
    if chain.startswith("g") and chain[1:].isdigit():
        slug = Government.objects.filter(pk=int(chain[1:])).values_list("slug", flat=True).first()
        return f" (government {slug or 'deleted'})"
    return ""


@dataclass
class Verification:
    """What ``verify_audit`` found: the first broken link (or None), and what it checked."""

    broken: BrokenLink | None = None
    entries: int = 0
    chains: int = 0
    checkpoints: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)


def _chain_problems(
    entries_model: type[AuditRecord],
    key: str,
    head: ChainHead | None,
    keys: AuditKeys,
    points: dict[int, Any],
    found: Verification,
    require_keyed: bool,
) -> Iterator[BrokenLink]:
    previous_hash = ""
    expected = 1
    # The first entry not yet vouched for by a MAC (its own or a later entry's): entries
    # written before the key, or under a key no longer configured, are checked by their hashes
    # and covered by the next entry whose MAC verifies.
    uncovered: tuple[int, int] | None = None
    unkeyed_to = 0
    entries = (
        entries_model._default_manager.filter(chain=key)
        .order_by("sequence")
        .iterator(chunk_size=2000)
    )
    for entry in entries:
        found.entries += 1
        if entry.sequence != expected:
            yield BrokenLink(key, expected, entry.pk, f"entry missing (found {entry.sequence})")
            return
        if entry.previous_hash != previous_hash:
            yield BrokenLink(key, entry.sequence, entry.pk, "previous hash does not match")
            return
        if compute_hash(entry) != entry.hash:
            yield BrokenLink(key, entry.sequence, entry.pk, "content does not match its hash")
            return
        secret = keys.secrets.get(entry.key_id)
        if secret is not None:
            if not hmac.compare_digest(_mac(secret, entry.key_id, entry.hash), entry.mac):
                yield BrokenLink(
                    key,
                    entry.sequence,
                    entry.pk,
                    f"MAC does not match (key {entry.key_id}): content or hash rewritten",
                )
                return
            uncovered = None
        else:
            unkeyed_to = entry.sequence
            if uncovered is None:
                uncovered = (entry.sequence, entry.pk)
        point = points.get(entry.sequence)
        if point is not None:
            found.checkpoints += 1
            if point.hash != entry.hash or point.entry_id != entry.pk:
                yield BrokenLink(
                    key,
                    entry.sequence,
                    entry.pk,
                    f"differs from the checkpoint of {point.at} (entry {point.entry_id}, "
                    f"hash {point.hash[:12]}...)",
                )
                return
        previous_hash = entry.hash
        expected += 1
    length = expected - 1
    beyond = sorted(sequence for sequence in points if sequence > length)
    if beyond:
        point = points[beyond[-1]]
        yield BrokenLink(
            key,
            point.sequence,
            point.entry_id,
            f"entries at the end were removed: the checkpoint of "
            f"{point.at} recorded {point.sequence} entries, the chain now holds {length}",
        )
        return
    if head is None or head.length != length or head.last_hash != previous_hash:
        yield BrokenLink(key, length, None, "entries at the end of the chain are missing")
        return
    if uncovered is not None and require_keyed:
        yield BrokenLink(
            key,
            uncovered[0],
            uncovered[1],
            "no entry from here to the end is signed with a configured key "
            "(a key was removed, or run manage.py rekey_audit after setting the first key)",
        )
        return
    if unkeyed_to and uncovered is None:
        found.notes.append(
            f"chain {key}: unkeyed (or under a retired key) up to position {unkeyed_to}, "
            "covered by the MAC of a later entry"
        )


# Each kind of chain: its heads and its entries.
CHAINS: tuple[tuple[type[ChainHead], type[AuditRecord]], ...] = (
    (AuditChain, AuditEntry),
    (SystemAuditChain, SystemAuditEntry),
)


def verify_all(*, require_keyed: bool = True) -> Verification:
    """Every chain: links, hashes, MACs, and the checkpoints kept outside the database.

    ``require_keyed=False`` accepts chains whose last entries carry no configured key (what
    ``rekey_audit`` checks before it signs them)."""
    from budaya.accounts import checkpoints

    keys = audit_keys()
    found = Verification()
    stored = checkpoints.read_all()
    for head_model, entries_model in CHAINS:
        heads = {head.key: head for head in head_model._default_manager.all()}
        keys_in_use = set(entries_model._default_manager.values_list("chain", flat=True).distinct())
        system = head_model is SystemAuditChain
        with_points = {key for key in stored if (key == SYSTEM_CHAIN) == system}
        for key in sorted(set(heads) | keys_in_use | with_points):
            found.chains += key in heads
            points = stored.get(key, {})
            if isinstance(points, BrokenLink):
                found.broken = points
                return found
            for problem in _chain_problems(
                entries_model, key, heads.get(key), keys, points, found, require_keyed
            ):
                found.broken = problem
                return found
    return found


def verify() -> BrokenLink | None:
    """The first broken link, chain by chain; None when every chain is whole."""
    return verify_all().broken


# --- Append-only below the ORM: triggers ----------------------------------------------------
# Created by the migrations (frozen copies of these statements) and again after every migrate
# (``AccountsConfig.ready``: a migration that rebuilds the table on SQLite drops its triggers,
# issue 17). On PostgreSQL TRUNCATE is refused as well; the test suite's flush alone drops the
# triggers for its TRUNCATE/DELETE and creates them again in the same transaction
# (budaya/conftest.py).

TABLE = "accounts_auditentry"
SYSTEM_TABLE = "accounts_systemauditentry"
APPEND_ONLY_TABLES = (TABLE, SYSTEM_TABLE)


def trigger_statements(vendor: str, table: str = TABLE) -> list[str]:
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
            f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()",
        ]
    return []


def drop_statements(vendor: str, table: str = TABLE) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
        ]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_append_only()",
        ]
    return []


def install_triggers(schema_connection: Any, table: str | None = None) -> None:
    """The append-only triggers on ``table`` (default: both audit tables), idempotently."""
    with schema_connection.cursor() as cursor:
        for name in (table,) if table else APPEND_ONLY_TABLES:
            for statement in trigger_statements(schema_connection.vendor, name):
                cursor.execute(statement)


def drop_triggers(schema_connection: Any, table: str | None = None) -> None:
    with schema_connection.cursor() as cursor:
        for name in (table,) if table else APPEND_ONLY_TABLES:
            for statement in drop_statements(schema_connection.vendor, name):
                cursor.execute(statement)
