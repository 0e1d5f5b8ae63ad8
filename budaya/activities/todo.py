"""What awaits a user in the activities (issue 20, "Tugas saya"): occurrences of recurring
obligations missed this week by the agencies the user logs for (whose window has closed
without an activity of the obligation's form)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budaya.activities import obligations as schedule
from budaya.activities.selectors import LOGGING_ROLES, agencies_for, done_dates, obligations_of
from budaya.org.models import Government
from budaya.pending import PendingItem


def missed_this_week(user: Any, government: Government, today: datetime.date) -> int:
    """Occurrences due from Monday to yesterday, their window closed, not done: three queries."""
    monday = today - datetime.timedelta(days=today.weekday())
    if monday >= today:
        return 0
    chosen = list(obligations_of(government, active_only=True))
    if not chosen:
        return 0
    closed = [
        occurrence
        for obligation in chosen
        for occurrence in schedule.occurrences(obligation, monday, today)
        if occurrence.window_end < today
    ]
    agencies = agencies_for(user, government)
    if not closed or not agencies:
        return 0
    form_of = {o.pk: o.form_id for o in chosen}
    dates = done_dates(agencies, sorted(set(form_of.values())), monday, today)
    missed = 0
    for occurrence in closed:
        form = form_of[occurrence.obligation_id]
        missed += sum(
            not schedule.is_met(occurrence, dates.get((agency.pk, form), [])) for agency in agencies
        )
    return missed


def pending_activities(user: Any) -> list[PendingItem]:
    if not user.role_names() & set(LOGGING_ROLES):
        return []
    today = timezone.localdate()
    items = []
    for government in Government.objects.visible_to(user, roles=LOGGING_ROLES).only("slug"):
        missed = missed_this_week(user, government, today)
        if missed:
            items.append(
                PendingItem(
                    _("Obligations missed this week"),
                    reverse("activities:compliance", args=[government.slug]),
                    missed,
                    "activities:",
                    0,
                )
            )
    return items
