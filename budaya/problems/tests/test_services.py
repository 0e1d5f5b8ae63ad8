from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budaya.accounts.models import AuditEntry
from budaya.activities.models import Activity, ActivityForm
from budaya.problems import selectors, services
from budaya.problems.models import ActionPlan, PlanEvent, Problem
from budaya.problems.tests.conftest import action_fields

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 5, 1)


def _problem(c, title="Loket buka terlambat"):
    return services.record_problem(
        team=c.team, acting_user=c.worker, title=title, source="complaint", raised_on=DAY
    )


def _score(c, problem, key, u, s, g):
    return services.score_problem(
        problem=problem,
        membership=c.members[key],
        urgency=u,
        seriousness=s,
        growth=g,
        acting_user=c.worker,
    )


def test_each_member_scoring_is_kept_and_the_ranking_shows_ties(cycle):
    c = cycle
    first, second, third = (_problem(c, t) for t in ("Loket", "Rapat", "Arsip"))
    _score(c, first, "chair", 5, 5, 4)  # 14
    _score(c, first, "member", 3, 3, 2)  # 8 → mean 11
    _score(c, second, "chair", 4, 4, 3)  # 11
    _score(c, third, "chair", 2, 2, 2)  # 6
    _score(c, third, "chair", 4, 4, 3)  # scoring again replaces the member's score: 11
    rows = selectors.ranking(selectors.team_problems(c.team))
    by_title = {row.problem.title: row for row in rows}
    assert [s.total for s in by_title["Loket"].scores] == [14, 8]
    assert by_title["Loket"].total == 11.0
    assert {row.rank for row in rows} == {1}
    assert all(row.tied for row in rows)
    _score(c, second, "member", 1, 1, 1)  # (11 + 3) / 2 = 7
    rows = selectors.ranking(selectors.team_problems(c.team))
    assert [(row.problem.title, row.rank, row.tied) for row in rows] == [
        ("Loket", 1, True),
        ("Arsip", 1, True),
        ("Rapat", 3, False),
    ]


def test_scores_outside_1_to_5_and_strangers_are_refused(cycle, make_user):
    c = cycle
    problem = _problem(c)
    with pytest.raises(ValidationError):
        _score(c, problem, "chair", 6, 1, 1)
    from budaya.accounts.models import Role

    outsider = make_user("pegawai.uji", Role.EMPLOYEE, c.government, c.agency)
    with pytest.raises(PermissionDenied):
        services.score_problem(
            problem=problem,
            membership=c.members["chair"],
            urgency=1,
            seriousness=1,
            growth=1,
            acting_user=outsider,
        )


def _to_submitted(c):
    problem = _problem(c)
    cause = services.add_cause(
        problem=problem, category="Manusia", text="Belum ada piket", acting_user=c.worker
    )
    services.send_root_cause(problem=problem, cause=cause, acting_user=c.worker)
    services.add_action(problem=problem, acting_user=c.worker, **action_fields(c))
    plan = selectors.current_plan(problem)
    return problem, services.transition_plan(
        plan=plan, to=ActionPlan.Status.SUBMITTED, acting_user=c.worker
    )


def test_the_plan_follows_its_transition_table_and_only_the_penanggung_jawab_decides(cycle):
    c = cycle
    _problem, plan = _to_submitted(c)
    with pytest.raises(PermissionDenied):
        services.transition_plan(plan=plan, to=ActionPlan.Status.APPROVED, acting_user=c.worker)
    with pytest.raises(ValidationError):  # a return needs its direction
        services.transition_plan(plan=plan, to=ActionPlan.Status.RETURNED, acting_user=c.head)
    with pytest.raises(ValidationError):  # not in the table
        services.transition_plan(plan=plan, to=ActionPlan.Status.DONE, acting_user=c.worker)
    plan = services.transition_plan(
        plan=plan, to=ActionPlan.Status.RETURNED, acting_user=c.head, note="Indikator terukur"
    )
    action = selectors.actions_of(plan)[0]
    services.update_action(action=action, acting_user=c.worker, indicator="90% hari kerja")
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.SUBMITTED, acting_user=c.worker)
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.APPROVED, acting_user=c.head)
    with pytest.raises(ValidationError):  # an approved plan is no longer edited
        services.update_action(action=action, acting_user=c.worker, title="Lain")
    events = list(PlanEvent.objects.filter(plan=plan).values_list("to_status", "note"))
    assert events == [
        ("submitted", ""),
        ("returned", "Indikator terukur"),
        ("submitted", ""),
        ("approved", ""),
    ]
    audited = AuditEntry.objects.filter(object_type="problems.actionplan", object_id=str(plan.pk))
    assert [e.after["status"] for e in audited.order_by("sequence") if "status" in e.after] == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]


def test_a_plan_is_done_only_when_every_action_has_a_done_activity(cycle):
    c = cycle
    problem, plan = _to_submitted(c)
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.APPROVED, acting_user=c.head)
    action = selectors.actions_of(plan)[0]
    form = ActivityForm.objects.create(government=c.government, code="pks", name="PKS")
    activity = Activity.objects.create(
        government=c.government, unit=c.agency, date=DAY, form=form, title="Piket disusun"
    )
    services.link_activity(action=action, activity=activity, acting_user=c.worker)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.IN_PROGRESS  # linking starts the plan
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.DONE, acting_user=c.worker)
    services.record_result(action=action, result="Tercapai", achieved=True, acting_user=c.worker)
    services.record_check(
        plan=plan, decision="standardise", lessons="Piket ditaati", acting_user=c.worker
    )
    problem.refresh_from_db()
    assert problem.status == Problem.Status.SOLVED
    figures = selectors.figures(c.team, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert (figures.problems_solved, figures.actions_on_time, figures.results_achieved) == (1, 1, 1)
    # A period that ends before the action fell due (30 June) but after it was done (1 May):
    # the action done early is reported, on time, with its result.
    figures = selectors.figures(c.team, datetime.date(2025, 1, 1), datetime.date(2025, 5, 31))
    assert (figures.actions_on_time, figures.results_achieved) == (1, 1)
    assert [line["action"] for line in figures.lines] == [action.title]
    # Before it was done and before it fell due: not in the period.
    figures = selectors.figures(c.team, datetime.date(2025, 1, 1), datetime.date(2025, 4, 30))
    assert (figures.actions_on_time, figures.actions_pending, figures.lines) == (0, 0, [])


def test_done_is_refused_while_an_action_has_no_activity(cycle):
    c = cycle
    _, plan = _to_submitted(c)
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.APPROVED, acting_user=c.head)
    plan = services.transition_plan(
        plan=plan, to=ActionPlan.Status.IN_PROGRESS, acting_user=c.worker
    )
    with pytest.raises(ValidationError, match="Menyusun jadwal piket"):
        services.transition_plan(plan=plan, to=ActionPlan.Status.DONE, acting_user=c.worker)


def test_starting_again_opens_a_new_plan_and_clears_the_root_cause(cycle):
    c = cycle
    problem, plan = _to_submitted(c)
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.DONE)
    plan.refresh_from_db()
    services.record_check(plan=plan, decision="restart", lessons="", acting_user=c.worker)
    problem.refresh_from_db()
    assert problem.root_cause is None
    assert not problem.causes.filter(is_root=True).exists()
    assert selectors.current_plan(problem).number == 2


def test_direction_is_given_only_by_the_penanggung_jawab(cycle):
    c = cycle
    problem = _problem(c)
    cause = services.add_cause(
        problem=problem, category="Metode", text="Tanpa SOP", acting_user=c.worker
    )
    services.send_root_cause(problem=problem, cause=cause, acting_user=c.worker)
    with pytest.raises(PermissionDenied):
        services.give_direction(problem=problem, direction="Lanjutkan", acting_user=c.worker)
    services.give_direction(problem=problem, direction="Lanjutkan", acting_user=c.head)
    problem.refresh_from_db()
    assert problem.direction == "Lanjutkan"


def test_a_fishbone_category_must_be_one_of_the_rulebook(cycle):
    c = cycle
    problem = _problem(c)
    assert selectors.categories(c.government)[:2] == ["Manusia", "Metode"]
    with pytest.raises(ValidationError):
        services.add_cause(problem=problem, category="Man", text="x", acting_user=c.worker)


def test_nothing_is_written_where_the_rulebook_does_not_apply_it(cycle):
    c = cycle
    with pytest.raises(PermissionDenied):
        services.record_problem(
            team=c.foreign_team,
            acting_user=c.foreign_worker,
            title="x",
            source="meeting",
            raised_on=DAY,
        )
    assert Problem.objects.count() == 0


def test_the_prioritisation_method_is_the_rulebooks_and_only_usg_is_accepted():
    """The method is the government's choice in its rulebook (USG by default); no regulation
    here names another, so a file asking for one is refused, naming the field and its line."""
    from budaya.rulebook import services as rulebook

    text = rulebook.shipped_text("kota-tangerang")
    assert rulebook.parse_rulebook(text).document.problem_solving.prioritisation == "usg"
    hanlon = text.replace(
        "problem_solving:\n  applies: true",
        "problem_solving:\n  applies: true\n  prioritisation: hanlon",
    )
    with pytest.raises(rulebook.RulebookFileError) as refused:
        rulebook.parse_rulebook(hanlon)
    message = " ".join(refused.value.messages)
    assert "problem_solving.prioritisation" in message and "usg" in message


def test_a_cause_entered_by_mistake_is_corrected_or_deleted_while_the_plan_is_the_teams(cycle):
    c = cycle
    problem = _problem(c)
    wrong = services.add_cause(
        problem=problem, category="Mesin", text="Piket tdk terjadwal", acting_user=c.worker
    )
    services.add_cause(
        problem=problem, category="Mesin", text="Printer rusak", acting_user=c.worker
    )
    # The typo corrected, and the bone too: it goes last on its new bone.
    services.update_cause(
        problem=problem,
        cause=wrong,
        category="Manusia",
        text="Piket tidak terjadwal",
        acting_user=c.worker,
    )
    wrong.refresh_from_db()
    assert (wrong.category, wrong.text, wrong.order) == ("Manusia", "Piket tidak terjadwal", 1)
    entry = AuditEntry.objects.get(
        object_type="problems.cause", object_id=str(wrong.pk), action="update"
    )
    assert entry.before == {"category": "Mesin", "text": "Piket tdk terjadwal"}
    assert problem.causes.get(text="Printer rusak").order == 1  # its bone renumbered
    # The five whys: deleting the second answer moves the third up.
    whys = [
        services.add_cause(problem=problem, text=text, acting_user=c.worker)
        for text in ("Loket sepi", "Salah ketik", "Jadwal tidak ada")
    ]
    gone = whys[1].pk
    services.delete_cause(problem=problem, cause=whys[1], acting_user=c.worker)
    assert [(w.text, w.order) for w in problem.causes.filter(category="")] == [
        ("Loket sepi", 1),
        ("Jadwal tidak ada", 2),
    ]
    deleted = AuditEntry.objects.get(object_type="problems.cause", action="delete")
    assert deleted.object_id == str(gone) and deleted.before["text"] == "Salah ketik"
    with pytest.raises(PermissionDenied):  # a stranger to the team
        services.delete_cause(problem=problem, cause=whys[0], acting_user=c.foreign_worker)


def test_a_root_cause_sent_for_direction_stays_and_a_submitted_plan_freezes_the_causes(cycle):
    c = cycle
    problem, plan = _to_submitted(c)
    root = problem.root_cause
    other = problem.causes.create(government=c.government, category="Metode", text="SOP lama")
    # Awaiting the direction on the root cause, the analysis waits (as add_cause does).
    with pytest.raises(ValidationError, match=r"(?i)penanggung-jawab"):
        services.delete_cause(problem=problem, cause=other, acting_user=c.worker)
    problem = services.give_direction(problem=problem, direction="Buat jadwal", acting_user=c.head)
    # T Lampiran II III: once submitted, the penanggung-jawab decides on the analysis as sent.
    for change in (
        lambda: services.delete_cause(problem=problem, cause=other, acting_user=c.worker),
        lambda: services.update_cause(
            problem=problem, cause=other, text="SOP", acting_user=c.worker
        ),
        lambda: services.delete_action(action=selectors.actions_of(plan)[0], acting_user=c.worker),
        lambda: services.add_cause(
            problem=problem, category="Metode", text="Baru", acting_user=c.worker
        ),
    ):
        with pytest.raises(ValidationError):
            change()
    plan = services.transition_plan(
        plan=plan, to=ActionPlan.Status.RETURNED, acting_user=c.head, note="Perbaiki"
    )
    problem.refresh_from_db()
    # Returned: the team's again, but the root cause sent for direction is not deleted.
    with pytest.raises(ValidationError, match=r"(?i)penanggung-jawab"):
        services.delete_cause(problem=problem, cause=root, acting_user=c.worker)
    services.delete_cause(problem=problem, cause=other, acting_user=c.worker)
    assert list(problem.causes.all()) == [root]


def test_an_action_entered_by_mistake_is_deleted_unless_the_minutes_name_it(cycle):
    c = cycle
    problem = _problem(c)
    kept = services.add_action(problem=problem, acting_user=c.worker, **action_fields(c))
    wrong = services.add_action(
        problem=problem, acting_user=c.worker, **action_fields(c, title="Salah")
    )
    last = services.add_action(
        problem=problem, acting_user=c.worker, **action_fields(c, title="Terakhir")
    )
    with pytest.raises(PermissionDenied):
        services.delete_action(action=wrong, acting_user=c.foreign_worker)
    gone = wrong.pk
    services.delete_action(action=wrong, acting_user=c.worker)
    plan = selectors.current_plan(problem)
    assert [(a.title, a.order) for a in selectors.actions_of(plan)] == [
        (kept.title, 1),
        ("Terakhir", 2),
    ]
    entry = AuditEntry.objects.get(object_type="problems.action", action="delete")
    assert entry.object_id == str(gone) and entry.before["title"] == "Salah"
    services.record_meeting(
        team=c.team,
        acting_user=c.worker,
        held_on=DAY,
        place="Aula",
        agenda="Rencana tindakan",
        attendance={},
        actions=[last],
    )
    with pytest.raises(ValidationError, match=r"risalah|minutes"):
        services.delete_action(action=last, acting_user=c.worker)


def test_the_penanggung_jawab_directs_and_approves_but_the_team_does_the_work(cycle):
    """T Pasal 9: the penanggung-jawab (the unit head) directs, approves and follows up; the
    chair, secretary and members do the KBK's work."""
    c = cycle
    with pytest.raises(PermissionDenied):
        services.record_problem(
            team=c.team, acting_user=c.head, title="x", source="meeting", raised_on=DAY
        )
    problem = _problem(c)
    with pytest.raises(PermissionDenied):
        services.add_cause(problem=problem, category="Manusia", text="x", acting_user=c.head)
    cause = services.add_cause(
        problem=problem, category="Manusia", text="Belum ada piket", acting_user=c.worker
    )
    services.send_root_cause(problem=problem, cause=cause, acting_user=c.worker)
    services.add_action(problem=problem, acting_user=c.worker, **action_fields(c))
    plan = selectors.current_plan(problem)
    with pytest.raises(PermissionDenied):
        services.transition_plan(plan=plan, to=ActionPlan.Status.SUBMITTED, acting_user=c.head)
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.SUBMITTED, acting_user=c.worker)
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.APPROVED, acting_user=c.head)
    plan = services.transition_plan(
        plan=plan, to=ActionPlan.Status.IN_PROGRESS, acting_user=c.worker
    )
    with pytest.raises(PermissionDenied):  # "Tandai selesai" is the team's
        services.transition_plan(plan=plan, to=ActionPlan.Status.DONE, acting_user=c.head)
    with pytest.raises(PermissionDenied):
        services.send_progress_report(
            team=c.team, period_start=DAY, period_end=DAY, acting_user=c.head
        )
