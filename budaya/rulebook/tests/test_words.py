"""Every page takes the government's words from its rulebook (issue 18): the context processor
``budaya.rulebook.words.context`` costs one query on a cold cache and none once warm."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.rulebook import services
from budaya.rulebook.words import words_of_many

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).content.decode()
    return len(queries), body


def test_the_footer_names_the_programme_and_government_of_the_users_rulebook(
    client, government, make_user
):
    services.load_shipped(government=government, name="kota-serang")
    client.force_login(make_user("sekda", Role.LEADERSHIP, government))
    url = reverse("accounts:account")
    client.get(url)  # sessions, content types warm
    cache.clear()
    cold, body = _count(client, url)
    assert "Budaya Kerja · Pemerintah Kota Serang" in body
    warm, body = _count(client, url)
    # One query for the words and one for the menu's problem-solving flag (budaya/problems/
    # menu.py), on a cold cache only.
    assert cold - warm == 2
    assert "Budaya Kerja · Pemerintah Kota Serang" in body
    # A new version shows at once: the import clears the government's words.
    renamed = services.shipped_text("kota-serang").replace(
        "    text: Budaya Kerja\n", "    text: Budaya Pemerintahan\n", 1
    )
    services.import_rulebook(government=government, text=renamed)
    assert "Budaya Pemerintahan · Pemerintah Kota Serang" in client.get(url).content.decode()


def test_a_user_of_no_single_government_reads_the_neutral_words(client, system_admin):
    client.force_login(system_admin)
    body = client.get(reverse("home")).content.decode()
    assert "program budaya kerja pemerintah daerah" in body


def test_the_words_of_many_governments_cost_one_query(government, other_government):
    services.load_shipped(government=government, name="kota-tangerang")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        words = words_of_many([government.pk, other_government.pk])
    assert len(queries) == 1
    assert words[government.pk].head_of_government_title.text == "Walikota"
    assert words[other_government.pk].head_of_government_title.text == "Kepala Daerah"  # starter
    with CaptureQueriesContext(connection) as queries:
        words_of_many([government.pk, other_government.pk])
    assert len(queries) == 0
