"""Recurring obligations: expected occurrences, matching, the compliance board and reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from budaya.accounts.models import Role
from budaya.activities import obligations as schedule
from budaya.activities.models import Obligation, ObligationReminder
from budaya.activities.selectors import compliance_board, upcoming
from budaya.activities.services import create_activity, send_obligation_reminders
from budaya.org.models import Unit

pytestmark = pytest.mark.django_db

D = datetime.date


def _rule(frequency, day=None, grace=0, ends=None):
    return Obligation(
        pk=1, frequency=frequency, day=day, grace_days=grace, starts_on=D(2025, 1, 1), ends_on=ends
    )


def test_working_days_are_monday_to_friday():
    rule = _rule(Obligation.Frequency.WORKING_DAYS)
    found = schedule.occurrences(rule, D(2025, 3, 1), D(2025, 3, 31))
    assert len(found) == 21
    assert all(item.due_on.weekday() < 5 for item in found)


def test_the_17th_of_each_month_and_a_31st_in_february():
    assert [
        o.due_on
        for o in schedule.occurrences(
            _rule(Obligation.Frequency.MONTHLY_DAY, 17), D(2025, 1, 1), D(2025, 3, 31)
        )
    ] == [D(2025, 1, 17), D(2025, 2, 17), D(2025, 3, 17)]
    assert [
        o.due_on
        for o in schedule.occurrences(
            _rule(Obligation.Frequency.MONTHLY_DAY, 31), D(2025, 2, 1), D(2025, 2, 28)
        )
    ] == [D(2025, 2, 28)]


def test_once_a_month_counts_any_day_of_it_and_rules_end():
    rule = _rule(Obligation.Frequency.MONTHLY, ends=D(2025, 2, 28))
    found = schedule.occurrences(rule, D(2025, 1, 1), D(2025, 4, 30))
    assert [(o.window_start, o.window_end) for o in found] == [
        (D(2025, 1, 1), D(2025, 1, 31)),
        (D(2025, 2, 1), D(2025, 2, 28)),
    ]
    weekly = schedule.occurrences(
        _rule(Obligation.Frequency.WEEKLY, 1), D(2025, 3, 1), D(2025, 3, 31)
    )
    assert [o.due_on.day for o in weekly] == [3, 10, 17, 24, 31]


def test_days_of_grace_widen_the_window():
    occurrence = schedule.occurrences(
        _rule(Obligation.Frequency.MONTHLY_DAY, 17, grace=2), D(2025, 3, 1), D(2025, 3, 31)
    )[0]
    assert schedule.is_met(occurrence, [D(2025, 3, 19)])
    assert not schedule.is_met(occurrence, [D(2025, 3, 16), D(2025, 3, 20)])


def _done(world, form, unit, day, status="done"):
    return create_activity(
        government=world.government,
        data={"unit": unit, "form": form, "date": day, "title": "x", "status": status},
        actor=None,
    )


def test_the_board_shows_done_against_due_per_agency_and_month(client, world, serang_rules):
    forms, twibbon, _apel = serang_rules
    _done(
        world, forms["twibbon"], world.sub_unit, D(2025, 1, 17)
    )  # a sub-unit counts for its agency
    _done(world, forms["twibbon"], world.agency, D(2025, 2, 17))
    _done(world, forms["twibbon"], world.agency, D(2025, 3, 18))  # a day late: not counted
    _done(world, forms["twibbon"], world.other_agency, D(2025, 3, 17), status="planned")
    board = compliance_board(
        world.user(Role.CITY_ADMIN), world.government, 2025, twibbon, D(2025, 4, 10)
    )
    rows = {row.agency.name: row for row in board.rows}
    education = rows["Dinas Pendidikan"]
    assert [(c.done, c.due) for c in education.cells[:5]] == [
        (1, 1),
        (1, 1),
        (0, 1),
        (0, 0),
        (0, 0),
    ]
    assert education.cells[2].state == "bad" and education.cells[0].state == "ok"
    assert (education.total.done, education.total.due) == (2, 3)
    assert (rows["Dinas Kesehatan"].total.done, rows["Dinas Kesehatan"].total.due) == (0, 3)
    # A unit role sees its own agency's row only.
    own = compliance_board(
        world.user(Role.UNIT_TEAM), world.government, 2025, twibbon, D(2025, 4, 10)
    )
    assert [row.agency.name for row in own.rows] == ["Dinas Pendidikan"]


def test_apel_pagi_counts_each_working_day(world, serang_rules):
    forms, _twibbon, apel = serang_rules
    for day in (3, 4, 5, 6, 7):  # the first full week of March 2025, Monday to Friday
        _done(world, forms["apel-pagi"], world.agency, D(2025, 3, day))
    _done(world, forms["apel-pagi"], world.agency, D(2025, 3, 8))  # Saturday: not due, not counted
    board = compliance_board(
        world.user(Role.LEADERSHIP), world.government, 2025, apel, D(2025, 3, 7)
    )
    march = next(r for r in board.rows if r.agency == world.agency).cells[2]
    assert (march.done, march.due, march.upcoming) == (5, 5, 16)


@pytest.mark.parametrize("agencies", [2, 20])
def test_the_board_costs_the_same_whatever_the_number_of_agencies(
    client, world, serang_rules, django_assert_max_num_queries, agencies
):
    forms, _t, _a = serang_rules
    for index in range(agencies):
        unit = Unit.objects.create(
            government=world.government, kind="dinas", code=f"9.{index}", name=f"Dinas {index}"
        )
        _done(world, forms["twibbon"], unit, D(2025, 1, 17))
        _done(world, forms["apel-pagi"], unit, D(2025, 1, 6))
    client.force_login(world.user(Role.CITY_ADMIN))
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("activities:compliance", args=[world.government.slug]), {"year": 2025}
        )
    assert response.status_code == 200
    assert "Dinas 1" in response.content.decode()


def test_the_board_page_links_each_cell_to_its_activities(client, world, serang_rules):
    forms, twibbon, _a = serang_rules
    _done(world, forms["twibbon"], world.agency, D(2025, 1, 17))
    client.force_login(world.user(Role.CITY_ADMIN))
    html = client.get(
        reverse("activities:compliance", args=[world.government.slug]),
        {"year": 2025, "obligation": twibbon.pk},
    ).content.decode()
    assert "1/1" in html
    assert f"unit={world.agency.pk}&amp;start=2025-01-01&amp;end=2025-01-31" in html


def test_reminders_go_once_per_occurrence_to_the_agencys_team(
    world, serang_rules, make_user, django_capture_on_commit_callbacks
):
    forms, _twibbon, _apel = serang_rules
    world.user(Role.UNIT_TEAM).email = "tim@example.org"
    world.user(Role.UNIT_TEAM).save()
    world.user(Role.UNIT_HEAD).email = "kepala@example.org"
    world.user(Role.UNIT_HEAD).save()
    world.other_agency_user.email = "dinkes@example.org"
    world.other_agency_user.save()
    # The health agency recorded it already (planned ahead and done): it is not reminded.
    _done(world, forms["twibbon"], world.other_agency, D(2025, 3, 17))

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_obligation_reminders(D(2025, 3, 14))  # three days before the 17th
    assert len(sent) == 1 and "Dinas Pendidikan" in sent[0]
    # Told by the notifications (issue 20): one e-mail to each of the agency's people.
    assert sorted(tuple(m.to) for m in mail.outbox) == [
        ("kepala@example.org",),
        ("tim@example.org",),
    ]
    message = mail.outbox[0]
    assert "Twibbon tanggal 17" in message.subject and "17-03-2025" in message.subject
    assert "Pengingat" in message.subject
    # Run again (the same day, or the next): nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_obligation_reminders(D(2025, 3, 14)) == []
        call_command("send_obligation_reminders", "--today", "2025-03-15", verbosity=0)
    assert len(mail.outbox) == 2
    assert ObligationReminder.objects.count() == 1
    # Daily obligations have no reminder.
    assert not ObligationReminder.objects.filter(obligation__frequency="working_days").exists()


def test_upcoming_occurrences_show_in_the_app(client, world, serang_rules):
    _forms, twibbon, _a = serang_rules
    items = upcoming(world.user(Role.UNIT_TEAM), world.government, D(2025, 3, 15))
    assert [(i.obligation, i.agency, i.occurrence.due_on) for i in items] == [
        (twibbon, world.agency, D(2025, 3, 17))
    ]


def test_the_log_keeps_what_is_coming_up_until_it_is_recorded(client, world, serang_rules):
    forms, _twibbon, _apel = serang_rules
    today = timezone.localdate()
    Obligation.objects.create(
        government=world.government,
        name="Refleksi nilai hari ini",
        form=forms["twibbon"],
        frequency=Obligation.Frequency.MONTHLY_DAY,
        day=today.day,
        remind_days_before=3,
        starts_on=today.replace(day=1),
    )
    client.force_login(world.user(Role.UNIT_TEAM))
    url = reverse("activities:list", args=[world.government.slug])
    assert "Refleksi nilai hari ini" in client.get(url).content.decode()
    assert "Refleksi nilai hari ini" in client.get(url).content.decode()  # kept
    _done(world, forms["twibbon"], world.agency, today)  # audited: a new version
    assert "Refleksi nilai hari ini" not in client.get(url).content.decode()
