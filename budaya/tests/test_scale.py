"""The scale generator: a tiny government is consistent, verifiable and scoped as a real one."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from budaya.accounts import audit
from budaya.accounts.models import Role, User
from budaya.activities import aggregates as activity_aggregates
from budaya.activities.models import Activity, ActivityMonth, ActivityParticipant, Evidence
from budaya.activities.selectors import can_log
from budaya.monev import aggregates as monev_aggregates
from budaya.monev.models import CityReport, Report, ReportSummary, ReportVersion, State
from budaya.org import nip
from budaya.org.models import Employee, Government, Unit
from budaya.scale import SCALES, ScaleError, generate_government, identities, usernames
from budaya.teams.models import Decree, Membership

pytestmark = pytest.mark.django_db

SLUG = "skala-uji-01"


@pytest.fixture
def generated():
    return generate_government(
        slug=SLUG, name="Kota Skala Uji 01", agencies=10, employees=120, activities=150, seed=3
    )


def test_a_tiny_government_is_consistent(generated):
    government = generated.government
    assert Unit.objects.filter(government=government, parent__isnull=True).count() == 10
    assert Employee.objects.filter(government=government).count() == 120
    for employee in Employee.objects.filter(government=government, nip__isnull=False):
        assert nip.parse(employee.nip, sex=employee.sex).value == employee.nip
    # Every unit has its head: the agency trees are whole however few the employees.
    heads = Employee.objects.filter(government=government, position_kind="struktural")
    assert set(heads.values_list("unit_id", flat=True)) == set(
        Unit.objects.filter(government=government).values_list("pk", flat=True)
    )
    assert Activity.objects.filter(government=government).count() == 150
    done = Activity.objects.filter(government=government, status=Activity.Status.DONE)
    assert Evidence.objects.filter(activity_links__activity__in=done).count() == done.count()
    # Participants are linked by the NIPs written in the activity, as the form links them.
    link = ActivityParticipant.objects.filter(government=government).select_related(
        "activity", "employee"
    )[0]
    assert link.employee.nip in link.activity.participant_names
    assert Membership.objects.filter(government=government).exists()
    assert Decree.objects.filter(government=government, status=Decree.Status.SIGNED).exists()


def test_reports_stand_in_every_state_and_every_hash_verifies(generated):
    reports = Report.objects.filter(government=generated.government)
    # One city report per period (issue 19): version 1 acknowledged, version 2 forwarded; the
    # reports accepted since wait for the next version, so none is merely consolidated.
    assert set(reports.values_list("state", flat=True)) == set(State.values) - {State.CONSOLIDATED}
    assert reports.filter(state=State.DRAFT, version=2).exists()  # returned, then revised
    versions = ReportVersion.objects.filter(government=generated.government)
    assert versions.count() >= 6 and all(version.verify() for version in versions)
    assert all(city.verify() for city in CityReport.objects.filter(government=generated.government))
    assert audit.verify() is None
    out = io.StringIO()
    call_command("verify_reports", stdout=out)
    assert "match their hashes" in out.getvalue()


def _stored(model, government):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    return sorted(model.objects.filter(government=government).values_list(*fields), key=repr)


def test_the_maintained_aggregates_equal_a_rebuild(generated):
    """The generator writes activities and maturity answers in bulk, past the services: the
    activity months and report summaries the boards read must still be exact."""
    government = generated.government
    months, summaries = _stored(ActivityMonth, government), _stored(ReportSummary, government)
    assert months and len(summaries) == Report.objects.filter(government=government).count()
    activity_aggregates.rebuild(government)
    monev_aggregates.rebuild(government)
    assert _stored(ActivityMonth, government) == months
    assert _stored(ReportSummary, government) == summaries


def test_the_generated_logins_are_scoped_as_their_roles_say(generated):
    government, first = generated.government, generated.agencies[0]
    names = usernames(SLUG)
    admin = User.objects.get(username=names[Role.CITY_ADMIN])
    head = User.objects.get(username=names[Role.UNIT_HEAD])
    team = User.objects.get(username=names[Role.UNIT_TEAM])
    everything = Unit.objects.filter(government=government).count()
    assert Unit.objects.visible_to(admin).count() == everything
    subtree = Unit.objects.filter(government=government, path__startswith=first.path)
    assert set(Unit.objects.visible_to(head)) == set(subtree)
    assert head.employee == Employee.objects.get(government=government, unit=first, echelon="II.b")
    assert can_log(team, government)
    assert not Report.objects.visible_to(team).exclude(unit=first).exists()
    other = generated.agencies[1]
    other_head = User.objects.get(username=f"kepala.{SLUG}.{other.code.lower()}")
    assert set(Unit.objects.visible_to(other_head)) == set(
        Unit.objects.filter(government=government, path__startswith=other.path)
    )
    assert head.check_password("budaya-skala")


def test_an_existing_government_is_refused_and_the_command_skips_it():
    Government.objects.create(
        name="Kota Skala Uji 01", slug=SLUG, kind="kota", kemendagri_code="99.98"
    )
    with pytest.raises(ScaleError):
        generate_government(slug=SLUG, name="Lain", agencies=2, employees=20, activities=5)
    first = identities(SCALES["city"])[0]
    Government.objects.create(
        name=first.name, slug=first.slug, kind=first.kind, kemendagri_code="99.99"
    )
    out = io.StringIO()
    call_command("generate_scale", "--scale", "city", stdout=out)
    assert f"{first.slug} exists: skipped." in out.getvalue()
    assert Government.objects.count() == 2
