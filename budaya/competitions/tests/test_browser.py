"""The issue's "Done when" walk in Chromium (issue 24): a city administrator runs a competition
end to end: organises it with its rubric and jury, two agencies enter and submit, two judges
score with the rubric (one is refused on the entry of their own agency), the ranking, the
results published, a certificate downloaded and looked at, the results read by every employee
and shown among the winner's monitoring evidence."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pypdfium2
import pytest
from playwright.sync_api import expect

from budaya.accounts.models import Role, RoleGrant
from budaya.competitions.models import Award, Competition, Entry, JudgeScore
from budaya.competitions.tests.conftest import DAY, TODAY, jpeg
from budaya.conftest import PASSWORD
from budaya.monev import services as monev
from budaya.monev.models import Period
from budaya.rulebook.services import load_shipped
from budaya.teams.models import Team, TeamKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = (
    Path(os.environ.get("BUDAYA_SCREENSHOTS", Path(tempfile.gettempdir()) / "budaya-screenshots"))
    / "competitions"
)


def _person(chromium, live_server, user):
    context = chromium.new_context(base_url=live_server.url, locale="en-US", accept_downloads=True)
    context.add_cookies([{"name": "budaya_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
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


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def _shift(competition: Competition, *offsets: int) -> None:
    """The days pass: the timeline moves so that today falls in the next stage."""
    names = (
        "opens_on",
        "registration_closes",
        "submission_closes",
        "judging_closes",
        "announce_on",
    )
    Competition.objects.filter(pk=competition.pk).update(
        **{name: TODAY + n * DAY for name, n in zip(names, offsets, strict=True)}
    )


@pytest.fixture
def scene(world, make_user):
    w = world
    load_shipped(government=w.government, name="kota-serang")
    mayor = make_user(
        "w.walikota", Role.LEADERSHIP, w.government, first_name="Budi", last_name="Walikota"
    )
    RoleGrant.objects.filter(user=mayor).update(office="head")
    kind = TeamKind.objects.filter(
        government=w.government, scope="agency"
    ).first() or TeamKind.objects.create(
        government=w.government, code="kbk", name="KBK", scope="agency"
    )
    for unit, name in ((w.agency, "KBK Pendidikan"), (w.other_agency, "KBK Kesehatan")):
        Team.objects.create(government=w.government, kind=kind, unit=unit, name=name)
    period = monev.create_period(
        w.government,
        kind=Period.Kind.BERKALA,
        year=TODAY.year,
        title=f"Monev {TODAY.year}",
        starts_on=TODAY - 60 * DAY,
        ends_on=TODAY + 60 * DAY,
        deadline=TODAY + 30 * DAY,
        actor=w.user(Role.CITY_ADMIN),
    )
    report = monev.start_report(period, w.agency, w.user(Role.UNIT_HEAD))
    return w, report


def _enter(page, team: str, title: str) -> None:
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Competitions"
    ).click()
    page.get_by_role("link", name="Lomba KBK Uji").click()
    page.get_by_role("link", name="Enter a team").click()
    page.locator("[name=team]").select_option(label=team)
    page.locator("[name=category]").select_option(label="Inovasi pelayanan")
    page.locator("[name=title]").fill(title)
    page.locator("[name=summary]").fill("Antrean tanpa kertas di loket pelayanan.")
    _click(page, "Save")
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def _score(page, entry: Entry, values: tuple[int, int]) -> None:
    page.goto(f"/competitions/{entry.government.slug}/entries/{entry.pk}/score/")
    criteria = list(entry.competition.criteria.order_by("order"))
    for criterion, value in zip(criteria, values, strict=True):
        page.locator(f"input[name=score_{criterion.pk}][value='{value}']").check()
        page.locator(f"[name=comment_{criterion.pk}]").fill("Sesuai rubrik")
    _click(page, "Keep my scores")
    expect(page.get_by_text("Your scores are kept.")).to_be_visible()


def test_done_when_walk(chromium, live_server, scene):
    w, report = scene
    admin_context, admin = _person(chromium, live_server, w.user(Role.CITY_ADMIN))

    # The city administrator organises the competition.
    admin.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Competitions"
    ).click()
    admin.get_by_role("link", name="New competition").click()
    admin.locator("[name=name]").fill("Lomba KBK Uji")
    admin.locator("[name=kind]").select_option("kbk")
    admin.locator("[name=year]").fill(str(TODAY.year))
    for name, offset in (
        ("opens_on", -1),
        ("registration_closes", 5),
        ("submission_closes", 10),
        ("judging_closes", 20),
        ("announce_on", 30),
    ):
        admin.locator(f"[name={name}]").fill((TODAY + offset * DAY).isoformat())
    admin.locator("[name=categories]").fill("Inovasi pelayanan")
    admin.locator("[name=rules_file]").set_input_files(
        files=[{"name": "ketentuan.jpg", "mimeType": "image/jpeg", "buffer": jpeg().read()}]
    )
    _click(admin, "Save")
    competition = Competition.objects.get(name="Lomba KBK Uji")
    assert competition.rules_document is not None
    # The rubric: two criteria whose weights make 100, each with what its scores mean.
    for name, weight in (("Inovasi", 60), ("Dampak", 40)):
        admin.locator("[name=name]").fill(name)
        admin.locator("[name=weight]").fill(str(weight))
        for score in range(1, 6):
            admin.locator(f"[name=descriptor_{score}]").fill(f"{name}: tingkat {score}")
        _click(admin, "Add")
    expect(admin.get_by_text("Complete")).to_be_visible()
    _shoot(admin, "rubric")
    # The jury: a team member of the health agency and the regional secretary.
    admin.goto(f"/competitions/{w.government.slug}/{competition.pk}/jury/")
    for user in (w.other_agency_user, w.user(Role.LEADERSHIP)):
        admin.locator("[name=category]").select_option(label="Inovasi pelayanan")
        admin.locator("[name=user]").select_option(str(user.pk))
        _click(admin, "Assign")
    expect(admin.get_by_role("cell", name="Dinas Kesehatan")).to_be_visible()

    # Two agencies enter and submit.
    head_context, head = _person(chromium, live_server, w.user(Role.UNIT_HEAD))
    _enter(head, "KBK Pendidikan · Dinas Pendidikan", "Sekolah ramah layanan")
    head.locator("[name=uploads]").set_input_files(
        files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg().read()}]
    )
    _click(head, "Add")
    expect(head.get_by_text("The material is added.")).to_be_visible()
    _click(head, "Submit")
    expect(head.get_by_text("The entry is submitted.")).to_be_visible()
    _shoot(head, "entry")
    other_context, other = _person(chromium, live_server, w.other_agency_user)
    _enter(other, "KBK Kesehatan · Dinas Kesehatan", "Puskesmas tanpa antre")
    other.locator("[name=links]").fill("https://drive.example.id/puskesmas")
    _click(other, "Add")
    _click(other, "Submit")
    expect(other.get_by_text("The entry is submitted.")).to_be_visible()
    assert Entry.objects.filter(status="submitted").count() == 2

    # The deadline passes; judging opens.
    _shift(competition, -20, -15, -10, 5, 30)
    mine = Entry.objects.get(team__name="KBK Pendidikan")
    theirs = Entry.objects.get(team__name="KBK Kesehatan")
    # The health agency's judge is refused on the health agency's entry ...
    other.goto(f"/competitions/{w.government.slug}/entries/{theirs.pk}/score/")
    expect(other.get_by_text("you may not score it")).to_be_visible()
    expect(other.get_by_role("button", name="Keep my scores")).to_have_count(0)
    _shoot(other, "score-refused")
    # ... and scores the other one.
    _score(other, mine, (5, 4))
    leader_context, leader = _person(chromium, live_server, w.user(Role.LEADERSHIP))
    _score(leader, mine, (4, 4))
    _score(leader, theirs, (3, 4))
    _shoot(leader, "score")
    assert JudgeScore.objects.filter(entry=theirs, judge__user=w.other_agency_user).count() == 0
    # Scores stay hidden from the judges until judging closes.
    assert leader.goto(f"/competitions/{w.government.slug}/{competition.pk}/ranking/").status == 403

    # Judging closes; on the announcement day the administrator ranks and publishes.
    _shift(competition, -40, -35, -30, -2, 0)
    admin.goto(f"/competitions/{w.government.slug}/{competition.pk}/ranking/")
    rows = admin.locator("tbody tr")
    expect(rows.first).to_contain_text("KBK Pendidikan")
    expect(rows.first).to_contain_text("86.00")
    expect(rows.nth(1)).to_contain_text("KBK Kesehatan")
    _shoot(admin, "ranking")
    _click(admin, "Publish the results")
    expect(admin.get_by_text("The results are published.")).to_be_visible()
    _shoot(admin, "results")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Certificate (PDF)").first.click()
    data = Path(download.value.path()).read_bytes()
    document = pypdfium2.PdfDocument(io.BytesIO(data))
    text = document[0].get_textpage().get_text_range()
    assert "SERTIFIKAT" in text and "KBK Pendidikan" in text and "JUARA I" in text
    assert "Wali Kota Serang" in text and "Budi Walikota" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=1.5).to_pil().save(SHOTS / "certificate.png")
    award = Award.objects.get(entry=mine)
    admin.goto(f"/competitions/verify/{award.token}/")
    expect(admin.get_by_text("This certificate is genuine.")).to_be_visible()

    # Every employee reads the results; the winner's report shows them among its evidence.
    employee_context, employee = _person(chromium, live_server, w.user(Role.EMPLOYEE))
    employee.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Competitions"
    ).click()
    employee.get_by_role("link", name="Gallery of results").click()
    expect(employee.get_by_text("Puskesmas tanpa antre")).to_be_visible()
    expect(employee.get_by_text("Rank 1")).to_be_visible()
    _shoot(employee, "gallery")
    head.goto(f"/monev/{w.government.slug}/reports/{report.pk}/maturity/")
    expect(head.get_by_role("heading", name="Competition results")).to_be_visible()
    expect(head.get_by_role("link", name="Lomba KBK Uji")).to_be_visible()
    _shoot(head, "report-evidence")
    for context in (admin_context, head_context, other_context, leader_context, employee_context):
        context.close()
