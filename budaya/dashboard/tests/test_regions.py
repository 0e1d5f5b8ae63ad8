"""The province and national views (issue 20 item 5): a province sees its governments, the
country its provinces, from rollups that the writes keep (``budaya/dashboard/rollup.py``), with
as many queries for many governments as for few; figures only, and a government's dashboard
only for those who read it there."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.activities import aggregates
from budaya.activities import services as activities
from budaya.activities.models import Activity, ActivityForm
from budaya.dashboard import rollup
from budaya.dashboard.models import GovernmentMonth, GovernmentPeriod
from budaya.monev import services as monev
from budaya.monev.models import Period, Report, ReportSummary, State
from budaya.org.models import Government, Unit

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year


def _months(government: Government) -> dict[datetime.date, int]:
    return dict(
        GovernmentMonth.objects.filter(government=government).values_list("month", "activities")
    )


def _record(world, form, day, status=Activity.Status.DONE):
    return activities.create_activity(
        government=world.government,
        data={
            "unit": world.agency,
            "date": day,
            "form": form,
            "title": "Apel pagi",
            "status": status,
            "participants_count": 10,
        },
        actor=world.user(Role.CITY_ADMIN),
    )


def test_the_activity_services_keep_the_governments_months(world):
    """Recording, moving, un-doing and deleting an activity move the government's month in the
    same transaction, and so does any other write of ``ActivityMonth`` (the database's trigger);
    the rollup always equals its recomputation from ``ActivityMonth``."""
    form = ActivityForm.objects.create(government=world.government, code="apel", name="Apel")
    march, april = datetime.date(YEAR, 3, 5), datetime.date(YEAR, 4, 9)
    first = _record(world, form, march)
    _record(world, form, march)
    _record(world, form, april, status=Activity.Status.PLANNED)  # not done: not counted
    assert _months(world.government) == {march.replace(day=1): 2}
    aggregates.rebuild(world.government)  # every cell deleted and made again, in bulk
    assert _months(world.government) == {march.replace(day=1): 2}

    data = {"unit": world.agency, "date": april, "form": form, "title": "Apel pagi"}
    activities.update_activity(first, data=data, actor=world.user(Role.CITY_ADMIN))
    assert _months(world.government) == {march.replace(day=1): 1, april.replace(day=1): 1}

    planned = {**data, "status": Activity.Status.PLANNED}
    activities.update_activity(first, data=planned, actor=world.user(Role.CITY_ADMIN))
    assert _months(world.government) == {march.replace(day=1): 1, april.replace(day=1): 0}

    second = Activity.objects.get(government=world.government, date=march)
    activities.delete_activity(second, world.user(Role.CITY_ADMIN))
    kept = _months(world.government)
    assert kept == {march.replace(day=1): 0, april.replace(day=1): 0}
    rollup.rebuild(world.government)
    assert {m: n for m, n in kept.items() if n} == _months(world.government) == {}
    assert _months(world.other_government) == {}


def _period(government: Government, deadline: datetime.date, actor) -> Period:
    return monev.create_period(
        government,
        kind=Period.Kind.BERKALA,
        year=YEAR,
        title=f"Monev {YEAR}",
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 12, 31),
        deadline=deadline,
        actor=actor,
    )


def test_the_report_workflow_keeps_the_periods_figures(world, django_capture_on_commit_callbacks):
    """Opening a period and every step of a report refresh the period's line once the write
    commits: agencies expected, statuses, on time, levels."""
    admin = world.user(Role.CITY_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        period = _period(world.government, datetime.date(YEAR, 12, 31), admin)
    line = GovernmentPeriod.objects.get(period=period)
    assert (line.agencies, line.not_started, line.year, line.kind) == (2, 2, YEAR, "berkala")

    head = world.user(Role.UNIT_HEAD)
    with django_capture_on_commit_callbacks(execute=True):
        report = monev.start_report(period, world.agency, world.user(Role.UNIT_TEAM))
    line.refresh_from_db()
    assert (line.not_started, line.draft) == (1, 1)
    row = {
        "indicator": monev.group_numbers(period)[0],
        "when": f"03-{YEAR}",
        "activity_title": "Apel pagi dengan pembacaan nilai",
        "form": "Apel pagi",
        "problems": "",
        "solutions": "",
    }
    monev.save_row(report, None, row, [], world.user(Role.UNIT_TEAM))
    Report.objects.filter(pk=report.pk).update(signatory_name="Kepala Dinas Pendidikan")
    with django_capture_on_commit_callbacks(execute=True):
        monev.transition(report, State.APPROVED, head)
        monev.transition(report, State.SUBMITTED, head)
    line.refresh_from_db()
    assert (line.not_started, line.draft, line.submitted, line.on_time) == (1, 0, 1, 1)
    assert line.claimed_count == 1 and line.verified_count == 0

    # A rebuild from the summaries gives the same figures.
    before = GovernmentPeriod.objects.filter(pk=line.pk).values().get()
    rollup.rebuild(world.government)
    after = GovernmentPeriod.objects.get(period=period)
    for name in ("agencies", "not_started", "draft", "submitted", "on_time", "claimed_count"):
        assert getattr(after, name) == before[name]


def _rollup(government, *, agencies, on_time, not_started, claimed, verified, activities, today):
    period = Period.objects.create(
        government=government,
        kind=Period.Kind.BERKALA,
        year=YEAR,
        title=f"Monev {YEAR}",
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 12, 31),
        deadline=today - datetime.timedelta(days=1),
    )
    GovernmentPeriod.objects.create(
        government=government,
        period=period,
        year=YEAR,
        kind=period.kind,
        deadline=period.deadline,
        agencies=agencies,
        not_started=not_started,
        submitted=agencies - not_started,
        on_time=on_time,
        claimed_total=claimed * (agencies - not_started),
        claimed_count=agencies - not_started,
        verified_total=verified * (agencies - not_started),
        verified_count=agencies - not_started,
    )
    GovernmentMonth.objects.create(
        government=government, month=datetime.date(YEAR, 3, 1), activities=activities
    )


def _governments(count: int, start: int = 0) -> list[Government]:
    """Regencies in Jawa Barat (32) and, every third, in Banten (36)."""
    out = []
    for index in range(start, start + count):
        province = "36" if index % 3 == 2 else "32"
        out.append(
            Government.objects.create(
                name=f"Kabupaten Uji {index + 1:02d}",
                slug=f"kabupaten-uji-{index + 1:02d}",
                kind=Government.Kind.KABUPATEN,
                kemendagri_code=f"{province}.{index + 1:02d}",
            )
        )
    return out


def _get(client, user, url, **query):
    client.force_login(user)
    return client.get(url, query)


def test_the_national_view_ranks_the_provinces(client, world):
    today = datetime.date.today()
    first, second, third = _governments(3)  # 32.01, 32.02, 36.03
    _rollup(first, agencies=10, on_time=5, not_started=2, claimed=2, verified=1,
            activities=7, today=today)  # fmt: skip
    _rollup(second, agencies=10, on_time=10, not_started=0, claimed=3, verified=3,
            activities=3, today=today)  # fmt: skip
    _rollup(third, agencies=4, on_time=4, not_started=0, claimed=4, verified=4,
            activities=40, today=today)  # fmt: skip
    response = _get(client, world.user(Role.SYSTEM_ADMIN), reverse("dashboard:national"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tampilan nasional" in html
    lines = {line.key: line for line in response.context["data"]["lines"]}
    # Banten (36): its one regency and the two cities of the test world; all on time.
    banten, jabar = lines["36"], lines["32"]
    assert (banten.rank, banten.label, banten.governments) == (1, "Provinsi Banten", 3)
    assert (banten.on_time, banten.agencies, banten.activities) == (4, 4, 40)
    assert (jabar.rank, jabar.governments, jabar.on_time, jabar.agencies) == (2, 2, 15, 20)
    # Late: the reports not submitted once the deadline passed; levels weighted by reports.
    assert jabar.late == 2 and jabar.claimed == 2.6 and jabar.verified == 2.1
    assert jabar.activities == 10
    assert f'href="{reverse("dashboard:province", args=["32"])}"' in html
    assert "75% (15/20)" in html  # the table view of the on-time chart


def test_a_province_sees_its_governments_and_opens_only_the_dashboards_it_reads(
    client, world, make_user
):
    today = datetime.date.today()
    first, second, third = _governments(3)
    for government, on_time in ((first, 3), (second, 8), (third, 1)):
        _rollup(government, agencies=10, on_time=on_time, not_started=1, claimed=2,
                verified=2, activities=5, today=today)  # fmt: skip
    province = Government.objects.create(
        name="Provinsi Uji", slug="provinsi-uji", kind=Government.Kind.PROVINSI,
        kemendagri_code="32",
    )  # fmt: skip
    governor = make_user("gubernur.uji", Role.LEADERSHIP, province)
    # The governor's office also reads the second regency's own dashboard (a role there).
    governor.role_grants.create(role=Role.LEADERSHIP, government=second)
    url = reverse("dashboard:province", args=["32"])
    response = _get(client, governor, url)
    assert response.status_code == 200
    lines = response.context["data"]["lines"]
    # Ranked by the share on time; the province's own government has no period this year.
    assert [line.label for line in lines] == [
        "Kabupaten Uji 02",
        "Kabupaten Uji 01",
        "Provinsi Uji",
    ]
    html = response.content.decode()
    assert "Kabupaten Uji 03" not in html  # in Banten
    assert f'href="{reverse("dashboard:government", args=[second.slug])}"' in html
    assert reverse("dashboard:government", args=[first.slug]) not in html
    assert f"Tidak ada periode tahunan pada {YEAR}." in html
    # Not the national view, not another province.
    assert _get(client, governor, reverse("dashboard:national")).status_code == 403
    assert _get(client, governor, reverse("dashboard:province", args=["36"])).status_code == 403
    # A city's administrator reads neither, nor does the province's unit head.
    admin = world.user(Role.CITY_ADMIN)
    assert _get(client, admin, url).status_code == 403
    assert _get(client, admin, reverse("dashboard:province", args=["36"])).status_code == 403
    agency = Unit.objects.create(government=province, kind=Unit.Kind.DINAS, code="D", name="D")
    head = make_user("kepala.uji", Role.UNIT_HEAD, province, agency)
    assert _get(client, head, url).status_code == 403
    # An unknown province code is not found.
    assert _get(client, governor, reverse("dashboard:province", args=["99"])).status_code == 404


def test_the_system_administrator_reads_figures_but_opens_no_dashboard(client, world):
    today = datetime.date.today()
    (regency,) = _governments(1)
    _rollup(regency, agencies=5, on_time=5, not_started=0, claimed=1, verified=1,
            activities=1, today=today)  # fmt: skip
    response = _get(
        client, world.user(Role.SYSTEM_ADMIN), reverse("dashboard:province", args=["32"])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kabupaten Uji 01" in html and "/dashboard/kabupaten-uji-01/" not in html
    assert "Provinsi Jawa Barat" in html


def _count(client, user, url) -> int:
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_views_issue_as_many_queries_for_many_governments_as_for_few(client, world):
    """Pinned at two sizes: 3 and 15 governments with their rollups (no query per line)."""
    today = datetime.date.today()
    user = world.user(Role.SYSTEM_ADMIN)
    national, province = reverse("dashboard:national"), reverse("dashboard:province", args=["32"])
    counts = []
    for start, count in ((0, 3), (3, 12)):
        for government in _governments(count, start):
            _rollup(government, agencies=6, on_time=3, not_started=1, claimed=2, verified=1,
                    activities=4, today=today)  # fmt: skip
        counts.append((_count(client, user, national), _count(client, user, province)))
    assert counts[0] == counts[1] == (NATIONAL_QUERIES, PROVINCE_QUERIES)
    assert ReportSummary.objects.count() == 0  # nothing of the reports was needed


# Session, user, grants, menu; then the figures: a few grouped reads, whatever the number.
NATIONAL_QUERIES = 7
PROVINCE_QUERIES = 7
