"""The daily job announces what falls due by the calendar (issue 20): a decree nearing the age
its government's team policy allows, 30, 7 and 1 days before; a member who left a team, once."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from budaya.accounts.models import Role
from budaya.notifications.models import Notification
from budaya.teams.models import Decree

pytestmark = pytest.mark.django_db


def test_a_decree_nearing_its_age_and_a_member_who_left(
    world,
    team,
    django_capture_on_commit_callbacks,
):
    Decree.objects.filter(team=team).update(
        status=Decree.Status.SIGNED,
        number="800/1-DISDIK/2023",
        decided_on=datetime.date(2023, 3, 10),
    )
    world.employee.active = False
    world.employee.save()
    with django_capture_on_commit_callbacks(execute=True):
        for day in ("2025-02-08", "2025-02-08", "2025-02-09", "2025-03-03", "2025-03-09"):
            call_command("daily", today=day, verbosity=0)
    head, admin = world.user(Role.UNIT_HEAD), world.user(Role.CITY_ADMIN)
    # 24 months (the default policy) after 10 March 2023: told 30, 7 and 1 days before, once each.
    expiring = Notification.objects.filter(recipient=head, kind="teams.decree.expiring")
    assert sorted(n.key.rsplit(":", 1)[1] for n in expiring) == ["1", "30", "7"]
    assert (
        expiring.filter(key__endswith=":30").get().subject
        == "Keputusan perlu diperbarui: KBK Cerdas"
    )
    assert Notification.objects.filter(recipient=admin, kind="teams.decree.expiring").count() == 3
    # The member who left: told once to the team's managers, not to another agency's people.
    left = Notification.objects.filter(kind="teams.member.left")
    assert sorted(n.recipient.username for n in left) == ["w.admin", "w.kepala", "w.tim"]
    assert "Siti Contoh" in left.first().body
    assert not Notification.objects.filter(recipient=world.other_agency_user).exists()
