from __future__ import annotations

import datetime
import io
import zipfile

import pypdfium2
import pytest
from django.urls import reverse

from budaya.accounts.permissions import ROUTES, walk
from budaya.problems import services
from budaya.problems.models import ActionPlan, Meeting
from budaya.problems.tests.conftest import action_fields

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 5, 1)


def _problem(c, team=None, user=None):
    return services.record_problem(
        team=team or c.team,
        acting_user=user or c.worker,
        title="Loket buka terlambat",
        source="complaint",
        raised_on=DAY,
    )


def test_the_menu_shows_problem_solving_only_where_the_rulebook_applies_it(client, cycle):
    c = cycle
    client.force_login(c.worker)
    page = client.get(reverse("home")).content.decode()
    assert reverse("problems:mine") in page
    client.force_login(c.foreign_worker)
    page = client.get(reverse("home")).content.decode()
    assert reverse("problems:mine") not in page


def test_the_menu_follows_a_new_rulebook_version_at_once(
    client, cycle, django_capture_on_commit_callbacks
):
    """No session copy to wait for: the next page after an import shows the new answer."""
    from budaya.rulebook import services as rulebook

    c = cycle
    client.force_login(c.worker)
    assert reverse("problems:mine") in client.get(reverse("home")).content.decode()
    text = rulebook.shipped_text("kota-tangerang").replace(
        "problem_solving:\n  applies: true", "problem_solving:\n  applies: false"
    )
    with django_capture_on_commit_callbacks(execute=True):
        rulebook.import_rulebook(government=c.government, text=text, source_name="off.yaml")
    assert reverse("problems:mine") not in client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        rulebook.load_shipped(government=c.government, name="kota-tangerang")
    assert reverse("problems:mine") in client.get(reverse("home")).content.decode()


def test_the_attendees_are_the_team_on_the_meeting_date(client, cycle):
    from django.core.exceptions import ValidationError

    c = cycle
    left = c.members["member2"]
    left.end_on = datetime.date(2025, 3, 31)
    left.save()
    url = reverse("problems:meeting_create", args=[c.government.slug, c.team.pk])
    client.force_login(c.worker)
    names = left.employee.full_name
    assert names not in client.get(url).content.decode()  # today: no longer a member
    assert names in client.get(url, {"held_on": "2025-03-10"}).content.decode()
    response = client.post(
        url,
        {
            "held_on": "2025-03-10",
            "place": "Ruang rapat",
            "agenda": "Inventarisasi masalah",
            "present": [left.pk, c.members["chair"].pk],
        },
    )
    meeting = Meeting.objects.get(team=c.team)
    assert response.status_code == 302
    present = dict(meeting.attendance.values_list("membership_id", "present"))
    assert present[left.pk] is True and len(present) == 5
    with pytest.raises(ValidationError):  # after she left, she is not an attendee
        services.record_meeting(
            team=c.team,
            acting_user=c.worker,
            held_on=datetime.date(2025, 5, 1),
            place="Ruang rapat",
            agenda="Tindak lanjut",
            attendance={left.pk: True},
        )


def test_the_team_page_pages_its_meetings_and_reports(client, cycle):
    c = cycle
    for day in range(1, 13):
        services.record_meeting(
            team=c.team,
            acting_user=c.worker,
            held_on=datetime.date(2025, 1, day),
            place="Ruang rapat",
            agenda=f"Rapat ke-{day}",
            attendance={},
        )
    url = reverse("problems:team", args=[c.government.slug, c.team.pk])
    client.force_login(c.worker)
    first = client.get(url).content.decode()
    assert "Rapat ke-12" in first and "Rapat ke-2<" not in first
    assert "meetings_page=2" in first
    second = client.get(url, {"meetings_page": 2}).content.decode()
    assert "Rapat ke-2<" in second and "Rapat ke-1<" in second and "Rapat ke-12" not in second


def test_every_route_answers_404_in_a_government_whose_rulebook_does_not_apply_it(client, cycle):
    c = cycle
    from budaya.problems.models import Cause, Problem

    # Rows written directly: the services refuse to write them there.
    problem = Problem.objects.create(
        government=c.foreign_government,
        team=c.foreign_team,
        title="x",
        source="meeting",
        raised_on=DAY,
    )
    cause = Cause.objects.create(government=c.foreign_government, problem=problem, text="y")
    client.force_login(c.foreign_worker)
    assert client.get(reverse("problems:mine")).status_code == 404
    objects = {"team": c.foreign_team.pk, "problem": problem.pk}
    checked = 0
    for route in walk():
        if not route.name.startswith("problems:") or route.name == "problems:mine":
            continue
        kwargs = {"slug": c.foreign_government.slug}
        if "<int:pk>" in route.pattern:
            kwargs["pk"] = objects["team"] if "/teams/" in route.pattern else problem.pk
        if "<int:cause>" in route.pattern:
            kwargs["cause"] = cause.pk
        if "<int:action>" in route.pattern:
            kwargs["action"] = 1
        if "<str:to>" in route.pattern:
            kwargs["to"] = "submitted"
        if "<str:fmt>" in route.pattern:
            kwargs["fmt"] = "pdf"
        url = reverse(route.name, kwargs=kwargs)
        method = client.post if ROUTES[route.name].method == "POST" else client.get
        assert method(url).status_code == 404, route.name
        checked += 1
    assert checked >= 20


def test_the_fishbone_is_drawn_from_the_causes_with_the_root_cause_marked(client, cycle):
    c = cycle
    problem = _problem(c)
    services.add_cause(
        problem=problem, category="Metode", text="SOP belum ada", acting_user=c.worker
    )
    root = services.add_cause(
        problem=problem, category="Manusia", text="Piket tidak terjadwal", acting_user=c.worker
    )
    services.send_root_cause(problem=problem, cause=root, acting_user=c.worker)
    client.force_login(c.head)
    response = client.get(
        reverse("problems:fishbone", kwargs={"slug": c.government.slug, "pk": problem.pk})
    )
    svg = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml"
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for bone in ("Manusia", "Metode", "Material", "Mesin", "Lingkungan", "Dana"):
        assert f">{bone}</text>" in svg
    assert "★ Piket tidak terjadwal" in svg
    assert "★ SOP belum ada" not in svg
    page = client.get(
        reverse("problems:problem", kwargs={"slug": c.government.slug, "pk": problem.pk})
    ).content.decode()
    assert "Give direction" in page or "Beri arahan" in page


def test_a_long_cause_shortened_in_the_diagram_is_printed_in_full_below_it(client, cycle):
    c = cycle
    problem = _problem(c)
    text = "Alur penanganan pengaduan masyarakat belum ditetapkan secara tertulis"
    services.add_cause(problem=problem, category="Metode", text=text, acting_user=c.worker)
    client.force_login(c.worker)
    page = client.get(
        reverse("problems:problem", kwargs={"slug": c.government.slug, "pk": problem.pk})
    ).content.decode()
    diagram, below = page.split("</figure>", 1)
    assert text not in diagram.replace(f"<title>{text}</title>", "")  # shortened on the bone
    assert '<dl class="fishbone-causes' in below and f"<dd>{text}</dd>" in below


def test_the_penanggung_jawab_approves_in_the_browser_and_the_team_cannot(client, cycle):
    c = cycle
    problem = _problem(c)
    cause = services.add_cause(problem=problem, category="Manusia", text="x", acting_user=c.worker)
    services.send_root_cause(problem=problem, cause=cause, acting_user=c.worker)
    services.add_action(problem=problem, acting_user=c.worker, **action_fields(c))
    url = reverse(
        "problems:plan_move",
        kwargs={"slug": c.government.slug, "pk": problem.pk, "to": "submitted"},
    )
    client.force_login(c.worker)
    client.post(url)
    approve = url.replace("submitted", "approved")
    assert client.post(approve).status_code == 403
    client.force_login(c.head)
    # The message names the status the plan moved to, not the one it left.
    response = client.post(approve, follow=True)
    assert problem.plans.get().status == ActionPlan.Status.APPROVED
    assert "Rencana tindakan sekarang: Disetujui" in response.content.decode()


def _meeting(c):
    problem = _problem(c)
    action = services.add_action(problem=problem, acting_user=c.worker, **action_fields(c))
    members = c.members
    return services.record_meeting(
        team=c.team,
        acting_user=c.worker,
        held_on=datetime.date(2025, 5, 5),
        starts_at=datetime.time(9, 0),
        place="Ruang Rapat Dinas Kesehatan",
        agenda="Prioritas masalah",
        decisions="Masalah loket diprioritaskan",
        attendance={m.pk: key != "member2" for key, m in members.items()},
        problems=[problem],
        actions=[action],
    )


def test_the_minutes_as_docx_carry_the_form_and_both_signatures(client, cycle):
    c = cycle
    meeting = _meeting(c)
    client.force_login(c.head)
    response = client.get(
        reverse(
            "problems:meeting_export",
            kwargs={"slug": c.government.slug, "pk": meeting.pk, "fmt": "docx"},
        )
    )
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = archive.read("word/document.xml").decode()
    for text in (
        "RISALAH RAPAT",
        "PEMERINTAH KOTA TANGERANG",
        "DINAS KESEHATAN",
        "Senin, 5 Mei 2025",
        "09.00 WIB",
        "Pegawai Chair",  # the chair signs
        "Pegawai Secretary",  # and the secretary
        "Tidak hadir",
        "Masalah loket diprioritaskan",
        "Loket buka terlambat",
        # The follow-ups linked to the action, its owner and due date.
        "Tindakan yang ditindaklanjuti",
        "Menyusun jadwal piket (pelaksana: Pegawai Chair; tenggat 30 Juni 2025)",
        "Tangerang, 5 Mei 2025",
    ):
        assert text in xml, text
    assert meeting.actions.get().title == "Menyusun jadwal piket"
    page = client.get(
        reverse("problems:meeting", kwargs={"slug": c.government.slug, "pk": meeting.pk})
    ).content.decode()
    assert "Tindakan yang ditindaklanjuti" in page and "Menyusun jadwal piket" in page


def test_the_minutes_as_pdf(client, cycle):
    c = cycle
    meeting = _meeting(c)
    Meeting.objects.filter(pk=meeting.pk).update(
        discussion="Hasil USG dibahas.\nDiagram tulang ikan dibahas.",
        follow_ups="Ketua menyusun jadwal piket.\nSekretaris menyiapkan SOP.",
    )
    client.force_login(c.worker)
    response = client.get(
        reverse(
            "problems:meeting_export",
            kwargs={"slug": c.government.slug, "pk": meeting.pk, "fmt": "pdf"},
        )
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert Meeting.objects.get().attendance.filter(present=False).count() == 1
    # The place and date stay on the page of both signatures below them.
    document = pypdfium2.PdfDocument(io.BytesIO(response.content))
    pages = [page.get_textpage().get_text_range() for page in document]
    signed = next(text for text in pages if "Sekretaris," in text)
    assert "Tangerang, 5 Mei 2025" in signed and "Ketua," in signed and "NIP" in signed
    assert signed.index("Tangerang, 5 Mei 2025") < signed.index("Sekretaris,")
    assert "Tindakan yang ditindaklanjuti" in "".join(pages)


def test_the_penanggung_jawab_records_the_follow_up_of_a_progress_report(client, cycle):
    c = cycle
    _problem(c)
    report = services.send_progress_report(
        team=c.team, period_start=DAY, period_end=DAY, acting_user=c.worker
    )
    url = reverse("problems:report", kwargs={"slug": c.government.slug, "pk": report.pk})
    client.force_login(c.worker)
    assert client.post(url, {"follow_up": "Lanjutkan"}).status_code == 403
    client.force_login(c.head)
    page = client.get(url).content.decode()
    assert 'name="follow_up"' in page
    client.post(url, {"follow_up": "Lanjutkan ke UPT"})
    report.refresh_from_db()
    assert report.follow_up == "Lanjutkan ke UPT"
    assert report.figures["problems_open"] == 1


def test_the_index_counts_each_problem_once_whatever_its_plans(client, cycle):
    c = cycle
    problem = _problem(c)
    for number, status in ((1, "done"), (2, "submitted")):
        ActionPlan.objects.create(
            government=c.government, problem=problem, number=number, status=status
        )
    client.force_login(c.head)
    response = client.get(reverse("problems:index", kwargs={"slug": c.government.slug}))
    row = response.context["page"][0]
    assert (row.open_count, row.solved_count, row.plans_waiting) == (1, 0, 1)


def test_a_cause_and_an_action_are_corrected_and_deleted_in_the_browser_asking_first(client, cycle):
    c = cycle
    problem = _problem(c)
    cause = services.add_cause(
        problem=problem, category="Mesin", text="Salah tulis", acting_user=c.worker
    )
    action = services.add_action(problem=problem, acting_user=c.worker, **action_fields(c))
    kwargs = {"slug": c.government.slug, "pk": problem.pk}
    client.force_login(c.worker)
    causes_page = client.get(reverse("problems:cause_add", kwargs=kwargs)).content.decode()
    delete_cause = reverse("problems:cause_delete", kwargs={**kwargs, "cause": cause.pk})
    assert f'action="{delete_cause}" class="inline" data-confirm=' in causes_page
    response = client.post(
        reverse("problems:cause_edit", kwargs={**kwargs, "cause": cause.pk}),
        {"category": "Manusia", "text": "Piket tidak terjadwal"},
        follow=True,
    )
    cause.refresh_from_db()
    assert (cause.category, cause.text) == ("Manusia", "Piket tidak terjadwal")
    assert "Penyebab telah diubah." in response.content.decode()
    page = client.get(reverse("problems:problem", kwargs=kwargs)).content.decode()
    delete_action = reverse("problems:action_delete", kwargs={**kwargs, "action": action.pk})
    assert f'action="{delete_action}" class="inline no-print" data-confirm=' in page
    response = client.post(delete_action, follow=True)
    assert not problem.plans.get().actions.exists()
    assert "telah dihapus" in response.content.decode()
    # A worker of another government finds nothing there.
    client.force_login(c.foreign_worker)
    assert client.post(delete_cause).status_code == 404
    client.force_login(c.worker)
    response = client.post(delete_cause, follow=True)
    assert not problem.causes.exists()
    assert "Penyebab telah dihapus." in response.content.decode()


def test_the_check_and_the_minutes_say_they_were_saved_and_the_report_dates_are_indonesian(
    client, cycle
):
    from budaya.activities.models import Activity, ActivityForm

    c = cycle
    problem = _problem(c)
    cause = services.add_cause(problem=problem, category="Manusia", text="x", acting_user=c.worker)
    services.send_root_cause(problem=problem, cause=cause, acting_user=c.worker)
    action = services.add_action(problem=problem, acting_user=c.worker, **action_fields(c))
    plan = problem.plans.get()
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.SUBMITTED, acting_user=c.worker)
    plan = services.transition_plan(plan=plan, to=ActionPlan.Status.APPROVED, acting_user=c.head)
    form = ActivityForm.objects.create(government=c.government, code="pks", name="PKS")
    activity = Activity.objects.create(
        government=c.government, unit=c.agency, date=DAY, form=form, title="Piket disusun"
    )
    services.link_activity(action=action, activity=activity, acting_user=c.worker)
    services.transition_plan(plan=plan, to=ActionPlan.Status.DONE, acting_user=c.worker)
    client.force_login(c.worker)
    kwargs = {"slug": c.government.slug, "pk": problem.pk}
    response = client.post(
        reverse("problems:check", kwargs=kwargs),
        {"decision": "standardise", "lessons": "Piket ditaati"},
        follow=True,
    )
    assert "Pemeriksaan telah dicatat." in response.content.decode()
    response = client.post(
        reverse("problems:meeting_create", args=[c.government.slug, c.team.pk]),
        {"held_on": "2025-05-05", "place": "Aula", "agenda": "Pemeriksaan hasil"},
        follow=True,
    )
    assert "Risalah rapat telah dicatat." in response.content.decode()
    report = services.send_progress_report(
        team=c.team,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        acting_user=c.worker,
    )
    assert report.figures["lines"][0]["due_on"] == "2025-06-30"  # frozen as text
    page = client.get(
        reverse("problems:report", kwargs={"slug": c.government.slug, "pk": report.pk})
    ).content.decode()
    assert "30 Juni 2025" in page and "1 Mei 2025" in page
    assert "2025-06-30" not in page and "2025-05-01" not in page


def test_the_penanggung_jawab_sees_no_button_of_the_teams_work(client, cycle):
    c = cycle
    problem = _problem(c)
    cause = services.add_cause(problem=problem, category="Manusia", text="x", acting_user=c.worker)
    services.send_root_cause(problem=problem, cause=cause, acting_user=c.worker)
    services.add_action(problem=problem, acting_user=c.worker, **action_fields(c))
    kwargs = {"slug": c.government.slug, "pk": problem.pk}
    client.force_login(c.head)
    page = client.get(reverse("problems:problem", kwargs=kwargs)).content.decode()
    submit = reverse("problems:plan_move", kwargs={**kwargs, "to": "submitted"})
    assert submit not in page
    assert reverse("problems:cause_add", kwargs=kwargs) not in page
    assert reverse("problems:action_add", kwargs=kwargs) not in page
    assert client.post(submit).status_code == 403
    assert client.get(reverse("problems:cause_add", kwargs=kwargs)).status_code == 403
    assert reverse("problems:direction", kwargs=kwargs) in page  # his own move
