"""Every employee's part on the dashboards (issue 22, Deliver 1 and 7): the commitment signed,
this month's twibbon and the pulses answered, per agency and, on the agency head's view, per
unit, flagged under 60 %; each figure opens who has not yet done it (who answered is known,
never what); a unit with fewer than k people invited has no rate of its own."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from budaya.accounts.models import Role
from budaya.org.models import Unit
from budaya.programme import services as programme
from budaya.programme.models import Declaration
from budaya.surveys import participation, services
from budaya.surveys.models import Invitation
from budaya.surveys.tests.conftest import make_employee, open_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(place):
    """A declaration signed by two of the agency's nine, one twibbon this month, a second agency
    of three (fewer than k = 5), and a whole-government pulse answered by five of the six people
    of the large unit."""
    today = timezone.localdate()
    other = Unit.objects.create(
        government=place.government, kind="dinas", code="2", name="Dinas Kecil"
    )
    others = [make_employee(other, n) for n in range(20, 23)]
    year = programme.create_programme(government=place.government, unit=None, year=today.year)
    declaration = Declaration.objects.create(
        government=place.government, programme=year, held_on=today, led_by="Sekretaris Daerah"
    )
    for employee in place.staff[:2]:
        services.sign(actor=None, declaration=declaration, employee=employee, text="Nilai")
    services.confirm_twibbon(actor=None, employee=place.staff[0], month=today)
    survey = open_survey(place, scale="agree5", comments=False, kind="pulse", title="Denyut")
    items = list(survey.questionnaire.items.values_list("pk", flat=True))
    for employee in place.staff[:5]:
        invitation = Invitation.objects.get(survey=survey, employee=employee)
        services.save_answers(invitation=invitation, points=dict.fromkeys(items, 4))
        services.submit(actor=None, invitation=invitation)
    return {"other": other, "others": others, "survey": survey, "today": today}


def _lines(place, counted, units):
    today = counted["today"]
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    found = participation.participation(place.government, units, start=start, end=end, today=today)
    return {line.unit.pk: line for line in found}


def test_each_agency_and_unit_counts_its_people_and_small_groups_have_no_rate(place, counted):
    other = counted["other"]
    lines = _lines(place, counted, [place.agency, place.big, place.small, other])
    agency = lines[place.agency.pk]
    assert agency.employees == 9
    assert (agency.commitment.done, agency.commitment.of) == (2, 9)
    assert (agency.twibbon.done, agency.twibbon.of) == (1, 9)
    # The large unit is its own group (6 invited); the head and the small unit (3) are counted
    # with the agency: 5 of 9 answered, under 60 %.
    assert (agency.survey.done, agency.survey.of) == (5, 9) and agency.survey.low and agency.low
    assert (lines[place.big.pk].survey.done, lines[place.big.pk].survey.of) == (5, 6)
    # Two people invited: no rate of their own (counted in the agency), and the agency of three
    # was stored with the whole government.
    assert lines[place.small.pk].survey is None
    assert lines[other.pk].survey is None and lines[other.pk].employees == 3


def test_the_dashboard_shows_participation_with_the_flag_and_links_to_who_has_not(
    place, counted, client
):
    client.force_login(place.admin)
    page = client.get(reverse("dashboard:government", args=[place.government.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Peran setiap pegawai" in text and "Partisipasi per perangkat daerah" in text
    assert "56% (5/9)" in text and "di bawah 60 %" in text
    drill = reverse("surveys:participation", args=[place.government.slug, place.agency.pk])
    assert f"{drill}?what=commitment" in text and f"{drill}?what=survey" in text
    # The city's view lists agencies, not the units inside them.
    assert "Bidang Besar" not in text and "Dinas Kecil" in text


def test_the_agency_head_sees_the_units_of_their_agency(place, counted, client, make_user):
    head = make_user("kepala.dinas", Role.UNIT_HEAD, place.government, place.agency)
    client.force_login(head)
    text = client.get(
        reverse("dashboard:government", args=[place.government.slug])
    ).content.decode()
    assert "Bidang Besar" in text and "83% (5/6)" in text
    assert "tidak ada survei denyut yang dihitung di sini" in text
    assert "Dinas Kecil" not in text


def test_the_drill_down_lists_who_has_not_yet_signed_or_answered(place, counted, client):
    client.force_login(place.admin)
    url = reverse("surveys:participation", args=[place.government.slug, place.agency.pk])
    unsigned = client.get(url, {"what": "commitment"}).content.decode()
    assert "Belum menandatangani komitmen" in unsigned and "7 orang" in unsigned
    assert "Pegawai 4" in unsigned and "Pegawai 2<" not in unsigned
    unanswered = client.get(url, {"what": "survey"}).content.decode()
    # Four have not answered: the head, one of the large unit, the two of the small unit.
    assert "4 orang" in unanswered and "Pegawai 7" in unanswered
    assert "Pegawai 3<" not in unanswered
    twibbon = client.get(url, {"what": "twibbon"}).content.decode()
    assert "8 orang" in twibbon


def test_the_drill_down_is_the_agency_heads_own_agency_only(place, counted, client, make_user):
    head = make_user("kepala.dinas", Role.UNIT_HEAD, place.government, place.agency)
    client.force_login(head)
    slug = place.government.slug
    own = reverse("surveys:participation", args=[slug, place.small.pk])
    assert client.get(own).status_code == 200
    other = reverse("surveys:participation", args=[slug, counted["other"].pk])
    assert client.get(other).status_code == 404
    team = make_user("tim.dinas", Role.UNIT_TEAM, place.government, place.agency)
    client.force_login(team)
    assert client.get(own).status_code == 403
