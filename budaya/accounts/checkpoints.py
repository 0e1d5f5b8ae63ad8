"""Checkpoints of the audit trail's chain heads, kept outside the database (issue 17).

Whoever can write the database can delete the last entries of a chain and rewind its head: the
chain that is left is whole and every MAC in it verifies. So ``manage.py daily`` appends each
chain's head (position, entry id, hash, MAC) to a file of its own under
``BUDAYA_AUDIT_CHECKPOINT_DIR`` (``g<government id>.jsonl``, ``system.jsonl``), one JSON object a
line, and ``verify_audit`` checks that every checkpointed entry is still in its chain, unchanged,
and that no chain is shorter than its latest checkpoint. The files are only ever appended to
(``O_APPEND``); the directory belongs on other storage than the database and its backups, ideally
append-only itself (``chattr +a``, a WORM mount, a bucket with object lock): docs/security.md.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
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


def directory() -> Path:
    return Path(settings.BUDAYA_AUDIT_CHECKPOINT_DIR)


def _path(chain: str) -> Path:
    return directory() / f"{chain}.jsonl"


def read(chain: str) -> list[Checkpoint]:
    """The checkpoints of one chain, oldest first; ValueError names a line that is not one."""
    path = _path(chain)
    if not path.exists():
        return []
    points = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                points.append(Checkpoint(**json.loads(line)))
            except (ValueError, TypeError) as error:
                raise ValueError(f"{path.name}, line {number}: not a checkpoint") from error
    return points


def read_all() -> dict[str, Any]:
    """Per chain key: {position: checkpoint} (the latest for a position), or the BrokenLink of
    a file that cannot be read."""
    from budaya.accounts.audit import BrokenLink

    found: dict[str, Any] = {}
    if not directory().is_dir():
        return found
    for path in sorted(directory().glob("*.jsonl")):
        chain = path.stem
        try:
            found[chain] = {point.sequence: point for point in read(chain)}
        except ValueError as error:
            found[chain] = BrokenLink(chain, 0, None, f"checkpoint file unreadable: {error}")
    return found


def _append(point: Checkpoint) -> None:
    path = _path(point.chain)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(point), sort_keys=True, separators=(",", ":")) + "\n"
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
            except ValueError:
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
