"""The teams compliance board and the teams list are kept per government and version (issue 25,
item 1; budaya/fragments.py) and show a change made through the services at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budaya.teams import services
from budaya.teams.models import Team

pytestmark = pytest.mark.django_db


def _board(client, city) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("teams:compliance", args=[city.government.slug]))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _summary(html: str) -> str:
    return html[html.index('<ul class="cards compliance-summary">') :]


def test_the_board_is_kept_until_a_team_changes(client, city, city_admin_user):
    client.force_login(city_admin_user)
    html, computed = _board(client, city)
    assert "Tim Baru" not in html
    again, kept = _board(client, city)
    assert _summary(again) == _summary(html) and kept < computed

    services.create_team(
        Team(government=city.government, kind=city.kind, unit=city.other_agency, name="Tim Baru"),
        city_admin_user,
    )
    html, _queries = _board(client, city)
    # The new team has no decree yet: the board says so.
    assert "Tim Baru belum mempunyai keputusan yang ditandatangani." in html


def test_the_team_list_is_kept_until_a_team_changes(client, city, city_admin_user):
    client.force_login(city_admin_user)
    url = reverse("teams:team_list", args=[city.government.slug])
    with CaptureQueriesContext(connection) as computed:
        assert "Tim Baru" not in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as kept:
        assert "Tim Baru" not in client.get(url).content.decode()
    assert len(kept) < len(computed)

    services.create_team(
        Team(government=city.government, kind=city.kind, unit=city.other_agency, name="Tim Baru"),
        city_admin_user,
    )
    assert "Tim Baru" in client.get(url).content.decode()
