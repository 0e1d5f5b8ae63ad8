"""The audit trail in the words a city administrator reads (issue 20, item 6).

An entry stores the kind of object as ``app_label.model``, the changed fields by their names in
code and their values as stored (``budaya.accounts.audit.snapshot``: foreign keys by id); it is
hashed and chained exactly so and never changes. This module only shows it: "Pegawai Budi
Santoso diubah: unit kerja, pangkat", the kind by the model's name, each field by its label, a
choice by its label and a foreign key by the name the trail last recorded for that object
(its id when the trail never recorded it, as for rows seeded without it).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from budaya.accounts.audit import object_type as type_of
from budaya.accounts.models import AuditAction, AuditRecord


class Names(Protocol):
    """Where the names of referenced objects come from (``selectors.Trail.names``)."""

    def names(self, wanted: dict[str, set[str]]) -> dict[tuple[str, str], str]: ...


@dataclass(frozen=True)
class Change:
    field: str
    # None: the entry holds no value on that side (a new object has no "before").
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Described:
    entry: AuditRecord
    summary: str
    changes: list[Change]


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def kind_name(object_type: str) -> str:
    """ "Pegawai" for ``org.employee``; the stored name when the kind is gone from the code."""
    model = _model(object_type)
    return capfirst(str(model._meta.verbose_name)) if model else object_type


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _target(field: models.Field[Any, Any] | None) -> str | None:
    """The kind of object a foreign key points to."""
    if field is None or not (field.many_to_one or field.one_to_one):
        return None
    return type_of(field.related_model)


def _shown(
    field: models.Field[Any, Any] | None, value: Any, names: dict[tuple[str, str], str]
) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    target = _target(field)
    if target is not None:
        # A few entries name what they point to instead of its id: shown as written.
        return names.get((target, str(value)), f"#{value}" if str(value).isdigit() else str(value))
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, str) and (moment := _moment(value)) is not None:
        return moment
    return str(value)


# A date or a time as ``snapshot`` and the services store them: "2026-12-07",
# "2026-12-07T05:37:03.458Z", "2026-12-07T05:37:11.874546+00:00".
ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?")


def _moment(text: str) -> str | None:
    """An ISO date or time as the trail's own "Waktu" column writes it, in local time (the
    column showed local time beside these in UTC)."""
    if not ISO.fullmatch(text):
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:
        return date_format(moment.date(), "j M Y")
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "j M Y H:i:s")


def _summary(entry: AuditRecord, fields: list[str]) -> str:
    words = {
        "kind": kind_name(entry.object_type),
        "name": entry.object_repr,
        "fields": ", ".join(fields),
    }
    if entry.action == AuditAction.CREATE:
        return _("%(kind)s %(name)s created") % words
    if entry.action == AuditAction.DELETE:
        return _("%(kind)s %(name)s deleted") % words
    if entry.action in (AuditAction.UPDATE, AuditAction.OTHER):
        if fields:
            return _("%(kind)s %(name)s changed: %(fields)s") % words
        return _("%(kind)s %(name)s changed") % words
    words["action"] = entry.get_action_display()  # type: ignore[attr-defined]
    return _("%(kind)s %(name)s: %(action)s") % words


def _fields(entry: AuditRecord) -> list[tuple[str, models.Field[Any, Any] | None]]:
    """The entry's fields in order, without the row's own id (the history link names it) and
    without its government when that is the trail's own (every row of a trail is)."""
    model = _model(entry.object_type)
    names = dict.fromkeys([*(entry.before or {}), *(entry.after or {})])
    own = getattr(entry, "government_id", None)
    shown = []
    for name in names:
        field = _field(model, name)
        if field is not None and field.primary_key:
            continue
        if _target(field) == "org.government" and {
            (entry.before or {}).get(name, own),
            (entry.after or {}).get(name, own),
        } == {own}:
            continue
        shown.append((name, field))
    return shown


def describe(entries: Iterable[AuditRecord], trail: Names) -> list[Described]:
    """A page of entries in words; the names of the objects they point to come from the trail
    itself, in one query whatever the kinds (never one per entry or per kind)."""
    entries = list(entries)
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for name, field in _fields(entry):
            target = _target(field)
            for side in (entry.before or {}, entry.after or {}):
                if target and str(side.get(name, "")).isdigit():
                    wanted[target].add(str(side[name]))
    names = trail.names(wanted)
    described = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changes = [
            Change(
                field=str(field.verbose_name) if field else name.replace("_", " "),
                before=_shown(field, before[name], names) if name in before else None,
                after=_shown(field, after[name], names) if name in after else None,
            )
            for name, field in _fields(entry)
        ]
        # A new object lists what it was made with in its columns; its summary needs no fields.
        fields = [] if entry.action == AuditAction.CREATE else [c.field for c in changes]
        described.append(Described(entry, _summary(entry, fields), changes))
    return described
