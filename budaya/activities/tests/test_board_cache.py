"""The obligations board, and the activity log's table, count and filters, are kept per government and
version (issue 25, item 1; budaya/fragments.py): computed once, then served as they were until a
write of their government, and never shown to a user who sees less of the government."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budaya.accounts import audit
from budaya.accounts.models import Role
from budaya.activities.services import create_activity

pytestmark = pytest.mark.django_db

D = datetime.date


def _board(client, world, obligation) -> tuple[str, list[str]]:
    url = reverse("activities:compliance", args=[world.government.slug])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"year": 2025, "obligation": obligation.pk})
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def _table(html: str) -> str:
    return html[html.index('<table class="board">') : html.index("</table>")]


def _reads_aggregate(sql: list[str]) -> bool:
    return any('"activities_activitymonth"' in query for query in sql)


def test_the_board_is_computed_again_only_after_a_write_of_its_government(
    client, world, serang_rules
):
    forms, twibbon, _apel = serang_rules
    client.force_login(world.user(Role.LEADERSHIP))
    html, sql = _board(client, world, twibbon)
    assert _reads_aggregate(sql)
    assert "0/12" in html and "1/12" not in html  # the twibbon of every 17th, none done

    again, sql = _board(client, world, twibbon)
    assert _table(again) == _table(html) and not _reads_aggregate(sql)

    # A write of another government leaves this one's board as it was.
    with transaction.atomic():
        audit.record(None, "update", world.other_government, government=world.other_government)
    _html, sql = _board(client, world, twibbon)
    assert not _reads_aggregate(sql)

    # Recording an activity (audited in its transaction) shows at once.
    create_activity(
        government=world.government,
        data={"unit": world.agency, "form": forms["twibbon"], "date": D(2025, 1, 17), "title": "x"},
        actor=None,
    )
    html, sql = _board(client, world, twibbon)
    assert _reads_aggregate(sql)
    assert "1/12" in html


def test_a_unit_role_never_gets_the_board_kept_for_the_city(client, world, serang_rules):
    _forms, twibbon, _apel = serang_rules
    client.force_login(world.user(Role.CITY_ADMIN))
    html, _sql = _board(client, world, twibbon)
    assert "Dinas Kesehatan" in html
    client.force_login(world.user(Role.UNIT_TEAM))
    html, sql = _board(client, world, twibbon)
    assert _reads_aggregate(sql)
    assert "Dinas Pendidikan" in html and "Dinas Kesehatan" not in html


def test_the_board_kept_in_indonesian_is_not_shown_in_english(client, world, serang_rules):
    _forms, twibbon, _apel = serang_rules
    client.force_login(world.user(Role.CITY_ADMIN))
    html, _sql = _board(client, world, twibbon)
    assert "Semua Perangkat Daerah" in html and "All agencies" not in html
    client.cookies["budaya_language"] = "en"
    english, sql = _board(client, world, twibbon)
    assert _reads_aggregate(sql)
    assert "All agencies" in english


def _log(client, world, **query) -> tuple[str, list[str]]:
    url = reverse("activities:list", args=[world.government.slug])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def _select(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def _reads_log(sql: list[str]) -> bool:
    """The activities (their count, the page's rows) or the forms (the filter's options) read."""
    tables = ('FROM "activities_activity"', 'FROM "activities_activityform"')
    return any(table in query for query in sql for table in tables)


def test_the_activity_log_is_kept_until_a_write_of_its_government(client, world, serang_rules):
    forms, _twibbon, _apel = serang_rules

    def record(title: str) -> None:
        data = {"unit": world.agency, "form": forms["twibbon"], "date": D(2025, 1, 17)}
        create_activity(government=world.government, data={**data, "title": title}, actor=None)

    record("Twibbon Januari")
    client.force_login(world.user(Role.UNIT_TEAM))
    html, sql = _log(client, world)
    assert _reads_log(sql)
    assert "1 kegiatan" in html and "Semua bentuk" in html and "Twibbon Januari" in html

    _html, sql = _log(client, world)
    assert not _reads_log(sql)
    chosen, _sql = _log(client, world, form=forms["twibbon"].pk)
    assert f'<option value="{forms["twibbon"].pk}" selected>' in _select(chosen, "form")
    assert f'<option value="{forms["apel-pagi"].pk}">' in _select(chosen, "form")

    # A write of another government leaves this one's as it was; recording here shows at once.
    with transaction.atomic():
        audit.record(None, "update", world.other_government, government=world.other_government)
    _html, sql = _log(client, world)
    assert not _reads_log(sql)
    record("Twibbon Februari")
    html, sql = _log(client, world)
    assert _reads_log(sql)
    assert "2 kegiatan" in html and "Twibbon Februari" in html


def test_a_unit_role_never_gets_the_log_kept_for_the_city(client, world, serang_rules):
    forms, _twibbon, _apel = serang_rules
    data = {"form": forms["twibbon"], "date": D(2025, 1, 17)}
    for unit, title in ((world.agency, "Twibbon kami"), (world.other_agency, "Twibbon Dinkes")):
        create_activity(
            government=world.government, data={**data, "unit": unit, "title": title}, actor=None
        )
    client.force_login(world.user(Role.CITY_ADMIN))
    html, _sql = _log(client, world)
    assert f'<option value="{world.other_agency.pk}">' in _select(html, "unit")
    assert "Twibbon Dinkes" in html and "2 kegiatan" in html
    client.force_login(world.user(Role.UNIT_TEAM))
    html, _sql = _log(client, world)
    assert f'<option value="{world.agency.pk}">' in _select(html, "unit")
    assert f'<option value="{world.other_agency.pk}">' not in _select(html, "unit")
    assert "Twibbon kami" in html and "1 kegiatan" in html and "Twibbon Dinkes" not in html
