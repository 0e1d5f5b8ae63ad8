"""Pages of the activity log, evidence, obligations, compliance and the calendar."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from budaya.activities import choices, selectors, services
from budaya.activities import evidence as evidence_files
from budaya.activities.forms import (
    ActivityEditForm,
    ActivityFilterForm,
    ActivityFormForm,
    ObligationForm,
)
from budaya.activities.models import Activity, ActivityForm, Evidence, Obligation
from budaya.files import attach
from budaya.fragments import cached_fragment, government_version, kept, scope_key
from budaya.frameworks.models import CoreValue
from budaya.org.models import Government, Unit
from budaya.org.selectors import governments_visible_to, governments_with_content, is_city_admin
from budaya.pagination import page_of, query_without_page
from budaya.rulebook.selectors import current_rulebook
from budaya.spreadsheets import workbook_bytes, xlsx_response

PAGE_SIZE = 25  # activities per page

# --- Shared ------------------------------------------------------------------------------------


def _government(request: HttpRequest, slug: str) -> Government:
    """404 when the government is not the user's, 403 for a system administrator (who manages
    governments, not their content)."""
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    if not governments_with_content(request.user).filter(pk=government.pk).exists():
        raise PermissionDenied
    return government


def _administered(request: HttpRequest, slug: str) -> Government:
    government = _government(request, slug)
    if not is_city_admin(request.user, government):
        raise PermissionDenied
    return government


def _month(request: HttpRequest, today: datetime.date) -> datetime.date:
    """The month named by ?month=YYYY-MM, else the current one."""
    try:
        year, month = (int(part) for part in (request.GET.get("month") or "").split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


def _agency_choice(request: HttpRequest, government: Government) -> tuple[list[Unit], Unit | None]:
    agencies = selectors.agencies_for(request.user, government)
    chosen = None
    raw = request.GET.get("agency") or ""
    if raw.isdigit():
        chosen = next((agency for agency in agencies if agency.pk == int(raw)), None)
        if chosen is None:
            raise Http404
    elif len(agencies) == 1:
        chosen = agencies[0]
    return agencies, chosen


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The menu's way in: straight to the activity log when the user has one government."""
    governments = list(governments_with_content(request.user))
    if len(governments) == 1:
        return redirect("activities:list", slug=governments[0].slug)
    return render(request, "activities/choose_government.html", {"governments": governments})


# --- Activity log --------------------------------------------------------------------------------


def _filter_form(
    request: HttpRequest, government: Government, version: int | None = None
) -> ActivityFilterForm:
    """The activity log's filters; ``version``: the government's, when the page has read it
    (the selects' options are kept per version)."""
    return ActivityFilterForm(
        request.GET or None,
        units=Unit.objects.filter(
            pk__in=[unit.pk for unit in selectors.agencies_for(request.user, government)]
        ).order_by("path"),
        forms_=selectors.forms_of(government, active_only=False),
        values=selectors.adopted_values(government),
        government_id=government.pk,
        scope=scope_key(request.user, government.pk),
        version=version,
    )


@login_required
def activity_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    # The government's version, read once for the page's kept parts (its selects' options, the
    # count of its activities, the reminders).
    version = government_version(government.pk)
    filter_form = _filter_form(request, government, version)
    activities = selectors.activities_of(request.user, government, filter_form.filters())
    scope = scope_key(request.user, government.pk)
    query_string = query_without_page(request)
    count = kept(
        "activities:count", government.pk, (scope, query_string), activities.count, version
    )
    # The page's keys sorted narrow, then its rows read whole.
    page = page_of(request, activities.values_list("pk", flat=True), PAGE_SIZE, count=count)
    page.object_list = selectors.page_rows(page.object_list)
    today = timezone.localdate()

    def render_table() -> str:
        return render_to_string(
            "activities/_activity_table.html",
            {"government": government, "page": page, "query_string": query_string},
        )

    def render_upcoming() -> str:
        upcoming = selectors.upcoming(request.user, government, today)[:10]
        return render_to_string("activities/_upcoming.html", {"upcoming": upcoming})

    # The page's table (planned until its day) and what is coming up, not yet recorded: kept per
    # government and version, day and scope.
    table_parts = (scope, today, query_string, page.number)
    return render(
        request,
        "activities/activity_list.html",
        {
            "government": government,
            "filter_form": filter_form,
            "query_string": query_string,
            "can_log": selectors.can_log(request.user, government),
            "is_city_admin": is_city_admin(request.user, government),
            "table": cached_fragment(
                "activities:list", government.pk, table_parts, render_table, version
            ),
            "upcoming": cached_fragment(
                "activities:upcoming", government.pk, (scope, today), render_upcoming, version
            ),
            "today": today,
        },
    )


EXPORT_HEADER = [
    "Tanggal", "Waktu", "Status", "Perangkat Daerah/unit", "Kode unit", "Bentuk/metode",
    "Kegiatan", "Nilai", "Jumlah peserta", "Peserta", "Uraian", "Permasalahan yang dihadapi",
    "Upaya pemecahan permasalahan", "Data dukung",
]  # fmt: skip


@login_required
def activity_export(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    filter_form = _filter_form(request, government)
    activities = selectors.activities_of(request.user, government, filter_form.filters())
    activities = selectors.with_values(activities).prefetch_related("evidence")

    def row(a: Activity) -> list[Any]:
        evidence = "; ".join(
            item.url
            if item.is_link
            else request.build_absolute_uri(reverse("activities:evidence_file", args=[item.pk]))
            for item in a.evidence.all()
        )
        return [
            a.date, a.time.strftime("%H:%M") if a.time else "", a.get_status_display(),
            a.unit.name, a.unit.code, a.form.name, a.title,
            ", ".join(value.name for value in a.values.all()), a.participants_count,
            a.participant_names, a.description, a.problems, a.solutions, evidence,
        ]  # fmt: skip

    today = timezone.localdate()
    content = workbook_bytes(
        "Kegiatan",
        EXPORT_HEADER,
        (row(a) for a in activities.iterator(chunk_size=500)),
        heading=[f"{government.name}: {_('activities')}", today.isoformat()],
    )
    return xlsx_response(f"kegiatan-{government.slug}-{today.isoformat()}.xlsx", content)


def _edit_form(
    request: HttpRequest,
    government: Government,
    activity: Activity,
    current: list[Evidence] | None = None,
) -> ActivityEditForm:
    units = selectors.units_for_logging(request.user, government)
    # Values addressed under an earlier framework version stay choosable on edit.
    values = (
        CoreValue.objects.filter(
            Q(pk__in=selectors.current_values(government)) | Q(activity_links__activity=activity)
        )
        .distinct()
        .order_by("version_id", "order")
    )
    return ActivityEditForm(
        request.POST or None,
        request.FILES or None,
        instance=activity,
        units=units,
        forms_=selectors.forms_of(government),
        values=values,
        current_evidence=current,
    )


@login_required
def activity_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Record an activity: the hot write (issue 25). The government, its version of the form's
    choices and the user's grants come in one query; the choices from the per-government cache
    (``choices.py``); the write is ``services.create_activity``."""
    found = choices.for_slug(request.user, slug)
    if found is None:
        _government(request, slug)  # 404, or 403 for a system administrator
        raise PermissionDenied  # a role there, but not one that reads its content
    government = found.government
    if not found.forms:  # none yet: the rulebook's, as before the first recording
        services.ensure_forms(government, request.user, request)
        found = choices.of(government, choices.version_of(government))
    units = found.units_for(request.user)
    if not units:
        raise PermissionDenied
    form = ActivityEditForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        forms_=found.forms,
        values=found.values,
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.create_activity(
                government=government, data=form.cleaned_data, actor=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity was recorded."))
            back = _back(request)
            if back:
                # The page that sent here (a KBK action's execution, issue 21) gets the new
                # activity to link: ``activity=<pk>`` on its address.
                return redirect(f"{back}{'&' if '?' in back else '?'}activity={activity.pk}")
            return redirect("activities:detail", slug=government.slug, pk=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {
            "government": government,
            "form": form,
            "max_bytes": _max_bytes(),
            "back": _back(request),
        },
    )


def _back(request: HttpRequest) -> str:
    """The local page to return to once the activity is recorded (``?next=``), or ""."""
    wanted = request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""


def _max_bytes() -> int:
    from django.conf import settings

    return int(settings.UPLOAD_MAX_BYTES)


def _scoped_activity(request: HttpRequest, government: Government, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.visible_to(request.user)
        .filter(government=government)
        .select_related("unit", "form", "created_by"),
        pk=pk,
    )


@login_required
def activity_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    activity = _scoped_activity(request, government, pk)
    can_change = selectors.can_change(request.user, activity)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "government": government,
            "activity": activity,
            "values": activity.values.order_by("order"),
            "participants": activity.participants.order_by("name"),
            "evidence": selectors.evidence_of(activity),
            "can_change": can_change,
            # A submitted report cites it: kept, so no delete button (issue 17).
            "cited": can_change and services.is_cited(activity),
            "cited_message": services.cited_message(),
        },
    )


@login_required
def activity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    activity = _scoped_activity(request, government, pk)
    if not selectors.can_change(request.user, activity):
        raise PermissionDenied
    current = selectors.evidence_of(activity)
    form = _edit_form(request, government, activity, current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(
                activity, data=form.cleaned_data, actor=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("activities:detail", slug=government.slug, pk=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {
            "government": government,
            "form": form,
            "activity": activity,
            "current_evidence": current,
            "max_bytes": _max_bytes(),
        },
    )


@login_required
@require_POST
def activity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    activity = _scoped_activity(request, government, pk)
    if not selectors.can_change(request.user, activity):
        raise PermissionDenied
    title = activity.title
    try:
        services.delete_activity(activity, request.user, request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("activities:detail", slug=government.slug, pk=activity.pk)
    messages.success(request, _("The activity %(title)s was deleted.") % {"title": title})
    return redirect("activities:list", slug=government.slug)


@login_required
def gallery(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    agencies, agency = _agency_choice(request, government)
    links = selectors.gallery(request.user, government, agency)
    return render(
        request,
        "activities/gallery.html",
        {
            "government": government,
            "agencies": agencies,
            "agency": agency,
            "page": page_of(request, links, 24),
            "query_string": query_without_page(request),
        },
    )


# --- Calendar ----------------------------------------------------------------------------------


@login_required
def activity_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    today = timezone.localdate()
    month = _month(request, today)
    agencies, agency = _agency_choice(request, government)
    weeks = selectors.calendar_weeks(request.user, government, month.year, month.month, agency)
    return render(
        request,
        "activities/calendar.html",
        {
            "government": government,
            "month": month,
            "previous": _shift(month, -1),
            "next": _shift(month, 1),
            "weeks": weeks,
            "today": today,
            "agencies": agencies,
            "agency": agency,
            "can_log": selectors.can_log(request.user, government),
        },
    )


# --- Compliance --------------------------------------------------------------------------------


@login_required
def compliance(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    today = timezone.localdate()
    raw_year = request.GET.get("year") or ""
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else today.year
    obligations = list(selectors.obligations_of(government, active_only=True))
    chosen = None
    raw = request.GET.get("obligation") or ""
    if raw.isdigit():
        chosen = next((o for o in obligations if o.pk == int(raw)), None)
        if chosen is None:
            raise Http404

    def render_board() -> str:
        board = selectors.compliance_board(request.user, government, year, chosen, today)
        return render_to_string(
            "activities/_compliance_board.html",
            {
                "board": board,
                "list_url": reverse("activities:list", args=[government.slug]),  # not per cell
                "chosen": chosen,
            },
        )

    # The board's table is kept per government and version (issue 25, budaya/fragments.py): it
    # is computed again only after a write of the government, on a new day, or for another
    # year, obligation, language or part of the government seen.
    parts = (scope_key(request.user, government.pk), year, chosen.pk if chosen else "", today)
    board_html = (
        cached_fragment("activities:compliance", government.pk, parts, render_board)
        if obligations
        else ""
    )
    return render(
        request,
        "activities/compliance.html",
        {
            "government": government,
            "board_html": board_html,
            "year": year,
            "years": list(range(today.year - 3, today.year + 2)),
            "obligations": obligations,
            "chosen": chosen,
            "is_city_admin": is_city_admin(request.user, government),
        },
    )


# --- Forms of activity (city administrator) ------------------------------------------------------


@login_required
def form_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    admin = is_city_admin(request.user, government)
    form = None
    if admin:
        form = ActivityFormForm(request.POST or None, government=government)
        if request.method == "POST":
            if request.POST.get("action") == "seed":
                created = services.ensure_forms(government, request.user, request)
                messages.success(
                    request,
                    _("%(count)s forms of activity were added from the rulebook.")
                    % {"count": len(created)},
                )
                return redirect("activities:form_list", slug=government.slug)
            if form.is_valid():
                services.save_form(form.save(commit=False), request.user, request)
                messages.success(request, _("The form of activity was added."))
                return redirect("activities:form_list", slug=government.slug)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "activities/form_list.html",
        {
            "government": government,
            "book": current_rulebook(government),
            "forms": selectors.forms_of(government, active_only=False),
            "form": form,
            "is_city_admin": admin,
        },
    )


@login_required
def form_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    item = get_object_or_404(
        ActivityForm.objects.visible_to(request.user).filter(government=government), pk=pk
    )
    form = ActivityFormForm(request.POST or None, instance=item, government=government)
    if request.method == "POST" and form.is_valid():
        services.save_form(form.save(commit=False), request.user, request)
        messages.success(request, _("The changes were saved."))
        return redirect("activities:form_list", slug=government.slug)
    return render(
        request, "activities/form_edit.html", {"government": government, "form": form, "item": item}
    )


# --- Obligations (city administrator) ------------------------------------------------------------


@login_required
def obligation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The government's obligations, and those its rulebook sets (the city administrator loads
    the missing ones)."""
    government = _government(request, slug)
    admin = is_city_admin(request.user, government)
    if request.method == "POST":
        if not admin:
            raise PermissionDenied
        created = services.ensure_obligations(
            government=government, actor=request.user, request=request
        )
        messages.success(
            request,
            _("%(count)s obligations were added from the rulebook.") % {"count": len(created)},
        )
        return redirect("activities:obligation_list", slug=government.slug)
    book = current_rulebook(government)
    obligations = list(selectors.obligations_of(government))
    names = {obligation.name for obligation in obligations}
    return render(
        request,
        "activities/obligation_list.html",
        {
            "government": government,
            "obligations": obligations,
            "rulebook_obligations": [
                {"item": item, "source": book.cite(item), "loaded": item.name in names}
                for item in book.activities.obligations
            ],
            "is_city_admin": admin,
        },
    )


def _obligation_page(
    request: HttpRequest, government: Government, obligation: Obligation | None
) -> HttpResponse:
    form = ObligationForm(
        request.POST or None,
        instance=obligation,
        government=government,
        forms_=selectors.forms_of(government, active_only=False),
    )
    if request.method == "POST" and form.is_valid():
        services.save_obligation(form.save(commit=False), request.user, request)
        messages.success(request, _("The obligation was saved."))
        return redirect("activities:obligation_list", slug=government.slug)
    return render(
        request,
        "activities/obligation_form.html",
        {"government": government, "form": form, "obligation": obligation},
    )


@login_required
def obligation_create(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    if not selectors.forms_of(government).exists():
        services.ensure_forms(government, request.user, request)
    return _obligation_page(request, government, None)


@login_required
def obligation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    obligation = get_object_or_404(
        Obligation.objects.visible_to(request.user).filter(government=government), pk=pk
    )
    return _obligation_page(request, government, obligation)


# --- Evidence files ------------------------------------------------------------------------------

# Nothing in a served file may run or load anything, should a browser render it anyway.
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def _scoped_evidence(request: HttpRequest, pk: int) -> Evidence:
    """Evidence the reader's scope covers, else 404 (whatever the id: guessing finds nothing)."""
    return get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)


def _file_response(evidence: Evidence, name: str, content_type: str, inline: bool) -> FileResponse:
    try:
        handle = evidence_files.storage().open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=content_type)
    # The client's name for the base, the served type's extension (issue 17: a PDF uploaded
    # as laporan.exe downloads as laporan.pdf).
    attach(
        response,
        evidence.original_name or evidence.title or f"data-dukung-{evidence.pk}",
        content_type,
        inline=inline,
    )
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The stored file (pictures inline, everything else as a download), or the link's target."""
    evidence = _scoped_evidence(request, pk)
    if evidence.is_link:
        return HttpResponseRedirect(evidence.url)
    accepted = evidence_files.ACCEPTED.get(evidence.content_type)
    if not evidence.file or accepted is None:
        raise Http404
    return _file_response(
        evidence, evidence.file.name or "", evidence.content_type, accepted.inline
    )


@login_required
@require_GET
def evidence_thumbnail(request: HttpRequest, pk: int) -> HttpResponseBase:
    evidence = _scoped_evidence(request, pk)
    if not evidence.thumbnail:
        raise Http404
    return _file_response(evidence, evidence.thumbnail.name or "", "image/jpeg", inline=True)
