"""``{% history_link obj %}``: the link from an object's page to its audit history, shown only
to those who may read the trail."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse

from budaya.accounts.audit import object_type
from budaya.accounts.selectors import ADMINISTRATORS

register = template.Library()


def history_url(obj: Any) -> str:
    return reverse("accounts:audit_object", args=[object_type(obj), obj.pk])


@register.simple_tag(takes_context=True)
def history_link(context: Any, obj: Any) -> str:
    user = context.get("user")
    if user is None or not user.is_authenticated or not user.has_role(*ADMINISTRATORS):
        return ""
    return render_to_string("accounts/history_link.html", {"url": history_url(obj)})
