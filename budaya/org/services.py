"""Writes of governments, units and employees: one transaction each, with its audit entry."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.org.forms import GovernmentForm
from budaya.org.models import Government

AUDITED_FIELDS = [
    "name",
    "slug",
    "kind",
    "kemendagri_code",
    "head_title",
    "timezone",
    "logo",
]


@transaction.atomic
def create_government(
    form: GovernmentForm, actor: Any = None, request: HttpRequest | None = None
) -> Government:
    government = form.save()
    audit.record(
        actor,
        AuditAction.CREATE,
        government,
        after=audit.snapshot(government, AUDITED_FIELDS),
        request=request,
    )
    return government


@transaction.atomic
def update_government(
    form: GovernmentForm, actor: Any = None, request: HttpRequest | None = None
) -> Government:
    # The row as stored, not as the bound form already changed it in memory.
    stored = Government.objects.select_for_update().get(pk=form.instance.pk)
    before = audit.snapshot(stored, AUDITED_FIELDS)
    government = form.save()
    old, new = audit.changed(before, audit.snapshot(government, AUDITED_FIELDS))
    if new:
        audit.record(actor, AuditAction.UPDATE, government, before=old, after=new, request=request)
    return government
