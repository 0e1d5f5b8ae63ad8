"""The issue's "Done when" walk in Chromium: a KBK records three problems, scores them, draws a
fishbone for the top one, submits an action plan that its penanggung-jawab returns once and then
approves (the approved action then shows in the agency's programme, linked to the activity that
carried it out), logs the action as done through an activity, records the check, prints the
minutes of the meeting where it was decided, and the penanggung-jawab finds the progress report
among his tasks and reads it; an agency of a government whose rulebook does not apply it does not
see the feature."""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from budaya import pending
from budaya.activities.models import Activity, ActivityForm
from budaya.conftest import PASSWORD
from budaya.problems.models import ActionPlan, PlanEvent, Problem
from budaya.programme import services as programme_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Looked at by a person after a run (1280 and 360 px); a temporary folder by default.
SHOTS = (
    Path(os.environ.get("BUDAYA_SCREENSHOTS", Path(tempfile.gettempdir()) / "budaya-screenshots"))
    / "problems"
)


def _person(chromium, live_server, user):
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    context.add_cookies([{"name": "budaya_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return context, page


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _field(page, label: str):
    """The field of a label as a person reads it (Django adds a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def _tasks(user) -> dict[str, str]:
    """The user's tasks (budaya.pending, the home page's "Tugas saya"): label → link."""
    with translation.override("en"):
        return {str(item.label): item.url for item in pending.pending_for(user)}


def test_done_when_walk(chromium, live_server, cycle):
    c = cycle
    # The agency's programme of the year the action falls due.
    programme = programme_services.create_programme(
        government=c.government, unit=c.agency, year=2030
    )
    programme_url = f"/programme/{c.government.slug}/{programme.pk}/"
    worker_context, page = _person(chromium, live_server, c.worker)
    # The menu leads to the KBK.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Problem solving"
    ).click()
    page.get_by_role("link", name="KBK Uji").click()
    team_url = page.url

    # Three problems.
    titles = ["Loket buka terlambat", "Rapat tidak tepat waktu", "Arsip sulit ditelusuri"]
    for title in titles:
        page.get_by_role("link", name="Record a problem").click()
        _field(page, "Problem").fill(title)
        _field(page, "Where it was raised").select_option("complaint")
        _submit(page, "Save")
    assert Problem.objects.filter(team=c.team).count() == 3

    # Two members score each; the first problem comes out on top, the other two tie.
    scores = {titles[0]: (5, 5, 4), titles[1]: (3, 3, 3), titles[2]: (3, 3, 3)}
    for title, (u, s, g) in scores.items():
        page.goto(team_url)
        page.get_by_role("link", name=title).click()
        page.get_by_role("link", name="Score", exact=True).click()
        for member in ("Pegawai Chair", "Pegawai Member"):
            _field(page, "Member").select_option(
                label=f"{member} (Ketua)" if "Chair" in member else f"{member} (Anggota)"
            )
            _field(page, "Urgency (U)").select_option(str(u))
            _field(page, "Seriousness (S)").select_option(str(s))
            _field(page, "Growth (G)").select_option(str(g))
            _submit(page, "Keep the score")
    page.goto(team_url)
    ranking = page.locator("table.ranking tbody tr")
    expect(ranking.nth(0)).to_contain_text(titles[0])
    expect(ranking.nth(1)).to_contain_text("tie")
    expect(ranking.nth(2)).to_contain_text("tie")
    _shoot(page, "team")

    # The fishbone of the top problem, its root cause sent to the penanggung-jawab.
    page.get_by_role("link", name=titles[0]).click()
    problem_url = page.url
    page.get_by_role("button", name="Choose this problem for solving").click()
    page.get_by_role("link", name="Add causes").click()
    for category, text in (("Manusia", "Piket loket belum terjadwal"), ("Metode", "SOP belum ada")):
        _field(page, "Category (bone)").select_option(category)
        _field(page, "Cause").fill(text)
        _submit(page, "Add the cause")
    expect(page.locator("svg.fishbone-svg")).to_contain_text("SOP belum ada")
    page.get_by_role("link", name="Done: choose the root cause").click()
    page.locator("summary", has_text="Choose the root cause").click()
    page.locator("li", has_text="SOP belum ada").get_by_role(
        "button", name="This is the root cause"
    ).click()
    expect(page.locator("svg.fishbone-svg")).to_contain_text("★ SOP belum ada")

    # An action, the plan submitted.
    page.get_by_role("link", name="Add an action").click()
    _field(page, "Action").fill("Menyusun SOP pembukaan loket")
    _field(page, "Owner").select_option(label="Pegawai Chair")
    _field(page, "Due on").fill("2030-06-30")
    _field(page, "Expected result").fill("SOP ditetapkan")
    _field(page, "Indicator").fill("Loket buka 08.00")
    _submit(page, "Save")
    _submit(page, "Submit to the penanggung-jawab")
    expect(page.locator("#s-plan")).to_contain_text("Submitted to the penanggung-jawab")

    # The penanggung-jawab gives direction, returns the plan once, then approves it.
    head_context, head = _person(chromium, live_server, c.head)
    head.goto(problem_url)
    head.get_by_role("link", name="Give direction").click()
    _field(head, "Direction of the penanggung-jawab").fill("Setuju, susun SOP.")
    _submit(head, "Save")
    _field(head, "Direction or note").fill("Tambahkan tanggal sosialisasi SOP.")
    _submit(head, "Return with direction")
    expect(head.locator("#s-plan")).to_contain_text("Returned with direction")
    page.goto(problem_url)
    expect(page.locator(".plan-history")).to_contain_text("Tambahkan tanggal sosialisasi SOP.")
    _submit(page, "Submit to the penanggung-jawab")
    head.goto(problem_url)
    assert problem_url.endswith(_tasks(c.head)["Action plans awaiting your approval"])
    _submit(head, "Approve")
    plan = ActionPlan.objects.get(problem__title=titles[0])
    assert plan.status == ActionPlan.Status.APPROVED
    assert list(PlanEvent.objects.filter(plan=plan).values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]

    # The action is carried out: from the action's page the KBK logs the activity through the
    # activity form, comes back with it chosen, and links it as the action's execution.
    ActivityForm.objects.create(government=c.government, code="pks", name="PKS")
    page.goto(problem_url)
    page.get_by_role("link", name="Link activities, record the result").click()
    execution_url = page.url
    page.get_by_role("link", name="Log an activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an activity")
    _field(page, "Date").fill(datetime.date.today().isoformat())
    _field(page, "Form or method").select_option(label="PKS")
    _field(page, "Activity").fill("Sosialisasi SOP pembukaan loket")
    _field(page, "Number of participants").fill("20")
    _submit(page, "Save")
    expect(page.locator("ul.messages")).to_contain_text("The activity was recorded.")
    assert page.url.startswith(execution_url)
    activity = Activity.objects.get(title="Sosialisasi SOP pembukaan loket")
    assert activity.unit == c.agency and activity.status == Activity.Status.DONE
    expect(_field(page, "Logged activity")).to_have_value(str(activity.pk))
    _submit(page, "Link the activity")
    expect(
        page.get_by_role("link", name=re.compile("Sosialisasi SOP pembukaan loket"))
    ).to_be_visible()
    _shoot(page, "execution")
    _field(page, "Result against the indicator").fill("Loket buka 08.00 19 dari 20 hari")
    _field(page, "Indicator achieved").select_option("yes")
    _submit(page, "Record the result")
    # The approved action is in the agency's programme, with the activity that carried it out,
    # and leads back to the problem; the activity names the action.
    page.goto(programme_url)
    actions = page.locator("section[aria-labelledby=kbk-actions]")
    expect(actions).to_contain_text("Menyusun SOP pembukaan loket")
    expect(actions).to_contain_text("Sosialisasi SOP pembukaan loket")
    _shoot(page, "programme")
    actions.get_by_role("link", name=re.compile("Sosialisasi SOP")).click()
    expect(page.locator("ul.executed-actions")).to_contain_text("Menyusun SOP pembukaan loket")
    page.goto(problem_url)
    page.get_by_role("link", name="2030").click()
    expect(page).to_have_url(re.compile(rf"{programme_url}"))
    page.goto(problem_url)
    _submit(page, "Mark done")
    expect(page.locator("ul.messages")).to_have_count(1)
    expect(page.locator("#s-plan")).to_contain_text("Done")
    page.get_by_role("radio", name=re.compile("Standardise")).check()
    _field(page, "Lessons learned").fill("Piket yang ditetapkan lebih ditaati.")
    _submit(page, "Record the check")
    expect(page.locator("section[aria-labelledby=s-check]")).to_contain_text("Standardise")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Solved")
    _shoot(page, "cycle")
    # On a phone each action reads as a card: its due date and result on the screen, labelled
    # (the table showed the action and its owner, the rest scrolled off to the right).
    page.set_viewport_size({"width": 360, "height": 740})
    for label in ("Due", "Result"):
        cell = page.locator(f'.actions-table td[data-label="{label}"]').first
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 360, label
    page.set_viewport_size({"width": 1280, "height": 900})
    # Printed on A4 (about 680 px of content), the action plan's eight columns fit the width.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 680, "height": 900})
    assert page.evaluate(
        "document.querySelector('.actions-table').getBoundingClientRect().right"
        " <= document.documentElement.clientWidth + 1"
    )
    page.pdf(path=str(SHOTS / "cycle.pdf"), format="A4")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The minutes of the meeting where it was decided, printed as PDF.
    page.goto(team_url)
    page.get_by_role("link", name="Minutes of a meeting").click()
    _field(page, "Place").fill("Ruang Rapat Dinas Kesehatan")
    _field(page, "Agenda").fill("Penetapan prioritas dan rencana tindakan")
    _field(page, "Decisions").fill("Rencana tindakan diajukan kepada Penanggung-jawab.")
    for member in ("Pegawai Chair", "Pegawai Secretary", "Pegawai Member"):
        page.get_by_label(member, exact=False).first.check()
    page.get_by_label(titles[0], exact=True).check()
    page.get_by_label("Menyusun SOP pembukaan loket").check()  # the follow-up's action
    _submit(page, "Save")
    expect(page.get_by_role("heading", level=1)).to_have_text("Minutes of the meeting")
    expect(page.locator("main")).to_contain_text("Actions followed up")
    _shoot(page, "minutes")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    pdf = SHOTS / "minutes.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # The progress report, read and followed up by the penanggung-jawab.
    page.goto(team_url)
    page.get_by_role("link", name="Report progress").click()
    _field(page, "From").fill("2020-01-01")
    _field(page, "Until").fill("2030-12-31")
    _submit(page, "Save")
    report_url = page.url
    # The report is sent up as a task: the penanggung-jawab finds it on his home page's tasks
    # and follows its link.
    task = _tasks(c.head)["KBK progress reports to read and follow up"]
    assert report_url.endswith(task)
    head.goto("/")
    head.get_by_role("link", name="KBK progress reports to read and follow up").click()
    expect(head).to_have_url(report_url)
    expect(head.locator("table.figures")).to_contain_text("Problems solved")
    _field(head, "Follow-up of the penanggung-jawab").fill("Terapkan di seluruh UPT.")
    _submit(head, "Record the follow-up")
    expect(head.locator("blockquote.direction")).to_contain_text("Terapkan di seluruh UPT.")
    _shoot(head, "report")
    assert "KBK progress reports to read and follow up" not in _tasks(c.head)
    worker_context.close()
    head_context.close()

    # An agency under a rulebook without problem solving does not see it.
    serang_context, serang = _person(chromium, live_server, c.foreign_worker)
    nav = serang.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Teams")).to_be_visible()
    expect(nav.get_by_role("link", name="Problem solving")).to_have_count(0)
    response = serang.goto(f"/problems/{c.foreign_government.slug}/")
    assert response is not None and response.status == 404
    serang_context.close()
