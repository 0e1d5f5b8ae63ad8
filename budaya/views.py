from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from budaya import pending
from budaya.frameworks.models import Adoption
from budaya.frameworks.selectors import current_adoptions
from budaya.navigation import items_for, remember_counts
from budaya.notifications.selectors import HOME_SHOWN, latest_unread
from budaya.notifications.services import unread_count
from budaya.org.models import Government
from budaya.org.selectors import governments_visible_to
from budaya.rulebook.words import words_of_many


def _governments(user: Any) -> list[tuple[Government, Adoption | None]]:
    governments = list(governments_visible_to(user))
    adoptions = current_adoptions(governments)
    return [(government, adoptions.get(government.pk)) for government in governments]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What awaits the user now ("Tugas saya", every app's ``budaya.pending`` provider), the
    newest unread notifications, then the user's governments (issue 20). The tasks and the
    governments are kept per user and version (``budaya.pending.kept``: issue 25)."""
    user = request.user
    asked, governments = pending.kept(
        user, "home", lambda: (pending.asked(user), _governments(user))
    )
    tasks = pending.with_live(user, asked)
    # The menu's counts on this very page and the next ones come from this fresh look.
    remember_counts(user.pk or 0, tasks)
    news = latest_unread(user)
    # The bell, kept for the pages that follow: fewer unread than shown are all of them.
    unread_count(user, known=len(news) if len(news) < HOME_SHOWN else None)
    # Each government's own words (issue 18): the programme's name, the head's title (cached).
    words = words_of_many(government.pk for government, _adoption in governments)
    rows = [(government, adoption, words[government.pk]) for government, adoption in governments]
    return render(request, "budaya/home.html", {"rows": rows, "tasks": tasks, "news": news})


@login_required
@require_GET
@never_cache
def menu(request: HttpRequest) -> HttpResponse:
    """The menu with its counts, asked for by a page that found none kept (issue 20): the page
    itself never pays for every app's providers. The entry of the page the menu sits on (htmx
    names it) stays marked current."""
    counts = remember_counts(request.user.pk or 0, pending.pending_for(request.user))
    view = ""
    current = urlsplit(request.headers.get("HX-Current-URL", "")).path
    if current:
        try:
            view = resolve(current).view_name
        except Resolver404:
            view = ""
    return render(
        request,
        "budaya/menu.html",
        {
            "nav_items": items_for(request, counts, view),
            "nav_counts_known": True,
            "unread_notifications": unread_count(request.user),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For monitoring: 200 when the database answers, 503 otherwise. Public, says nothing more."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
