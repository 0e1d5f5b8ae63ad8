"""The maintained aggregate of the activity log (``ActivityMonth``): kept by the services equal
to a fresh rebuild, exact under concurrent recordings, and the only table the compliance board
reads."""

from __future__ import annotations

import datetime
import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budaya.accounts import audit
from budaya.accounts.models import AuditChain, AuditEntry, Role
from budaya.activities import aggregates
from budaya.activities.models import Activity, ActivityMonth
from budaya.activities.services import create_activity, delete_activity, update_activity
from budaya.org.models import Unit

pytestmark = pytest.mark.django_db

D = datetime.date


def _rows(government):
    return sorted(
        ActivityMonth.objects.filter(government=government).values_list(
            "unit_id", "form_id", "month", "done", "days"
        )
    )


def _data(unit, form, day, status="done"):
    return {"unit": unit, "form": form, "date": day, "title": "Apel", "status": status}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_any_sequence_of_writes_the_aggregate_equals_a_rebuild(world, serang_rules, seed):
    forms, _t, _a = serang_rules
    rng = random.Random(seed)
    units = [world.agency, world.sub_unit, world.other_agency]
    choices = [forms["apel-pagi"], forms["twibbon"]]
    days = [D(2025, 1, 30), D(2025, 1, 31), D(2025, 2, 1), D(2025, 2, 17)]
    activities: list[Activity] = []
    for _step in range(40):
        action = rng.choice(["create", "create", "update", "delete"]) if activities else "create"
        data = _data(
            rng.choice(units),
            rng.choice(choices),
            rng.choice(days),
            rng.choice(["done", "done", "planned"]),
        )
        if action == "create":
            activities.append(create_activity(government=world.government, data=data, actor=None))
        elif action == "update":
            activity = Activity.objects.get(pk=rng.choice(activities).pk)
            update_activity(activity, data=data, actor=None)
        else:
            activity = activities.pop(rng.randrange(len(activities)))
            delete_activity(Activity.objects.get(pk=activity.pk), actor=None)
    maintained = _rows(world.government)
    assert maintained, "the sequence left done activities"
    aggregates.rebuild(world.government)
    assert _rows(world.government) == maintained


def test_a_cell_counts_its_activities_and_their_days(world, serang_rules):
    forms, _t, _a = serang_rules
    apel = forms["apel-pagi"]
    first = create_activity(
        government=world.government, data=_data(world.agency, apel, D(2025, 3, 3)), actor=None
    )
    create_activity(
        government=world.government, data=_data(world.agency, apel, D(2025, 3, 3)), actor=None
    )
    create_activity(
        government=world.government, data=_data(world.agency, apel, D(2025, 3, 5)), actor=None
    )
    cell = ActivityMonth.objects.get(unit=world.agency, form=apel)
    assert (cell.month, cell.done) == (D(2025, 3, 1), 3)
    assert list(aggregates.dates_in(cell.month, cell.days)) == [D(2025, 3, 3), D(2025, 3, 5)]
    # Moved to April and marked planned: March keeps two, April counts nothing.
    update_activity(
        Activity.objects.get(pk=first.pk),
        data=_data(world.agency, apel, D(2025, 4, 1), "planned"),
        actor=None,
    )
    cell.refresh_from_db()
    assert cell.done == 2 and not ActivityMonth.objects.filter(month=D(2025, 4, 1)).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_recordings_in_one_cell_are_all_counted(world, serang_rules):
    """Each recording upserts its cells and takes the chain's lock in one round trip on
    PostgreSQL (issue 25): every count kept, and the chain neither forked nor broken."""
    forms, _t, _a = serang_rules
    writers = 6
    length = AuditChain.objects.filter(government=world.government).values_list("length")
    before = length.first() or (0,)
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            barrier.wait()
            create_activity(
                government=world.government,
                data=_data(world.agency, forms["apel-pagi"], D(2025, 3, 1 + index)),
                actor=None,
            )
        except BaseException as error:  # reported below, a thread cannot fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    cell = ActivityMonth.objects.get(unit=world.agency, form=forms["apel-pagi"])
    assert cell.done == writers
    assert list(aggregates.dates_in(cell.month, cell.days)) == [
        D(2025, 3, day) for day in range(1, 1 + writers)
    ]
    assert length.get() == (before[0] + writers,)
    assert AuditEntry.objects.filter(chain=f"g{world.government.pk}").count() == length.get()[0]
    assert audit.verify() is None


def _board_queries(client, government):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("activities:compliance", args=[government.slug]))
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_compliance_board_reads_the_aggregate_not_the_log(client, world, serang_rules):
    forms, _t, _a = serang_rules
    client.force_login(world.user(Role.CITY_ADMIN))
    year = datetime.date.today().year
    counts = []
    for size in (3, 30):
        for index in range(size):
            unit = Unit.objects.create(
                government=world.government,
                kind="dinas",
                code=f"9.{size}.{index}",
                name=f"Dinas {size}.{index}",
            )
            for day in (3, 4, 5):
                create_activity(
                    government=world.government,
                    data=_data(unit, forms["apel-pagi"], D(year, 1, day)),
                    actor=None,
                )
        sql = _board_queries(client, world.government)
        assert not [query for query in sql if '"activities_activity"' in query]
        assert [query for query in sql if '"activities_activitymonth"' in query]
        counts.append(len(sql))
    assert counts[0] == counts[1]


def test_the_command_rebuilds_what_a_bulk_load_left_out(world, serang_rules):
    forms, _t, _a = serang_rules
    Activity.objects.bulk_create(
        [
            Activity(
                government=world.government,
                unit=world.agency,
                form=forms["twibbon"],
                date=D(2025, month, 17),
                title="Twibbon",
            )
            for month in (1, 2)
        ]
    )
    assert not ActivityMonth.objects.exists()
    call_command("rebuild_aggregates", government=world.government.slug, verbosity=0)
    assert [(row[2], row[3]) for row in _rows(world.government)] == [
        (D(2025, 1, 1), 1),
        (D(2025, 2, 1), 1),
    ]
