from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from budaya.accounts.models import Role
from budaya.files import attach
from budaya.fragments import cached_fragment, scope_key
from budaya.org import selectors as org_selectors
from budaya.org.models import Employee, Government
from budaya.pagination import page_of, query_without_page
from budaya.rulebook.selectors import current_rulebook
from budaya.teams import chart, decree, rulesfile, selectors, services
from budaya.teams.eligibility import Breach, RuleBook, check_team, pick_heads
from budaya.teams.forms import (
    DecisionForm,
    DecreeForm,
    DesignationForm,
    DocxUploadForm,
    MembershipEditForm,
    MembershipForm,
    PolicyForm,
    SignForm,
    TeamForm,
)
from budaya.teams.models import (
    Decree,
    Designation,
    EligibilityRule,
    Membership,
    Team,
    TeamRole,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 25  # teams per page


# --- Shared -----------------------------------------------------------------------------------


def _government(request: HttpRequest, slug: str) -> Government:
    """404 when the government is not visible, 403 for a system administrator (no content)."""
    government = get_object_or_404(org_selectors.governments_visible_to(request.user), slug=slug)
    if not org_selectors.governments_with_content(request.user).filter(pk=government.pk).exists():
        raise PermissionDenied
    return government


def _administered(request: HttpRequest, slug: str) -> Government:
    government = _government(request, slug)
    if not org_selectors.is_city_admin(request.user, government):
        raise PermissionDenied
    return government


def _team(request: HttpRequest, government: Government, pk: int) -> Team:
    return get_object_or_404(selectors.teams_of(request.user, government), pk=pk)


def _managed_team(request: HttpRequest, government: Government, pk: int) -> Team:
    team = _team(request, government, pk)
    if not selectors.can_manage(request.user, team):
        raise PermissionDenied
    return team


def _decree(request: HttpRequest, government: Government, pk: int) -> Decree:
    return get_object_or_404(selectors.decrees_of(request.user, government), pk=pk)


def _is_board_reader(user: Any, government: Government) -> bool:
    return (
        Government.objects.visible_to(user, roles=[Role.CITY_ADMIN, Role.LEADERSHIP])
        .filter(pk=government.pk)
        .exists()
    )


@login_required
def my_teams(request: HttpRequest) -> HttpResponse:
    """The menu's way into a government's teams: straight in when there is one."""
    governments = list(org_selectors.governments_with_content(request.user))
    if not governments:
        raise PermissionDenied
    if len(governments) == 1:
        return redirect("teams:team_list", slug=governments[0].slug)
    return render(request, "teams/choose_government.html", {"governments": governments})


# --- Teams ------------------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    teams = selectors.teams_of(request.user, government)
    kind = request.GET.get("kind")
    if kind and kind.isdigit():
        teams = teams.filter(kind_id=int(kind))
    show_dissolved = request.GET.get("dissolved") == "1"
    if not show_dissolved:
        teams = teams.active()
    today = timezone.localdate()
    query_string = query_without_page(request)

    def render_table() -> str:
        page = page_of(request, teams, PAGE_SIZE)
        assessments = selectors.assess(list(page), today)  # only the page's teams
        return render_to_string(
            "teams/_team_table.html",
            {
                "government": government,
                "page": page,
                "query_string": query_string,
                "rows": [assessments[team.pk] for team in page],
            },
        )

    # Kept per government and version (budaya/fragments.py), and per day: members' terms end.
    parts = (scope_key(request.user, government.pk), today, query_string, request.GET.get("page"))
    is_city_admin = org_selectors.is_city_admin(request.user, government)
    return render(
        request,
        "teams/team_list.html",
        {
            "government": government,
            "table": cached_fragment("teams:list", government.pk, parts, render_table),
            "kinds": selectors.kinds_of(government),
            "kind": kind,
            "show_dissolved": show_dissolved,
            "can_create": is_city_admin
            or selectors.units_managed_by(request.user, government).exists(),
            "reads_board": is_city_admin or _is_board_reader(request.user, government),
            "is_city_admin": is_city_admin,
        },
    )


def _team_form(request: HttpRequest, government: Government, **kwargs: Any) -> TeamForm:
    return TeamForm(
        request.POST or None,
        kinds=selectors.kinds_of(government),
        units=selectors.units_managed_by(request.user, government),
        city_wide_allowed=org_selectors.is_city_admin(request.user, government),
        **kwargs,
    )


@login_required
def team_create(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    units = selectors.units_managed_by(request.user, government)
    if not units.exists() and not org_selectors.is_city_admin(request.user, government):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    unit_id, kind_id = request.GET.get("unit", ""), request.GET.get("kind", "")
    if unit_id.isdigit():
        initial["unit"] = units.filter(pk=int(unit_id)).first()
    if kind_id.isdigit():
        initial["kind"] = selectors.kinds_of(government).filter(pk=int(kind_id)).first()
    if initial.get("kind") and initial.get("unit"):
        initial["name"] = f"{initial['kind'].name} {initial['unit'].name}"
    form = _team_form(request, government, initial=initial)
    _naming_help(form, government)
    if request.method == "POST" and form.is_valid():
        team = form.save(commit=False)
        team.government = government
        services.create_team(team, request.user, request)
        messages.success(
            request, _("The team %(name)s was formed. Add its members.") % {"name": team}
        )
        return redirect("teams:team_detail", slug=slug, pk=team.pk)
    return render(
        request,
        "teams/team_form.html",
        {
            "government": government,
            "form": form,
            "no_kinds": not selectors.kinds_of(government).exists(),
        },
    )


@login_required
def team_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    team = _managed_team(request, government, pk)
    form = _team_form(request, government, instance=team)
    _naming_help(form, government)
    if request.method == "POST" and form.is_valid():
        services.save_object(form.save(commit=False), request.user, request)
        messages.success(request, _("The changes were saved."))
        return redirect("teams:team_detail", slug=slug, pk=team.pk)
    return render(
        request, "teams/team_form.html", {"government": government, "form": form, "team": team}
    )


def _naming_help(form: Any, government: Government) -> None:
    """T Pasal 8(3): the agency may name its team after its own character (the rulebook's)."""
    book = current_rulebook(government)
    if book.teams.naming is not None:
        form.fields["name"].help_text = f"{book.teams.naming.text} ({book.cite(book.teams.naming)})"


def _team_context(request: HttpRequest, government: Government, team: Team) -> dict[str, Any]:
    on = timezone.localdate()
    assessment = selectors.assess([team], on)[team.pk]
    roles = list(TeamRole.objects.filter(government=government))
    book = current_rulebook(government)
    return {
        "government": government,
        "team": team,
        "book": book,
        "citations": selectors.citations(book),
        "assessment": assessment,
        "chart": chart.build(assessment.current),
        "roles": roles,
        "decrees": team.decrees.order_by("-created_at"),
        "can_manage": selectors.can_manage(request.user, team),
        "can_sign": selectors.can_sign(request.user, team),
        "today": on,
    }


@login_required
def team_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    team = _team(request, government, pk)
    return render(request, "teams/team_detail.html", _team_context(request, government, team))


@login_required
def team_chart(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The chart alone, with the member list, to print on A4."""
    government = _government(request, slug)
    team = _team(request, government, pk)
    return render(request, "teams/team_chart.html", _team_context(request, government, team))


def _breaches_if_saved(team: Team, membership: Membership) -> list[Breach]:
    """The breaches the membership would have, checked with the team's other current members."""
    on = timezone.localdate()
    others = list(
        team.memberships.exclude(pk=membership.pk).select_related("employee__unit", "role")
    )
    probe_pk = membership.pk or -1
    original = membership.pk
    membership.pk = probe_pk
    membership.employee = Employee.objects.select_related("unit").get(pk=membership.employee_id)
    book = RuleBook(EligibilityRule.objects.filter(government=team.government))
    heads = pick_heads(
        Employee.objects.filter(unit_id=team.unit_id, active=True).exclude(echelon="")
        if team.unit_id
        else Employee.objects.none()
    )
    membership.team = team
    try:
        if not membership.is_current(on):
            return []
        return check_team(team, [*others, membership], book, heads, on).get(probe_pk, [])
    finally:
        membership.pk = original


def _member_forms_context(
    government: Government, team: Team, form: Any, breaches: list[Breach]
) -> dict[str, Any]:
    return {"government": government, "team": team, "form": form, "breaches": breaches}


@login_required
def member_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    team = _managed_team(request, government, pk)
    visible = Employee.objects.visible_to(request.user).filter(government=government, active=True)
    candidates = visible.select_related("unit")
    if team.unit is not None:
        candidates = candidates.filter(unit__path__startswith=team.unit.path)
    else:
        candidates = candidates.exclude(echelon="")
    form = MembershipForm(
        request.POST or None,
        candidates=candidates.order_by("name"),
        visible=visible,
        roles=TeamRole.objects.filter(government=government),
        initial={"start_on": timezone.localdate()},
    )
    breaches: list[Breach] = []
    if request.method == "POST" and form.is_valid():
        membership = form.save(commit=False)
        membership.team = team
        membership.government = government
        breaches = _breaches_if_saved(team, membership)
        if breaches and not membership.justification.strip():
            message = _(
                "This member does not meet the rules above. Choose someone else, or write why "
                "the team departs from the rule."
            )
            adjustment = current_rulebook(government).teams.adjustment
            if adjustment is not None:
                # T Pasal 9(7): the make-up follows the conditions of the agency.
                message += f" {adjustment.text} ({current_rulebook(government).cite(adjustment)})"
            form.add_error("justification", message)
        else:
            services.add_member(membership, request.user, request)
            if breaches:
                messages.warning(
                    request,
                    _("%(name)s was added with a justification for: %(reasons)s")
                    % {
                        "name": membership.employee.full_name,
                        "reasons": " ".join(b.reason for b in breaches),
                    },
                )
            else:
                messages.success(
                    request,
                    _("%(name)s was added as %(role)s.")
                    % {"name": membership.employee.full_name, "role": membership.role.name},
                )
            return redirect("teams:team_detail", slug=slug, pk=team.pk)
    return render(
        request, "teams/member_form.html", _member_forms_context(government, team, form, breaches)
    )


@login_required
def member_edit(request: HttpRequest, slug: str, pk: int, member: int) -> HttpResponse:
    government = _government(request, slug)
    team = _managed_team(request, government, pk)
    membership = get_object_or_404(
        Membership.objects.filter(team=team).select_related("employee__unit", "role"), pk=member
    )
    form = MembershipEditForm(request.POST or None, instance=membership)
    breaches = _breaches_if_saved(team, membership)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        breaches = _breaches_if_saved(team, edited)
        if breaches and not edited.justification.strip():
            form.add_error(
                "justification",
                _("Write why the team departs from the rule, or end this membership."),
            )
        else:
            services.update_member(edited, request.user, request)
            messages.success(request, _("The changes were saved."))
            return redirect("teams:team_detail", slug=slug, pk=team.pk)
    departure = [
        d
        for d in selectors.assess([team], timezone.localdate())[team.pk].departures
        if d.membership.pk == membership.pk
    ]
    return render(
        request,
        "teams/member_edit.html",
        {
            **_member_forms_context(government, team, form, breaches),
            "membership": membership,
            "departure": departure[0] if departure else None,
        },
    )


# --- Decrees ----------------------------------------------------------------------------------


@login_required
def decree_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    decrees = selectors.decrees_of(request.user, government).order_by("-decided_on", "-created_at")
    status = request.GET.get("status", "")
    if status in Decree.Status.values:
        decrees = decrees.filter(status=status)
    return render(
        request,
        "teams/decree_list.html",
        {
            "government": government,
            "decrees": decrees,
            "status": status,
            "statuses": Decree.Status.choices,
        },
    )


@login_required
def decree_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    team = _managed_team(request, government, pk)
    purpose = request.GET.get("purpose", "")
    if purpose not in Decree.Purpose.values:
        purpose = (
            Decree.Purpose.CHANGE
            if team.decrees.filter(status=Decree.Status.SIGNED).exists()
            else Decree.Purpose.ESTABLISH
        )
    initial = {
        "purpose": purpose,
        **services.decree_defaults(team, purpose, selectors.head_of(team.unit)),
    }
    form = DecreeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = form.save(commit=False)
        created.team = team
        created.government = government
        services.create_decree(created, request.user, request)
        messages.success(
            request, _("The draft decree was created: download it, sign it, upload the scan.")
        )
        return redirect("teams:decree_detail", slug=slug, pk=created.pk)
    return render(
        request, "teams/decree_form.html", {"government": government, "team": team, "form": form}
    )


@login_required
def decree_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    found = _decree(request, government, pk)
    if not selectors.can_manage(request.user, found.team):
        raise PermissionDenied
    if found.status != Decree.Status.DRAFT:
        messages.error(request, _("Only a draft decree can be edited."))
        return redirect("teams:decree_detail", slug=slug, pk=found.pk)
    form = DecreeForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        services.update_draft(form.save(commit=False), request.user, request)
        messages.success(request, _("The changes were saved."))
        return redirect("teams:decree_detail", slug=slug, pk=found.pk)
    return render(
        request,
        "teams/decree_form.html",
        {"government": government, "team": found.team, "form": form, "decree": found},
    )


def _scans(found: Decree) -> list[Any]:
    return list(found.scans.all())


@login_required
def decree_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    found = _decree(request, government, pk)
    return render(
        request,
        "teams/decree_detail.html",
        {
            "government": government,
            "decree": found,
            "team": found.team,
            "scans": _scans(found),
            "can_manage": selectors.can_manage(request.user, found.team),
            "can_sign": selectors.can_sign(request.user, found.team),
            "sign_form": SignForm(government=government, decree=found),
        },
    )


@login_required
def decree_draft(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The decree as DOCX, filled from the team as it stands (or the government's template)."""
    government = _government(request, slug)
    found = _decree(request, government, pk)
    team = found.team
    on = found.decided_on or timezone.localdate()
    members = [
        m
        for m in team.memberships.select_related("employee", "role").order_by(
            "role__order", "employee__name"
        )
        if m.is_current(on)
    ]
    previous = (
        team.decrees.filter(status=Decree.Status.SIGNED)
        .exclude(pk=found.pk)
        .order_by("-decided_on")
        .first()
        if found.purpose == Decree.Purpose.CHANGE
        else None
    )
    try:
        content = decree.render_draft(found, members, selectors.policy(government), previous)
    except decree.TemplateError as error:
        # A stored template that fails the check is refused, never run (issue 17).
        messages.error(
            request,
            _("The government's decree template cannot be used: %(error)s") % {"error": error},
        )
        return redirect("teams:decree_detail", slug=government.slug, pk=found.pk)
    response = HttpResponse(content, content_type=DOCX_TYPE)
    name = slugify(found.number or f"draf-sk-{team.name}")[:80] or "draf-sk"
    attach(response, name, DOCX_TYPE)
    return response


@login_required
@require_POST
def decree_sign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    found = _decree(request, government, pk)
    if not selectors.can_sign(request.user, found.team):
        raise PermissionDenied
    form = SignForm(request.POST, request.FILES, government=government, decree=found)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("teams:decree_detail", slug=slug, pk=found.pk)
    try:
        services.sign_decree(
            found,
            number=form.cleaned_data["number"],
            decided_on=form.cleaned_data["decided_on"],
            upload=form.cleaned_data["scan"],
            actor=request.user,
            request=request,
        )
    except services.TransitionError as error:
        messages.error(request, str(error))
    except ValidationError as error:  # the evidence store refuses the file (type, size)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The signed decree was recorded."))
    return redirect("teams:decree_detail", slug=slug, pk=found.pk)


@login_required
@require_POST
def decree_supersede(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    found = _decree(request, government, pk)
    if not selectors.can_sign(request.user, found.team):
        raise PermissionDenied
    try:
        services.supersede_decree(found, actor=request.user, request=request)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The decree is marked as superseded."))
    return redirect("teams:decree_detail", slug=slug, pk=found.pk)


@login_required
@require_POST
def decree_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    found = _decree(request, government, pk)
    if not selectors.can_manage(request.user, found.team):
        raise PermissionDenied
    team = found.team
    try:
        services.delete_draft(found, request.user, request)
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("teams:decree_detail", slug=slug, pk=found.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("teams:team_detail", slug=slug, pk=team.pk)


# --- Compliance board -------------------------------------------------------------------------


@login_required
def compliance(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    if not _is_board_reader(request.user, government):
        raise PermissionDenied
    today = timezone.localdate()
    can_fix = org_selectors.is_city_admin(request.user, government)

    def render_board() -> str:
        board = selectors.compliance(government, today)
        return render_to_string(
            "teams/_compliance_board.html", {"board": board, "can_fix": can_fix}
        )

    # Kept per government and version (issue 25, budaya/fragments.py): computed again only
    # after a write of the government or on a new day (decrees age, members' terms end).
    board_html = cached_fragment("teams:compliance", government.pk, (can_fix, today), render_board)
    return render(
        request, "teams/compliance.html", {"government": government, "board_html": board_html}
    )


# --- Kinds, roles, rules, policy --------------------------------------------------------------


@login_required
def rules(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    return render(
        request,
        "teams/rules.html",
        {
            "government": government,
            "kinds": selectors.kinds_of(government),
            "roles": TeamRole.objects.filter(government=government),
            "rules": selectors.rules_of(government),
            "policy": selectors.policy(government),
            "book": current_rulebook(government),
            "is_city_admin": org_selectors.is_city_admin(request.user, government),
        },
    )


@login_required
def policy_edit(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    form = PolicyForm(request.POST or None, instance=services.policy_of(government))
    if request.method == "POST" and form.is_valid():
        services.save_object(form.save(commit=False), request.user, request)
        messages.success(request, _("The changes were saved."))
        return redirect("teams:rules", slug=slug)
    return render(
        request,
        "teams/settings_form.html",
        {"government": government, "form": form, "title": _("Settings for teams and designations")},
    )


@login_required
@require_POST
def rules_defaults(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    counts = services.install_defaults(government, request.user, request)
    messages.success(
        request, _("Loaded %(kinds)s team kinds, %(roles)s roles and %(rules)s rules.") % counts
    )
    return redirect("teams:rules", slug=slug)


@login_required
def rules_export(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    response = HttpResponse(
        rulesfile.export(government), content_type="application/yaml; charset=utf-8"
    )
    attach(response, f"aturan-tim-{government.slug}", "application/yaml")
    return response


@require_GET
def rules_schema(request: HttpRequest) -> HttpResponse:
    body = json.dumps(rulesfile.schema(), ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/schema+json; charset=utf-8")


@login_required
def template_upload(request: HttpRequest, slug: str) -> HttpResponse:
    government = _administered(request, slug)
    team_policy = services.policy_of(government)
    form = DocxUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "reset" in request.POST:
        team_policy.decree_template = ""  # type: ignore[assignment]
        services.save_object(team_policy, request.user, request)
        messages.success(request, _("Decrees use the shipped template again."))
        return redirect("teams:rules", slug=slug)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["template"]
        content = upload.read()
        try:
            decree.check_template(content)
        except decree.TemplateError as error:
            form.add_error("template", str(error))
        else:
            upload.seek(0)
            team_policy.decree_template = upload
            services.save_object(team_policy, request.user, request)
            messages.success(request, _("Decree drafts now use your template."))
            return redirect("teams:rules", slug=slug)
    return render(
        request,
        "teams/template_form.html",
        {"government": government, "form": form, "policy": team_policy},
    )


@login_required
def template_download(request: HttpRequest, slug: str) -> FileResponse:
    """The template in use (the government's own, or the shipped one), to start a new one from."""
    government = _government(request, slug)
    team_policy = selectors.policy(government)
    handle: Any
    if team_policy is not None and team_policy.decree_template:
        handle = team_policy.decree_template.open("rb")
    else:
        handle = decree.DEFAULT_TEMPLATE.open("rb")
    response = FileResponse(handle, content_type=DOCX_TYPE)
    attach(response, "templat-sk", DOCX_TYPE)
    return response


# --- Role models and change agents ------------------------------------------------------------


@login_required
def designation_list(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    team_policy = selectors.policy(government)
    designations = selectors.designations_of(request.user, government)
    published = designations.filter(status=Designation.Status.PUBLISHED).order_by(
        "kind", "-period_start"
    )
    pending = designations.filter(
        status__in=[Designation.Status.NOMINATED, Designation.Status.APPROVED]
    ).order_by("nominated_at")
    past = designations.filter(
        status__in=[Designation.Status.REJECTED, Designation.Status.EXPIRED]
    ).order_by("-period_end")[:50]
    book = current_rulebook(government)
    heads = (
        selectors.heads_as_role_models(request.user, government)
        if book.designations.agency_heads
        else []
    )
    return render(
        request,
        "teams/designation_list.html",
        {
            "government": government,
            "role_models": [d for d in published if d.kind == Designation.Kind.ROLE_MODEL],
            "change_agents": [d for d in published if d.kind == Designation.Kind.CHANGE_AGENT],
            "pending": pending,
            "past": past,
            "heads": heads,
            "policy": team_policy,
            "book": book,
            "citations": selectors.citations(book),
        },
    )


@login_required
def designation_create(request: HttpRequest, slug: str) -> HttpResponse:
    government = _government(request, slug)
    units = org_selectors.units_of(request.user, government).filter(active_to__isnull=True)
    employees = Employee.objects.visible_to(request.user).filter(government=government, active=True)
    book = current_rulebook(government)
    form = DesignationForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        employees=employees.select_related("unit"),
        book=book,
        initial={"kind": request.GET.get("kind", Designation.Kind.ROLE_MODEL)},
    )
    if request.method == "POST" and form.is_valid():
        designation = form.save(commit=False)
        designation.government = government
        upload = form.cleaned_data.get("evidence_file")
        link = form.cleaned_data.get("evidence_link")
        try:
            services.nominate(
                designation,
                uploads=[upload] if upload else [],
                links=[link] if link else [],
                actor=request.user,
                request=request,
            )
        except services.NotEligibleError as error:
            form.add_error("subject", error)
        except ValidationError as error:
            form.add_error("evidence_file", error)
        else:
            messages.success(request, _("The nomination was recorded."))
            return redirect("teams:designation_detail", slug=slug, pk=designation.pk)
    return render(
        request,
        "teams/designation_form.html",
        {"government": government, "form": form, "book": book},
    )


def _designation_evidence(designation: Designation) -> list[Any]:
    return list(designation.evidence.all())


@login_required
def designation_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    designation = get_object_or_404(selectors.designations_of(request.user, government), pk=pk)
    team_policy = selectors.policy(government)
    return render(
        request,
        "teams/designation_detail.html",
        {
            "government": government,
            "designation": designation,
            "evidence": _designation_evidence(designation),
            "policy": team_policy,
            "can_decide": selectors.can_decide(request.user, government, team_policy),
            "decision_form": DecisionForm(),
            "moves": Designation.TRANSITIONS[designation.status],
        },
    )


@login_required
@require_POST
def designation_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    government = _government(request, slug)
    designation = get_object_or_404(selectors.designations_of(request.user, government), pk=pk)
    if not selectors.can_decide(request.user, government, selectors.policy(government)):
        raise PermissionDenied
    status = request.POST.get("status", "")
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if status not in Designation.Status.values:
        raise Http404
    try:
        services.move_designation(
            designation, status, note=note, actor=request.user, request=request
        )
    except services.TransitionError as error:
        messages.error(request, str(error))
    except services.NotEligibleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The designation is now %(status)s.")
            % {"status": Designation.Status(status).label.lower()},
        )
    return redirect(reverse("teams:designation_detail", args=[slug, designation.pk]))
