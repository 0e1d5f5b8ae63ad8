from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya import unit_pages
from budaya.accounts.models import Role
from budaya.files import attach
from budaya.fragments import cached_fragment, government_version, kept, scope_key
from budaya.frameworks.selectors import current_adoptions
from budaya.letterhead import letterhead_of
from budaya.links import link_maker
from budaya.org import logos, selectors, services
from budaya.org.forms import (
    ColumnMappingForm,
    DeactivateForm,
    EmployeeFilterForm,
    EmployeeForm,
    EmployeeImportForm,
    GovernmentForm,
    TransferForm,
    UnitForm,
    UnitImportForm,
    UnitLetterheadForm,
)
from budaya.org.grades import echelon_group
from budaya.org.importing import FIELD_LABELS
from budaya.org.models import Employee, EmployeeImport, Government, ImportRow, Unit
from budaya.org.selectors import governments_administered_by, governments_visible_to
from budaya.org.setup import setup_steps
from budaya.org.unit_import import UNIT_LABELS
from budaya.pagination import page_of, query_without_page
from budaya.spreadsheets import workbook_bytes, xlsx_response
from budaya.text import search_key

PAGE_SIZE = 50  # employees and import rows per page


def _can_edit(user, government: Government) -> bool:  # type: ignore[no-untyped-def]
    return governments_administered_by(user).filter(pk=government.pk).exists()


@login_required
def government_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.SYSTEM_ADMIN, Role.CITY_ADMIN):  # type: ignore[union-attr]
        raise PermissionDenied
    governments = list(governments_visible_to(request.user))
    adoptions = current_adoptions(governments)
    rows = [(government, adoptions.get(government.pk)) for government in governments]
    return render(request, "org/government_list.html", {"rows": rows})


@login_required
def government_detail(request: HttpRequest, slug: str) -> HttpResponse:
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    adoptions = government.adoption_set.select_related("version__framework").all()
    return render(
        request,
        "org/government_detail.html",
        {
            "government": government,
            "adoptions": adoptions,
            "current": current_adoptions([government]).get(government.pk),
            "can_edit": _can_edit(request.user, government),
            "reads_content": selectors.governments_with_content(request.user)
            .filter(pk=government.pk)
            .exists(),
            "is_city_admin": selectors.is_city_admin(request.user, government),
        },
    )


@login_required
def government_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.SYSTEM_ADMIN):  # type: ignore[union-attr]
        raise PermissionDenied
    form = GovernmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        government = services.create_government(form, request.user, request)
        messages.success(request, _("Government %(name)s was created.") % {"name": government})
        return redirect("org:government_detail", slug=government.slug)
    return render(request, "org/government_form.html", {"form": form})


@login_required
def government_edit(request: HttpRequest, slug: str) -> HttpResponse:
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    if not _can_edit(request.user, government):
        raise PermissionDenied
    form = GovernmentForm(request.POST or None, request.FILES or None, instance=government)
    if request.method == "POST" and form.is_valid():
        services.update_government(form, request.user, request)
        messages.success(request, _("The changes were saved."))
        return redirect("org:government_detail", slug=government.slug)
    return render(request, "org/government_form.html", {"form": form, "government": government})


@login_required
def government_logo(request: HttpRequest, slug: str) -> HttpResponse:
    """Uploaded files are served only through a scoped view, never from a public folder; the
    type is the one the content shows (issue 17), and the policy lets an SVG run nothing."""
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    if not government.logo:
        raise Http404
    try:
        with government.logo.open("rb") as handle:
            data = handle.read(logos.MAX_BYTES + 1)
    except OSError as error:
        raise Http404 from error
    kind = logos.content_type(data)
    if kind is None:  # an older upload of another kind: not served as anything
        raise Http404
    response = HttpResponse(data, content_type=kind)
    attach(response, f"logo-{government.slug}", kind, inline=True)
    response["Content-Security-Policy"] = logos.CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def government_setup(request: HttpRequest, slug: str) -> HttpResponse:
    """The new government's setup checklist, for its administrators (issue 23)."""
    government = _administered(request, slug)
    steps = setup_steps(government)
    return render(
        request,
        "org/government_setup.html",
        {
            "government": government,
            "steps": steps,
            "done": sum(step.done for step in steps),
            "next": next((step for step in steps if not step.done), None),
        },
    )


# --- Shared ------------------------------------------------------------------------------------


def _government(request: HttpRequest, slug: str) -> Government:
    """A government whose content (units, employees) the user reads: 404 when the government is
    not visible at all, 403 for a system administrator, who manages governments, not content."""
    government = get_object_or_404(governments_visible_to(request.user), slug=slug)
    if not selectors.governments_with_content(request.user).filter(pk=government.pk).exists():
        raise PermissionDenied
    return government


def _administered(request: HttpRequest, slug: str) -> Government:
    """404 when the government is not visible at all, 403 when the user may not change it."""
    government = _government(request, slug)
    if not selectors.is_city_admin(request.user, government):
        raise PermissionDenied
    return government


@login_required
def my_section(request: HttpRequest, section: str) -> HttpResponse:
    """The menu's way into a government's units or employees: straight in when there is one."""
    governments = list(selectors.governments_with_content(request.user))
    if len(governments) == 1:
        return redirect(f"org:{section}", slug=governments[0].slug)
    return render(
        request, "org/choose_government.html", {"governments": governments, "section": section}
    )


# --- Units -------------------------------------------------------------------------------------


@login_required
def unit_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    include_inactive = request.GET.get("inactive") == "1"
    query = (request.GET.get("q") or "").strip()

    def tree() -> list[Unit]:
        units = selectors.unit_tree(request.user, government, include_inactive=include_inactive)
        detail = link_maker("org:unit_detail", government.slug)
        for unit in units:
            unit.detail_url = detail(unit.pk)  # type: ignore[attr-defined]
        return units

    matches = table = None
    if query:
        # Case and accents ignored, as the employee search ignores them (issue 23).
        needle = search_key(query)
        units = tree()
        chains = selectors.ancestors_by_unit(units)
        matches = [
            (unit, chains[unit.pk])
            for unit in units
            if needle in search_key(" | ".join((unit.name, unit.short_name, unit.code)))
        ]
    else:
        # The city's hundreds of units with their employees counted: kept per version.
        table = cached_fragment(
            "org:unit-tree",
            government.pk,
            (scope_key(request.user, government.pk), include_inactive),
            lambda: render_to_string("org/_unit_table.html", {"units": tree()}),
        )
    return render(
        request,
        "org/unit_list.html",
        {
            "government": government,
            "table": table,
            "matches": matches,
            "query": query,
            "include_inactive": include_inactive,
            "can_edit": selectors.is_city_admin(request.user, government),
        },
    )


@login_required
def unit_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    unit = get_object_or_404(selectors.units_of(request.user, government), pk=pk)
    visible = list(selectors.units_of(request.user, government).filter(path__startswith=unit.path))
    ancestors = list(
        Unit.objects.filter(
            government=government,
            pk__in=[int(part) for part in unit.path.strip("/").split("/")[:-1] if part],
        ).order_by("path")
    )
    return render(
        request,
        "org/unit_detail.html",
        {
            "government": government,
            "unit": unit,
            "ancestors": ancestors,
            "children": [u for u in visible if u.parent_id == unit.pk],
            "employee_count": Employee.objects.filter(
                unit__path__startswith=unit.path, active=True
            ).count(),
            "history": unit.history.select_related("parent").all(),
            "can_edit": selectors.is_city_admin(request.user, government),
            "can_edit_letterhead": selectors.may_edit_letterhead(request.user, unit),
            "deactivate_form": DeactivateForm(initial={"active_to": timezone.localdate()}),
            # What the apps built on the units show here (monev: the open follow-ups).
            "sections": unit_pages.sections_for(request.user, unit),
        },
    )


@login_required
def unit_create(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    form = UnitForm(request.POST or None, government=government)
    if request.method == "POST" and form.is_valid():
        unit = services.create_unit(form.save(commit=False), request.user, request)
        messages.success(request, _("The unit %(name)s was created.") % {"name": unit})
        return redirect("org:unit_detail", slug=government.slug, pk=unit.pk)
    return render(request, "org/unit_form.html", {"government": government, "form": form})


@login_required
def unit_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    unit = get_object_or_404(
        Unit.objects.visible_to(request.user).filter(government=government), pk=pk
    )
    form = UnitForm(request.POST or None, instance=unit, government=government)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(form.save(commit=False), request.user, request)
        except services.UnitMoveError as error:
            form.add_error("parent", str(error))
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("org:unit_detail", slug=government.slug, pk=unit.pk)
    return render(
        request, "org/unit_form.html", {"government": government, "form": form, "unit": unit}
    )


@login_required
def unit_letterhead(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The unit's lines of its documents' letterhead (issue 19): the city administrator, or the
    unit head of the agency (its own agency and sub-units)."""
    government = _government(request, slug)
    unit = get_object_or_404(selectors.units_of(request.user, government), pk=pk)
    if not selectors.may_edit_letterhead(request.user, unit):
        raise PermissionDenied
    form = UnitLetterheadForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        services.update_unit_letterhead(
            unit=unit,
            address=form.cleaned_data["address"],
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
            website=form.cleaned_data["website"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("The letterhead was saved."))
        return redirect("org:unit_detail", slug=government.slug, pk=unit.pk)
    return render(
        request,
        "org/unit_letterhead.html",
        {
            "government": government,
            "unit": unit,
            "form": form,
            "letterhead": letterhead_of(government, unit),
        },
    )


@login_required
@require_POST
def unit_deactivate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    unit = get_object_or_404(
        Unit.objects.visible_to(request.user).filter(government=government), pk=pk
    )
    form = DeactivateForm(request.POST)
    if form.is_valid():
        services.deactivate_unit(unit, form.cleaned_data["active_to"], request.user, request)
        messages.success(
            request, _("%(name)s and its sub-units were deactivated.") % {"name": unit}
        )
    else:
        messages.error(request, _("Give the date on which the unit ends."))
    return redirect("org:unit_detail", slug=government.slug, pk=unit.pk)


# --- Employees ---------------------------------------------------------------------------------


def _employee_filters(
    request: HttpRequest, government: Government, version: int | None = None
) -> EmployeeFilterForm:
    data = request.GET if request.GET else None
    return EmployeeFilterForm(data, user=request.user, government=government, version=version)


@login_required
def employee_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    # The government's version read once for the page's two kept parts.
    version = government_version(government.pk)
    filter_form = _employee_filters(request, government, version)
    employees = selectors.employees_of(request.user, government, filter_form.filters())
    query_string = query_without_page(request)
    # A city's roster counted once per version, not on every page of it.
    parts = (scope_key(request.user, government.pk), query_string)
    count = kept("org:employee-count", government.pk, parts, employees.count, version)
    return render(
        request,
        "org/employee_list.html",
        {
            "government": government,
            "filter_form": filter_form,
            "page": page_of(request, employees, PAGE_SIZE, count=count),
            "query_string": query_string,
            "can_edit": selectors.is_city_admin(request.user, government),
        },
    )


EXPORT_HEADER = [
    "NIP", "NI PPPK", "Gelar depan", "Nama", "Gelar belakang", "L/P", "Status",
    "Pangkat/golongan", "Eselon", "Jabatan", "Jenis jabatan", "Unit kerja", "Kode unit", "Aktif",
    "Kemungkinan keluar sejak",
]  # fmt: skip


def _export_row(e: Employee) -> list[Any]:
    return [
        e.nip or "", e.ni_pppk or "", e.front_title, e.name, e.back_title, e.sex, e.status,
        e.rank, e.echelon, e.position_name, e.get_position_kind_display(), e.unit.name,
        e.unit.code, _("yes") if e.active else _("no"), e.possibly_left_since,
    ]  # fmt: skip


@login_required
def employee_export(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    filter_form = _employee_filters(request, government)
    employees = selectors.employees_of(request.user, government, filter_form.filters())
    rows = (_export_row(e) for e in employees.iterator(chunk_size=2000))
    today = timezone.localdate()
    content = workbook_bytes(
        "Pegawai",
        EXPORT_HEADER,
        rows,
        heading=[f"{government.name}: {_('employees')}", today.isoformat()],
    )
    return xlsx_response(f"pegawai-{government.slug}-{today.isoformat()}.xlsx", content)


@login_required
def employee_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    employee = get_object_or_404(
        selectors.employees_of(request.user, government, {"state": "all"}), pk=pk
    )
    return render(
        request,
        "org/employee_detail.html",
        {
            "government": government,
            "employee": employee,
            "transfers": employee.transfers.select_related("from_unit", "to_unit").all(),
            "echelon_group": echelon_group(employee.echelon),
            "can_edit": selectors.is_city_admin(request.user, government),
        },
    )


@login_required
def employee_create(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    form = EmployeeForm(request.POST or None, government=government)
    if request.method == "POST" and form.is_valid():
        employee = services.create_employee(form.save(commit=False), request.user, request)
        messages.success(request, _("%(name)s was added.") % {"name": employee})
        return redirect("org:employee_detail", slug=government.slug, pk=employee.pk)
    return render(request, "org/employee_form.html", {"government": government, "form": form})


@login_required
def employee_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    employee = get_object_or_404(
        Employee.objects.visible_to(request.user).filter(government=government), pk=pk
    )
    form = EmployeeForm(request.POST or None, instance=employee, government=government)
    if request.method == "POST" and form.is_valid():
        services.update_employee(form.save(commit=False), request.user, request)
        messages.success(request, _("The changes were saved."))
        return redirect("org:employee_detail", slug=government.slug, pk=employee.pk)
    return render(
        request,
        "org/employee_form.html",
        {"government": government, "form": form, "employee": employee},
    )


@login_required
def employee_transfer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    employee = get_object_or_404(
        Employee.objects.visible_to(request.user).filter(government=government), pk=pk
    )
    form = TransferForm(request.POST or None, employee=employee)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_employee(
                employee, actor=request.user, request=request, **form.cleaned_data
            )
        except services.UnitMoveError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The transfer was recorded."))
            return redirect("org:employee_detail", slug=government.slug, pk=employee.pk)
    return render(
        request,
        "org/employee_transfer.html",
        {"government": government, "form": form, "employee": employee},
    )


# --- Employee import ---------------------------------------------------------------------------


def _import(request: HttpRequest, government: Government, pk: int) -> EmployeeImport:
    return get_object_or_404(
        EmployeeImport.objects.visible_to(request.user).filter(government=government), pk=pk
    )


@login_required
def import_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    imports = EmployeeImport.objects.filter(government=government).select_related("created_by")
    page = page_of(request, imports, 20)
    # Issue 23: an import whose worker died is shown failed, not "Reading the file" for ever.
    stalled = [job.pk for job in page.object_list if job.is_running and job.runner_died()]
    if stalled and services.fail_interrupted_imports(EmployeeImport.objects.filter(pk__in=stalled)):
        page = page_of(request, imports, 20)
    return render(
        request,
        "org/import_list.html",
        {"government": government, "page": page, "query_string": ""},
    )


# What each kind of import uploads, and on which page.
UPLOADS = {
    EmployeeImport.Kind.EMPLOYEES: (EmployeeImportForm, "org/import_form.html"),
    EmployeeImport.Kind.UNITS: (UnitImportForm, "org/unit_import_form.html"),
}


def _upload(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Store an upload and start its dry run; the preview is the imports' page."""
    government = _administered(request, slug)
    form_class, template = UPLOADS[EmployeeImport.Kind(kind)]
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.start_employee_import(
            government=government,
            upload=form.cleaned_data["file"],
            full_roster=form.cleaned_data.get("full_roster", False),
            actor=request.user,
            request=request,
            kind=kind,
        )
        return redirect("org:import_detail", slug=government.slug, pk=job.pk)
    return render(request, template, {"government": government, "form": form})


@login_required
def import_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _upload(request, slug, EmployeeImport.Kind.EMPLOYEES)


@login_required
def unit_import_create(request: HttpRequest, slug: str) -> HttpResponse:
    """The unit tree from the agency structure list (issue 23, part 2)."""
    return _upload(request, slug, EmployeeImport.Kind.UNITS)


@login_required
@require_POST
def import_create_units(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Create the units a roster names and the registry lacks, then plan the roster again."""
    government = _administered(request, slug)
    job = _import(request, government, pk)
    try:
        created = services.create_missing_units(job=job, actor=request.user, request=request)
    except services.ImportStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(count)d units were created; the roster was checked again.")
            % {"count": len(created)},
        )
    return redirect("org:import_detail", slug=government.slug, pk=job.pk)


@login_required
def import_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    job = _import(request, government, pk)
    if job.is_running and services.fail_interrupted_imports(
        EmployeeImport.objects.filter(pk=job.pk)
    ):
        job.refresh_from_db()  # its worker died (issue 23)
    context = {"government": government, "job": job, "report": job.report}
    if request.htmx and request.GET.get("partial") == "progress":  # type: ignore[attr-defined]
        if job.status in (EmployeeImport.Status.PLANNING, EmployeeImport.Status.APPLYING):
            return render(request, "org/import_progress.html", context)
        # Finished: reload the whole page to show the preview or the result.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if job.counts:
        context.update(_plan_page(request, job))
    return render(request, "org/import_detail.html", context)


PLAN_TABS = [
    (ImportRow.Outcome.REJECTED, "rejected"),
    (ImportRow.Outcome.NEW, "new"),
    (ImportRow.Outcome.UPDATED, "updated"),
    (ImportRow.Outcome.LEFT, "possibly_left"),
    (ImportRow.Outcome.UNCHANGED, "unchanged"),
    (ImportRow.Outcome.SKIPPED, "skipped"),
]


def _changes(row: ImportRow, units: bool, unit_names: dict[int, str]) -> list[tuple[str, Any, Any]]:
    """An updated row's changes as the preview shows them: the field's name, before, after; a
    move between units named as a transfer with both units (issue 23)."""
    labels = UNIT_LABELS if units else FIELD_LABELS
    shown = []
    for name, (before, after) in row.differences.items():
        if name == "unit_id":
            shown.append((_("Transfer (mutasi)"), unit_names.get(before), unit_names.get(after)))
        elif name == "kind":
            shown.append((labels["kind"], _kind_label(before), _kind_label(after)))
        elif name in ("active", "possibly_left_since", "active_to"):
            shown.append((_("Active again"), "", "✓"))
        else:
            shown.append((labels.get(name.removesuffix("_id"), name), before, after))
    return shown


def _kind_label(kind: str) -> str:
    return str(Unit.Kind(kind).label) if kind in Unit.Kind.values else kind


def _plan_page(request: HttpRequest, job: EmployeeImport) -> dict[str, Any]:
    """One outcome of the plan, a page at a time (a roster of 15,000 rows is never one page)."""
    tabs = [
        (outcome, ImportRow.Outcome(outcome).label, job.counts.get(count_key, 0))
        for outcome, count_key in PLAN_TABS
    ]
    units = job.kind == EmployeeImport.Kind.UNITS
    if units:
        tabs = [tab for tab in tabs if tab[0] != ImportRow.Outcome.LEFT]
    default = next((outcome for outcome, _label, count in tabs if count), "new")
    shown = request.GET.get("show") or default
    if shown not in ImportRow.Outcome.values:
        shown = default
    rows = ImportRow.objects.filter(employee_import=job, outcome=shown).select_related(
        "employee__unit"
    )
    page = page_of(request, rows.order_by("first_row", "pk"), PAGE_SIZE)
    unit_ids = {row.data.get("unit_id") for row in page.object_list}
    for row in page.object_list:
        unit_ids.update(row.differences.get("unit_id", ()))
    unit_names = dict(
        Unit.objects.filter(government_id=job.government_id, pk__in=unit_ids - {None}).values_list(
            "pk", "name"
        )
    )
    for row in page.object_list:
        row.changes = _changes(row, units, unit_names)  # type: ignore[attr-defined]
        row.unit_name = unit_names.get(row.data.get("unit_id"), "")  # type: ignore[attr-defined]
        row.kind_label = _kind_label(row.data.get("kind", ""))  # type: ignore[attr-defined]
        row.line = " · ".join(cell for cell in row.cells if cell)  # type: ignore[attr-defined]
    report = job.report or {}
    return {
        "tabs": tabs,
        "shown": shown,
        "page": page,
        "query_string": f"show={shown}",
        "units_import": units,
        "proposals": [p for p in report.get("unknown_units", []) if not p["problem"]],
        "unplaceable": [p for p in report.get("unknown_units", []) if p["problem"]],
    }


@login_required
@require_POST
def import_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    job = _import(request, government, pk)
    try:
        services.confirm_employee_import(job, request.user, request)
    except services.ImportStateError as error:
        messages.error(request, str(error))
    return redirect("org:import_detail", slug=government.slug, pk=job.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _administered(request, slug)
    job = _import(request, government, pk)
    try:
        job = services.cancel_employee_import(job, request.user, request)
    except services.ImportStateError as error:
        messages.error(request, str(error))
    else:
        if job.status == EmployeeImport.Status.CANCELLED:
            messages.success(request, _("The import was cancelled; nothing was written."))
        else:  # still running: it stops at its next batch (issue 23)
            messages.info(request, _("The import is being cancelled; nothing will be written."))
    return redirect("org:import_detail", slug=government.slug, pk=job.pk)


@login_required
@require_POST
def import_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Try a failed import again (issue 23: its worker may have died)."""
    government = _administered(request, slug)
    job = _import(request, government, pk)
    try:
        services.retry_employee_import(job=job, actor=request.user, request=request)
    except services.ImportStateError as error:
        messages.error(request, str(error))
    return redirect("org:import_detail", slug=government.slug, pk=job.pk)


@login_required
def import_rejected(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The rejected rows as they were in the file, with the reason, to fix and upload again."""
    government = _administered(request, slug)
    job = _import(request, government, pk)
    header = [_("Row"), _("Reason"), *(job.report or {}).get("header_cells", [])]
    rejected = ImportRow.objects.filter(
        employee_import=job, outcome=ImportRow.Outcome.REJECTED
    ).order_by("first_row", "pk")
    rows = (
        [", ".join(str(n) for n in row.row_numbers), " ".join(row.reasons), *row.cells]
        for row in rejected.iterator(chunk_size=1000)
    )
    content = workbook_bytes(
        "Ditolak", header, rows, heading=[f"{government.name}: {job.original_name}"]
    )
    return xlsx_response(f"ditolak-{job.pk}.xlsx", content)


@login_required
def import_mapping(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    latest = EmployeeImport.objects.filter(government=government).exclude(report={}).first()
    headers = [h for h in (latest.report.get("header_cells", []) if latest else []) if h]
    current = services.remembered_mapping(government.pk)
    form = ColumnMappingForm(request.POST or None, headers=headers, current=current)
    if request.method == "POST" and form.is_valid():
        services.save_column_mapping(government, form.cleaned_data, request.user, request)
        messages.success(request, _("The column mapping was saved."))
        return redirect("org:import_mapping", slug=government.slug)
    return render(
        request,
        "org/import_mapping.html",
        {"government": government, "form": form, "latest": latest},
    )
