"""The culture programme as the city administrator, an agency's team and leadership use it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budaya.accounts.models import AuditEntry, Role
from budaya.frameworks.models import CoreValue
from budaya.org.models import Unit
from budaya.programme import services
from budaya.programme.models import (
    ChecklistAnswer,
    ChecklistItem,
    Declaration,
    FormulationStep,
    Programme,
    ScorecardItem,
    ScorecardResult,
)

pytestmark = pytest.mark.django_db


def url(name, programme, *args):
    return reverse(f"programme:{name}", args=[programme.government.slug, programme.pk, *args])


@pytest.fixture
def programme(world, prima, tangerang_book):
    return services.create_programme(government=world.government, unit=world.agency, year=2025)


@pytest.fixture
def team(client, world):
    client.force_login(world.user(Role.UNIT_TEAM))
    return client


def make_item(programme, value, **extra):
    return ScorecardItem.objects.create(
        government=programme.government,
        programme=programme,
        value=value,
        key_behaviour=extra.pop("key_behaviour", "Apel pagi tepat waktu"),
        metric=extra.pop("metric", "Persentase kehadiran apel"),
        target=extra.pop("target", 90),
        measure_unit="%",
        **extra,
    )


# --- Programmes and who writes them -------------------------------------------------------------


def test_a_unit_team_starts_its_agency_programme_with_its_rulebooks_steps_and_checklists(
    team, world, prima, tangerang_book
):
    response = team.post(
        reverse("programme:create", args=[world.government.slug]),
        {"year": 2025, "unit": world.agency.pk, "notes": "Tahun pertama"},
    )
    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    assert programme.rulebook_version == tangerang_book
    # T Lampiran II II.1 a–e, II.2 a–d, II.3 a–c.
    steps = list(programme.steps.order_by("pk").values_list("stage", "step"))
    assert steps[:5] == [("perumusan", code) for code in "abcde"] and len(steps) == 12
    # T Lampiran II II.2.d (four criteria) and IV (six conditions), from its rulebook.
    lists = list(ChecklistItem.objects.filter(government=world.government).values_list("checklist"))
    assert lists.count(("kriteria-keberhasilan",)) == 4
    assert lists.count(("syarat-keberhasilan",)) == 6
    assert AuditEntry.objects.filter(object_type="programme.programme").count() == 1
    page = team.get(programme.get_absolute_url()).content.decode()
    assert "Perencanaan" in page and "Merumuskan bagaimana mengukur perilaku utama" in page
    assert "T Lampiran II angka II.1 huruf e" in page and "T Lampiran II angka IV" in page
    again = team.post(
        reverse("programme:create", args=[world.government.slug]),
        {"year": 2025, "unit": world.agency.pk},
    )
    assert "Sudah ada program untuk perangkat daerah dan tahun ini" in again.content.decode()
    assert Programme.objects.count() == 1


def test_a_unit_team_cannot_start_a_programme_for_another_agency_or_the_city(team, world, prima):
    base = reverse("programme:create", args=[world.government.slug])
    response = team.post(base, {"year": 2025, "unit": world.other_agency.pk})
    assert response.status_code == 200 and not Programme.objects.exists()
    response = team.post(base, {"year": 2025, "unit": ""})
    assert response.status_code == 200 and not Programme.objects.exists()


def test_the_city_wide_programme_is_read_by_an_agency_but_written_by_the_city_admin(
    client, world, prima
):
    city = services.create_programme(government=world.government, unit=None, year=2025)
    client.force_login(world.user(Role.UNIT_TEAM))
    assert client.get(city.get_absolute_url()).status_code == 200
    assert client.get(url("declaration", city)).status_code == 403
    assert client.get(url("edit", city)).status_code == 403
    client.force_login(world.user(Role.CITY_ADMIN))
    assert client.get(url("declaration", city)).status_code == 200
    client.force_login(world.user(Role.LEADERSHIP))
    assert client.get(url("edit", city)).status_code == 403


def test_one_programme_per_agency_and_one_city_wide_programme_per_year(world, prima):
    services.create_programme(government=world.government, unit=None, year=2025)
    services.create_programme(government=world.government, unit=world.agency, year=2025)
    for unit in (None, world.agency):
        with pytest.raises(services.ProgrammeExists):
            services.create_programme(government=world.government, unit=unit, year=2025)
    services.create_programme(government=world.government, unit=None, year=2024)


# --- Formulation -------------------------------------------------------------------------------


def test_saving_a_step_marks_it_done_and_moves_the_progress(team, programme):
    response = team.post(
        url("step", programme, "perumusan", "b"),
        {
            "notes": "FGD dengan seluruh kepala bidang",
            "sources": ["religion", "vision_mission", "other"],
            "other_sources": "Survei pegawai",
            "fgd_held_on": "2025-02-10",
            "done": "on",
        },
    )
    assert response.status_code == 302
    step = FormulationStep.objects.get(programme=programme, stage="perumusan", step="b")
    assert step.done and step.done_on is not None
    assert step.source_labels() == [
        "Ajaran agama",
        "Visi dan misi organisasi",
        "Lainnya",
        "Survei pegawai",
    ]
    page = team.get(programme.get_absolute_url()).content.decode()
    assert "Ajaran agama" in page and "Survei pegawai" in page
    assert "1/5" in page


def test_other_sources_must_be_named(team, programme):
    response = team.post(url("step", programme, "perumusan", "b"), {"sources": ["other"]})
    assert "Sebutkan sumber lainnya" in response.content.decode()


def test_leadership_reads_a_step_but_cannot_save_it(client, world, programme):
    client.force_login(world.user(Role.LEADERSHIP))
    page = client.get(url("step", programme, "perumusan", "c")).content.decode()
    assert "Mengidentifikasi area sensitif" in page
    assert "T Lampiran II angka II.1 huruf c" in page
    assert client.post(url("step", programme, "perumusan", "c"), {"notes": "x"}).status_code == 403
    assert client.get(url("step", programme, "perumusan", "z")).status_code == 404
    assert client.get(url("stage", programme, "perumusan")).status_code == 404


def test_sensitive_areas_are_recorded_with_the_programme(team, programme, prima):
    value = prima.values.first()
    response = team.post(
        url("area_create", programme),
        {"area": "Pengadaan barang", "value": value.pk, "conflict": "Konflik kepentingan"},
    )
    assert response.status_code == 302
    page = team.get(programme.get_absolute_url()).content.decode()
    assert "Pengadaan barang" in page and value.name in page


# --- Scorecard ----------------------------------------------------------------------------------


def test_a_scorecard_item_takes_a_value_of_the_adopted_framework_only(
    team, programme, prima, shipped
):
    foreign_value = shipped["berakhlak"].values.first()
    response = team.post(
        url("item_create", programme),
        {
            "value": foreign_value.pk,
            "key_behaviour": "x",
            "metric": "y",
            "target": "10",
            "measure_unit": "%",
            "direction": "at_least",
            "order": 0,
        },
    )
    assert response.status_code == 200 and not ScorecardItem.objects.exists()
    value = prima.values.first()
    response = team.post(
        url("item_create", programme),
        {
            "value": value.pk,
            "key_behaviour": "Apel pagi tepat waktu",
            "metric": "Persentase kehadiran",
            "target": "95",
            "measure_unit": "%",
            "direction": "at_least",
            "order": 1,
        },
    )
    assert response.status_code == 302
    assert ScorecardItem.objects.get().government == programme.government


def test_a_behaviour_manifestation_must_belong_to_the_chosen_value(
    client, world, berakhlak, other_government, make_user
):
    serang_unit = Unit.objects.create(
        government=other_government, kind="dinas", code="X", name="Dinas Uji"
    )
    admin = make_user("admin.serang", Role.CITY_ADMIN, other_government)
    client.force_login(admin)
    programme = services.create_programme(government=other_government, unit=serang_unit, year=2025)
    first, second = list(berakhlak.values.order_by("order")[:2])
    manifestation = second.manifestations.first()
    data = {
        "value": first.pk,
        "manifestation": manifestation.pk,
        "key_behaviour": "x",
        "metric": "y",
        "target": "1",
        "measure_unit": "kali",
        "direction": "at_least",
        "order": 0,
    }
    response = client.post(url("item_create", programme), data)
    assert "milik nilai lain" in response.content.decode()
    data["value"] = second.pk
    assert client.post(url("item_create", programme), data).status_code == 302


def test_results_per_month_or_date_show_progress_toward_the_target(team, programme, prima):
    item = make_item(programme, prima.values.first(), target=80)
    post = url("result_create", programme, item.pk)
    prefix = f"item{item.pk}"
    assert (
        team.post(post, {f"{prefix}-month": "2025-03", f"{prefix}-value": "40"}).status_code == 302
    )
    assert (
        team.post(post, {f"{prefix}-date": "2025-04-17", f"{prefix}-value": "60"}).status_code
        == 302
    )
    page = team.get(url("scorecard", programme)).content.decode()
    assert "75%" in page  # 60 of 80
    assert '<progress max="100" value="75">' in page
    assert "Maret 2025" in page and "17 April 2025" in page
    # The same month again replaces its result.
    team.post(post, {f"{prefix}-month": "2025-03", f"{prefix}-value": "50"})
    assert ScorecardResult.objects.filter(item=item).count() == 2
    assert ScorecardResult.objects.get(item=item, granularity="month").value == 50
    # Neither or both periods: the form says so.
    response = team.post(post, {f"{prefix}-value": "1"})
    assert "Isi bulan atau tanggal" in response.content.decode()


def test_lower_is_better_items_reach_full_attainment_at_or_below_the_target(programme, prima):
    item = make_item(programme, prima.values.first(), target=5, direction="at_most")
    assert item.attainment(3) == 100 and item.attainment(10) == 50 and item.attainment(None) is None


def test_scorecard_export_lists_each_result(team, programme, prima):
    item = make_item(programme, prima.values.first(), key_behaviour="=cmd|' /C calc'!A0")
    services.record_result(
        item, period_start=datetime.date(2025, 1, 1), granularity="month", value=45
    )
    make_item(programme, prima.values.last(), key_behaviour="Tanpa hasil")
    response = team.get(url("scorecard_export", programme))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    body = [row for row in rows if row[3] in ("Persentase kehadiran apel",)]
    assert len(body) == 2
    assert body[0][2].startswith("'=")  # a formula typed by a user stays text
    assert body[0][8] == 45 and body[0][9] == 50


# --- Implementation -----------------------------------------------------------------------------


def test_the_declaration_names_attendees_by_nip_within_the_agency(team, world, programme):
    base = {"held_on": "2025-01-06", "led_by": "Kepala Dinas", "attendee_count": 0}
    response = team.post(
        url("declaration", programme), {**base, "attendee_nips": world.other_employee.nip}
    )
    assert "Tidak ada pegawai" in response.content.decode()
    response = team.post(
        url("declaration", programme), {**base, "attendee_nips": world.employee.nip}
    )
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    assert list(declaration.attendees.all()) == [world.employee]
    assert declaration.attendee_count == 1


def test_methods_follow_socialisation_and_internalisation(team, programme):
    form = team.get(url("engagement_create", programme, "socialisation")).content.decode()
    assert "Pelatihan di Kantor Sendiri" in form and "Outbound" not in form
    form = team.get(url("engagement_create", programme, "internalisation")).content.decode()
    assert "Outbound" in form and "Pelatihan di Kantor Sendiri" not in form
    response = team.post(
        url("engagement_create", programme, "internalisation"),
        {
            "held_on": "2025-03-01",
            "title": "Outbound",
            "method": "outbound",
            "participant_count": 40,
        },
    )
    assert response.status_code == 302
    assert team.get(url("engagement_create", programme, "other")).status_code == 404


def test_institutional_changes_link_to_the_rule_and_the_values(team, programme, prima):
    value = prima.values.first()
    response = team.post(
        url("change_create", programme),
        {
            "kind": "procedure",
            "title": "SOP Pelayanan Izin",
            "url": "https://drive.example.go.id/sop",
            "values": [value.pk],
        },
    )
    assert response.status_code == 302
    page = team.get(programme.get_absolute_url()).content.decode()
    assert "SOP Pelayanan Izin" in page and "https://drive.example.go.id/sop" in page
    assert value.name in page


def test_checklists_are_answered_per_item(team, programme):
    item = ChecklistItem.objects.filter(
        government=programme.government, checklist="syarat-keberhasilan"
    ).first()
    response = team.post(url("checklist", programme), {"item": item.pk, "met": "on", "note": "SK"})
    assert response.status_code == 302
    assert ChecklistAnswer.objects.get(programme=programme, item=item).met
    page = team.get(programme.get_absolute_url()).content.decode()
    assert "1/6" in page


def test_a_stage_progresses_with_its_steps_done(programme, world):
    from budaya.programme.selectors import progress_of

    programme.steps.filter(stage="implementasi", step__in=["a", "b"]).update(done=True)
    stage = progress_of([programme])[programme.pk].stage("stage:implementasi")
    assert stage is not None and (stage.done, stage.total, stage.label) == (2, 4, "Implementasi")
    assert stage.source == "T Lampiran II angka II.2"


# --- Checklist items: data per government ---------------------------------------------------------


def test_the_city_admin_replaces_a_checklist_with_the_governments_own(client, world, programme):
    client.force_login(world.user(Role.CITY_ADMIN))
    page = reverse("programme:checklist_items", args=[world.government.slug])
    assert "Komitmen dari Pimpinan tertinggi OPD" in client.get(page).content.decode()
    response = client.post(
        page,
        {
            "action": "load",
            "load-checklist": "syarat-keberhasilan",
            "load-lines": "Pimpinan memberi teladan\nNilai dibacakan tiap apel\n",
            "load-source": "Perwal Uji 1/2025",
        },
    )
    assert response.status_code == 302
    active = ChecklistItem.objects.filter(
        government=world.government, checklist="syarat-keberhasilan", active=True
    )
    assert [i.text for i in active] == ["Pimpinan memberi teladan", "Nilai dibacakan tiap apel"]
    assert ChecklistItem.objects.filter(government=world.other_government).count() == 0
    client.force_login(world.user(Role.UNIT_TEAM))
    assert client.get(page).status_code == 403


# --- The board ------------------------------------------------------------------------------


def test_the_board_shows_which_agency_reached_which_stage(client, world, programme):
    programme.steps.update(done=True)
    client.force_login(world.user(Role.LEADERSHIP))
    page = client.get(
        reverse("programme:list", args=[world.government.slug]), {"year": 2025}
    ).content.decode()
    assert "Dinas Pendidikan" in page and "Dinas Kesehatan" in page
    assert "5/5" in page and "4/4" in page and "Belum ada program untuk tahun ini" in page
    assert "Perumusan Nilai-Nilai" in page and "Syarat-syarat keberhasilan" in page


def test_a_unit_team_sees_only_its_agency_on_the_board(team, world, programme):
    services.create_programme(government=world.government, unit=world.other_agency, year=2025)
    page = team.get(
        reverse("programme:list", args=[world.government.slug]), {"year": 2025}
    ).content.decode()
    assert "Dinas Pendidikan" in page and "Dinas Kesehatan" not in page


@pytest.mark.parametrize("count", [2, 25])
def test_board_queries_do_not_grow_with_agencies(
    client, world, prima, tangerang_book, count, django_assert_max_num_queries
):
    value = prima.values.first()
    for i in range(count):
        unit = Unit.objects.create(
            government=world.government, kind="dinas", code=f"B{i}", name=f"Badan {i}"
        )
        programme = services.create_programme(government=world.government, unit=unit, year=2025)
        item = make_item(programme, value)
        services.record_result(
            item, period_start=datetime.date(2025, 1, 1), granularity="month", value=50
        )
        services.answer_checklist(
            programme, ChecklistItem.objects.first(), met=True, note="", actor=None
        )
    client.force_login(world.user(Role.CITY_ADMIN))
    with django_assert_max_num_queries(20):
        response = client.get(
            reverse("programme:list", args=[world.government.slug]), {"year": 2025}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 15])
def test_scorecard_queries_do_not_grow_with_items(
    client, world, programme, prima, count, django_assert_max_num_queries
):
    for value in CoreValue.objects.filter(version=prima)[:1]:
        for i in range(count):
            item = make_item(programme, value, key_behaviour=f"Perilaku {i}")
            services.record_result(
                item, period_start=datetime.date(2025, 1, 1), granularity="month", value=i
            )
    client.force_login(world.user(Role.UNIT_TEAM))
    with django_assert_max_num_queries(20):
        assert client.get(url("scorecard", programme)).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(programme.get_absolute_url()).status_code == 200


# --- Evidence -----------------------------------------------------------------------------------


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_fgd_minutes_and_links_are_attached_to_a_step(team, world, programme, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from budaya.programme.models import ProgrammeEvidence

    settings.MEDIA_ROOT = tmp_path
    step = programme.steps.get(stage="perumusan", step="b")
    page = url("step", programme, "perumusan", "b")
    response = team.post(
        url("evidence_add", programme),
        {
            "target": "step",
            "target_id": step.pk,
            "title": "Notulen FGD",
            "file": SimpleUploadedFile("notulen.png", png(), content_type="image/png"),
            "next": page,
        },
    )
    assert response.status_code == 302 and response["Location"] == page
    team.post(
        url("evidence_add", programme),
        {"target": "step", "target_id": step.pk, "url": "https://drive.example.go.id/fgd"},
    )
    links = ProgrammeEvidence.objects.filter(step=step)
    assert links.count() == 2
    body = team.get(page).content.decode()
    assert "Notulen FGD" in body and "drive.example.go.id/fgd" in body
    image = links.get(evidence__kind="file").evidence
    assert team.get(reverse("activities:evidence_file", args=[image.pk])).status_code == 200
    # The second agency's team cannot open it by guessing its address.
    team.force_login(world.other_agency_user)
    assert team.get(reverse("activities:evidence_file", args=[image.pk])).status_code == 404


def test_a_program_renamed_as_a_picture_is_refused(team, programme, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from budaya.programme.models import ProgrammeEvidence

    settings.MEDIA_ROOT = tmp_path
    step = programme.steps.get(stage="perumusan", step="a")
    response = team.post(
        url("evidence_add", programme),
        {
            "target": "step",
            "target_id": step.pk,
            "file": SimpleUploadedFile("foto.jpg", b"MZ\x90\x00" * 50, content_type="image/jpeg"),
        },
        follow=True,
    )
    assert not ProgrammeEvidence.objects.exists()
    assert "message error" in response.content.decode()


def test_evidence_of_a_checklist_item_makes_the_answer_and_a_foreign_target_is_404(
    team, world, programme
):
    from budaya.programme.models import ProgrammeEvidence

    item = ChecklistItem.objects.filter(government=world.government).first()
    team.post(
        url("evidence_add", programme),
        {"target": "item", "target_id": item.pk, "url": "https://example.go.id/sk"},
    )
    answer = ChecklistAnswer.objects.get(programme=programme, item=item)
    assert not answer.met and ProgrammeEvidence.objects.filter(answer=answer).exists()
    other = services.create_programme(
        government=world.government, unit=world.other_agency, year=2025
    )
    step = other.steps.first()
    response = team.post(
        url("evidence_add", programme),
        {"target": "step", "target_id": step.pk, "url": "https://example.go.id/x"},
    )
    assert response.status_code == 404
    link = ProgrammeEvidence.objects.get()
    response = team.post(url("evidence_remove", programme, link.pk))
    assert response.status_code == 302 and not ProgrammeEvidence.objects.exists()
