"""Team pages, the decree draft and register, the compliance board, role models."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from budaya.accounts.models import Role
from budaya.frameworks.models import Adoption, FrameworkVersion, Regulation, ValueFramework
from budaya.org.models import Transfer, Unit
from budaya.rulebook import services as rulebook_services
from budaya.teams import decree as decree_module
from budaya.teams import selectors, services
from budaya.teams.models import Decree, Designation, Membership, TeamPolicy
from budaya.teams.tests.conftest import PDF, make_city, person
from budaya.teams.todo import pending_teams

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["budaya_language"] = "en"
    return client


def _adopt_prima(government) -> None:
    regulation = Regulation.objects.create(
        slug="perwal-kota-tangerang-62-2018",
        issuer="Walikota Tangerang",
        kind="Peraturan Walikota",
        number="62",
        year=2018,
        title="Pedoman Pengembangan Budaya Kerja Aparatur di Lingkungan Pemerintah Kota Tangerang",
        gazette="Berita Daerah Kota Tangerang Tahun 2018 Nomor 62",
    )
    framework = ValueFramework.objects.create(slug="prima", name="PRIMA")
    version = FrameworkVersion.objects.create(
        framework=framework, number=1, legal_basis=regulation, content_hash="1" * 64
    )
    Adoption.objects.create(
        government=government, version=version, adopted_from=datetime.date(2018, 7, 2)
    )


def test_team_page_shows_duties_checks_justification_and_chart(english, city, city_admin_user):
    team = city.full_team()
    city.member(team, city.kasi2, "anggota")
    exception = city.member(
        team, city.pppk, "anggota", justification="Satu-satunya pranata komputer di dinas."
    )
    english.force_login(city_admin_user)
    page = english.get(reverse("teams:team_detail", args=[city.government.slug, team.pk]))
    body = page.content.decode()
    # T Pasal 9(2)-(6): the duties of each role, stored as data.
    assert "menyediakan sarana dan prasarana untuk kegiatan KBK" in body
    assert "membangkitkan kembali semangat KBK agar aktif" in body
    assert "merumuskan program dan kegiatan yang mendukung penerapan nilai Budaya Kerja" in body
    # The departure from huruf h with its justification, wherever the team is shown.
    assert "Anggota must be PNS; Nia Kontrak is PPPK." in body
    assert exception.justification in body
    # The chart: command lines solid, the facilitator on a dashed coordination line.
    assert "<svg" in body and 'stroke-dasharray="7 5" class="coordination"' in body
    assert "Ratna Kepala" in body and "PENANGGUNG-JAWAB" in body
    chart_page = english.get(reverse("teams:team_chart", args=[city.government.slug, team.pk]))
    assert "data-print" in chart_page.content.decode()
    assert exception.justification in chart_page.content.decode()
    listing = english.get(reverse("teams:team_list", args=[city.government.slug])).content.decode()
    assert "1 justified exception" in listing


def test_chart_layout_puts_the_head_above_the_chair_and_members_below(city):
    team = city.full_team()
    from budaya.teams import chart

    found = selectors.assess([team], timezone.localdate())[team.pk]
    drawn = chart.build(found.current)
    by_role = {box.role: box for box in drawn.boxes}
    assert by_role["Penanggung-jawab"].y < by_role["Ketua"].y < by_role["Sekretaris"].y
    assert by_role["Fasilitator"].x > by_role["Ketua"].x
    assert by_role["Sekretaris"].y < by_role["Anggota"].y
    assert sum(line.dashed for line in drawn.lines) == 1


def test_a_unit_head_is_warned_and_needs_a_justification(english, city, unit_head_user):
    team = city.team()
    english.force_login(unit_head_user)
    url = reverse("teams:member_add", args=[city.government.slug, team.pk])
    data = {"employee": city.kasi2.pk, "role": city.roles["ketua"].pk, "start_on": "2025-01-06"}
    answer = english.post(url, data)
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "Ketua of a team in a Service (Dinas) must hold echelon III" in body
    assert "Lampiran II angka III.2 huruf e angka 2)" in body
    assert not Membership.objects.filter(team=team).exists()
    data["justification"] = "Pejabat eselon III sedang tugas belajar."
    assert english.post(url, data).status_code == 302
    assert Membership.objects.get(team=team).justification == data["justification"]


def test_a_member_from_elsewhere_by_nip(english, city, unit_head_user):
    team = city.team()
    english.force_login(unit_head_user)
    url = reverse("teams:member_add", args=[city.government.slug, team.pk])
    answer = english.post(
        url, {"nip": city.outsider.nip, "role": city.roles["anggota"].pk, "start_on": "2025-01-06"}
    )
    # The unit head does not see employees of another agency.
    assert "No employee you can see has this number." in answer.content.decode()


def test_the_draft_decree_is_an_official_decree_in_docx(english, city, city_admin_user):
    _adopt_prima(city.government)
    team = city.full_team()
    english.force_login(city_admin_user)
    create = reverse("teams:decree_create", args=[city.government.slug, team.pk])
    form = english.get(create).content.decode()
    assert "Kepala Dinas Kesehatan Kota Tangerang" in form  # the signer's title, from the head
    answer = english.post(
        create,
        {
            "purpose": "establish",
            "subject": "Pembentukan Kelompok Budaya Kerja Dinas Kesehatan",
            "place": "Tangerang",
            "signer_name": "Ratna Kepala",
            "signer_position": "Kepala Dinas Kesehatan Kota Tangerang",
        },
    )
    draft = Decree.objects.get(team=team)
    assert answer.status_code == 302 and draft.status == Decree.Status.DRAFT
    response = english.get(reverse("teams:decree_draft", args=[city.government.slug, draft.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    text = "\n".join(paragraphs)
    assert paragraphs[0] == "KEPUTUSAN KEPALA DINAS KESEHATAN KOTA TANGERANG"
    assert paragraphs[1].startswith("NOMOR ")
    assert "TENTANG" in paragraphs
    assert "PEMBENTUKAN KELOMPOK BUDAYA KERJA DINAS KESEHATAN" in paragraphs
    assert "Menimbang :" in paragraphs and "Mengingat :" in paragraphs
    assert "2. Peraturan Walikota Tangerang Nomor 62 Tahun 2018 tentang Pedoman" in text
    assert "MEMUTUSKAN:" in paragraphs
    assert any(p.startswith("Menetapkan : KEPUTUSAN KEPALA DINAS KESEHATAN") for p in paragraphs)
    assert any(p.startswith("KESATU : Membentuk Kelompok Budaya Kerja (KBK)") for p in paragraphs)
    assert any(p.startswith("KEDUA : KBK Sehat Melayani") for p in paragraphs)
    assert "a. bertanggung-jawab atas penyelenggaraan dan pelaksanaan KBK;" in paragraphs
    assert "Ditetapkan di Tangerang" in paragraphs
    assert "LAMPIRAN" in paragraphs
    assert "SUSUNAN KEANGGOTAAN KBK SEHAT MELAYANI" in paragraphs
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert table[0] == ["NO", "NAMA / NIP", "JABATAN", "KEDUDUKAN DALAM TIM"]
    assert [
        "1",
        f"Ratna Kepala\nNIP {city.head.nip}",
        "Kepala Dinas Kesehatan",
        "Penanggung-jawab",
    ] in table
    assert len(table) == 1 + 7


def test_a_government_may_use_its_own_template(english, city, city_admin_user):
    team = city.full_team()
    draft = services.create_decree(
        Decree(government=city.government, team=team, subject="Pembentukan KBK")
    )
    document = Document()
    document.add_paragraph("SURAT KEPUTUSAN {{ issuer }} TENTANG {{ subject }}")
    document.add_paragraph("{%p for m in members %}")
    document.add_paragraph("{{ m.number }}) {{ m.name }} sebagai {{ m.role }}")
    document.add_paragraph("{%p endfor %}")
    content = io.BytesIO()
    document.save(content)
    english.force_login(city_admin_user)
    upload = SimpleUploadedFile("sk.docx", content.getvalue())
    url = reverse("teams:template_upload", args=[city.government.slug])
    assert english.post(url, {"template": upload}).status_code == 302
    response = english.get(reverse("teams:decree_draft", args=[city.government.slug, draft.pk]))
    text = decree_module.docx_text(response.content)
    assert "SURAT KEPUTUSAN KEPALA DINAS KESEHATAN" in text
    assert "1) Ratna Kepala sebagai Penanggung-jawab" in text
    broken = SimpleUploadedFile("rusak.docx", b"PK\x03\x04 not a document")
    answer = english.post(url, {"template": broken})
    assert "The file is not a readable office document" in answer.content.decode()


def test_signing_with_the_scan_updates_team_register_and_board(english, city, unit_head_user):
    team = city.full_team()
    board = selectors.compliance(city.government, timezone.localdate())
    assert [line.subject for line in board.without_decree] == [team.name]
    draft = services.create_decree(Decree(government=city.government, team=team, subject="SK"))
    english.force_login(unit_head_user)
    url = reverse("teams:decree_sign", args=[city.government.slug, draft.pk])
    scan = SimpleUploadedFile("sk-ditandatangani.pdf", PDF, content_type="application/pdf")
    answer = english.post(
        url, {"number": "800/12-Dinkes/2025", "decided_on": "2025-02-03", "scan": scan}
    )
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (Decree.Status.SIGNED, "800/12-Dinkes/2025")
    scan_row = draft.scans.get()
    assert scan_row.content_type == "application/pdf"
    page = english.get(reverse("teams:decree_detail", args=[city.government.slug, draft.pk]))
    assert reverse("activities:evidence_file", args=[scan_row.pk]) in page.content.decode()
    board = selectors.compliance(city.government, timezone.localdate())
    assert board.without_decree == [] and board.missing_teams[0].agency == "Dinas Perhubungan"
    # A new decree supersedes the signed one.
    change = services.create_decree(
        Decree(government=city.government, team=team, subject="Perubahan", purpose="change")
    )
    again = SimpleUploadedFile("sk2.pdf", PDF, content_type="application/pdf")
    english.post(
        reverse("teams:decree_sign", args=[city.government.slug, change.pk]),
        {"number": "800/20-Dinkes/2025", "decided_on": "2025-06-02", "scan": again},
    )
    draft.refresh_from_db()
    assert (draft.status, draft.superseded_by) == (Decree.Status.SUPERSEDED, change)


def test_a_signed_decree_needs_a_real_scan(english, city, unit_head_user):
    team = city.full_team()
    draft = services.create_decree(Decree(government=city.government, team=team, subject="SK"))
    english.force_login(unit_head_user)
    fake = SimpleUploadedFile("sk.pdf", b"MZ not a pdf", content_type="application/pdf")
    english.post(
        reverse("teams:decree_sign", args=[city.government.slug, draft.pk]),
        {"number": "1", "decided_on": "2025-02-03", "scan": fake},
    )
    draft.refresh_from_db()
    assert draft.status == Decree.Status.DRAFT


def test_board_names_agency_rule_and_reason_and_links_the_fix(english, city, city_admin_user):
    team = city.full_team()
    city.member(team, city.outsider, "anggota")
    Transfer.objects.create(
        government=city.government,
        employee=city.staff[0],
        from_unit=city.bidang,
        to_unit=city.other_agency,
        effective_on=datetime.date(2025, 3, 1),
    )
    city.staff[0].unit = city.other_agency
    city.staff[0].save()
    city.staff[1].possibly_left_since = datetime.date(2025, 4, 1)
    city.staff[1].save()
    ended = city.staff[2]
    ended.active = False
    ended.save()
    english.force_login(city_admin_user)
    body = english.get(reverse("teams:compliance", args=[city.government.slug])).content.decode()
    assert "Dinas Perhubungan has no active Kelompok Budaya Kerja (KBK)." in body
    assert "Staf Agus was transferred to Dinas Perhubungan on 01-03-2025." in body
    assert "Staf Indah has been missing from the full roster since 01-04-2025." in body
    assert "Staf Yusuf is no longer an active employee." in body
    assert "Eko Perhubungan works in Dinas Perhubungan, not in Dinas Kesehatan." in body
    assert "Lampiran II angka III.2 huruf h" in body
    left = Membership.objects.get(team=team, employee=ended)
    assert reverse("teams:member_edit", args=[city.government.slug, team.pk, left.pk]) in body
    assert reverse("teams:team_create", args=[city.government.slug]) in body


def test_old_decrees_are_flagged_after_the_age_the_government_sets(city):
    team = city.full_team()
    services.create_decree(Decree(government=city.government, team=team, subject="SK"))
    Decree.objects.filter(team=team).update(
        status=Decree.Status.SIGNED, number="1/2019", decided_on=datetime.date(2019, 1, 2)
    )
    board = selectors.compliance(city.government, datetime.date(2025, 6, 1))
    assert (
        "Keputusan 1/2019 tanggal 02-01-2019 berumur lebih dari 24 bulan."
        in board.old_decrees[0].reason
    )
    TeamPolicy.objects.create(government=city.government, decree_max_age_months=0)
    assert selectors.compliance(city.government, datetime.date(2025, 6, 1)).old_decrees == []


@pytest.mark.parametrize("agencies", [2, 8])
def test_board_query_count_does_not_grow_with_agencies(
    english, government, make_user, django_assert_max_num_queries, agencies
):
    first = make_city(government, "0")
    for index in range(1, agencies):
        agency = Unit.objects.create(
            government=government, kind=Unit.Kind.BADAN, code=f"B{index}", name=f"Badan {index}"
        )
        head = person(agency, f"Kepala {index}", "II.b")
        chair = person(agency, f"Ketua {index}", "IV.a")
        team = first.team(f"KBK {index}", unit=agency)
        first.member(team, head, "penanggung-jawab")
        first.member(team, chair, "ketua")
        first.member(team, person(agency, f"Anggota {index}"), "anggota")
    user = make_user("admin.banyak", Role.CITY_ADMIN, government)
    english.force_login(user)
    url = reverse("teams:compliance", args=[government.slug])
    english.get(url)
    with django_assert_max_num_queries(22):
        response = english.get(url)
    assert response.content.decode().count("must hold echelon III") == agencies - 1
    with django_assert_max_num_queries(22):
        english.get(reverse("teams:team_list", args=[government.slug]))


def test_only_the_board_readers_see_the_board(client, city, unit_head_user, make_user):
    client.force_login(unit_head_user)
    assert client.get(reverse("teams:compliance", args=[city.government.slug])).status_code == 403
    client.force_login(make_user("sekda", Role.LEADERSHIP, city.government))
    assert client.get(reverse("teams:compliance", args=[city.government.slug])).status_code == 200


# --- Role models and change agents ---------------------------------------------------------------


def test_nomination_decision_publication_and_gallery(english, city, city_admin_user, make_user):
    TeamPolicy.objects.create(
        government=city.government,
        decider_role=TeamPolicy.Decider.LEADERSHIP,
        decider_title="Sekretaris Daerah",
    )
    employee_user = make_user(
        "pegawai", Role.EMPLOYEE, city.government, city.agency, employee=city.staff[0]
    )
    english.force_login(employee_user)
    answer = english.post(
        reverse("teams:designation_create", args=[city.government.slug]),
        {
            "kind": "role_model",
            "subject": "employee",
            "nip": city.kabid.nip,
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "criteria": "Disiplin",
            "reasons": "Selalu membantu rekan kerja.",
            "evidence_link": "https://drive.google.com/folder/bukti",
        },
    )
    assert answer.status_code == 302
    designation = Designation.objects.get()
    assert (designation.employee, designation.unit) == (city.kabid, city.bidang)
    assert designation.evidence.get().url == "https://drive.google.com/folder/bukti"
    move = reverse("teams:designation_move", args=[city.government.slug, designation.pk])
    # The city administrator is not the authority this government set.
    english.force_login(city_admin_user)
    assert english.post(move, {"status": "approved"}).status_code == 403
    sekda = make_user("sekda", Role.LEADERSHIP, city.government)
    # The decider's task opens the nominations, not the team list, which does not show them.
    (task,) = [item for item in pending_teams(sekda) if item.label == "Nominations to decide"]
    assert task.url == (
        reverse("teams:designation_list", args=[city.government.slug]) + "#nominations"
    )
    english.force_login(sekda)
    assert 'id="nominations"' in english.get(task.url).content.decode()
    english.post(move, {"status": "published"})
    designation.refresh_from_db()
    assert designation.status == Designation.Status.NOMINATED  # not before approval
    english.post(move, {"status": "approved", "note": "Memenuhi kriteria"})
    english.post(move, {"status": "published"})
    designation.refresh_from_db()
    assert designation.status == Designation.Status.PUBLISHED
    gallery = english.get(reverse("teams:designation_list", args=[city.government.slug]))
    body = gallery.content.decode()
    assert "Budi Kabid" in body
    # T Pasal 7: the head of each agency is its role model, shown without a nomination.
    assert "Role models by regulation" in body and "Ratna Kepala" in body
    services.expire_ended(city.government, datetime.date(2026, 1, 1))
    designation.refresh_from_db()
    assert designation.status == Designation.Status.EXPIRED


def test_heads_are_role_models_only_where_the_rulebook_says_so(english, city, city_admin_user):
    english.force_login(city_admin_user)
    url = reverse("teams:designation_list", args=[city.government.slug])
    body = english.get(url).content.decode()
    assert "Role models by regulation" in body
    assert "The head of each agency is its role model (T Pasal 7)." in body
    assert "Ratna Kepala" in body
    # Under a rulebook that does not say so (S), no head is a role model by regulation.
    rulebook_services.load_shipped(government=city.government, name="kota-serang")
    body = english.get(url).content.decode()
    assert "Role models by regulation" not in body and "Ratna Kepala" not in body


def test_rules_are_changed_in_the_rulebook_only(english, city, city_admin_user):
    """Issue 18: the rulebook is the one place of team kinds, roles and rules: the page has no
    form of its own that the next version would overwrite; it points to the rulebook import,
    and a changed teams section shows on the page."""
    english.force_login(city_admin_user)
    page = english.get(reverse("teams:rules", args=[city.government.slug])).content.decode()
    assert "changed in the rulebook only" in page
    assert reverse("rulebook:import", args=[city.government.slug]) in page
    assert "/kinds/" not in page and "/roles/" not in page and "/rules/new/" not in page
    text = rulebook_services.shipped_text("kota-tangerang")
    assert "Keputusan Wali Kota Uji" not in text
    source = "Lampiran II angka III.2 huruf e"
    changed = text.replace(f"source: {source}", "source: Keputusan Wali Kota Uji", 1)
    assert changed != text
    rulebook_services.import_rulebook(government=city.government, text=changed)
    page = english.get(reverse("teams:rules", args=[city.government.slug])).content.decode()
    assert "Keputusan Wali Kota Uji" in page


def test_the_team_list_is_paginated_and_keeps_its_filter(english, city, city_admin_user):
    """A city has a team in every agency: the list shows 25 at a time, assessed per page."""
    for index in range(27):
        city.team(f"KBK {index:02d}")
    english.force_login(city_admin_user)
    url = reverse("teams:team_list", args=[city.government.slug])
    first = english.get(url, {"kind": city.kind.pk}).content.decode()
    assert first.count("<td><a href=") == 25
    assert "Page 1 of 2" in first
    assert f"?kind={city.kind.pk}&amp;page=2" in first
    second = english.get(url, {"kind": city.kind.pk, "page": 2}).content.decode()
    assert second.count("<td><a href=") == 2 and "KBK 26" in second


def _draft_text(client, government, team, purpose="establish") -> tuple[Decree, str]:
    create = reverse("teams:decree_create", args=[government.slug, team.pk])
    client.post(
        create,
        {
            "purpose": purpose,
            "subject": "Pembentukan KBK",
            "place": "Tangerang",
            "signer_name": "Ratna Kepala",
            "signer_position": "Kepala Dinas Kesehatan Kota Tangerang",
        },
    )
    draft = Decree.objects.filter(team=team).order_by("-pk").first()
    assert draft is not None
    response = client.get(reverse("teams:decree_draft", args=[government.slug, draft.pk]))
    return draft, "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_a_draft_keeps_the_words_of_the_rulebook_it_was_made_under(english, city, city_admin_user):
    """Issue 18, item 5: a new rulebook version changes new drafts, not those made before."""
    team = city.full_team()
    english.force_login(city_admin_user)
    first, before = _draft_text(english, city.government, team)
    assert "nilai dan perilaku penting budaya kerja di lingkungan Dinas Kesehatan" in before
    renamed = rulebook_services.shipped_text("kota-tangerang").replace(
        "  programme_name:\n    text: Budaya Kerja\n",
        "  programme_name:\n    text: Budaya Pemerintahan\n",
    )
    rulebook_services.import_rulebook(government=city.government, text=renamed)
    again = english.get(reverse("teams:decree_draft", args=[city.government.slug, first.pk]))
    assert "\n".join(p.text for p in Document(io.BytesIO(again.content)).paragraphs) == before
    _second, after = _draft_text(english, city.government, team, purpose="change")
    assert "perilaku penting budaya pemerintahan di lingkungan Dinas Kesehatan" in after


def test_a_draft_made_before_the_rulebook_keeps_its_words(english, city, city_admin_user):
    team = city.full_team()
    english.force_login(city_admin_user)
    draft, text = _draft_text(english, city.government, team)
    Decree.objects.filter(pk=draft.pk).update(rulebook_version=None)  # made before issue 18
    response = english.get(reverse("teams:decree_draft", args=[city.government.slug, draft.pk]))
    assert "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs) == text
