"""Competitions (issue 24; T Pasal 11, S Pasal 11 ayat (2) huruf c): the timeline enforced by
dates, entries frozen after the deadline, the rubric's weights, judges never scoring their own
agency (an attack through the view), scores hidden until judging closes, ties explained,
publication, certificates and the results as evidence of the winners' reports."""

from __future__ import annotations

from types import SimpleNamespace

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from budaya import pending
from budaya.accounts.models import Role
from budaya.activities.evidence import prepare_file
from budaya.competitions import ranking, selectors, services
from budaya.competitions.models import Award, Entry, JudgeScore
from budaya.competitions.tests.conftest import jpeg
from budaya.org.models import Unit

pytestmark = pytest.mark.django_db


def _post_scores(client, entry, values):
    criteria = list(entry.competition.criteria.order_by("order"))
    data = {}
    for criterion, value in zip(criteria, values, strict=True):
        data[f"score_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = "Catatan juri"
    return client.post(
        reverse("competitions:score", args=[entry.government.slug, entry.pk]), data, follow=True
    )


def test_a_judge_never_scores_an_entry_of_their_own_agency_even_posting_directly(client, setting):
    own = setting.entry("other")  # the judge's own agency
    elsewhere = setting.entry("mine")
    setting.shift("judging")
    client.force_login(setting.w.other_agency_user)
    page = client.get(reverse("competitions:score", args=[own.government.slug, own.pk]))
    assert "Anda tidak boleh menilainya" in page.content.decode()
    # The page offers no button; the judge posts the form anyway.
    response = _post_scores(client, own, [5, 5])
    assert response.status_code == 200
    assert (
        "Anda tidak boleh menilai karya perangkat daerah Anda sendiri" in response.content.decode()
    )
    assert JudgeScore.objects.filter(entry=own).count() == 0
    response = _post_scores(client, elsewhere, [4, 3])
    assert JudgeScore.objects.filter(entry=elsewhere).count() == 2


def test_a_declared_conflict_is_refused_in_the_service(setting):
    entry = setting.entry("mine")
    judge = setting.judges["leader"]
    judge.conflicts = [setting.w.agency.pk]
    judge.save()
    setting.shift("judging")
    criteria = list(setting.competition.criteria.all())
    with pytest.raises(ValidationError):
        services.score_entry(
            entry=entry,
            actor=setting.w.user(Role.LEADERSHIP),
            values={c.pk: (3, "") for c in criteria},
        )


def test_scores_are_refused_outside_judging_and_must_cover_every_criterion(setting):
    entry = setting.entry("mine")
    leader = setting.w.user(Role.LEADERSHIP)
    first, second = setting.competition.criteria.order_by("order")
    with pytest.raises(ValidationError, match=r"Penjurian|not open"):
        services.score_entry(
            entry=entry, actor=leader, values={first.pk: (3, ""), second.pk: (3, "")}
        )
    setting.shift("judging")
    with pytest.raises(ValidationError):
        services.score_entry(entry=entry, actor=leader, values={first.pk: (3, "")})
    with pytest.raises(ValidationError):
        services.score_entry(
            entry=entry, actor=leader, values={first.pk: (6, ""), second.pk: (1, "")}
        )
    assert JudgeScore.objects.count() == 0


def test_the_weights_may_not_exceed_100_and_need_every_descriptor(setting):
    with pytest.raises(ValidationError):
        services.add_criterion(
            competition=setting.competition,
            name="Kreativitas",
            weight=10,
            descriptors={n: "x" for n in range(1, 6)},
            actor=setting.admin,
        )
    setting.competition.criteria.filter(name="Dampak").delete()
    with pytest.raises(ValidationError):
        services.add_criterion(
            competition=setting.competition,
            name="Kreativitas",
            weight=40,
            descriptors={1: "x", 2: "", 3: "x", 4: "x", 5: "x"},
            actor=setting.admin,
        )


def test_the_timeline_must_follow_its_order(setting):
    competition = setting.competition
    with pytest.raises(ValidationError):
        services.update_competition(
            competition=competition,
            fields={"judging_closes": competition.submission_closes},
            actor=setting.admin,
        )


def test_entries_register_during_registration_and_are_frozen_after_the_deadline(setting):
    w = setting.w
    head = w.user(Role.UNIT_HEAD)
    entry = services.create_entry(
        competition=setting.competition,
        category=setting.category,
        team=setting.teams["mine"],
        title="  Layanan   tanpa antre ",
        summary="Ringkasan",
        actor=head,
    )
    assert entry.title == "Layanan tanpa antre"
    # Another agency's team is not the unit head's to enter.
    with pytest.raises(ValidationError):
        services.create_entry(
            competition=setting.competition,
            category=setting.category,
            team=setting.teams["other"],
            title="X",
            summary="",
            actor=head,
        )
    with pytest.raises(ValidationError, match=r"material|bahan"):
        services.submit_entry(entry=entry, actor=head)
    services.add_material(
        entry=entry,
        uploads=[prepare_file(jpeg())],
        links=[("https://drive.example/folder", "")],
        actor=head,
    )
    assert entry.evidence.count() == 2
    services.submit_entry(entry=entry, actor=head)
    setting.shift("submission")
    with pytest.raises(ValidationError):
        services.create_entry(
            competition=setting.competition,
            category=setting.category,
            team=setting.teams["other"],
            title="Terlambat",
            summary="",
            actor=setting.admin,
        )
    setting.shift("judging")
    entry.refresh_from_db()
    with pytest.raises(ValidationError, match=r"frozen|dibekukan"):
        services.withdraw_entry(entry=entry, actor=head)
    with pytest.raises(ValidationError):
        services.add_material(
            entry=entry, uploads=[], links=[("https://x.example", "")], actor=head
        )
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED


def test_references_are_only_the_agencys_own(setting):
    from budaya.activities.evidence import store_file

    w = setting.w
    entry = setting.entry("mine", Entry.Status.DRAFT)
    foreign = store_file(
        government=w.government, unit=w.other_agency, upload=jpeg(), actor=setting.admin
    )
    with pytest.raises(ValidationError):
        services.add_material(
            entry=entry, uploads=[], links=[], evidence=[foreign], actor=setting.admin
        )
    own = store_file(government=w.government, unit=w.sub_unit, upload=jpeg(), actor=setting.admin)
    services.add_material(entry=entry, uploads=[], links=[], evidence=[own], actor=setting.admin)
    assert list(entry.evidence.all()) == [own]


def test_scores_stay_hidden_from_other_judges_until_judging_closes(client, setting):
    setting.entry("mine")
    setting.shift("judging")
    client.force_login(setting.w.user(Role.LEADERSHIP))
    url = reverse("competitions:ranking", args=[setting.w.government.slug, setting.competition.pk])
    assert client.get(url).status_code == 403
    client.force_login(setting.admin)
    assert client.get(url).status_code == 200
    setting.shift("closed")
    client.force_login(setting.w.user(Role.LEADERSHIP))
    assert client.get(url).status_code == 200


def _line_entries(*names):
    return [SimpleNamespace(pk=n, team=name) for n, name in enumerate(names, 1)]


def test_ranking_explains_each_tie():
    criteria = [
        SimpleNamespace(pk=1, weight=60, order=0),
        SimpleNamespace(pk=2, weight=40, order=1),
    ]
    a, b, c, d = _line_entries("A", "B", "C", "D")

    def s(judge, entry, criterion, value):
        return SimpleNamespace(
            judge_id=judge, entry_id=entry.pk, criterion_id=criterion, value=value
        )

    scores = [
        # Judge 1: A and B tie (4,4 = 80), C lower; D equal to A on everything.
        s(1, a, 1, 4),
        s(1, a, 2, 4),
        s(1, b, 1, 4),
        s(1, b, 2, 4),
        s(1, c, 1, 2),
        s(1, c, 2, 2),
        s(1, d, 1, 4),
        s(1, d, 2, 4),
    ]
    lines = ranking.rank([a, b, c, d], criteria, scores)
    assert [line.raw for line in lines[:3]] == [80, 80, 80]
    assert {line.rank for line in lines[:3]} == {1}
    assert "Shares the rank" in lines[1].tie or "peringkat" in lines[1].tie
    assert lines[3].rank == 4 and lines[3].entry is c
    # The heaviest criterion decides between equal totals.
    scores = [s(1, a, 1, 5), s(1, a, 2, 2), s(1, b, 1, 3), s(1, b, 2, 5)]
    lines = ranking.rank([a, b], criteria, scores)
    assert [line.raw for line in lines] == [76, 76]
    assert [line.entry for line in lines] == [a, b]
    assert [line.rank for line in lines] == [1, 2]
    assert lines[1].tie


def test_normalisation_evens_out_a_strict_and_a_lenient_judge():
    criteria = [SimpleNamespace(pk=1, weight=100, order=0)]
    a, b = _line_entries("A", "B")
    scores = [
        SimpleNamespace(judge_id=1, entry_id=a.pk, criterion_id=1, value=5),
        SimpleNamespace(judge_id=1, entry_id=b.pk, criterion_id=1, value=4),
        SimpleNamespace(judge_id=2, entry_id=a.pk, criterion_id=1, value=2),
        SimpleNamespace(judge_id=2, entry_id=b.pk, criterion_id=1, value=1),
    ]
    lines = ranking.rank([a, b], criteria, scores)
    assert lines[0].entry is a and lines[0].raw == 70 and lines[1].raw == 50
    assert lines[0].normalised == 1.0 and lines[1].normalised == -1.0


def _judged_and_published(setting):
    mine, other = setting.entry("mine"), setting.entry("other")
    setting.shift("judging")
    first, second = setting.competition.criteria.order_by("order")
    leader = setting.w.user(Role.LEADERSHIP)
    services.score_entry(entry=mine, actor=leader, values={first.pk: (5, ""), second.pk: (4, "")})
    services.score_entry(entry=other, actor=leader, values={first.pk: (3, ""), second.pk: (3, "")})
    services.score_entry(
        entry=mine,
        actor=setting.w.other_agency_user,
        values={first.pk: (4, "Baik"), second.pk: (4, "")},
    )
    setting.shift("before_announcement")
    with pytest.raises(ValidationError):
        services.publish_results(competition=setting.competition, actor=setting.admin)
    setting.shift("closed")
    return services.publish_results(competition=setting.competition, actor=setting.admin), mine


def test_publication_makes_awards_certificates_and_report_evidence(client, setting, settings):
    awards, mine = _judged_and_published(setting)
    assert [(a.entry_id, a.rank) for a in awards] == [(mine.pk, 1), (awards[1].entry_id, 2)]
    assert str(awards[0].total) == "86.00"  # (92 + 80) / 2
    w = setting.w
    # Every employee reads the results, the other agency's entry included.
    client.force_login(w.user(Role.EMPLOYEE))
    results = client.get(
        reverse("competitions:results", args=[w.government.slug, setting.competition.pk])
    )
    assert (
        "KBK Pendidikan" in results.content.decode() and "KBK Kesehatan" in results.content.decode()
    )
    other = Entry.objects.get(team=setting.teams["other"])
    assert (
        client.get(reverse("competitions:entry", args=[w.government.slug, other.pk])).status_code
        == 200
    )
    gallery = client.get(reverse("competitions:gallery", args=[w.government.slug])).content.decode()
    assert "Karya KBK Kesehatan" in gallery
    # The certificate opens with the government's letterhead as the administrator set it.
    w.government.letterhead_name = "Pemerintah Kota Contoh"
    w.government.address = "Jalan Satria Sudirman Nomor 1"
    w.government.save()
    response = client.get(
        reverse("competitions:certificate", args=[w.government.slug, awards[0].pk])
    )
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(b"".join([response.content]))
    assert len(document) == 1
    text = document[0].get_textpage().get_text_range()
    assert "SERTIFIKAT" in text and "KBK Pendidikan" in text and "JUARA I" in text
    assert "PEMERINTAH KOTA CONTOH" in text and "Jalan Satria Sudirman Nomor 1" in text
    assert f"Lomba KBK Tahun {setting.competition.year}" in text
    # The QR code's page says the certificate is genuine, to anyone.
    client.logout()
    verify = client.get(reverse("competitions:verify", args=[awards[0].token]))
    assert verify.status_code == 200 and "KBK Pendidikan" in verify.content.decode()
    assert client.get(reverse("competitions:verify", args=["palsu"])).status_code == 404
    # The winners' monitoring reports show it as evidence.
    period = SimpleNamespace(
        starts_on=setting.competition.announce_on, ends_on=setting.competition.announce_on
    )
    assert selectors.results_for_unit(w.sub_unit, period) == [awards[0]]
    assert selectors.results_for_unit(Unit.objects.get(pk=w.other_agency.pk), period) == [awards[1]]


def test_the_ranking_shows_each_judges_total_beside_the_overall(client, setting):
    """The page's promise: per entry, each judge's weighted total (and z-score, the
    competition normalising) beside the raw total, once the page may show scores."""
    _judged_and_published(setting)
    leader, agency = setting.judges["leader"], setting.judges["agency"]
    client.force_login(setting.admin)
    url = reverse("competitions:ranking", args=[setting.w.government.slug, setting.competition.pk])
    page = client.get(url).content.decode()
    assert "Total tiap juri" in page
    # The leader scored both entries (92 and 60: z +1 and -1; numbers written the Indonesian way); the other judge only the first
    # (80: z 0 over one entry), and nothing of the second.
    assert f"{leader}: 92,00 (z 1,0)" in page
    assert f"{leader}: 60,00 (z -1,0)" in page
    assert f"{agency}: 80,00 (z 0,0)" in page
    assert f"{agency}: —" in page
    setting.competition.normalise = False
    setting.competition.save()
    page = client.get(url).content.decode()
    assert f"{leader}: 92,00</li>" in page and "(z " not in page


def test_pending_lists_drafts_to_submit_and_entries_to_judge(setting):
    setting.entry("mine", Entry.Status.DRAFT)
    labels = [str(item.label) for item in pending.pending_for(setting.w.user(Role.UNIT_HEAD))]
    assert any("kirim" in label.lower() or "submit" in label.lower() for label in labels)
    Entry.objects.update(status=Entry.Status.SUBMITTED)
    setting.entry("other")
    setting.shift("judging")
    judge_items = [
        item for item in pending.pending_for(setting.w.other_agency_user) if "score" in item.url
    ]
    # The judge of the second agency has one entry to judge: the first agency's, not their own.
    assert [item.count for item in judge_items] == [1]
    leader = [i for i in pending.pending_for(setting.w.user(Role.LEADERSHIP)) if "score" in i.url]
    assert [item.count for item in leader] == [2]


def test_awards_of_another_government_are_not_found(client, setting):
    awards, _mine = _judged_and_published(setting)
    client.force_login(setting.w.foreign_user)
    url = reverse("competitions:certificate", args=[setting.w.government.slug, awards[0].pk])
    assert client.get(url).status_code == 404
    url = reverse("competitions:certificate", args=[setting.w.other_government.slug, awards[0].pk])
    assert client.get(url).status_code == 404
    assert Award.objects.count() == 2


def test_the_entrant_ticks_activities_and_evidence_already_in_the_system(client, setting):
    """Deliver 2: references to what is already in the system, through the page, never uploaded
    again (the choices once refused every ticked item as invalid)."""
    import datetime

    from budaya.activities.evidence import store_file
    from budaya.activities.models import Activity, ActivityForm, Evidence

    w = setting.w
    entry = setting.entry("mine", Entry.Status.DRAFT)
    form = ActivityForm.objects.create(government=w.government, code="apel", name="Apel pagi")
    activity = Activity.objects.create(
        government=w.government,
        unit=w.sub_unit,
        date=datetime.date.today(),
        form=form,
        title="Apel nilai organisasi",
    )
    photo = store_file(government=w.government, unit=w.sub_unit, upload=jpeg(), actor=setting.admin)
    stored = Evidence.objects.count()
    client.force_login(w.user(Role.UNIT_HEAD))
    url = reverse("competitions:entry", args=[w.government.slug, entry.pk])
    page = client.get(url).content.decode()
    assert f'value="{activity.pk}"' in page and f'value="{photo.pk}"' in page
    response = client.post(
        url, {"activities": [activity.pk], "evidence": [photo.pk], "links": ""}, follow=True
    )
    assert response.status_code == 200
    assert list(entry.activities.all()) == [activity]
    assert list(entry.evidence.all()) == [photo]
    assert Evidence.objects.count() == stored  # linked, not uploaded again


def test_the_winners_report_shows_its_results_as_the_evidence_the_rulebook_names(client, setting):
    """Deliver 4: the results on the winner's monitoring report, under the maturity evidence
    items that count a competition (S Tabel 2 indicators 3.b and 4.b: "lomba")."""
    from budaya.monev import services as monev
    from budaya.monev.models import Period
    from budaya.rulebook.services import load_shipped

    w = setting.w
    load_shipped(government=w.government, name="kota-serang")
    awards, mine = _judged_and_published(setting)
    announced = setting.competition.announce_on
    period = monev.create_period(
        w.government,
        kind=Period.Kind.BERKALA,
        year=announced.year,
        title=f"Monev {announced.year}",
        starts_on=announced.replace(month=1, day=1),
        ends_on=announced.replace(month=12, day=31),
        deadline=announced.replace(month=12, day=31),
        actor=setting.admin,
    )
    report = monev.start_report(period, w.agency, w.user(Role.UNIT_HEAD))
    client.force_login(w.user(Role.UNIT_HEAD))
    for name in ("monev:report", "monev:maturity"):
        page = client.get(reverse(name, args=[w.government.slug, report.pk])).content.decode()
        assert 'id="competition-results"' in page and "Lomba KBK" in page
        assert "3 b: Sumber daya aparatur" in page and "4 b: Dokumen monev" in page
        assert reverse("competitions:certificate", args=[w.government.slug, awards[0].pk]) in page
    assert mine.unit == w.agency
    # The report's documents print them, cited (the version keeps them when it goes up).
    pdf = client.get(reverse("monev:report_export", args=[w.government.slug, report.pk, "pdf"]))
    document = pypdfium2.PdfDocument(pdf.content)
    text = " ".join(
        " ".join(document[n].get_textpage().get_text_range().split()) for n in range(len(document))
    )
    assert "Hasil kompetisi yang dimenangkan pada periode ini (bukti untuk" in text
    assert "3 b: Sumber daya aparatur" in text and "(S Lampiran E Tabel 2 baris 4)" in text
    assert "Lomba KBK (diumumkan" in text and "Juara I, KBK Pendidikan" in text
    assert monev.report_content(report)["competitions"]["awards"][0]["team"] == "KBK Pendidikan"


def test_a_role_model_designation_shows_the_competitions_its_unit_won(client, setting):
    """Deliver 4: results linked to the role-model designations (of the agency, of a unit of
    it, of a member of its winning team)."""
    from budaya.teams.models import Designation

    awards, mine = _judged_and_published(setting)
    w = setting.w
    announced = setting.competition.announce_on
    designation = Designation.objects.create(
        government=w.government,
        kind=Designation.Kind.ROLE_MODEL,
        subject=Designation.Subject.AGENCY,
        unit=w.agency,
        period_start=announced,
        period_end=announced.replace(year=announced.year + 1),
        reasons="Juara lomba KBK",
    )
    client.force_login(setting.admin)
    url = reverse("teams:designation_detail", args=[w.government.slug, designation.pk])
    page = client.get(url).content.decode()
    assert 'id="designation-competitions"' in page and "Lomba KBK" in page
    assert reverse("competitions:certificate", args=[w.government.slug, awards[0].pk]) in page
    assert selectors.results_for_designation(designation) == [awards[0]]  # not the other agency's
    # A designation whose period ended before the announcement shows nothing yet.
    designation.period_end = designation.period_start = announced.replace(year=announced.year - 1)
    assert selectors.results_for_designation(designation) == []
    assert mine.unit == w.agency


def test_eligibility_by_team_kind_and_withdrawal_before_the_deadline(setting):
    """Deliver 1 and 2: only the team kinds the competition admits enter; an entry is withdrawn
    before the submission deadline (after it, frozen: see above)."""
    competition = setting.competition
    competition.team_kinds = ["agen_perubahan"]
    competition.save()
    with pytest.raises(ValidationError):
        services.create_entry(
            competition=competition,
            category=setting.category,
            team=setting.teams["mine"],
            title="Tidak berhak",
            summary="",
            actor=setting.admin,
        )
    competition.team_kinds = ["kbk"]
    competition.save()
    entry = services.create_entry(
        competition=competition,
        category=setting.category,
        team=setting.teams["mine"],
        title="Berhak",
        summary="",
        actor=setting.admin,
    )
    services.withdraw_entry(entry=entry, actor=setting.w.user(Role.UNIT_HEAD))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.submit_entry(entry=entry, actor=setting.admin)
