"""Issue 17, part 6: an activity cited by a submitted report cannot be deleted, and an edit made
after the submission shows on the report as changed since submitted; the submitted version
itself never changes."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db.models import RestrictedError
from django.urls import reverse

from budaya.activities.models import Activity
from budaya.activities.services import delete_activity
from budaya.monev import services
from budaya.monev.models import CitedActivity, ReportVersion, State

pytestmark = pytest.mark.django_db

MARKER = "diubah setelah laporan disampaikan"


def _submitted(scene):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(
        report, [(scene.activities[0], 1), (scene.activities[1], 3)], scene.team
    )
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    report.refresh_from_db()
    return report


def _edit(client, scene, activity, **changes):
    """The activity's edit page, posted as a person of the agency would."""
    data = {
        "unit": activity.unit_id,
        "date": activity.date.isoformat(),
        "form": activity.form_id,
        "title": activity.title,
        "participants_count": str(activity.participants_count),
        "status": activity.status,
        "problems": activity.problems,
        "solutions": activity.solutions,
        "description": activity.description,
    }
    data.update(changes)
    client.force_login(scene.team)
    response = client.post(
        reverse("activities:edit", args=[scene.government.slug, activity.pk]), data
    )
    assert response.status_code == 302, response.context["form"].errors
    return response


def _row_html(page: str, key) -> str:
    start = page.index(f'id="row-{key}"')
    return page[start : page.index("</tr>", start)]


def test_deleting_a_cited_activity_is_refused_and_nothing_is_deleted(client, scene):
    report = _submitted(scene)
    version = ReportVersion.objects.get(report=report)
    canonical = version.canonical
    activity = scene.activities[0]
    client.force_login(scene.team)
    url = reverse("activities:delete", args=[scene.government.slug, activity.pk])

    response = client.post(url, follow=True)

    assert Activity.objects.filter(pk=activity.pk).exists()
    assert activity.evidence.count() == 1
    page = response.content.decode()
    assert "dikutip oleh laporan monitoring yang telah disampaikan" in page
    row = report.rows.get(indicator=1)
    assert row.activity_id == activity.pk
    version.refresh_from_db()
    assert version.canonical == canonical and version.verify()
    # The service refuses whoever calls it, and the database refuses a bare delete too.
    with pytest.raises(ValidationError):
        delete_activity(activity, scene.team)
    with pytest.raises(RestrictedError):
        Activity.objects.filter(pk=activity.pk).delete()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_the_activity_page_offers_no_delete_while_a_report_cites_it(client, scene):
    activity = scene.activities[0]
    client.force_login(scene.team)
    url = reverse("activities:detail", args=[scene.government.slug, activity.pk])
    delete_url = reverse("activities:delete", args=[scene.government.slug, activity.pk])
    assert delete_url in client.get(url).content.decode()  # not cited yet: it can go

    _submitted(scene)
    page = client.get(url).content.decode()
    assert delete_url not in page
    assert "tidak dapat dihapus" in page
    assert reverse("activities:edit", args=[scene.government.slug, activity.pk]) in page


def test_an_activity_only_a_draft_uses_can_still_be_deleted(client, scene):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.team)
    delete_activity(scene.activities[0], scene.team)
    assert not Activity.objects.filter(pk=scene.activities[0].pk).exists()
    assert report.rows.get().activity_title == "Pembacaan nilai BerAKHLAK"


def test_an_edit_after_submission_marks_the_row_and_the_version_stays(client, scene):
    report = _submitted(scene)
    version = ReportVersion.objects.get(report=report)
    canonical = version.canonical
    edited, untouched = scene.activities
    first = report.rows.get(indicator=1)
    third = report.rows.get(indicator=3)
    assert set(CitedActivity.objects.values_list("activity_id", flat=True)) == {
        edited.pk,
        untouched.pk,
    }
    page_url = reverse("monev:report", args=[scene.government.slug, report.pk])
    client.force_login(scene.admin)
    assert MARKER not in client.get(page_url).content.decode()

    _edit(client, scene, edited, title="Pembacaan nilai BerAKHLAK (diperbaiki)")

    client.force_login(scene.admin)
    page = client.get(page_url).content.decode()
    assert MARKER in _row_html(page, first.key)
    assert MARKER not in _row_html(page, third.key)
    # The submitted version and its row keep what was submitted.
    version.refresh_from_db()
    assert version.canonical == canonical and version.verify()
    assert "Pembacaan nilai BerAKHLAK (diperbaiki)" not in page
    # The version's own page and its export say so too.
    version_page = client.get(
        reverse("monev:version", args=[scene.government.slug, report.pk, 1])
    ).content.decode()
    assert version_page.count(f">{MARKER}</span>") == 1  # one row
    export = client.get(
        reverse("monev:report_export", args=[scene.government.slug, report.pk, "xlsx"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert any(MARKER in cell and "Pembacaan nilai BerAKHLAK" in cell for cell in cells)
    assert not any(MARKER in cell and "Pemasangan twibbon" in cell for cell in cells)


def test_saving_an_activity_unchanged_marks_nothing(client, scene):
    report = _submitted(scene)
    _edit(client, scene, scene.activities[0])
    client.force_login(scene.admin)
    page = client.get(reverse("monev:report", args=[scene.government.slug, report.pk]))
    assert MARKER not in page.content.decode()


def test_a_new_version_submitted_after_the_edit_is_not_marked(client, scene):
    report = _submitted(scene)
    _edit(client, scene, scene.activities[0], title="Pembacaan nilai (diperbaiki)")
    row = report.rows.get(indicator=1)
    services.transition(report, State.RETURNED, scene.admin, comments={str(row.key): "Perbaiki"})
    services.transition(report, State.DRAFT, scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    client.force_login(scene.admin)
    page = client.get(reverse("monev:report", args=[scene.government.slug, report.pk]))
    assert MARKER not in page.content.decode()
    # Version 1 still shows that its row changed after it was submitted.
    version_page = client.get(reverse("monev:version", args=[scene.government.slug, report.pk, 1]))
    assert MARKER in version_page.content.decode()
