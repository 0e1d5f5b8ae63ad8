from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from budaya.frameworks.selectors import current_adoptions
from budaya.org.selectors import governments_visible_to
from budaya.rulebook.words import words_of_many


@login_required
def home(request: HttpRequest) -> HttpResponse:
    governments = list(governments_visible_to(request.user))
    adoptions = current_adoptions(governments)
    # Each government's own words (issue 18): the programme's name, the head's title (cached).
    words = words_of_many(government.pk for government in governments)
    rows = [
        (government, adoptions.get(government.pk), words[government.pk])
        for government in governments
    ]
    return render(request, "budaya/home.html", {"rows": rows})


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
