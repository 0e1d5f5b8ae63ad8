"""Issue 25: activities by value (``ActivityValueMonth``) kept true by every write of the log,
equal to a recount, checked by ``rebuild_aggregates --check``; and the recording form's choices
cached per government under a version that every write changing them moves."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.activities import aggregates, choices
from budaya.activities.models import Activity, ActivityValueMonth
from budaya.activities.services import create_activity, delete_activity, update_activity
from budaya.frameworks.models import CoreValue
from budaya.org import services as org_services
from budaya.org.models import Unit

pytestmark = pytest.mark.django_db

D = datetime.date


def _values(government):
    return list(
        CoreValue.objects.filter(version__adoptions__government=government).order_by("order")
    )


def _rows(government):
    return sorted(
        ActivityValueMonth.objects.filter(government=government).values_list(
            "unit_id", "value_id", "month", "done"
        )
    )


def _data(unit, form, day, values, status="done"):
    return {
        "unit": unit,
        "form": form,
        "date": day,
        "title": "Apel",
        "status": status,
        "values": values,
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_after_any_sequence_of_writes_the_value_aggregate_equals_a_recount(
    world, serang_rules, seed
):
    forms, _t, _a = serang_rules
    values = _values(world.government)
    rng = random.Random(seed)
    units = [world.agency, world.sub_unit, world.other_agency]
    days = [D(2025, 1, 30), D(2025, 1, 31), D(2025, 2, 1), D(2025, 3, 17)]
    activities: list[Activity] = []
    for _step in range(40):
        action = rng.choice(["create", "create", "update", "delete"]) if activities else "create"
        data = _data(
            rng.choice(units),
            rng.choice([forms["apel-pagi"], forms["twibbon"]]),
            rng.choice(days),
            rng.sample(values, rng.randint(0, len(values))),
            rng.choice(["done", "done", "planned"]),
        )
        if action == "create":
            activities.append(create_activity(government=world.government, data=data, actor=None))
        elif action == "update":
            update_activity(
                Activity.objects.get(pk=rng.choice(activities).pk), data=data, actor=None
            )
        else:
            activity = activities.pop(rng.randrange(len(activities)))
            delete_activity(Activity.objects.get(pk=activity.pk), actor=None)
    maintained = _rows(world.government)
    assert maintained, "the sequence left done activities with values"
    assert aggregates.drift(world.government) == []
    call_command("rebuild_aggregates", check=True, verbosity=0)
    aggregates.rebuild(world.government)
    assert _rows(world.government) == maintained


def test_edits_and_deletes_move_the_counts_by_value(world, serang_rules):
    forms, _t, _a = serang_rules
    first, second, third = _values(world.government)
    apel = forms["apel-pagi"]
    activity = create_activity(
        government=world.government,
        data=_data(world.agency, apel, D(2025, 3, 3), [first, second]),
        actor=None,
    )
    create_activity(
        government=world.government,
        data=_data(world.agency, apel, D(2025, 3, 4), [first]),
        actor=None,
    )
    march = D(2025, 3, 1)
    agency = world.agency.pk
    assert _rows(world.government) == [(agency, first.pk, march, 2), (agency, second.pk, march, 1)]
    # Another value, same month: the old one loses it, the new one gains it.
    update_activity(
        Activity.objects.get(pk=activity.pk),
        data=_data(world.agency, apel, D(2025, 3, 3), [first, third]),
        actor=None,
    )
    assert _rows(world.government) == [(agency, first.pk, march, 2), (agency, third.pk, march, 1)]
    # Moved to April and planned: March keeps the other activity, April counts nothing.
    update_activity(
        Activity.objects.get(pk=activity.pk),
        data=_data(world.agency, apel, D(2025, 4, 3), [first, third], "planned"),
        actor=None,
    )
    assert _rows(world.government) == [(agency, first.pk, march, 1)]
    # Done again, in another unit.
    update_activity(
        Activity.objects.get(pk=activity.pk),
        data=_data(world.other_agency, apel, D(2025, 4, 3), [third]),
        actor=None,
    )
    april = D(2025, 4, 1)
    assert _rows(world.government) == [
        (agency, first.pk, march, 1),
        (world.other_agency.pk, third.pk, april, 1),
    ]
    delete_activity(Activity.objects.get(pk=activity.pk), actor=None)
    assert _rows(world.government) == [(agency, first.pk, march, 1)]


def test_the_check_reports_drift_and_the_rebuild_repairs_it(world, serang_rules):
    forms, _t, _a = serang_rules
    value = _values(world.government)[0]
    create_activity(
        government=world.government,
        data=_data(world.agency, forms["apel-pagi"], D(2025, 5, 2), [value]),
        actor=None,
    )
    call_command("rebuild_aggregates", check=True, verbosity=0)
    ActivityValueMonth.objects.filter(government=world.government).update(done=7)
    with pytest.raises(CommandError, match="1 aggregate rows differ"):
        call_command("rebuild_aggregates", check=True, verbosity=0)
    call_command("rebuild_aggregates", government=world.government.slug, verbosity=0)
    assert _rows(world.government) == [(world.agency.pk, value.pk, D(2025, 5, 1), 1)]


# --- The recording form's choices (issue 25, item 2) ---------------------------------------------


def _post(client, world, forms, values, unit=None):
    return client.post(
        reverse("activities:create", args=[world.government.slug]),
        {
            "unit": (unit or world.agency).pk,
            "date": "2025-06-02",
            "form": forms["apel-pagi"].pk,
            "title": "Apel pagi",
            "values": [value.pk for value in values],
            "participants_count": "12",
            "status": "done",
            "link_url": "https://drive.example.go.id/apel",
            "link_title": "Foto apel",
        },
    )


def test_recording_through_the_page_counts_the_values_and_audits_in_one_chain(
    client, world, serang_rules
):
    from budaya.accounts import audit
    from budaya.accounts.models import AuditEntry

    forms, _t, _a = serang_rules
    values = _values(world.government)[:2]
    client.force_login(world.user(Role.UNIT_TEAM))
    before = AuditEntry.objects.filter(government=world.government).count()
    response = _post(client, world, forms, values)
    assert response.status_code == 302
    activity = Activity.objects.get(title="Apel pagi")
    assert sorted(activity.values.values_list("pk", flat=True)) == [v.pk for v in values]
    assert activity.evidence.get().url == "https://drive.example.go.id/apel"
    entries = list(
        AuditEntry.objects.filter(government=world.government).order_by("sequence")[before:]
    )
    assert [(e.object_type, e.action) for e in entries] == [
        ("activities.evidence", "create"),
        ("activities.activity", "create"),
    ]
    assert entries[1].after["values"] == [v.pk for v in values]
    assert audit.verify() is None
    assert _rows(world.government) == [
        (world.agency.pk, value.pk, D(2025, 6, 1), 1) for value in values
    ]


def test_a_unit_outside_the_users_agency_is_refused_with_the_form(client, world, serang_rules):
    forms, _t, _a = serang_rules
    client.force_login(world.user(Role.UNIT_TEAM))  # of the first agency
    response = _post(client, world, forms, [], unit=world.other_agency)
    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert not Activity.objects.exists()


def test_the_cached_choices_follow_every_write_that_changes_them(client, world, serang_rules):
    forms, _t, _a = serang_rules
    admin = world.user(Role.CITY_ADMIN)
    client.force_login(admin)
    url = reverse("activities:create", args=[world.government.slug])
    assert "Dinas Kesehatan" in client.get(url).content.decode()
    # A new unit is offered at once.
    Unit.objects.create(
        government=world.government, kind=Unit.Kind.DINAS, code="1.03", name="Dinas Pariwisata"
    )
    assert "Dinas Pariwisata" in client.get(url).content.decode()
    # A unit ended (with its subtree, in bulk) is no longer offered, nor accepted.
    org_services.deactivate_unit(world.other_agency, D(2025, 1, 1), admin)
    page = client.get(url).content.decode()
    assert "Dinas Kesehatan" not in page
    response = _post(client, world, forms, [], unit=world.other_agency)
    assert response.status_code == 200 and not Activity.objects.exists()
    # A form of activity put out of use is no longer accepted.
    apel = forms["apel-pagi"]
    apel.active = False
    apel.save()
    response = _post(client, world, forms, [])
    assert response.status_code == 200 and not Activity.objects.exists()
    # A renamed value is shown by its new name.
    value = _values(world.government)[0]
    value.name = "Berorientasi Pelayanan Prima"
    value.save()
    assert "Berorientasi Pelayanan Prima" in client.get(url).content.decode()


def test_the_government_its_version_and_the_grants_are_one_query(world, serang_rules):
    user = world.user(Role.UNIT_TEAM)
    choices.for_slug(user, world.government.slug)  # fills the cache
    user.forget_roles()
    user.__dict__.pop("_grant_rows", None)
    with CaptureQueriesContext(connection) as queries:
        found = choices.for_slug(user, world.government.slug)
        units = found.units_for(user)
    assert len(queries) == 1
    assert [unit.pk for unit in units] == [world.agency.pk, world.sub_unit.pk]
    assert choices.for_slug(world.foreign_user, world.government.slug) is None


def test_the_process_keeps_the_choices_and_each_request_its_own_government(world, serang_rules):
    """Kept by the process once read (no query, no unpickling of the government's units per
    recording); what a request caches on its government (its rulebook) stays with it."""
    from django.core.cache import cache

    from budaya.rulebook.selectors import current_rulebook

    user = world.user(Role.UNIT_TEAM)
    first = choices.for_slug(user, world.government.slug)
    current_rulebook(first.government)  # cached on the first request's government
    cache.clear()
    user.forget_roles()
    user.__dict__.pop("_grant_rows", None)
    with CaptureQueriesContext(connection) as queries:
        second = choices.for_slug(user, world.government.slug)
    assert len(queries) == 1  # the grants only
    assert second.units == first.units and second.government == first.government
    assert second.government is not first.government
    assert vars(second.government).keys() < vars(first.government).keys()
