"""Survey results where others use them (issue 22, Deliver 7): the agency's monitoring report,
where the government's rulebook names the source ``surveys`` (S Lampiran E Tabel 2 indicator 4
a; T Lampiran II angka II.3 huruf c, with II.1 huruf e and II.2 huruf d), its exports and its
submitted versions; and a role-model nomination, with rater groups only where they reach k."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from budaya.monev import exports
from budaya.monev import services as monev
from budaya.monev.models import Period, ReportVersion, State
from budaya.rulebook.services import load_shipped
from budaya.surveys import feeds, services
from budaya.surveys.models import Invitation, Relation
from budaya.surveys.tests.conftest import open_survey
from budaya.teams.models import Designation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _report(place, rulebook: str | None):
    if rulebook:
        load_shipped(government=place.government, name=rulebook)
    today = timezone.localdate()
    period = monev.create_period(
        place.government,
        kind=Period.Kind.KHUSUS,
        year=today.year,
        title="Monev khusus",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=30),
        actor=place.admin,
    )
    return monev.start_report(period, place.agency, place.admin)


def _pulse(place, title: str, answering: int, point: int = 4):
    """A whole-government pulse answered by the first ``answering`` of the agency, closed."""
    survey = open_survey(place, scale="agree5", comments=False, kind="pulse", title=title)
    items = list(survey.questionnaire.items.values_list("pk", flat=True))
    people = [place.head, *place.staff][:answering]
    for employee in people:
        invitation = Invitation.objects.get(survey=survey, employee=employee)
        services.save_answers(invitation=invitation, points=dict.fromkeys(items, point))
        services.submit(actor=None, invitation=invitation)
    services.close_survey(actor=place.admin, survey=survey)
    return survey


def test_the_report_shows_the_agencys_released_indices_where_the_rulebook_names_them(place, client):
    report = _report(place, "kota-serang")
    _pulse(place, "Denyut Maret", answering=9)
    client.force_login(place.admin)
    page = client.get(reverse("monev:report", args=[place.government.slug, report.pk]))
    text = page.content.decode()
    assert "Survei perilaku dan partisipasi pada periode ini" in text
    # S Lampiran E Tabel 2, indicator 4 item a, in the rulebook's words.
    assert "melalui evaluasi rutin berkala" in text
    assert "Denyut Maret" in text and "9 / 9" in text
    assert "Berorientasi Pelayanan: 75" in text and "Akuntabel: 75" in text


def test_the_report_counts_the_pulses_it_lists_not_one_still_open(place):
    # An open pulse of the period (answers still coming) was counted: "37 of 63, under 60 %"
    # beside two listed pulses answered 18 of 21 and 19 of 21.
    report = _report(place, "kota-serang")
    _pulse(place, "Denyut Maret", answering=9)
    open_survey(place, scale="agree5", comments=False, kind="pulse", title="Denyut berjalan")
    evidence = feeds.report_evidence(report)
    assert evidence is not None
    assert [survey["title"] for survey in evidence["surveys"]] == ["Denyut Maret"]
    assert evidence["participation"]["survey"] == [9, 9]


def test_an_agency_under_k_answers_shows_participation_and_no_figure(place, client):
    report = _report(place, "kota-serang")
    _pulse(place, "Denyut sepi", answering=3)
    evidence = feeds.report_evidence(report)
    assert evidence is not None
    [survey] = evidence["surveys"]
    assert survey["answered"] == 3 and not survey["shown"]
    assert survey["index"] is None and survey["values"] == []
    client.force_login(place.admin)
    text = client.get(
        reverse("monev:report", args=[place.government.slug, report.pk])
    ).content.decode()
    assert "Tidak ditampilkan" in text and "3 / 9" in text


def test_tangerang_cites_its_behaviour_area(place):
    report = _report(place, "kota-tangerang")
    evidence = feeds.report_evidence(report)
    assert evidence is not None
    assert evidence["cited"] == [
        "Evaluasi Pengembangan Budaya Kerja c: penerapan nilai-nilai budaya kerja dalam "
        "perilaku kerja (T Lampiran II angka II.3)"
    ]


def test_a_rulebook_naming_no_source_shows_nothing(place, client):
    # No rulebook of its own: the neutral starter, which names no source.
    report = _report(place, None)
    _pulse(place, "Denyut Maret", answering=9)
    assert feeds.report_evidence(report) is None
    assert "surveys" not in monev.report_content(report)
    client.force_login(place.admin)
    text = client.get(
        reverse("monev:report", args=[place.government.slug, report.pk])
    ).content.decode()
    assert "Survei perilaku dan partisipasi" not in text


def test_the_exports_carry_the_evidence_and_a_submitted_version_freezes_it(place, client):
    from docx import Document as Docx

    report = _report(place, "kota-serang")
    _pulse(place, "Denyut Maret", answering=9)
    content = monev.report_content(report)
    assert content["surveys"]["surveys"][0]["index"] == 75.0
    document = exports.agency_document(report, None)
    lines = exports.survey_lines(document)
    assert lines[0].startswith("Hasil survei perilaku dan partisipasi pegawai")
    assert any("Denyut Maret" in line and "indeks 75" in line for line in lines)
    assert any(line.startswith("Komitmen ditandatangani") for line in lines)
    paragraphs = [p.text for p in Docx(io.BytesIO(exports.docx(document))).paragraphs]
    assert any("Denyut Maret" in text for text in paragraphs)
    assert "Denyut Maret" in exports.pdf_html(document)

    # Submitted (frozen): a pulse closing afterwards changes neither the version nor the page.
    canonical = monev.canonical_json(content)
    ReportVersion.objects.create(
        government=report.government,
        report=report,
        number=report.version,
        canonical=canonical,
        sha256=monev.sha256_of(canonical),
    )
    type(report).objects.filter(pk=report.pk).update(state=State.SUBMITTED)
    _pulse(place, "Denyut April", answering=9, point=2)
    client.force_login(place.admin)
    text = client.get(
        reverse("monev:report", args=[place.government.slug, report.pk])
    ).content.decode()
    assert "Denyut Maret" in text and "Denyut April" not in text
    assert "Sesuai versi yang disampaikan" in text
    stored = json.loads(ReportVersion.objects.get(report=report).canonical)
    assert [s["title"] for s in stored["surveys"]["surveys"]] == ["Denyut Maret"]


def _round(place, subject, relations):
    services.set_policy(
        actor=place.admin, government=place.government, k=3, peers=5, subordinates=5
    )
    survey = open_survey(
        place, scale="expectation", comments=False, kind="360", title="360 teladan", subject=subject
    )
    items = list(survey.questionnaire.items.values_list("pk", flat=True))
    for invitation in Invitation.objects.filter(survey=survey, relation__in=relations):
        services.save_answers(invitation=invitation, points=dict.fromkeys(items, 3))
        services.submit(actor=None, invitation=invitation)
    services.close_survey(actor=place.admin, survey=survey)
    return survey


def _nominate(place, employee):
    today = timezone.localdate()
    return Designation.objects.create(
        government=place.government,
        kind=Designation.Kind.ROLE_MODEL,
        subject=Designation.Subject.EMPLOYEE,
        employee=employee,
        unit=employee.unit,
        period_start=today,
        period_end=today + datetime.timedelta(days=365),
        reasons="Teladan",
    )


def test_a_nomination_shows_rater_groups_only_where_they_reach_k(place, client):
    subject = place.staff[0]
    _round(place, subject, [Relation.PEER, Relation.SELF])
    designation = _nominate(place, subject)
    client.force_login(place.admin)
    text = client.get(
        reverse("teams:designation_detail", args=[place.government.slug, designation.pk])
    ).content.decode()
    assert "Hasil 360 calon" in text and "360 teladan" in text
    rounds = feeds.role_model_rounds(place.admin, place.government, subject.pk)
    groups = {group["relation"]: group for group in rounds[0]["groups"]}
    # Five peers answered (k = 3): shown; the single superior: fewer than k raters.
    assert groups["peer"]["shown"] and groups["peer"]["index"] == 100.0
    assert not groups["superior"]["shown"] and groups["superior"]["index"] is None
    assert "self" not in groups
    assert "kurang dari 3 penilai" in text


def test_a_group_that_would_reveal_a_smaller_one_is_not_shown_either(place):
    subject = place.staff[0]
    _round(place, subject, [Relation.PEER, Relation.SUPERIOR])
    rounds = feeds.role_model_rounds(place.admin, place.government, subject.pk)
    groups = {group["relation"]: group for group in rounds[0]["groups"]}
    # The peers alone would reveal the superior's answers beside all raters.
    assert groups["raters"]["shown"] and not groups["peer"]["shown"]
    assert groups["peer"]["index"] is None


def test_a_reader_of_another_agency_sees_no_round(place, make_user):
    from budaya.accounts.models import Role
    from budaya.org.models import Unit

    subject = place.staff[0]
    _round(place, subject, [Relation.PEER])
    other = Unit.objects.create(government=place.government, kind="dinas", code="9", name="Lain")
    stranger = make_user("kepala.lain", Role.UNIT_HEAD, place.government, other)
    assert feeds.role_model_rounds(stranger, place.government, subject.pk) == []
