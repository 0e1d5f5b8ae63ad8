"""The surveys demo: in each demo city a pulse and a 360 round, with units under k (issue 22)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from budaya import pending
from budaya.accounts.models import User
from budaya.surveys import demo
from budaya.surveys.models import Figure, Survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_surveys(monkeypatch):
    monkeypatch.setattr("budaya.org.demo.seed.seed_other_apps", demo.seed)


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--staff-per-agency", "6", stdout=out)
    return out.getvalue()


def test_each_city_gets_pulses_and_360_rounds_with_small_units_hidden_once():
    output = _seed()
    assert output.count("surveys (pulses and 360 rounds)") == 2
    for slug in ("kota-tangerang", "kota-serang"):
        surveys = Survey.objects.filter(government__slug=slug)
        kinds = set(surveys.values_list("kind", "status"))
        assert {("pulse", "closed"), ("pulse", "open"), ("360", "closed"), ("360", "open")} <= kinds
        figures = Figure.objects.filter(survey__government__slug=slug, survey__kind="pulse")
        assert figures.filter(shown=True).exists() and figures.filter(shown=False).exists()
    employee = User.objects.get(username="pegawai.dinkes.tangerang")
    assert [str(item.label) for item in pending.pending_for(employee)] == ["Survei untuk dijawab"]
    count = Survey.objects.count()
    assert "surveys" not in _seed()
    assert Survey.objects.count() == count
