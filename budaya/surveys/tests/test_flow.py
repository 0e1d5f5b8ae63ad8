"""An employee answers a pulse; the administrator sees figures only for groups of at least k;
the tables keep no link between a person and their answers (issue 22)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from budaya.accounts.models import AuditEntry, Role
from budaya.org import services as org_services
from budaya.org.models import Unit
from budaya.surveys import selectors, services
from budaya.surveys.models import Figure, Invitation, Relation, Response, Survey, Tally
from budaya.surveys.tests.conftest import employee_user, make_employee, open_survey

pytestmark = pytest.mark.django_db


def _pulse(place):
    return open_survey(
        place, scale="agree5", comments=True, kind="pulse", title="Pulse Maret", unit=place.agency
    )


def _answer_all(survey, employees, point=4, comment=""):
    for employee in employees:
        invitation = Invitation.objects.get(survey=survey, employee=employee)
        items = survey.questionnaire.items.values_list("pk", flat=True)
        services.save_answers(
            invitation=invitation, points=dict.fromkeys(items, point), comment=comment
        )
        services.submit(actor=None, invitation=invitation)


def test_the_questionnaire_has_an_item_per_behaviour_guide(place):
    survey = _pulse(place)
    texts = list(survey.questionnaire.items.values_list("text_id", flat=True))
    assert texts == [
        "Berorientasi Pelayanan perilaku 1",
        "Berorientasi Pelayanan perilaku 2",
        "Akuntabel perilaku 1",
        "Akuntabel perilaku 2",
    ]


def test_editing_a_questionnaire_in_use_makes_its_next_version(place):
    survey = _pulse(place)
    item = survey.questionnaire.items.first()
    edited = services.edit_item(actor=place.admin, item=item, text_id="Baru", text_en="New")
    assert edited.questionnaire.number == 2
    item.refresh_from_db()
    assert item.text_id == "Berorientasi Pelayanan perilaku 1"


def test_small_units_are_stored_with_their_parent_and_the_response_knows_nobody(place):
    survey = _pulse(place)
    cells = dict(Invitation.objects.filter(survey=survey).values_list("employee_id", "cell_id"))
    # Six in the big unit (k = 5): their own cell; two in the small one and the head: the agency.
    assert {cells[e.pk] for e in place.staff[:6]} == {place.big.pk}
    assert {cells[e.pk] for e in place.staff[6:]} == {place.agency.pk}
    _answer_all(survey, place.staff[:1], comment="Rapat terlalu panjang")
    response = Response.objects.get(survey=survey)
    names = {field.name for field in Response._meta.get_fields()}
    assert names == {"id", "government", "survey", "cell", "relation", "answers", "comment"}
    assert response.id.version == 4
    invitation = Invitation.objects.get(survey=survey, employee=place.staff[0])
    assert invitation.answered and invitation.draft == {}
    entry = AuditEntry.objects.filter(object_type="surveys.survey", after__answered=True).get()
    assert "4" not in str(entry.after) and "Rapat" not in str(entry.after)


def test_answers_are_kept_as_the_person_goes_and_all_are_needed_to_send(place):
    survey = _pulse(place)
    invitation = Invitation.objects.get(survey=survey, employee=place.staff[0])
    first = survey.questionnaire.items.first()
    services.save_answers(invitation=invitation, points={first.pk: 3})
    invitation.refresh_from_db()
    assert invitation.draft == {str(first.pk): 3}
    with pytest.raises(ValidationError, match="Jawab semua pertanyaan"):
        services.submit(actor=None, invitation=invitation)
    with pytest.raises(ValidationError):
        services.save_answers(invitation=invitation, points={first.pk: 9})


def test_each_sending_adds_its_points_to_its_groups_tally(place):
    survey = _pulse(place)
    _answer_all(survey, place.staff[:2], point=5)
    _answer_all(survey, place.staff[2:3], point=2)
    tally = Tally.objects.get(survey=survey, cell=place.big)
    items = [str(pk) for pk in survey.questionnaire.items.values_list("pk", flat=True)]
    assert tally.answered == 3
    assert tally.counts == {item: [0, 1, 0, 0, 2] for item in items}


def test_closing_releases_only_groups_of_at_least_k_and_rolls_small_ones_up(place):
    survey = _pulse(place)
    _answer_all(survey, place.staff[:6], point=5, comment="Baik")
    _answer_all(survey, place.staff[6:], point=1)
    services.close_survey(actor=place.admin, survey=survey)
    figures = {f.unit_id: f for f in Figure.objects.filter(survey=survey)}
    assert figures[place.agency.pk].shown and figures[place.agency.pk].answered == 8
    # The big unit has 6 answers, but the agency minus it would be the 2 of the small unit.
    assert not figures[place.big.pk].shown
    assert figures[place.big.pk].values == {}
    # Responses moved to the group they are shown in; the tallies emptied.
    assert set(Response.objects.filter(survey=survey).values_list("cell_id", flat=True)) == {
        place.agency.pk
    }
    assert all(t.counts == {} for t in Tally.objects.filter(survey=survey))
    agency = figures[place.agency.pk]
    assert agency.comments == ["Baik"] * 6
    assert round(agency.index, 1) == round((6 * 100 + 2 * 0) / 8, 1)


def test_a_survey_too_small_to_show_anything_keeps_no_answers(place):
    survey = _pulse(place)
    _answer_all(survey, place.staff[:3])
    services.close_survey(actor=place.admin, survey=survey)
    assert not Response.objects.filter(survey=survey).exists()
    assert not Figure.objects.filter(survey=survey, shown=True).exists()


def test_k_is_fixed_when_a_survey_opens_and_not_lowered_while_one_is_open(place):
    services.set_policy(
        actor=place.admin, government=place.government, k=7, peers=3, subordinates=3
    )
    survey = _pulse(place)
    assert survey.k is None
    survey.refresh_from_db()
    assert survey.k == 7
    with pytest.raises(ValidationError, match="tidak dapat diturunkan"):
        services.set_policy(
            actor=place.admin, government=place.government, k=5, peers=3, subordinates=3
        )
    with pytest.raises(ValidationError):
        services.set_policy(
            actor=place.admin, government=place.government, k=2, peers=3, subordinates=3
        )


def test_the_employee_answers_on_the_page_and_the_administrator_sees_small_groups_hidden(
    place, client, make_user, monkeypatch
):
    survey = _pulse(place)
    user = employee_user(make_user, place.staff[0])
    client.force_login(user)
    url = reverse("surveys:answer", args=[place.government.slug, survey.pk])
    page = client.get(url + "?one=1")
    assert "0 dari 4 terjawab" in page.content.decode()
    assert page.content.decode().count("<fieldset") == 1  # one question a screen
    items = list(survey.questionnaire.items.all())
    # Saved as the person goes (htmx), then sent.
    saved = client.post(url, {f"item-{items[0].pk}": "4"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    # Sent with one answer of four: refused, the other three marked, the first of them linked
    # (only a banner at the top said so, above a long page).
    refused = client.post(url, {"send": "1"}).content.decode()
    assert refused.count('aria-invalid="true"') == 3
    assert f'href="#question-{items[1].pk}">Pertanyaan 2 adalah yang pertama belum dijawab.' in (
        refused
    )
    client.post(url, {f"item-{i.pk}": "4" for i in items} | {"send": "1"})
    assert Invitation.objects.get(survey=survey, employee=place.staff[0]).answered
    _answer_all(survey, place.staff[1:])
    services.close_survey(actor=place.admin, survey=survey)
    client.force_login(place.admin)
    page = client.get(reverse("surveys:detail", args=[place.government.slug, survey.pk]))
    shown = {f.unit.name: f.shown for f in page.context["figures"]}
    # 6 answers in the big unit beside 2 in the small one: showing both the agency and the big
    # unit would reveal the two, so the big unit is counted in the agency.
    assert shown == {"Dinas A": True, "Bidang Besar": False}
    # The hidden group chosen: the page says which group has too few answers, not that the
    # survey shows nothing (the agency above it does).
    hidden = next(f for f in page.context["figures"] if not f.shown)
    chosen = client.get(
        reverse("surveys:detail", args=[place.government.slug, survey.pk]), {"group": hidden.pk}
    ).content.decode()
    assert "Jawaban di “Bidang Besar” terlalu sedikit" in chosen
    assert "Pilih kelompok lain di atas." in chosen
    agency = page.context["selected"]
    assert agency.unit == place.agency and agency.answered == 8
    assert agency.index == 75.0
    assert "<td>75,0</td>" in page.content.decode()  # Indonesian decimals
    # The change since the previous round in the same decimals, signed: "+12.5" beside "75,0".
    monkeypatch.setattr(
        selectors, "previous_indices", lambda *args, **kwargs: {(place.agency.pk, "member"): 62.5}
    )
    page = client.get(reverse("surveys:detail", args=[place.government.slug, survey.pk]))
    assert 'data-label="Perubahan">+12,5</td>' in page.content.decode()
    export = client.get(reverse("surveys:export", args=[place.government.slug, survey.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_results_are_not_shown_while_the_survey_is_open(place, client):
    survey = _pulse(place)
    _answer_all(survey, place.staff[:6])
    client.force_login(place.admin)
    page = client.get(reverse("surveys:detail", args=[place.government.slug, survey.pk]))
    assert page.status_code == 200
    assert not Figure.objects.filter(survey=survey).exists()
    assert page.context["participation"]
    assert "figures" not in page.context
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN


def test_an_agency_head_sees_the_participation_of_their_own_agency_only(place, client, make_user):
    """A whole-government pulse while it is open: the agency head reads the groups of their
    agency and their total, as the released figures; never another agency's."""
    other = Unit.objects.create(
        government=place.government, kind="dinas", code="2", name="Dinas Lain"
    )
    others = [make_employee(other, n) for n in range(30, 36)]
    survey = open_survey(place, scale="agree5", comments=False, kind="pulse", title="Denyut")
    _answer_all(survey, others[:3])
    _answer_all(survey, place.staff[:1])
    url = reverse("surveys:detail", args=[place.government.slug, survey.pk])
    client.force_login(place.admin)
    city = client.get(url).content.decode()
    assert "Dinas Lain" in city and "Dinas A" in city
    head = make_user("kepala.dinas.a", Role.UNIT_HEAD, place.government, place.agency)
    client.force_login(head)
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Dinas Lain" not in text
    assert [row["unit"] for row in page.context["participation"]] == [place.agency, place.big]
    # The total is the agency's nine invited, one answered; not the government's fifteen.
    assert page.context["total"]["invited"] == 9 and page.context["total"]["answered"] == 1
    assert "<td>9</td><td>1</td>" in text


def _export_groups(client, place, survey) -> list[str]:
    export = client.get(reverse("surveys:export", args=[place.government.slug, survey.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    header = next(
        i for i, row in enumerate(sheet.iter_rows(values_only=True)) if row[0] == "Kelompok"
    )
    return [row[0] for row in list(sheet.iter_rows(values_only=True))[header + 1 :]]


def test_the_kept_export_shows_a_renamed_unit_and_only_the_readers_groups(place, client, make_user):
    survey = _pulse(place)
    _answer_all(survey, place.staff)
    services.close_survey(actor=place.admin, survey=survey)
    client.force_login(place.admin)
    assert set(_export_groups(client, place, survey)) == {"Dinas A", "Bidang Besar"}
    # The head of the big unit reads only their unit's group, after the administrator's export.
    head = make_user("kepala.besar", Role.UNIT_HEAD, place.government, place.big)
    client.force_login(head)
    assert set(_export_groups(client, place, survey)) == {"Bidang Besar"}
    # A unit renamed after the survey closed: the next export prints its new name.
    place.agency.name = "Dinas Kebudayaan"
    org_services.update_unit(place.agency, place.admin)
    client.force_login(place.admin)
    assert set(_export_groups(client, place, survey)) == {"Dinas Kebudayaan", "Bidang Besar"}


def test_a_group_without_a_unit_is_named_for_who_answered():
    # The whole government of a pulse was "Anggota" (its members' relation) on page and export.
    with translation.override("id"):
        assert Figure(relation=Relation.MEMBER).group == "Semua yang diminta menjawab"
        assert Figure(relation=Relation.SUPERIOR).group == "Atasan"


def test_closing_a_survey_settles_its_notifications(
    place, make_user, django_capture_on_commit_callbacks
):
    # "Perlu perhatian Anda: Survei denyut bulan lalu" stayed new for a survey closed weeks ago.
    from budaya.notifications.models import Notification

    users = [employee_user(make_user, employee) for employee in place.staff[:2]]
    with django_capture_on_commit_callbacks(execute=True):
        survey = open_survey(place, scale="agree5", comments=False, kind="pulse", title="Denyut")
    told = Notification.objects.filter(kind="surveys.survey.opened", recipient__in=users)
    assert told.count() == 2 and not told.filter(read_at__isnull=False).exists()
    assert told.first().subject == "Survei untuk Anda: Denyut"
    _answer_all(survey, place.staff[:1])
    # Answering settles nothing: a read time would record when the person answered.
    assert not told.filter(read_at__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.close_survey(actor=place.admin, survey=survey)
    assert not told.filter(read_at__isnull=True).exists()
