"""The leadership dashboard (issue 20 item 3): which agencies are behind, on what and why, each
figure linked to its rows, read from the maintained aggregates, scoped to the user's grants."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.activities.models import ActivityForm, ActivityMonth
from budaya.monev import aggregates
from budaya.monev.models import Period, Report
from budaya.rulebook.selectors import current_rulebook
from budaya.rulebook.services import load_shipped

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world):
    """A period past its deadline: the own agency has a draft (late), the other agency none;
    apel pagi done in both agencies in March, and in the second government too."""
    period = Period.objects.create(
        government=world.government,
        kind=Period.Kind.BERKALA,
        year=2025,
        title="Monev 2025",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 8, 31),
    )
    report = Report.objects.create(government=world.government, period=period, unit=world.agency)
    aggregates.refresh(report)
    forms = {}
    for government in (world.government, world.other_government):
        forms[government.pk] = ActivityForm.objects.create(
            government=government, code="apel", name="Apel pagi"
        )
    for unit, done in ((world.sub_unit, 7), (world.other_agency, 3), (world.foreign_agency, 50)):
        ActivityMonth.objects.create(
            government=unit.government,
            unit=unit,
            form=forms[unit.government_id],
            month=datetime.date(2025, 3, 1),
            done=done,
            days=1,
        )
    return {"period": period, "report": report, "form": forms[world.government.pk]}


def _page(client, user, government, **query):
    client.force_login(user)
    response = client.get(reverse("dashboard:government", args=[government.slug]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_leadership_sees_which_agencies_are_behind_and_why(client, world, scene):
    html = _page(client, world.user(Role.LEADERSHIP), world.government)
    behind = html[html.index('id="behind-heading"') : html.index('id="reports-heading"')]
    # The other agency never started; the own agency's draft is past the deadline.
    assert "Dinas Kesehatan" in behind and "Dinas Pendidikan" in behind
    assert "Belum ada laporan untuk Monev 2025 (batas waktu 31-08-2025)." in behind
    assert "Laporan belum disampaikan sampai batas waktu 31-08-2025 (Draf)." in behind
    board = reverse("monev:board", args=[world.government.slug, scene["period"].pk])
    report = reverse("monev:report", args=[world.government.slug, scene["report"].pk])
    assert f'href="{board}"' in behind and f'href="{report}"' in behind
    # The government's rulebook (the starter) sets no maturity levels: no maturity warning.
    assert not re.search(r"kematangan|maturity|tingkat|level", behind, re.IGNORECASE)


def test_low_maturity_is_named_in_the_words_of_a_rulebook_that_sets_levels(client, world, scene):
    load_shipped(government=world.government, name="kota-serang")
    html = _page(client, world.user(Role.LEADERSHIP), world.government)
    behind = html[html.index('id="behind-heading"') : html.index('id="reports-heading"')]
    maturity = current_rulebook(world.government).monev.maturity
    levels = len(maturity.indicators)
    assert (
        f"Tingkat rendah pada Indikator Maturitas Organisasi Variabel Budaya Kerja: 0 dari {levels}."
        in behind
    )


def test_every_heatmap_cell_links_to_the_activities_it_counts(client, world, scene):
    html = _page(client, world.user(Role.LEADERSHIP), world.government)
    slug = world.government.slug
    form = scene["form"].pk
    # The sub-unit's seven count for its agency; the second government's fifty nowhere.
    cell = re.search(
        rf'href="(/activities/{slug}/\?unit={world.agency.pk}&amp;form={form}&amp;'
        rf'start=2025-01-01&amp;end=2025-12-31)">7</a>',
        html,
    )
    assert cell is not None
    assert ">50<" not in html
    response = client.get(cell.group(1).replace("&amp;", "&"))
    assert response.status_code == 200


def test_charts_are_images_with_a_title_and_a_table_and_unlocalised_coordinates(
    client, world, scene
):
    html = _page(client, world.user(Role.LEADERSHIP), world.government)
    # Seven charts, activities by value (issue 25) and the participation by agency (issue 22).
    assert html.count('role="img"') == 9
    assert '<title id="maturity-title">Kematangan per perangkat daerah</title>' in html
    assert '<title id="participation-title">Partisipasi per perangkat daerah</title>' in html
    assert html.count('<details class="chart-table">') == 9
    # Indonesian writes 106,7: an SVG coordinate must stay 106.7.
    assert not re.search(r'(width|x|y|viewBox)="[^"]*\d,\d', html)


def test_activities_by_value_come_from_their_aggregate_and_link_to_their_activities(
    client, world, scene
):
    """Issue 25: recorded through the services, the activities count for each value they
    addressed, per agency (sub-units for their agency), in a chart and a heatmap whose links
    open the activity log filtered to the value."""
    from budaya.activities.services import create_activity
    from budaya.activities.tests.conftest import adopt
    from budaya.frameworks.models import CoreValue

    adopt(world.government, "perwal-uji-nilai")
    service, accountable, _competent = CoreValue.objects.order_by("order")
    for unit, values, title in (
        (world.sub_unit, [service, accountable], "Apel dan pembacaan nilai"),
        (world.agency, [service], "Pelayanan prima"),
        (world.other_agency, [accountable], "Rapat akuntabilitas"),
    ):
        create_activity(
            government=world.government,
            data={
                "unit": unit,
                "form": scene["form"],
                "date": datetime.date(2025, 4, 7),
                "title": title,
                "values": values,
            },
            actor=None,
        )
    html = _page(client, world.user(Role.LEADERSHIP), world.government)
    assert '<title id="values-title">Kegiatan per nilai dasar</title>' in html
    values_table = html[html.index("Kegiatan per perangkat daerah dan nilai dasar") :]
    slug = world.government.slug
    cell = re.search(
        rf'href="(/activities/{slug}/\?unit={world.agency.pk}&amp;value={service.pk}&amp;'
        rf'start=2025-01-01&amp;end=2025-12-31)">2</a>',
        values_table,
    )
    assert cell is not None  # the agency's own and its sub-unit's
    listed = client.get(cell.group(1).replace("&amp;", "&")).content.decode()
    assert "Apel dan pembacaan nilai" in listed and "Pelayanan prima" in listed
    assert "Rapat akuntabilitas" not in listed
    # An agency head reads their agency's row only.
    head = _page(client, world.user(Role.UNIT_HEAD), world.government)
    head_table = head[head.index("Kegiatan per perangkat daerah dan nilai dasar") :]
    assert "Dinas Kesehatan" not in head_table and "Dinas Pendidikan" in head_table


def test_an_agency_head_sees_their_agency_only_against_the_city(client, world, scene):
    html = _page(client, world.user(Role.UNIT_HEAD), world.government)
    assert "Perangkat daerah Anda dibanding seluruh pemerintah daerah." in html
    assert "Dinas Pendidikan" in html
    assert "Dinas Kesehatan" not in html


def test_the_kind_filter_keeps_agencies_of_that_kind(client, world, scene):
    html = _page(client, world.user(Role.CITY_ADMIN), world.government, kind="badan")
    assert "Dinas Kesehatan" not in html and "Dinas Pendidikan" not in html
    assert "Tidak ada perangkat daerah yang tertinggal." in html


def test_an_employee_is_refused_and_another_government_is_not_found(client, world, scene):
    client.force_login(world.user(Role.EMPLOYEE))
    url = reverse("dashboard:government", args=[world.government.slug])
    assert client.get(url).status_code == 403
    client.force_login(world.user(Role.LEADERSHIP))
    other = reverse("dashboard:government", args=[world.other_government.slug])
    assert client.get(other).status_code == 404
