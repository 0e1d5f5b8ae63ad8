"""The employee's own page: values, commitment under the declaration, twibbon, surveys waiting
(issue 22, Deliver 1)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from budaya import pending
from budaya.programme import services as programme
from budaya.programme.models import Declaration
from budaya.surveys.models import Commitment, TwibbonConfirmation
from budaya.surveys.tests.conftest import employee_user

pytestmark = pytest.mark.django_db


def _declare(place, day):
    year_programme = programme.create_programme(
        government=place.government, unit=None, year=day.year
    )
    return Declaration.objects.create(
        government=place.government, programme=year_programme, held_on=day, led_by="Sekda"
    )


def test_the_employee_signs_the_declared_values_once_until_a_new_declaration(
    place, client, make_user
):
    user = employee_user(make_user, place.staff[0])
    client.force_login(user)
    page = client.get(reverse("surveys:me")).content.decode()
    assert "Berorientasi Pelayanan" in page and "Nilai-nilai belum dideklarasikan" in page
    first = _declare(place, datetime.date(2025, 1, 10))
    assert "Tandatangani komitmen" in client.get(reverse("surveys:me")).content.decode()
    client.post(reverse("surveys:sign"))
    client.post(reverse("surveys:sign"))
    commitment = Commitment.objects.get(employee=place.staff[0])
    assert commitment.declaration == first and "Akuntabel" in commitment.text
    assert "Anda menandatangani komitmen" in client.get(reverse("surveys:me")).content.decode()
    _declare(place, datetime.date(2026, 1, 10))
    assert "Tandatangani komitmen" in client.get(reverse("surveys:me")).content.decode()
    # The earlier signature stays, with the text as signed.
    assert Commitment.objects.filter(employee=place.staff[0]).count() == 1


def test_the_twibbon_is_confirmed_once_a_month_and_a_photo_must_be_a_picture(
    place, client, make_user
):
    user = employee_user(make_user, place.staff[0])
    client.force_login(user)
    fake = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    client.post(reverse("surveys:twibbon"), {"photo": fake})
    assert not TwibbonConfirmation.objects.exists()
    client.post(reverse("surveys:twibbon"))
    client.post(reverse("surveys:twibbon"))
    confirmation = TwibbonConfirmation.objects.get()
    assert confirmation.month == timezone.localdate().replace(day=1)


def test_surveys_waiting_show_on_the_page_and_in_tugas_saya(place, client, make_user):
    from budaya.surveys.tests.test_flow import _pulse

    user = employee_user(make_user, place.staff[0])
    assert pending.pending_for(user) == []
    survey = _pulse(place)
    items = pending.pending_for(user)
    assert [(str(i.label), i.count, i.url) for i in items] == [
        ("Survei untuk dijawab", 1, reverse("surveys:me"))
    ]
    client.force_login(user)
    page = client.get(items[0].url).content.decode()
    assert reverse("surveys:answer", args=[place.government.slug, survey.pk]) in page


def test_a_survey_opened_shows_on_the_home_page_at_once_and_goes_when_answered(
    place, client, make_user
):
    """The home page's tasks are kept per version (issue 25): opening and answering are
    audited writes, so the next page shows them."""
    from budaya.surveys.tests.test_flow import _answer_all, _pulse

    user = employee_user(make_user, place.staff[0])
    client.force_login(user)

    def tasks() -> list[str]:
        return [str(item.label) for item in client.get(reverse("home")).context["tasks"]]

    assert tasks() == []
    survey = _pulse(place)
    assert tasks() == ["Survei untuk dijawab"]
    _answer_all(survey, place.staff[:1])
    assert tasks() == []


def test_another_governments_survey_cannot_be_answered(place, client, make_user, other_government):
    from budaya.surveys.tests.test_flow import _pulse

    survey = _pulse(place)
    user = employee_user(make_user, place.staff[0])
    client.force_login(user)
    url = reverse("surveys:answer", args=[other_government.slug, survey.pk])
    assert client.get(url).status_code == 404
