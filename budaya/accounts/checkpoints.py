"""Checkpoints of the audit trail's chain heads, kept outside the database (issue 17).

Whoever can write the database can delete the last entries of a chain and rewind its head: the
chain that is left is whole and every MAC in it verifies. So ``manage.py daily`` appends each
chain's head (position, entry id, hash, MAC) to a file of its own under
``BUDAYA_AUDIT_CHECKPOINT_DIR`` (``g<government id>.jsonl``, ``system.jsonl``), one JSON object a
line, and ``verify_audit`` checks that every checkpointed entry is still in its chain, unchanged,
and that no chain is shorter than its latest checkpoint. The files are only ever appended to
(``O_APPEND``); the directory belongs on other storage than the database and its backups, ideally
append-only itself (``chattr +a``, a WORM mount): docs/security.md.

With ``BUDAYA_AUDIT_CHECKPOINT_BUCKET`` set, the checkpoints go to that S3 bucket instead (the
``audit_checkpoints`` storage of ``STORAGES``, django-storages): an object cannot be appended to,
so each checkpoint is an object of its own, ``<chain>/<position>-<hash>.json``, never
overwritten; give the bucket versioning and object lock so that nobody can remove one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

from budaya.accounts.models import AuditChain


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    government_id: int | None
    entry_id: int
    sequence: int
    hash: str
    mac: str
    key_id: str
    at: str


STORAGE = "audit_checkpoints"


def directory() -> Path:
    return Path(settings.BUDAYA_AUDIT_CHECKPOINT_DIR)


def where() -> str:
    """Where the checkpoints are, for the operator."""
    if STORAGE in settings.STORAGES:
        return f"the {STORAGE} storage"
    return str(directory())


def _bucket() -> Storage | None:
    return storages[STORAGE] if STORAGE in settings.STORAGES else None


def _path(chain: str) -> Path:
    return directory() / f"{chain}.jsonl"


def _parse(text: str, where: str) -> Checkpoint:
    try:
        return Checkpoint(**json.loads(text))
    except (ValueError, TypeError) as error:
        raise ValueError(f"{where}: not a checkpoint") from error


def read(chain: str) -> list[Checkpoint]:
    """The checkpoints of one chain, oldest first; ValueError names a line that is not one."""
    bucket = _bucket()
    if bucket is not None:
        try:
            names = bucket.listdir(chain)[1]
        except FileNotFoundError:  # a local stand-in without the folder yet
            return []
        points = []
        for name in sorted(names):
            with bucket.open(f"{chain}/{name}") as stored:
                points.append(_parse(stored.read().decode(), f"{chain}/{name}"))
        return sorted(points, key=lambda point: (point.sequence, point.at))
    path = _path(chain)
    if not path.exists():
        return []
    points = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                points.append(_parse(line, f"{path.name}, line {number}"))
    return points


def chains() -> list[str]:
    """The chains that have checkpoints."""
    bucket = _bucket()
    if bucket is not None:
        try:
            return sorted(bucket.listdir("")[0])
        except FileNotFoundError:
            return []
    if not directory().is_dir():
        return []
    return sorted(path.stem for path in directory().glob("*.jsonl"))


def read_all() -> dict[str, Any]:
    """Per chain key: {position: checkpoint} (the latest for a position), or the BrokenLink of
    a file that cannot be read."""
    from budaya.accounts.audit import BrokenLink

    found: dict[str, Any] = {}
    for chain in chains():
        try:
            found[chain] = {point.sequence: point for point in read(chain)}
        except ValueError as error:
            found[chain] = BrokenLink(chain, 0, None, f"checkpoint file unreadable: {error}")
    return found


def _append(point: Checkpoint) -> None:
    line = json.dumps(asdict(point), sort_keys=True, separators=(",", ":")) + "\n"
    bucket = _bucket()
    if bucket is not None:
        # A new object each time; the storage picks another name rather than overwrite one.
        bucket.save(f"{point.chain}/{point.sequence:012d}-{point.hash}.json", ContentFile(line))
        return
    path = _path(point.chain)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: each line is added at the end, never over what is there.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def take() -> list[Checkpoint]:
    """Append the head of every chain that moved since its last checkpoint; returns them."""
    from budaya.accounts.audit import CHAINS

    written = []
    stamp = timezone.now().isoformat(timespec="seconds")
    for head_model, entries_model in CHAINS:
        for head in head_model._default_manager.filter(length__gt=0).order_by("key"):
            try:
                last = read(head.key)[-1:]
            except (ValueError, OSError):
                last = []  # verify_audit names the unreadable line; today's is still added
            if last and (last[0].sequence, last[0].hash) == (head.length, head.last_hash):
                continue  # nothing new since: running daily twice adds nothing
            entry = (
                entries_model._default_manager.filter(chain=head.key, sequence=head.length)
                .only("pk", "hash", "mac", "key_id")
                .first()
            )
            if entry is None or entry.hash != head.last_hash:
                continue  # a head without its entry: verify_audit reports it
            point = Checkpoint(
                chain=head.key,
                government_id=head.government_id if isinstance(head, AuditChain) else None,
                entry_id=entry.pk,
                sequence=head.length,
                hash=entry.hash,
                mac=entry.mac,
                key_id=entry.key_id,
                at=stamp,
            )
            _append(point)
            written.append(point)
    return written
