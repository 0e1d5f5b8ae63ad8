"""The cycle where it shows in other apps' pages: approved actions in the agency's programme and
on the activities that carried them out (T Lampiran II III: approved action plans become
activities of the unit's work-culture plan), and the KBK's problems and results in the unit's
monitoring report with the maturity evidence the rulebook ties to them (S Lampiran E Tabel 2
indicator 4 b: pelaksanaan rekomendasi dan tindak lanjut evaluasi)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from budaya.activities.models import Activity, ActivityForm
from budaya.monev import services as monev
from budaya.monev.models import Period
from budaya.problems import selectors, services
from budaya.problems.models import ActionPlan
from budaya.problems.tests.test_services import DAY, _to_submitted
from budaya.programme import services as programme_services
from budaya.rulebook import services as rulebook

pytestmark = pytest.mark.django_db


def _executed(c):
    """A plan approved, its action carried out by a done activity, the result recorded."""
    problem, plan = _to_submitted(c)
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.APPROVED, acting_user=c.head)
    action = selectors.actions_of(plan)[0]
    form = ActivityForm.objects.create(government=c.government, code="pks", name="PKS")
    activity = Activity.objects.create(
        government=c.government, unit=c.agency, date=DAY, form=form, title="Piket disusun"
    )
    services.link_activity(action=action, activity=activity, acting_user=c.worker)
    services.record_result(action=action, result="Tercapai", achieved=True, acting_user=c.worker)
    return problem, action, activity


def test_approved_actions_are_in_the_programme_and_reachable_from_both_sides(client, cycle):
    c = cycle
    programme = programme_services.create_programme(
        government=c.government, unit=c.agency, year=2025
    )
    url = reverse("programme:detail", args=[c.government.slug, programme.pk])
    client.force_login(c.worker)
    problem, plan = _to_submitted(c)
    page = client.get(url).content.decode()
    assert "Tindakan KBK yang disetujui" in page
    assert "Menyusun jadwal piket" not in page  # submitted, not approved yet
    services.transition_plan(plan=plan, to=ActionPlan.Status.APPROVED, acting_user=c.head)
    action = selectors.actions_of(plan)[0]
    form = ActivityForm.objects.create(government=c.government, code="pks", name="PKS")
    activity = Activity.objects.create(
        government=c.government, unit=c.agency, date=DAY, form=form, title="Piket disusun"
    )
    services.link_activity(action=action, activity=activity, acting_user=c.worker)
    page = client.get(url).content.decode()
    problem_url = reverse("problems:problem", args=[c.government.slug, problem.pk])
    activity_url = reverse("activities:detail", args=[c.government.slug, activity.pk])
    assert "Menyusun jadwal piket" in page
    assert problem_url in page and activity_url in page
    # The activity names the action it carried out; the problem page names the programme.
    assert problem_url in client.get(activity_url).content.decode()
    assert url in client.get(problem_url).content.decode()
    # Another year's programme shows none of it.
    other = programme_services.create_programme(government=c.government, unit=c.agency, year=2026)
    page = client.get(reverse("programme:detail", args=[c.government.slug, other.pk]))
    assert "Menyusun jadwal piket" not in page.content.decode()


def test_a_programme_where_problem_solving_does_not_apply_has_no_such_section(client, cycle):
    c = cycle
    programme = programme_services.create_programme(
        government=c.foreign_government, unit=c.foreign_team.unit, year=2025
    )
    client.force_login(c.foreign_worker)
    page = client.get(reverse("programme:detail", args=[c.foreign_government.slug, programme.pk]))
    assert page.status_code == 200
    assert "Tindakan KBK yang disetujui" not in page.content.decode()


def test_the_results_for_the_monitoring_report_count_the_period(cycle):
    c = cycle
    _executed(c)
    services.send_progress_report(
        team=c.team,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
        acting_user=c.worker,
    )
    results = selectors.results_for_report(
        c.agency, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    )
    assert (
        results.problems_raised,
        results.actions_done,
        results.actions_on_time,
        results.results_achieved,
        results.reports_sent,
        results.reports_followed_up,
    ) == (1, 1, 1, 1, 1, 0)
    assert results.plans_approved == (1 if ActionPlan.objects.get().approved_at.year == 2025 else 0)
    before = selectors.results_for_report(
        c.agency, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    )
    assert before.empty and before.actions_done == 0


def _report(c, government, unit, user):
    period = monev.create_period(
        government,
        kind=Period.Kind.BERKALA,
        year=2025,
        title="Monev 2025",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2026, 1, 31),
        units=[unit],
        actor=None,
    )
    return monev.start_report(period, unit, None)


def test_the_monitoring_report_shows_the_kbk_results(client, cycle):
    c = cycle
    _executed(c)
    report = _report(c, c.government, c.agency, c.worker)
    client.force_login(c.worker)
    page = client.get(reverse("monev:report", args=[c.government.slug, report.pk]))
    text = page.content.decode()
    assert "Pemecahan masalah KBK pada periode ini" in text
    assert reverse("problems:team", args=[c.government.slug, c.team.pk]) in text
    # The shipped rulebook of this government has no maturity indicators and ties none of its
    # evaluation areas to problem solving: the only evidence named is the surveys' (T Lampiran
    # II II.3 c, issue 22), not the KBK results.
    assert text.count("Bukti untuk") == 1
    assert "Bukti untuk: Evaluasi Pengembangan Budaya Kerja c" in text


def test_the_maturity_evidence_the_rulebook_ties_to_problem_solving_is_named(client, cycle):
    """A rulebook with maturity indicators (Serang's form) that applies problem solving: the
    report names indicator 4 item b, from the evidence's ``sources`` in the rulebook."""
    c = cycle
    text = rulebook.shipped_text("kota-serang").replace(
        "problem_solving:\n  applies: false", "problem_solving:\n  applies: true"
    )
    rulebook.import_rulebook(government=c.foreign_government, text=text, source_name="s.yaml")
    report = _report(c, c.foreign_government, c.foreign_team.unit, c.foreign_worker)
    client.force_login(c.foreign_worker)
    page = client.get(reverse("monev:report", args=[c.foreign_government.slug, report.pk]))
    body = page.content.decode()
    assert "Bukti untuk" in body and "indikator 4 butir b" in body
    # Without problem solving in its rulebook, the same report shows no such part.
    rulebook.load_shipped(government=c.foreign_government, name="kota-serang")
    page = client.get(reverse("monev:report", args=[c.foreign_government.slug, report.pk]))
    assert "Pemecahan masalah KBK pada periode ini" not in page.content.decode()
