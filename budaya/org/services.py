"""Writes of governments, units and employees. Each write is one transaction."""

from django.db import transaction

from budaya.org.forms import GovernmentForm
from budaya.org.models import Government


@transaction.atomic
def create_government(form: GovernmentForm) -> Government:
    return form.save()


@transaction.atomic
def update_government(form: GovernmentForm) -> Government:
    return form.save()
