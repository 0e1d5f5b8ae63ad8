"""The steps that give someone work are announced (budaya.events) and listed as tasks
(budaya.pending): T Lampiran II III (direction and approval by the penanggung-jawab), T Pasal
9(3)(d) and 9(2)(c), (e) (the progress report and its follow-up)."""

from __future__ import annotations

import datetime

import pytest

from budaya import pending
from budaya.accounts.models import Role
from budaya.events import workflow_event
from budaya.notifications import kinds
from budaya.notifications import services as notifications
from budaya.notifications.models import Notification
from budaya.problems import services
from budaya.problems.models import ActionPlan
from budaya.problems.tests.test_services import _problem, _to_submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    events = []

    def listen(sender, event, **kwargs):
        events.append(event)

    workflow_event.connect(listen)
    yield events
    workflow_event.disconnect(listen)


def _tasks(user):
    return {str(item.label): (item.count, item.url) for item in pending.pending_for(user)}


def test_each_step_is_announced_to_whom_it_goes(
    cycle, announced, django_capture_on_commit_callbacks
):
    c = cycle
    with django_capture_on_commit_callbacks(execute=True):
        problem, plan = _to_submitted(c)
        plan = services.transition_plan(
            plan=plan, to=ActionPlan.Status.RETURNED, acting_user=c.head, note="Indikator terukur"
        )
        plan = services.transition_plan(
            plan=plan, to=ActionPlan.Status.SUBMITTED, acting_user=c.worker
        )
        plan = services.transition_plan(
            plan=plan, to=ActionPlan.Status.APPROVED, acting_user=c.head
        )
        report = services.send_progress_report(
            team=c.team,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 6, 30),
            acting_user=c.worker,
        )
        services.follow_up_report(report=report, follow_up="Lanjutkan", acting_user=c.head)
    steps = [(e.kind, set(e.recipient_ids)) for e in announced]
    assert steps == [
        ("problems.root_cause.sent", {c.head.pk}),
        ("problems.plan.submitted", {c.head.pk}),
        ("problems.plan.returned", {c.worker.pk}),
        ("problems.plan.submitted", {c.head.pk}),
        ("problems.plan.approved", {c.worker.pk}),
        ("problems.report.sent", {c.head.pk}),
        ("problems.report.followed_up", {c.worker.pk}),
    ]
    returned = announced[2]
    assert returned.context["note"] == "Indikator terukur"
    assert returned.url == f"/problems/{c.government.slug}/problems/{problem.pk}/"
    assert len({e.key for e in announced}) == len(announced)  # each step once
    assert all(e.government_id == c.government.pk for e in announced)
    # Each has its own text in the notifications app, every placeholder filled (the generic
    # text left "Perlu perhatian Anda: " with nothing after it).
    for event in announced:
        kind = kinds.KINDS[event.kind]
        subject, body = notifications.compose(kind, None, "id", dict(event.context))
        assert "{" not in subject + body and subject.split(": ", 1)[1], (event.kind, subject)
    subject, body = notifications.compose(
        kinds.KINDS["problems.plan.returned"], None, "id", dict(returned.context)
    )
    assert subject == f"Rencana tindakan dikembalikan dengan arahan: {problem.title}"
    assert "Indikator terukur" in body
    # Each step done settles what asked for it: the head no longer has two unread "waiting for
    # your approval" of a plan approved since, nor the team its "returned" after sending again.
    unread = {
        (n.recipient_id, n.kind)
        for n in Notification.objects.filter(government=c.government, read_at__isnull=True)
    }
    assert unread == {
        (c.head.pk, "problems.root_cause.sent"),  # no direction was announced in this cycle
        (c.worker.pk, "problems.plan.approved"),
        (c.worker.pk, "problems.report.followed_up"),
    }
    assert Notification.objects.filter(kind="problems.plan.submitted").count() == 2


def test_a_rolled_back_step_announces_nothing(cycle, announced, django_capture_on_commit_callbacks):
    from django.db import transaction

    c = cycle
    problem = _problem(c)
    cause = services.add_cause(problem=problem, text="Belum ada piket", acting_user=c.worker)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.send_root_cause(problem=problem, cause=cause, acting_user=c.worker)
                raise RuntimeError
        except RuntimeError:
            pass
    assert announced == []


def test_the_penanggung_jawab_sees_what_awaits_him_and_the_team_what_came_back(cycle, make_user):
    c = cycle
    assert _tasks(c.head) == {}
    problem, plan = _to_submitted(c)
    tasks = _tasks(c.head)
    assert tasks["Rencana tindakan menunggu persetujuan Anda"] == (
        1,
        f"/problems/{c.government.slug}/problems/{problem.pk}/",
    )
    # The root cause was sent and awaits direction too.
    assert tasks["Akar masalah menunggu arahan Anda"][0] == 1
    assert _tasks(c.worker) == {}
    services.transition_plan(
        plan=plan, to=ActionPlan.Status.RETURNED, acting_user=c.head, note="Indikator terukur"
    )
    assert "Rencana tindakan menunggu persetujuan Anda" not in _tasks(c.head)
    assert _tasks(c.worker)["Rencana tindakan dikembalikan dengan arahan"][0] == 1
    report = services.send_progress_report(
        team=c.team,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
        acting_user=c.worker,
    )
    second = services.send_progress_report(
        team=c.team,
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 12, 31),
        acting_user=c.worker,
    )
    label = "Laporan kemajuan KBK untuk dibaca dan ditindaklanjuti"
    # Two reports: the overview of the government's KBKs.
    assert _tasks(c.head)[label] == (2, f"/problems/{c.government.slug}/")
    services.follow_up_report(report=report, follow_up="Lanjutkan", acting_user=c.head)
    assert _tasks(c.head)[label] == (
        1,
        f"/problems/{c.government.slug}/reports/{second.pk}/",
    )
    # Every link answers for the user.
    from django.test import Client

    client = Client()
    client.force_login(c.head)
    for _count, url in _tasks(c.head).values():
        assert client.get(url).status_code == 200
    # Another agency's head and another government's team see none of it.
    other = make_user("kepala.lain", Role.UNIT_HEAD, c.government, _other_agency(c))
    assert _tasks(other) == {}
    assert _tasks(c.foreign_worker) == {}


def test_the_employee_at_the_top_of_the_chart_is_the_penanggung_jawab(cycle, make_user):
    c = cycle
    # A unit-team user whose employee holds the team's penanggung-jawab role.
    top = make_user(
        "pj.uji", Role.UNIT_TEAM, c.government, c.agency, employee=c.members["head"].employee
    )
    _to_submitted(c)
    assert _tasks(top)["Rencana tindakan menunggu persetujuan Anda"][0] == 1
    assert _tasks(c.worker) == {}


def _other_agency(c):
    from budaya.org.models import Unit

    return Unit.objects.create(
        government=c.government, kind=Unit.Kind.DINAS, code="1.03", name="Dinas Pendidikan"
    )
