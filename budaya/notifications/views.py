"""Pages of the notifications (issue 20): one's own list (mark read), one's choice of delivery,
and for a government's city administrator the outbox and the texts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.accounts.models import Role
from budaya.notifications import kinds, services
from budaya.notifications.forms import OutboxFilter, PreferenceForm, TextForm
from budaya.notifications.models import Email, Notification, Text
from budaya.org.models import Government
from budaya.pagination import page_of, query_without_page

PER_PAGE = 25


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(recipient_id=request.user.pk).select_related("government")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page_of(request, items, PER_PAGE),
            "query_string": query_without_page(request),
            "unread_only": unread_only,
        },
    )


@login_required
@require_POST
def read(request: HttpRequest) -> HttpResponse:
    """Mark one's own notifications read: those named (``id``), or all (``all``); then go to
    ``next`` (the notification's page) or back to the list."""
    ids = [int(pk) for pk in request.POST.getlist("id") if pk.isdigit()]
    services.mark_read(user=request.user, notification_ids=None if "all" in request.POST else ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = services.preference_of(request.user)
    form = PreferenceForm(
        request.POST or None,
        initial={"delivery": current.delivery, "language": current.language},
    )
    if request.method == "POST" and form.is_valid():
        services.save_preference(user=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("accounts:account")
    return render(request, "notifications/preferences.html", {"form": form})


def _administered(request: HttpRequest, slug: str) -> Government:
    """The government whose city administrator the user is (404 otherwise)."""
    return get_object_or_404(
        Government.objects.visible_to(request.user, roles=[Role.CITY_ADMIN]), slug=slug
    )


@login_required
def outbox(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    form = OutboxFilter(request.GET or None)
    emails = Email.objects.filter(government=government)
    if form.is_valid() and form.cleaned_data["status"]:
        emails = emails.filter(status=form.cleaned_data["status"])
    return render(
        request,
        "notifications/outbox.html",
        {
            "government": government,
            "form": form,
            "page": page_of(request, emails, PER_PAGE),
            "query_string": query_without_page(request),
        },
    )


@login_required
def text_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    own = set(Text.objects.filter(government=government).values_list("kind", "language"))
    rows = [
        (kind, [(code, name, (kind.code, code) in own) for code, name in settings.LANGUAGES])
        for kind in kinds.KINDS.values()
    ]
    return render(request, "notifications/texts.html", {"government": government, "rows": rows})


@login_required
def text_edit(request: HttpRequest, slug: str, kind: str, language: str) -> HttpResponse:
    government = _administered(request, slug)
    if kind not in kinds.KINDS or language not in dict(settings.LANGUAGES):
        raise Http404
    found = kinds.KINDS[kind]
    own = Text.objects.filter(government=government, kind=kind, language=language).first()
    # The form starts from the text in force: the government's own, else the shipped one.
    subject, body = services.text_in_force(found, own, language)
    form = TextForm(request.POST or None, kind=found, initial={"subject": subject, "body": body})
    if request.method == "POST" and form.is_valid():
        services.save_text(
            government=government,
            kind=kind,
            language=language,
            actor=request.user,
            request=request,
            **form.cleaned_data,
        )
        messages.success(request, _("The text is saved."))
        return redirect("notifications:texts", slug=government.slug)
    sample = {name: f"[{name}]" for name in found.allowed}
    preview = services.compose(found, own, language, sample)
    return render(
        request,
        "notifications/text_edit.html",
        {
            "government": government,
            "kind": found,
            "language": dict(settings.LANGUAGES)[language],
            "form": form,
            "preview": preview,
            "placeholders": ["{" + name + "}" for name in found.allowed],
        },
    )
