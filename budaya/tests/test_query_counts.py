"""Every page issues the same number of queries for a small and a larger government (issue 9).

Two governments are generated with ``budaya/scale.py``, one small (a list shorter than a page)
and one larger (every list longer or fuller), and every GET route of the permission registry
(``budaya/accounts/permissions.py``) is requested for each as a user allowed to see it: the
answer is 200 and the number of queries is the same for both, so no page issues a query per
row. The count of each route is pinned in ``PINNED``: a change shows up in review. A route
added to the registry fails here until it has its arguments below and its pin.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from budaya.accounts.models import Role, SignInAttempt, User
from budaya.accounts.permissions import PUBLIC, ROUTES, SIGNED_IN, walk
from budaya.activities.models import Activity, ActivityForm, Evidence, Obligation
from budaya.dashboard.models import LeadershipReport
from budaya.frameworks.selectors import current_adoptions
from budaya.monev.models import CityReport, FollowUp, Period, Report, State
from budaya.notifications.models import Email, Notification
from budaya.org.models import EmployeeImport, Government
from budaya.programme import services as programme_services
from budaya.programme.models import (
    ChecklistItem,
    Engagement,
    InstitutionalChange,
    Programme,
    ScorecardItem,
)
from budaya.programme.selectors import rulebook_of
from budaya.scale import Generated, generate_government, usernames
from budaya.teams.models import (
    Decree,
    Designation,
    Membership,
    Team,
)

pytestmark = pytest.mark.django_db

# Small: 3 agencies, fewer employees, activities and pictures than a page holds. Larger: 9
# agencies and lists that fill their first page.
SIZES = {"small": (3, 30, 12), "larger": (9, 200, 120)}  # agencies, employees, activities

# A 1x1 PNG: the government logo route serves the government's logo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

# GET routes that are not pages, with the reason.
NOT_PAGES = {
    "set_language": "switches the language and redirects back (an action, not a page)",
    "accounts:sign_in_code": "the second step of a sign-in in progress; it redirects otherwise",
}
# Entry points that send a user of one government on to its page (a person in several
# governments chooses there); they answer with a redirect, whose queries are pinned as well.
REDIRECTS = {
    "frameworks:detail": "a framework's page is its latest version",
    "org:my_units": "the units of the user's government",
    "org:my_employees": "the employees of the user's government",
    "teams:my_teams": "the teams of the user's government",
    "programme:mine": "the programmes of the user's government",
    "activities:start": "the activity log of the user's government",
    "monev:start": "the monitoring periods of the user's government",
    "accounts:recovery_codes": "without an authenticator it sends the user to set one up",
    "rulebook:mine": "the rulebook of the user's government",
    "problems:mine": "problem solving of the user's government",
    "competitions:mine": "the competitions of the user's government",
    "surveys:mine": "the surveys of the user's government",
    "dashboard:start": "the dashboard of the user's government",
}
# Routes that only the agency's own roles reach (editing the agency's draft report).
AGENCY_ONLY = frozenset(
    {
        "monev:report_pick",
        "monev:row_create",
        "monev:row_edit",
        "monev:evidence_picker",
        "monev:signatory",
    }
)
# Who requests a route: the first role in this order that may reach it.
ROLE_PREFERENCE = (
    Role.CITY_ADMIN,
    Role.LEADERSHIP,
    Role.UNIT_HEAD,
    Role.UNIT_TEAM,
    Role.SYSTEM_ADMIN,
    Role.EMPLOYEE,
)


@dataclass
class Site:
    """One generated government and the objects its routes name."""

    government: Government
    users: dict[str, User]
    objects: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def slug(self) -> str:
        return self.government.slug


@pytest.fixture(autouse=True)
def _a_sunday_for_the_missed_obligations(monkeypatch):
    """The missed obligations of "Tugas saya" count from Monday to yesterday, so on a Monday
    they ask nothing and every home page issues four queries fewer (and before the week's first
    window closes, two): the pinned counts are those of the last Sunday (today, on a Sunday), every
    window of its week closed, whatever day the suite runs (it failed after midnight WIB on a Monday)."""
    import types

    from budaya.activities import todo

    def sunday() -> datetime.date:
        today = timezone.localdate()
        return today - datetime.timedelta(days=(today.weekday() + 1) % 7)

    monkeypatch.setattr(todo, "timezone", types.SimpleNamespace(localdate=sunday))


def _site(generated: Generated, sysadmin: User) -> Site:
    government = generated.government
    names = usernames(government.slug)
    users: dict[str, User] = {
        role: generated.users[names[role]] for role in (Role.CITY_ADMIN, Role.LEADERSHIP)
    }
    users[Role.UNIT_HEAD] = generated.users[names[Role.UNIT_HEAD]]
    users[Role.UNIT_TEAM] = generated.users[names[Role.UNIT_TEAM]]
    users[Role.SYSTEM_ADMIN] = sysadmin
    government.logo.save("logo.png", ContentFile(PNG))
    first = generated.agencies[0]
    mine = {"government": government}
    team = Team.objects.get(**mine, unit=first)
    programme = Programme.objects.get(**mine, unit=None)
    period = Period.objects.get(**mine)
    acknowledged = Report.objects.get(**mine, state=State.ACKNOWLEDGED)
    draft = Report.objects.get(**mine, unit=first)
    adoption = current_adoptions([government])[government.pk]
    objects = {
        "agency": first,
        "employee": generated.employees[first.code],
        "team": team,
        "member": Membership.objects.filter(team=team).order_by("pk").first(),
        "decree": Decree.objects.filter(**mine, status=Decree.Status.DRAFT).first(),
        "designation": Designation.objects.filter(**mine).order_by("pk").first(),
        "programme": programme,
        "item": ScorecardItem.objects.filter(programme=programme).order_by("pk").first(),
        "engagement": Engagement.objects.filter(programme=programme).order_by("pk").first(),
        "change": InstitutionalChange.objects.filter(programme=programme).order_by("pk").first(),
        "checklist_item": ChecklistItem.objects.filter(**mine).order_by("pk").first(),
        "activity": Activity.objects.filter(**mine, unit=first, status=Activity.Status.DONE)
        .order_by("pk")
        .first(),
        "evidence": Evidence.objects.filter(**mine, kind=Evidence.Kind.FILE).order_by("pk").first(),
        "form": ActivityForm.objects.filter(**mine).order_by("pk").first(),
        "obligation": Obligation.objects.filter(**mine).order_by("pk").first(),
        "period": period,
        "report": acknowledged,
        "draft": draft,
        "row": draft.rows.order_by("pk").first(),
        "city": CityReport.objects.filter(**mine).order_by("pk").first(),
        "follow_up": FollowUp.objects.filter(**mine).order_by("pk").first(),
        "import": EmployeeImport.objects.create(
            **mine,
            file=ContentFile(b"NIP;Nama;Unit kerja\n", name="roster.csv"),
            original_name="roster.csv",
            status=EmployeeImport.Status.PLANNED,
            counts={"new": 0},
            report={"header_cells": ["NIP", "Nama", "Unit kerja"], "rejected": []},
            created_by=users[Role.CITY_ADMIN],
        ),
        "version": adoption.version,
        # Issue 20 item 4: a ready leadership report of the period (a small PDF).
        "leadership_report": LeadershipReport.objects.create(
            **mine,
            period=period,
            number=1,
            status=LeadershipReport.Status.READY,
            file=ContentFile(b"%PDF-1.4\n", name="laporan.pdf"),
            sha256=hashlib.sha256(b"%PDF-1.4\n").hexdigest(),
            pages=1,
            requested_by=users[Role.CITY_ADMIN],
        ),
        "rulebook_version": _rulebook_versions(government, versions=len(generated.agencies) // 3),
        **_problem_solving(government, team, scale=len(generated.agencies)),
        **_competitions(government, users, scale=len(generated.agencies)),
        **_surveys(government, users, adoption.version, first),
    }
    _notifications(government, users[Role.CITY_ADMIN], scale=len(generated.agencies))
    # Refused sign-ins on the government's accounts: fewer than a page, or more (issue 17).
    SignInAttempt.objects.bulk_create(
        SignInAttempt(
            government=government,
            at=timezone.now(),
            identifier=user.username,
            user=user,
            remote_addr="10.0.0.1",
            step="password",
            result="failed",
        )
        for user in list(users.values())[:4]
        for _attempt in range(len(generated.agencies) * 2)
    )
    # Started under the current rulebook (the starter's stages have no steps): its stage pages.
    objects["later_programme"] = programme_services.create_programme(
        government=government, unit=None, year=programme.year + 1
    )
    missing = sorted(name for name, value in objects.items() if value is None)
    assert missing == [], f"the generated government has no {missing}"
    return Site(government, users, objects)


def _notifications(government: Government, user: User, scale: int) -> None:
    """Notifications and e-mails of the city administrator (issue 20): fewer than a page of
    each for the small government, more for the larger one."""
    Notification.objects.bulk_create(
        Notification(
            government=government,
            recipient=user,
            kind="monev.report.returned",
            key=f"uji:{n}",
            url="/",
            subject=f"Laporan dikembalikan {n}",
            body="Alasan",
        )
        for n in range(scale * 4)
    )
    Email.objects.bulk_create(
        Email(
            government=government,
            recipient=user,
            key=f"uji:{n}",
            address="admin@example.id",
            subject=f"Laporan dikembalikan {n}",
            body="Alasan",
            status=Email.Status.RETRYING,
            attempts=1,
            last_error="SMTPServerDisconnected",
            next_attempt_at=timezone.now(),
        )
        for n in range(scale * 4)
    )


def _rulebook_versions(government: Government, versions: int) -> Any:
    """The starter, then more versions (one for each third of the agencies): a longer history on
    the larger government's rulebook page. The starter keeps the government's teams section, so
    its team kinds, roles and rules (and the links to them above) stay (teams follow the
    rulebook's teams section: teams.services.follow_rulebook)."""
    import yaml

    from budaya.rulebook import services

    starter = yaml.safe_load(services.shipped_text("starter"))
    starter["teams"] = yaml.safe_load(services.export_rulebook(government=government))["teams"]
    text = yaml.safe_dump(starter, allow_unicode=True, sort_keys=False)
    version = services.import_rulebook(government=government, text=text).version
    for number in range(1, versions):
        changed = text.replace("Kepala Daerah\n", f"Kepala Daerah {number}\n")
        version = services.import_rulebook(government=government, text=changed).version
    return version


def _surveys(
    government: Government, users: dict[str, User], version: Any, agency: Any
) -> dict[str, Any]:
    """Issue 22: a questionnaire from the adopted framework; a whole-government pulse answered by
    everyone and closed (a figure per unit), and an open one an employee of the first agency is
    invited to and answers from their own page."""
    import datetime

    from budaya.org.models import Employee
    from budaya.surveys import services
    from budaya.surveys.models import Invitation

    admin = users[Role.CITY_ADMIN]
    employee = Employee.objects.filter(
        government=government, unit__path__startswith=agency.path
    ).order_by("pk")[1]
    users[Role.EMPLOYEE] = User.objects.create_user(username=f"pegawai.{government.slug}")
    users[Role.EMPLOYEE].role_grants.create(role=Role.EMPLOYEE, government=government, unit=agency)
    users[Role.EMPLOYEE].employee = employee
    users[Role.EMPLOYEE].save(update_fields=["employee"])
    questionnaire = services.generate_questionnaire(
        actor=admin,
        government=government,
        version=version,
        name="Pulse",
        scale="agree5",
        comments=True,
        source="values",
    )
    today = timezone.localdate()
    made = []
    for title in ("Closed", "Open"):
        survey = services.create_survey(
            actor=admin,
            government=government,
            questionnaire=questionnaire,
            kind="pulse",
            title=title,
            opens_on=today,
            closes_on=today + datetime.timedelta(days=7),
        )
        services.open_survey(actor=admin, survey=survey)
        made.append(survey)
    items = list(questionnaire.items.values_list("pk", flat=True))
    for number, invitation in enumerate(Invitation.objects.filter(survey=made[0])):
        services.save_answers(
            invitation=invitation, points=dict.fromkeys(items, 1 + number % 5), comment="Baik"
        )
        services.submit(actor=None, invitation=invitation)
    services.close_survey(actor=admin, survey=made[0])
    return {
        "questionnaire": questionnaire,
        "survey_item": questionnaire.items.first(),
        "survey": made[0],
        "open_survey": made[1],
    }


def _problem_solving(government: Government, team: Team, scale: int) -> dict[str, Any]:
    """KBK problem solving turned on in the rulebook (issue 21), and on the first agency's team
    as many problems as the government has agencies, each scored by every member, the first
    with causes, a plan of as many actions, a meeting attended by every member and a report."""
    import datetime

    import yaml

    from budaya.problems.models import (
        Action,
        ActionPlan,
        Attendance,
        Cause,
        Meeting,
        PriorityScore,
        Problem,
        ProgressReport,
    )
    from budaya.rulebook import services

    text = services.shipped_text("starter").replace(
        "problem_solving:\n  applies: false", "problem_solving:\n  applies: true"
    )
    # The government's teams section kept: its team kinds, roles and rules stay (issue 18).
    content = yaml.safe_load(text)
    content["teams"] = yaml.safe_load(services.export_rulebook(government=government))["teams"]
    text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
    services.import_rulebook(government=government, text=text)
    day = datetime.date(2025, 3, 1)
    mine = {"government": government}
    members = list(Membership.objects.filter(team=team).order_by("pk"))
    problems = Problem.objects.bulk_create(
        Problem(**mine, team=team, title=f"Masalah {n}", source="meeting", raised_on=day)
        for n in range(scale)
    )
    PriorityScore.objects.bulk_create(
        PriorityScore(**mine, problem=p, membership=m, urgency=3, seriousness=2, growth=1 + n % 5)
        for n, p in enumerate(problems)
        for m in members
    )
    problem = problems[0]
    Cause.objects.bulk_create(
        Cause(**mine, problem=problem, category="Man", text=f"Sebab {n}", order=n)
        for n in range(scale)
    )
    plan = ActionPlan.objects.create(**mine, problem=problem)
    Action.objects.bulk_create(
        Action(
            **mine,
            plan=plan,
            title=f"Tindakan {n}",
            owner=members[0].employee,
            due_on=day,
            expected_result="Hasil",
            indicator="Indikator",
            order=n,
        )
        for n in range(scale)
    )
    meeting = Meeting.objects.create(**mine, team=team, held_on=day, place="Aula", agenda="Rapat")
    Attendance.objects.bulk_create(
        Attendance(**mine, meeting=meeting, membership=m) for m in members
    )
    return {
        "problem": problem,
        "problem_action": plan.actions.order_by("pk").first(),
        "problem_cause": problem.causes.order_by("pk").first(),
        "meeting": meeting,
        "progress_report": ProgressReport.objects.create(
            **mine, team=team, period_start=day, period_end=day, figures={"lines": []}
        ),
    }


def _competitions(government: Government, users: dict[str, User], scale: int) -> dict[str, Any]:
    """A competition being judged (an entry of each agency team, scored by the leadership user
    on every criterion of a rubric with as many criteria as a third of the agencies) and a
    published one with its awards (issue 24)."""
    import datetime

    from budaya.competitions.models import (
        Award,
        Category,
        Competition,
        Criterion,
        Entry,
        Judge,
        JudgeScore,
    )

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    mine = {"government": government}
    teams = list(Team.objects.filter(**mine, unit__isnull=False).select_related("unit"))
    made = {}
    for key, offsets, published in (
        ("competition", (-30, -20, -10, 10, 20), None),
        ("published", (-300, -290, -280, -270, -260), timezone.now()),
    ):
        opens, registration, submission, judging, announce = (today + n * day for n in offsets)
        competition = Competition.objects.create(
            **mine,
            name=f"Lomba {key}",
            kind="kbk",
            year=opens.year,
            opens_on=opens,
            registration_closes=registration,
            submission_closes=submission,
            judging_closes=judging,
            announce_on=announce,
            published_at=published,
        )
        category = Category.objects.create(**mine, competition=competition, name="Umum")
        count = max(scale // 3, 1)
        criteria = Criterion.objects.bulk_create(
            Criterion(
                **mine,
                competition=competition,
                name=f"Kriteria {n}",
                weight=100 // count + (100 % count if n == 0 else 0),
                descriptors={str(v): f"Tingkat {v}" for v in range(1, 6)},
                order=n,
            )
            for n in range(count)
        )
        judge = Judge.objects.create(
            **mine, competition=competition, category=category, user=users[Role.LEADERSHIP]
        )
        entries = Entry.objects.bulk_create(
            Entry(
                **mine,
                competition=competition,
                category=category,
                team=team,
                unit=team.unit,
                title=f"Karya {team.name}",
                status="submitted",
            )
            for team in teams
        )
        JudgeScore.objects.bulk_create(
            JudgeScore(**mine, entry=e, judge=judge, criterion=c, value=1 + (e.pk + c.pk) % 5)
            for e in entries
            for c in criteria
        )
        made[key] = competition
        made[f"{key}_entry"] = entries[0]
    awards = Award.objects.bulk_create(
        Award(**mine, competition=made["published"], entry=entry, rank=n + 1, total=90 - n)
        for n, entry in enumerate(Entry.objects.filter(competition=made["published"])[:3])
    )
    made["award"] = awards[0]
    return made


Args = Callable[[Site], dict[str, Any]]


def _gov(s: Site) -> dict[str, Any]:
    return {"slug": s.slug}


def _in_gov(name: str, **extra: Any) -> Args:
    return lambda s: {"slug": s.slug, "pk": getattr(s, name).pk, **extra}


def _programme(**extra: Callable[[Site], Any]) -> Args:
    return lambda s: {
        "slug": s.slug,
        "pk": s.programme.pk,
        **{key: value(s) for key, value in extra.items()},
    }


def _framework(s: Site) -> dict[str, Any]:
    return {"slug": s.version.framework.slug, "number": s.version.number}


# The arguments of every route that takes some, from the generated government.
ARGS: dict[str, Args] = {
    "notifications:outbox": _gov,
    "notifications:texts": _gov,
    "notifications:text_edit": lambda s: {
        "slug": s.slug,
        "kind": "monev.report.returned",
        "language": "id",
    },
    "surveys:index": _gov,
    "surveys:create": _gov,
    "surveys:policy": _gov,
    "surveys:questionnaires": _gov,
    "surveys:questionnaire": _in_gov("questionnaire"),
    "surveys:item_edit": lambda s: {
        "slug": s.slug,
        "pk": s.questionnaire.pk,
        "item": s.survey_item.pk,
    },
    "surveys:detail": _in_gov("survey"),
    "surveys:export": _in_gov("survey"),
    "surveys:answer": _in_gov("open_survey"),
    "surveys:participation": lambda s: {"slug": s.slug, "unit": s.agency.pk},
    "accounts:password_reset_confirm": lambda s: {"uidb64": "MQ", "token": "set-password"},
    "accounts:user_detail": lambda s: {"pk": s.users[Role.UNIT_HEAD].pk},
    "accounts:audit_object": lambda s: {"object_type": "monev.report", "object_id": s.report.pk},
    "frameworks:adoption": lambda s: {"government": s.slug},
    "frameworks:slogans": lambda s: {"government": s.slug},
    "frameworks:detail": lambda s: {"slug": s.version.framework.slug},
    "frameworks:version": _framework,
    "frameworks:export": _framework,
    "rulebook:detail": _gov,
    "rulebook:import": _gov,
    "rulebook:version": lambda s: {"slug": s.slug, "number": s.rulebook_version.number},
    "rulebook:export": lambda s: {"slug": s.slug, "number": s.rulebook_version.number},
    "org:government_detail": _gov,
    "org:government_edit": _gov,
    "org:government_logo": _gov,
    "org:setup": _gov,
    "org:unit_list": _gov,
    "org:unit_create": _gov,
    "org:unit_detail": _in_gov("agency"),
    "org:unit_edit": _in_gov("agency"),
    "org:unit_letterhead": _in_gov("agency"),
    "org:employee_list": _gov,
    "org:employee_export": _gov,
    "org:employee_create": _gov,
    "org:employee_detail": _in_gov("employee"),
    "org:employee_edit": _in_gov("employee"),
    "org:employee_transfer": _in_gov("employee"),
    "org:import_list": _gov,
    "org:import_create": _gov,
    "org:unit_import_create": _gov,
    "org:import_mapping": _gov,
    "org:import_detail": _in_gov("import"),
    "org:import_rejected": _in_gov("import"),
    "teams:team_list": _gov,
    "teams:team_create": _gov,
    "teams:compliance": _gov,
    "teams:team_detail": _in_gov("team"),
    "teams:team_edit": _in_gov("team"),
    "teams:team_chart": _in_gov("team"),
    "teams:member_add": _in_gov("team"),
    "teams:member_edit": lambda s: {"slug": s.slug, "pk": s.team.pk, "member": s.member.pk},
    "teams:decree_create": _in_gov("team"),
    "teams:decree_list": _gov,
    "teams:decree_detail": _in_gov("decree"),
    "teams:decree_edit": _in_gov("decree"),
    "teams:decree_draft": _in_gov("decree"),
    "teams:rules": _gov,
    "teams:rules_export": _gov,
    "teams:policy_edit": _gov,
    "teams:template_upload": _gov,
    "teams:template_download": _gov,
    "teams:designation_list": _gov,
    "teams:designation_create": _gov,
    "teams:designation_detail": _in_gov("designation"),
    "programme:list": _gov,
    "programme:create": _gov,
    "programme:checklist_items": _gov,
    "programme:checklist_item_edit": _in_gov("checklist_item"),
    "programme:detail": _programme(),
    "programme:edit": _programme(),
    "programme:step": _programme(
        stage=lambda s: rulebook_of(s.programme).stages[0].code,
        step=lambda s: rulebook_of(s.programme).stages[0].steps[0].code,
    ),
    "programme:stage": lambda s: {
        "slug": s.slug,
        "pk": s.later_programme.pk,
        "stage": rulebook_of(s.later_programme).stages[0].code,
    },
    "programme:area_create": _programme(),
    "programme:scorecard": _programme(),
    "programme:scorecard_export": _programme(),
    "programme:item_create": _programme(),
    "programme:item_edit": _programme(item=lambda s: s.item.pk),
    "programme:declaration": _programme(),
    "programme:engagement_create": _programme(kind=lambda s: "socialisation"),
    "programme:engagement_edit": _programme(engagement=lambda s: s.engagement.pk),
    "programme:change_create": _programme(),
    "programme:change_edit": _programme(change=lambda s: s.change.pk),
    "programme:checklist": _programme(),
    "activities:evidence_file": lambda s: {"pk": s.evidence.pk},
    "activities:evidence_thumbnail": lambda s: {"pk": s.evidence.pk},
    "activities:list": _gov,
    "activities:export": _gov,
    "activities:create": _gov,
    "activities:gallery": _gov,
    "activities:calendar": _gov,
    "activities:compliance": _gov,
    "activities:form_list": _gov,
    "activities:form_edit": _in_gov("form"),
    "activities:obligation_list": _gov,
    "activities:obligation_create": _gov,
    "activities:obligation_edit": _in_gov("obligation"),
    "activities:detail": _in_gov("activity"),
    "activities:edit": _in_gov("activity"),
    "monev:period_list": _gov,
    "monev:period_create": _gov,
    "monev:board": _in_gov("period"),
    "monev:period_edit": _in_gov("period"),
    "monev:maturity_overview": _in_gov("period"),
    "monev:maturity_overview_export": _in_gov("period", fmt="xlsx"),
    "monev:overdue": _gov,
    "monev:instrument": _gov,
    "monev:report": _in_gov("report"),
    "monev:report_pick": _in_gov("draft"),
    "monev:row_create": _in_gov("draft"),
    "monev:evidence_picker": _in_gov("draft"),
    "monev:row_edit": lambda s: {"slug": s.slug, "pk": s.draft.pk, "row": s.row.pk},
    "monev:signatory": _in_gov("draft"),
    "monev:maturity": _in_gov("report"),
    "monev:versions": _in_gov("report"),
    "monev:version": lambda s: {"slug": s.slug, "pk": s.report.pk, "number": 1},
    "monev:report_export": _in_gov("report", fmt="xlsx"),
    "monev:city": _in_gov("city"),
    "monev:city_export": _in_gov("city", fmt="xlsx"),
    "monev:follow_ups": _gov,
    "monev:follow_up": _in_gov("follow_up"),
    "problems:index": _gov,
    "problems:team": _in_gov("team"),
    "problems:problem_create": _in_gov("team"),
    "problems:meeting_create": _in_gov("team"),
    "problems:report_create": _in_gov("team"),
    "problems:problem": _in_gov("problem"),
    "problems:problem_edit": _in_gov("problem"),
    "problems:score": _in_gov("problem"),
    "problems:cause_add": _in_gov("problem"),
    "problems:cause_edit": lambda s: {
        "slug": s.slug,
        "pk": s.problem.pk,
        "cause": s.problem_cause.pk,
    },
    "problems:fishbone": _in_gov("problem"),
    "problems:direction": _in_gov("problem"),
    "problems:action_add": _in_gov("problem"),
    "problems:action_edit": lambda s: {
        "slug": s.slug,
        "pk": s.problem.pk,
        "action": s.problem_action.pk,
    },
    "problems:action_execute": lambda s: {
        "slug": s.slug,
        "pk": s.problem.pk,
        "action": s.problem_action.pk,
    },
    "problems:meeting": _in_gov("meeting"),
    "problems:meeting_export": _in_gov("meeting", fmt="docx"),
    "problems:report": _in_gov("progress_report"),
    "competitions:verify": lambda s: {"token": s.award.token},
    "competitions:list": _gov,
    "competitions:create": _gov,
    "competitions:gallery": _gov,
    "competitions:detail": _in_gov("competition"),
    "competitions:edit": _in_gov("competition"),
    "competitions:rubric": _in_gov("competition"),
    "competitions:jury": _in_gov("competition"),
    "competitions:entry_create": _in_gov("competition"),
    "competitions:ranking": _in_gov("competition"),
    "competitions:results": _in_gov("published"),
    "competitions:entry": _in_gov("competition_entry"),
    "competitions:score": _in_gov("competition_entry"),
    "competitions:certificate": _in_gov("award"),
    "dashboard:government": _gov,
    "dashboard:province": lambda s: {"code": s.government.kemendagri_code.split(".")[0]},
    "dashboard:report": _in_gov("leadership_report"),
    "dashboard:report_file": _in_gov("leadership_report"),
}

# Queries of each page (for the larger government; the small one must give the same).
PINNED: dict[str, int] = {
    # Every app's "Tugas saya" provider (issue 20) and the user's governments, kept per user
    # and version (issue 25): the version (one query), the imports asked anew, the newest
    # unread and (as many as shown) their count. Computed afresh: BOARDS_COMPUTED.
    "home": 7,
    "menu": 6,  # the same tasks, asked for once the cached counts were forgotten
    "healthz": 1,
    "login": 0,
    "accounts:password_reset": 0,
    "accounts:password_reset_done": 0,
    "accounts:password_reset_confirm": 1,
    "accounts:password_reset_complete": 0,
    "accounts:account": 7,  # with how the user is notified and the outboxes (issue 20)
    "accounts:password_change": 3,
    "accounts:password_change_done": 3,
    "accounts:two_factor": 7,
    "accounts:user_list": 6,
    "accounts:user_invite": 9,
    "accounts:user_detail": 12,
    "accounts:audit_list": 5,  # one government's trail kept (issue 25); afresh: BOARDS_COMPUTED
    "accounts:audit_object": 7,
    "accounts:sign_in_attempts": 5,
    "accounts:recovery_codes": 3,
    "frameworks:list": 8,
    "frameworks:schema": 0,
    "frameworks:import": 4,
    "frameworks:adoption": 9,
    "frameworks:slogans": 11,
    "frameworks:detail": 4,
    "frameworks:version": 13,
    "frameworks:export": 7,  # the grants: who may read the text (issue 18, item 4)
    "org:government_list": 5,
    "org:government_create": 3,
    "org:my_units": 4,
    "org:my_employees": 4,
    "org:government_detail": 10,
    "org:government_edit": 5,
    "org:government_logo": 4,
    "org:setup": 7,
    "org:unit_list": 7,
    "org:unit_create": 7,
    "org:unit_detail": 12,
    "org:unit_edit": 8,
    "org:unit_letterhead": 7,
    "org:employee_list": 8,  # the government's version read once for the count and the unit options
    "org:employee_export": 6,
    "org:employee_create": 7,
    "org:employee_detail": 8,
    "org:employee_edit": 7,
    "org:employee_transfer": 9,
    "org:import_list": 8,
    "org:import_create": 6,
    "org:unit_import_create": 6,
    "org:import_mapping": 8,
    "org:import_detail": 9,
    "org:import_rejected": 8,
    "teams:my_teams": 4,
    "teams:rules_schema": 0,
    "teams:team_list": 8,  # the page's table kept (issue 25); computed afresh: BOARDS_COMPUTED
    "teams:team_create": 11,
    "teams:compliance": 8,  # kept (issue 25); computed afresh: BOARDS_COMPUTED
    "teams:team_detail": 15,
    "teams:team_edit": 11,
    "teams:team_chart": 14,
    "teams:member_add": 9,
    "teams:member_edit": 16,
    "teams:decree_create": 9,
    "teams:decree_list": 6,
    "teams:decree_detail": 9,
    "teams:decree_edit": 7,
    "teams:decree_draft": 11,
    "teams:rules": 11,
    "teams:rules_export": 8,
    "teams:policy_edit": 7,
    "teams:template_upload": 7,
    "teams:template_download": 6,
    "teams:designation_list": 10,
    "teams:designation_create": 7,
    # +1: the nominee's closed 360 rounds (issue 22); +1: the competitions its teams won (24)
    "teams:designation_detail": 11,
    "programme:mine": 4,
    "programme:list": 16,
    "programme:create": 9,
    "programme:checklist_items": 8,
    "programme:checklist_item_edit": 8,
    "programme:detail": 26,  # + the KBK approved actions and their activities (issue 21)
    "programme:edit": 9,
    "programme:step": 11,
    "programme:stage": 11,
    "programme:area_create": 11,
    "programme:scorecard": 10,
    "programme:scorecard_export": 8,
    "programme:item_create": 13,
    "programme:item_edit": 14,
    "programme:declaration": 12,
    "programme:engagement_create": 9,
    "programme:engagement_edit": 11,
    "programme:change_create": 11,
    "programme:change_edit": 14,
    "programme:checklist": 11,
    "activities:start": 4,
    "activities:evidence_file": 4,
    "activities:evidence_thumbnail": 4,
    # The value filter (one query); +1 the unit paths read apart; what is coming up, the count,
    # the three selects' options and the page's table kept, the government's version read once
    # for them (issue 25; computed afresh: BOARDS_COMPUTED)
    "activities:list": 9,
    "activities:export": 9,  # the same (issue 25)
    "activities:create": 3,  # the choices cached per government (issue 25)
    "activities:gallery": 8,
    # +1 (issue 25): the keys of at most four activities a day with each day's count, then
    # those rows whole (a busy agency's six weeks are thousands of rows)
    "activities:calendar": 9,
    "activities:compliance": 8,  # kept (issue 25); computed afresh: BOARDS_COMPUTED
    "activities:form_list": 8,
    "activities:form_edit": 7,
    "activities:obligation_list": 8,
    "activities:obligation_create": 8,
    "activities:obligation_edit": 8,
    "activities:detail": 13,  # + the approved actions the activity carried out (issue 21)
    "activities:edit": 15,
    "monev:start": 4,
    "monev:period_list": 8,
    "monev:period_create": 8,
    # Kept (issue 25, budaya/fragments.py): the completeness board (-4: its lines, the summaries,
    # the own agencies of a user without any, whether the user sees every agency asked once),
    # the overview's table (-3) and the report's
    # table and survey evidence (-4: the rows, their evidence and comments, the evidence's own
    # reads, against the government's version read); computed afresh: BOARDS_COMPUTED.
    "monev:board": 11,
    "monev:period_edit": 7,
    "monev:maturity_overview": 9,
    "monev:maturity_overview_export": 12,
    "monev:overdue": 7,
    "monev:instrument": 9,
    # Monitoring pages +1: the rulebook version the period was opened under (issue 18).
    "monev:report": 19,  # +1: the agency's competition results as evidence (issue 24)
    # +1: the survey evidence the submitted version froze (issue 22)
    "monev:report_pick": 15,
    "monev:row_create": 11,
    "monev:evidence_picker": 10,
    "monev:row_edit": 14,
    "monev:signatory": 8,
    "monev:maturity": 12,  # +1: the agency's competition results as evidence (issue 24)
    "monev:versions": 7,
    "monev:version": 9,  # +1: the same, for the version's rows (issue 17)
    "monev:report_export": 9,  # +1: the same, for the export's note (issue 17)
    # The city report (issue 19): its versions, chain, follow-ups and the summary (agencies,
    # summaries, first submissions, rows, forms, values), each one query whatever the size.
    # +1: the last submitted versions of the reports back in draft after a return, so the
    # maturity claimed is what the agency submitted, never its draft's.
    "monev:city": 20,
    "monev:city_export": 21,
    "monev:follow_ups": 9,
    "monev:follow_up": 9,
    "rulebook:mine": 4,
    "rulebook:schema": 0,
    "rulebook:starter": 2,
    "rulebook:detail": 7,
    "rulebook:import": 5,
    "rulebook:version": 6,
    "rulebook:export": 6,
    "problems:mine": 5,
    "problems:index": 10,  # the counts of the page's teams: problems, plans awaiting approval
    "problems:team": 14,  # the meetings and the reports paged (a count each)
    "problems:problem_create": 10,
    "problems:meeting_create": 12,  # the team's actions to link the follow-ups to (+1)
    "problems:report_create": 8,
    "problems:problem": 19,
    "problems:problem_edit": 12,
    "problems:score": 11,
    "problems:cause_add": 10,  # whether the causes may still change: the current plan (+1)
    "problems:cause_edit": 10,
    "problems:fishbone": 8,
    "problems:direction": 9,
    "problems:action_add": 12,
    "problems:action_edit": 14,
    "problems:action_execute": 13,
    "problems:meeting": 11,  # the actions followed up (+1)
    "problems:meeting_export": 11,  # the actions followed up (+1)
    "problems:report": 8,
    "competitions:mine": 4,
    "competitions:verify": 1,
    "competitions:list": 8,
    "competitions:create": 8,
    "competitions:gallery": 8,
    "competitions:detail": 15,
    "competitions:edit": 9,
    "competitions:rubric": 8,
    "competitions:jury": 12,
    "competitions:entry_create": 10,
    "competitions:ranking": 14,  # the whole ranking: categories, criteria, entries, scores
    "competitions:results": 7,
    "competitions:entry": 11,
    "competitions:score": 15,
    "competitions:certificate": 9,
    "notifications:list": 5,
    "notifications:preferences": 4,
    "notifications:outbox": 6,
    "notifications:texts": 5,
    "notifications:text_edit": 5,
    # Issue 22: results pages read the released figures (one query for every group).
    "surveys:mine": 4,
    "surveys:me": 3,
    "surveys:national": 4,
    "surveys:index": 7,
    "surveys:create": 7,
    "surveys:policy": 5,
    "surveys:questionnaires": 8,
    "surveys:questionnaire": 6,
    "surveys:item_edit": 5,
    "surveys:detail": 13,
    "surveys:export": 6,  # kept workbook: the names' version read, not the figures, values or government (issue 22)
    "surveys:answer": 5,
    "surveys:participation": 8,  # who has not yet signed/confirmed/answered, paged
    "dashboard:start": 4,
    # +6: participation per agency (issue 22): the policy, employees, declarations,
    # commitments, twibbons and the pulses' tallies, each grouped by unit in one query.
    "dashboard:government": 10,  # kept (issue 25), + the latest leadership report; afresh: BOARDS_COMPUTED
    # Issue 20 item 5: grouped reads of the rollups, whatever the number of governments.
    "dashboard:national": 7,
    "dashboard:province": 7,
    "dashboard:report": 7,
    "dashboard:report_file": 6,
}


@pytest.fixture
def sites(settings, tmp_path, make_user):
    settings.MEDIA_ROOT = tmp_path
    sysadmin = make_user("sysadmin.skala", Role.SYSTEM_ADMIN)
    return [
        _site(
            generate_government(
                slug=f"skala-uji-{name}",
                name=f"Kota Skala Uji {name}",
                agencies=agencies,
                employees=employees,
                activities=activities,
            ),
            sysadmin,
        )
        for name, (agencies, employees, activities) in SIZES.items()
    ]


def _role(name: str, who: Any) -> str | None:
    if who == PUBLIC:
        return None
    if name in AGENCY_ONLY:
        return Role.UNIT_HEAD
    if who == SIGNED_IN:
        return Role.CITY_ADMIN
    return next(role for role in ROLE_PREFERENCE if role in who)


def _measure(client, user: User | None, url: str) -> tuple[int, int]:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    client.get(url)  # once before counting: caches (content types, sessions) are warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, len(queries)


def test_every_page_issues_as_many_queries_for_a_larger_government(client, sites):
    problems: list[str] = []
    measured: dict[str, int] = {}
    for route in walk():
        access = ROUTES[route.name]
        # POST routes are actions (they answer with a redirect), not pages.
        if access.method != "GET" or route.name in NOT_PAGES:
            continue
        role = _role(route.name, access.who)
        counts = []
        for site in sites:
            try:
                url = reverse(
                    route.name, kwargs=ARGS[route.name](site) if route.name in ARGS else None
                )
            except NoReverseMatch:
                problems.append(f"{route.name}: give its arguments in ARGS")
                break
            status, count = _measure(client, site.users[role] if role else None, url)
            if status != (302 if route.name in REDIRECTS else 200):
                problems.append(f"{route.name}: {status} for {role} at {url}")
            counts.append(count)
        if len(counts) == 2:
            if counts[0] != counts[1]:
                problems.append(
                    f"{route.name}: {counts[0]} queries for the small government, "
                    f"{counts[1]} for the larger one"
                )
            measured[route.name] = counts[1]
    assert problems == [], "\n".join(problems)
    changed = {
        name: {"pinned": PINNED.get(name), "now": count}
        for name, count in measured.items()
        if PINNED.get(name) != count
    }
    assert changed == {}, "query counts changed: update PINNED if the change is intended"


# Recording an activity, the hot write (issue 25, item 2): the session, the user, the grants
# with the government and its version of the form's choices (one query), then the evidence,
# the activity, its values, its evidence link, its month's cell and its values' cells (one
# upsert each), the chain's lock, every audit entry in one insert, the chain's head: twelve
# statements in one transaction. The transaction's own begin and end are not counted (here
# the test's SAVEPOINT and RELEASE; in production BEGIN and COMMIT, which Django does not log
# on PostgreSQL); no savepoint inside it. The province and national views' rollup (issue 20
# item 5) moves the government's month in the month cell's upsert (a trigger, migration
# dashboard.0003): no statement of its own (it was a thirteenth until then).
# On PostgreSQL statements travel together (``bulk.together``): the activity with its link
# as evidence; its values, its evidence link and the month cells with the chain's lock; the
# audit entries with the chain's head: 6 there. SQLite runs one statement per call: 12.
RECORDING_QUERIES = {"postgresql": 6, "sqlite": 12}


def test_recording_an_activity_issues_as_many_queries_for_a_larger_government(client, sites):
    from django.db.models import Sum

    from budaya.activities.models import ActivityValueMonth
    from budaya.activities.selectors import current_values, forms_of, units_for_logging

    counts = []
    for site in sites:
        user = site.users[Role.UNIT_TEAM]
        url = reverse("activities:create", args=[site.slug])
        client.force_login(user)
        assert client.get(url).status_code == 200  # the choices cached, as after any recording
        values = list(current_values(site.government)[:2])
        data = {
            "unit": units_for_logging(user, site.government).first().pk,
            "date": timezone.localdate().isoformat(),
            "form": forms_of(site.government).order_by("pk").first().pk,
            "title": "Apel pagi dan pembacaan nilai budaya kerja",
            "values": [value.pk for value in values],
            "participants_count": "30",
            "status": "done",
            "link_url": "https://drive.example.go.id/kegiatan/1",
            "link_title": "Dokumentasi kegiatan",
        }
        done = ActivityValueMonth.objects.filter(government=site.government).aggregate(
            total=Sum("done")
        )["total"]
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        after = ActivityValueMonth.objects.filter(government=site.government).aggregate(
            total=Sum("done")
        )["total"]
        assert after == (done or 0) + 2  # one for each value, in the same transaction
        sql = [query["sql"] for query in queries.captured_queries]
        savepoints = [text for text in sql if text.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
        assert len(savepoints) == 2, "\n".join(savepoints)  # the transaction's, none inside
        counts.append(len(sql) - len(savepoints))
    expected = RECORDING_QUERIES[connection.vendor]
    assert counts == [expected, expected], "\n".join(text[:200] for text in sql)


# The boards are kept per government and version (issue 25, ``budaya/fragments.py``): PINNED
# holds what a request costs when its board is served as kept (the count above measures the
# second request), and here what it costs when the board is computed afresh, pinned likewise at
# both sizes: computing it issues no query per agency, team or cell either.
BOARDS_COMPUTED = {
    # Every app's "Tugas saya" provider (issue 20): a few counts each, whatever the size.
    "home": 29,  # + the version, the bell and the words no longer kept
    "menu": 25,
    "activities:compliance": 14,
    "teams:compliance": 18,
    # + participation (6), activities by value, the latest report; +1 (issue 22): the version
    # read again for the participation counts kept apart (then no query for another kind,
    # period of the same window or reader's scope: surveys/tests/test_query_counts.py)
    "dashboard:government": 45,
    "monev:board": 16,
    "monev:maturity_overview": 15,
    # The table and the survey evidence each read the government's version; +1 (issue 24): the
    # agency's competition results.
    "monev:report": 25,
    # The lists' kept parts (issue 25): the roster's count and the unit filter's options, the
    # unit tree's table, the teams list's table, the activity log's reminders, count, table and
    # its three selects' options.
    "org:employee_list": 12,
    "org:unit_list": 10,
    "teams:team_list": 16,
    "activities:list": 21,  # what is coming up, not yet recorded
    "accounts:audit_list": 11,  # one government's trail: its kinds and its page
}


def test_boards_computed_afresh_issue_as_many_queries_for_a_larger_government(client, sites):
    from django.core.cache import cache

    measured: dict[str, list[int]] = {}
    for name in BOARDS_COMPUTED:
        role = _role(name, ROUTES[name].who)
        for site in sites:
            url = reverse(name, kwargs=ARGS[name](site) if name in ARGS else None)
            client.force_login(site.users[role])
            client.get(url)  # sessions and the per-process caches warm, as in _measure
            cache.clear()  # the board (the tasks, the menu's counts) no longer kept
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, f"{name}: {response.status_code}"
            measured.setdefault(name, []).append(len(queries))
    assert measured == {name: [count, count] for name, count in BOARDS_COMPUTED.items()}
