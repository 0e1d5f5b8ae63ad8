"""Issue 19, Deliver 4: drafting a busy agency's year. A year of daily apel becomes one row
("Apel pagi: 233 kali, Januari–Desember 2025") with a sample of its evidence; the groups are
filtered by form, value, month and unit; the browser never decides which activities a group
holds; a submitted grouped row cites every activity it stands for; the evidence picker shows
thumbnails, dates and activity names and only the agency's own evidence."""

from __future__ import annotations

import datetime
import random

import pytest
from django.urls import reverse

from budaya.activities.evidence import store_link
from budaya.activities.models import Activity, ActivityEvidence, ActivityForm, ActivityValue
from budaya.activities.tests.conftest import adopt
from budaya.monev import services
from budaya.monev.drafting import Filters, activity_groups, add_group_rows, month_span
from budaya.monev.models import CitedActivity, RowActivity, State
from budaya.monev.selectors import changed_since_submitted

pytestmark = pytest.mark.django_db

APEL_DAYS = 233
YEAR = APEL_DAYS + 2  # with the scene's own two apel of March


def _working_days(count: int) -> list[datetime.date]:
    """``count`` weekdays spread over 2025 (holidays and leave take the others), from the first
    working day of January to the last of December."""
    day, days = datetime.date(2025, 1, 1), []
    while day.year == 2025:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    middle = random.Random(19).sample(days[1:-1], count - 2)
    return [days[0], *sorted(middle), days[-1]]


@pytest.fixture
def busy(scene):
    """A year of apel pagi in the agency (233 working days, evidence on every tenth), a few
    one-off activities, and an apel of the other agency that must never reach this report."""
    government, unit = scene.government, scene.agency
    apel = scene.activities[0].form  # the scene's own two apel of March are in the year too
    rapat = ActivityForm.objects.create(government=government, code="rapat", name="Rapat")
    apels = Activity.objects.bulk_create(
        Activity(
            government=government,
            unit=unit,
            date=day,
            form=apel,
            title="Apel pagi dan pembacaan nilai",
            problems="Peserta terlambat" if n % 50 == 0 else "",
        )
        for n, day in enumerate(_working_days(APEL_DAYS))
    )
    for n, activity in enumerate(apels[::10]):
        evidence = store_link(
            government=government,
            unit=unit,
            url=f"https://drive.example.id/apel/{n}",
            title=f"Foto apel {n}",
            actor=scene.admin,
        )
        ActivityEvidence.objects.create(government=government, activity=activity, evidence=evidence)
    rapats = [
        Activity.objects.create(
            government=government,
            unit=unit,
            date=datetime.date(2025, 5, day),
            form=rapat,
            title=f"Rapat KBK {day}",
        )
        for day in (6, 20)
    ]
    Activity.objects.create(
        government=government,
        unit=scene.other_agency,
        date=datetime.date(2025, 2, 3),
        form=apel,
        title="Apel pagi perangkat daerah lain",
    )
    report = services.start_report(scene.period, scene.agency, scene.team)
    return report, apel, rapat, apels, rapats


def test_a_year_of_apel_is_one_row_with_a_sample_of_evidence(scene, busy):
    report, apel, _rapat, _apels, _rapats = busy
    groups = {group.form_name: group for group in activity_groups(report, Filters())}
    assert groups["Apel pagi"].count == YEAR
    rows = add_group_rows(
        report=report,
        filters=Filters(form=apel.pk),
        picks={str(apel.pk): 1},
        acting_user=scene.team,
    )
    assert len(rows) == 1
    row = rows[0]
    assert row.activity_title == f"Apel pagi: {YEAR} kali"
    assert row.when == "Januari–Desember 2025"
    assert row.problems == "Peserta terlambat"
    assert row.evidence_links.count() == 6
    assert RowActivity.objects.filter(row=row).count() == YEAR
    # Once in the report, the group is gone from the choices; the one-off ones remain.
    left = {group.form_name: group.count for group in activity_groups(report, Filters())}
    assert "Apel pagi" not in left or left["Apel pagi"] == 0
    assert left["Rapat"] == 2


def test_groups_by_month_value_and_unit(scene, busy):
    report, apel, rapat, _apels, rapats = busy
    by_month = [g for g in activity_groups(report, Filters(by="month")) if g.form_id == apel.pk]
    assert len(by_month) == 12
    assert sum(g.count for g in by_month) == YEAR
    may = activity_groups(report, Filters(month=datetime.date(2025, 5, 1), form=rapat.pk))
    assert [(g.form_name, g.count) for g in may] == [("Rapat", 2)]
    value = adopt(scene.government, "nilai-uji").values.first()
    ActivityValue.objects.create(government=scene.government, activity=rapats[0], value=value)
    assert [g.count for g in activity_groups(report, Filters(value=value.pk))] == [1]
    assert activity_groups(report, Filters(unit=scene.other_agency.pk)) == []
    singles = activity_groups(report, Filters(by="activity", form=rapat.pk))
    assert [g.key for g in singles] == [f"a{rapats[0].pk}", f"a{rapats[1].pk}"]


def test_month_span_reads_as_the_report_is_written():
    assert month_span(datetime.date(2025, 3, 3), datetime.date(2025, 3, 28)) == "Maret 2025"
    assert (
        month_span(datetime.date(2025, 11, 3), datetime.date(2026, 2, 2))
        == "November 2025–Februari 2026"
    )


def test_the_browser_cannot_put_another_agencys_activity_in_the_report(client, scene, busy):
    report, apel, *_ = busy
    other = Activity.objects.get(unit=scene.other_agency)
    client.force_login(scene.team)
    url = reverse("monev:report_pick", args=[scene.government.slug, report.pk])
    response = client.post(
        url, {f"group_a{other.pk}": "1", "by": "activity", f"group_{apel.pk}": "9"}
    )
    assert response.status_code == 302
    assert not report.rows.exists()
    assert not RowActivity.objects.filter(activity=other).exists()


def test_the_pick_page_groups_and_adds_in_bulk(client, scene, busy):
    report, apel, rapat, *_ = busy
    client.force_login(scene.team)
    url = reverse("monev:report_pick", args=[scene.government.slug, report.pk])
    page = client.get(url).content.decode()
    assert "Apel pagi" in page and f">{YEAR}<" in page
    # Every group left unchosen goes under row group 2.
    response = client.post(url, {"every": "2", f"group_{apel.pk}": "", f"group_{rapat.pk}": "4"})
    assert response.status_code == 302
    rows = {row.form: row for row in report.rows.all()}
    assert rows["Apel pagi"].indicator == 2
    assert rows["Rapat"].indicator == 4
    follow = client.get(reverse("monev:report", args=[scene.government.slug, report.pk]))
    assert f"Apel pagi: {YEAR} kali" in follow.content.decode()


def test_a_submitted_grouped_row_cites_every_activity_and_shows_a_later_edit(client, scene, busy):
    report, apel, *_ = busy
    rows = add_group_rows(
        report=report, filters=Filters(), picks={str(apel.pk): 1}, acting_user=scene.team
    )
    services.save_signatory(report, "Serang", "Dr. Siti Aminah", "197001012000032001", scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    version = report.versions.get()
    assert CitedActivity.objects.filter(version=version).count() == YEAR
    activity = RowActivity.objects.filter(row=rows[0]).first().activity
    Activity.objects.filter(pk=activity.pk).update(
        updated_at=activity.updated_at + datetime.timedelta(minutes=5)
    )
    assert changed_since_submitted(report) == {str(rows[0].key)}


def test_the_evidence_picker_searches_the_agencys_evidence_only(client, scene, busy):
    report, *_ = busy
    foreign = store_link(
        government=scene.government,
        unit=scene.other_agency,
        url="https://drive.example.id/lain",
        title="Foto apel perangkat daerah lain",
        actor=scene.admin,
    )
    client.force_login(scene.team)
    url = reverse("monev:evidence_picker", args=[scene.government.slug, report.pk])
    page = client.get(url, {"q": "apel"}).content.decode()
    assert "Foto apel 0" in page
    assert "Apel pagi dan pembacaan nilai" in page  # the activity each file documents
    assert foreign.title not in page
    # A chosen item stays, checked, whatever the search.
    first = ActivityEvidence.objects.filter(activity__unit=scene.agency).first().evidence
    page = client.get(url, {"q": "tidak ada yang cocok", "evidence": [first.pk]}).content.decode()
    assert f'value="{first.pk}" checked' in page
    # Another agency's team cannot open this report's picker.
    client.force_login(scene.other_team)
    assert client.get(url).status_code in (403, 404)
