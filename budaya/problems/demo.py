"""Demo data for KBK problem solving: cycles at different stages in agencies of every government
whose rulebook applies it (the first demo city only), written through the services.

Dinas Kesehatan (where the demo logins work) has a plan that its penanggung-jawab returned once
with direction and then approved, carried out through logged activities; other agencies show a
solved cycle with its check, a plan awaiting approval, a root cause awaiting direction, and a
fresh inventory with a tie in its ranking. Idempotent: a team with problems is left alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from budaya.accounts.models import User
from budaya.activities.models import Activity, ActivityForm
from budaya.activities.services import create_activity
from budaya.org.models import Employee, Government
from budaya.problems import selectors, services
from budaya.problems.models import ActionPlan, PlanEvent, Problem
from budaya.teams.models import Membership, Team

TODAY = timezone.localdate()
STAGES = ["returned-approved", "solved", "submitted", "direction", "inventory"]
FIRST = "DINKES"

PROBLEMS = [
    (
        "Pelayanan loket dimulai terlambat",
        "Loket pelayanan sering baru buka setelah pukul 08.15 sehingga antrean menumpuk.",
        "complaint",
        (5, 4, 4),
    ),
    (
        "Rapat internal tidak tepat waktu",
        "Rapat koordinasi bidang rata-rata mulai 30 menit setelah jadwal.",
        "meeting",
        (3, 3, 3),
    ),
    (
        "Arsip surat masuk sulit ditelusuri",
        "Disposisi surat masuk tidak tercatat sehingga tindak lanjut sulit dipantau.",
        "audit",
        (3, 4, 2),
    ),
]
CAUSES = [
    ("Belum ada jadwal piket loket", 0),
    ("Petugas datang bersamaan dengan jam buka", 0),
    ("SOP pembukaan loket belum ada", 1),
    ("Absensi elektronik tidak terhubung dengan loket", 3),
    ("Ruang tunggu sempit saat antrean menumpuk", 4),
]
ACTIONS = [
    (
        "Menyusun jadwal piket loket pukul 07.30",
        "Jadwal piket harian ditetapkan Kepala",
        "Loket buka pukul 08.00 setiap hari kerja",
    ),
    (
        "Menyusun dan menyosialisasikan SOP pembukaan loket",
        "SOP ditetapkan dan dipahami petugas",
        "Seluruh petugas loket mengikuti sosialisasi SOP",
    ),
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def seed() -> list[str]:
    lines: list[str] = []
    for government in Government.objects.order_by("pk"):
        if not selectors.applies(government):
            continue
        made = _seed_government(government)
        if made:
            lines.append(f"{government}: {made} KBK problem-solving cycles")
    return lines


def _teams(government: Government) -> list[Team]:
    teams = list(
        Team.objects.filter(
            government=government, unit__isnull=False, dissolved_on__isnull=True
        ).select_related("unit", "government")
    )
    teams.sort(key=lambda t: (t.unit.code != FIRST, t.unit.path))
    return [t for t in teams if selectors.current_members(t)][: len(STAGES)]


def _seed_government(government: Government) -> int:
    made = 0
    for stage, team in zip(STAGES, _teams(government), strict=False):
        if Problem.objects.filter(government=government, team=team).exists():
            continue
        with transaction.atomic():
            _cycle(team, stage)
            _backdate(team, TODAY - datetime.timedelta(days=60))
        made += 1
    return made


def _actors(team: Team) -> tuple[Any, Any]:
    """The team's demo logins where they exist (the first agency's), else the operator."""
    code = selectors.unit_of(team).code.lower()
    slug = team.government.slug.removeprefix("kota-").removeprefix("kabupaten-")
    return _user(f"tim.{code}.{slug}"), _user(f"kepala.{code}.{slug}")


def _cycle(team: Team, stage: str) -> None:
    worker, head = _actors(team)
    members = selectors.current_members(team)
    day = TODAY - datetime.timedelta(days=60)
    problems = [
        services.record_problem(
            team=team,
            acting_user=worker,
            title=title,
            description=text,
            source=source,
            raised_by=members[min(1, len(members) - 1)].employee.full_name,
            raised_on=day,
        )
        for title, text, source, _scores in PROBLEMS
    ]
    for problem, (_title, _text, _source, (u, s, g)) in zip(problems, PROBLEMS, strict=True):
        for index, membership in enumerate(members):
            if stage == "inventory" and index >= 2:
                break
            # Members differ a little; the inventory's second and third problems tie.
            shift = (index % 3) - 1 if stage != "inventory" else 0
            services.score_problem(
                problem=problem,
                membership=membership,
                urgency=_clamp(u + shift),
                seriousness=s,
                growth=g if stage != "inventory" or problem is not problems[2] else 3,
                acting_user=worker,
            )
    if stage == "inventory":
        return
    top = problems[0]
    services.choose_problem(problem=top, acting_user=worker)
    categories = selectors.categories(team.government)
    causes = [
        services.add_cause(
            problem=top,
            text=text,
            category=categories[bone % len(categories)],
            acting_user=worker,
        )
        for text, bone in CAUSES
    ]
    services.send_root_cause(problem=top, cause=causes[2], acting_user=worker)
    if stage == "direction":
        return
    services.give_direction(
        problem=top,
        direction="Setuju. Susun SOP pembukaan loket dan jadwal piket; libatkan Kepala Seksi.",
        acting_user=head,
    )
    owners = _leaders(team)
    for index, (title, result, indicator) in enumerate(ACTIONS):
        services.add_action(
            problem=top,
            acting_user=worker,
            title=title,
            owner_id=owners[index % len(owners)].pk,
            due_on=day + datetime.timedelta(days=30 + 10 * index),
            resources="Staf Subbagian Umum; ruang rapat",
            expected_result=result,
            indicator=indicator,
            rules_to_change="SOP pelayanan loket" if index else "",
        )
    plan = selectors.current_plan(top)
    assert plan is not None
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.SUBMITTED, acting_user=worker)
    if stage == "submitted":
        return
    if stage == "returned-approved":
        plan = services.transition_plan(
            plan=plan,
            to=ActionPlan.Status.RETURNED,
            acting_user=head,
            note="Tambahkan indikator yang terukur dan tanggal sosialisasi SOP.",
        )
        plan = services.transition_plan(
            plan=plan, to=ActionPlan.Status.SUBMITTED, acting_user=worker
        )
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.APPROVED, acting_user=head)
    actions = selectors.actions_of(plan)
    done = actions if stage == "solved" else actions[:1]
    for index, action in enumerate(done):
        activity = _activity(team, action.title, day + datetime.timedelta(days=25 + 10 * index))
        services.link_activity(action=action, activity=activity, acting_user=worker)
    services.record_meeting(
        team=team,
        acting_user=worker,
        held_on=day + datetime.timedelta(days=3),
        starts_at=datetime.time(9, 0),
        place=f"Ruang Rapat {selectors.unit_of(team).short_name or selectors.unit_of(team).name}",
        agenda="Penetapan prioritas masalah dan rencana tindakan",
        discussion="Anggota menilai tiga masalah dengan metode USG dan menelusuri penyebab "
        "masalah utama dengan diagram tulang ikan.",
        decisions="Masalah utama: pelayanan loket dimulai terlambat. Rencana tindakan diajukan "
        "kepada Penanggung-jawab.",
        follow_ups="Sekretaris menyiapkan rancangan SOP; Ketua mengajukan rencana tindakan.",
        attendance={m.pk: index != len(members) - 1 for index, m in enumerate(members)},
        problems=[top],
    )
    if stage != "solved":
        return
    for action in selectors.actions_of(plan):
        services.record_result(
            action=action,
            result="Tercapai: loket buka pukul 08.00 pada 19 dari 20 hari kerja.",
            achieved=True,
            acting_user=worker,
        )
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.DONE, acting_user=worker)
    services.record_check(
        plan=plan,
        decision=ActionPlan.Decision.STANDARDISE,
        lessons="Jadwal piket yang ditetapkan Kepala lebih ditaati daripada imbauan.",
        acting_user=worker,
    )
    report = services.send_progress_report(
        team=team,
        period_start=day.replace(day=1),
        period_end=TODAY,
        acting_user=worker,
        summary="Satu masalah terselesaikan; SOP pembukaan loket dibakukan.",
    )
    services.follow_up_report(
        report=report,
        follow_up="Terapkan SOP yang sama di seluruh UPT; laporkan hasilnya bulan depan.",
        acting_user=head,
    )


# The steps' days after the problems were raised, in order: the root cause sent and directed,
# then the plan's moves up and back (submitted, returned, submitted, approved).
SENT, DIRECTED, MOVES, CHECKED = 2, 4, (5, 7, 8, 10), 37


def _backdate(team: Team, day: datetime.date) -> None:
    """The services stamp every step with the moment the demo is written; the story runs over
    the two months since the problems were raised, so the dates shown follow it: direction and
    approval before the activities that carried the plan out (dated from ``day`` + 25). The
    audit trail keeps the true moments of the writes."""

    def at(offset: int) -> datetime.datetime:
        moment = datetime.datetime.combine(day + datetime.timedelta(days=offset), datetime.time(10))
        return timezone.make_aware(moment)

    for problem in Problem.objects.filter(team=team, root_cause_sent_at__isnull=False):
        Problem.objects.filter(pk=problem.pk).update(
            root_cause_sent_at=at(SENT), direction_at=at(DIRECTED) if problem.direction_at else None
        )
        for plan in ActionPlan.objects.filter(problem=problem):
            offsets = iter(MOVES)
            for event in PlanEvent.objects.filter(plan=plan).order_by("pk"):
                if event.to_status == ActionPlan.Status.IN_PROGRESS:
                    when = at(25)  # the first activity
                elif event.to_status == ActionPlan.Status.DONE:
                    when = at(CHECKED - 1)
                else:
                    when = at(next(offsets))
                PlanEvent.objects.filter(pk=event.pk).update(at=when)
                if event.to_status == ActionPlan.Status.APPROVED:
                    ActionPlan.objects.filter(pk=plan.pk).update(approved_at=when)
            if plan.checked_at:
                ActionPlan.objects.filter(pk=plan.pk).update(checked_at=at(CHECKED))


def _clamp(value: int) -> int:
    return max(1, min(5, value))


def _leaders(team: Team) -> list[Employee]:
    """Owners of actions: leaders at any level of the unit (T Lampiran II III)."""
    leaders = list(
        Employee.objects.filter(
            government=team.government,
            unit__path__startswith=selectors.unit_of(team).path,
            active=True,
        )
        .exclude(echelon="")
        .order_by("echelon", "pk")[:3]
    )
    if leaders:
        return leaders
    return [m.employee for m in Membership.objects.filter(team=team).select_related("employee")]


def _activity(team: Team, title: str, day: datetime.date) -> Activity:
    form = (
        ActivityForm.objects.filter(government=team.government, active=True)
        .order_by("order", "pk")
        .first()
    )
    assert form is not None, "the activities demo makes the forms first"
    return create_activity(
        government=team.government,
        data={
            "unit": team.unit,
            "date": min(day, TODAY),
            "form": form,
            "title": title,
            "status": Activity.Status.DONE,
            "description": "Pelaksanaan rencana tindakan KBK.",
        },
        actor=None,
    )
