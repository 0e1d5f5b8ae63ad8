"""Issue 18 item 5: reports and documents made before the change keep their content. On the demo
(seed_demo, every app), the data migrations of the change (a period's rulebook version, the
office of a leadership grant) rewrite no submitted version and no city report: every hash is the
same and verifies (``verify_reports``), and the demo's leadership holds distinct offices; the head
of government signs with a person's name (issue 19)."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from budaya.accounts.models import Role, RoleGrant, User
from budaya.monev import exports, services
from budaya.monev.models import CityReport, Period, ReportVersion
from budaya.rulebook.selectors import current_version_id

pytestmark = pytest.mark.django_db

offices_migration = importlib.import_module("budaya.accounts.migrations.0009_role_grant_office")
periods_migration = importlib.import_module("budaya.monev.migrations.0004_period_rulebook_version")


# The demo's heads of government before issue 19 gave them a person's name.
OLD_HEAD_NAMES = {
    "walikota.serang": "Wali Kota Serang",
    "walikota.tangerang": "Wali Kota Tangerang",
}


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _snapshot() -> dict[str, dict[int, tuple[str, str]]]:
    return {
        "versions": {v.pk: (v.sha256, v.canonical) for v in ReportVersion.objects.all()},
        "city": {c.pk: (c.sha256, c.canonical) for c in CityReport.objects.all()},
    }


def test_the_demo_keeps_every_hash_through_the_migrations(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    leaders = dict(
        RoleGrant.objects.filter(role=Role.LEADERSHIP).values_list("user__username", "office")
    )
    assert {name: office for name, office in leaders.items() if "." in name} == {
        "sekda.tangerang": "sekda",
        "walikota.tangerang": "head",
        "sekda.serang": "sekda",
        "walikota.serang": "head",
    }
    before = _snapshot()
    assert before["versions"] and before["city"]
    documents = {c.pk: exports.city_document(c).signatures for c in CityReport.objects.all()}

    # Issue 19: the heads of government sign with a person's name, never the office's title.
    heads = dict(
        User.objects.filter(username__startswith="walikota.").values_list("pk", "first_name")
    )
    assert sorted(heads.values()) == [
        "Drs. H. Rahmat Hidayat, M.Si.",
        "H. Dedi Kurniawan, S.E., M.M.",
    ]

    # As the database was before the change: no version on a period, no office on a grant, and
    # (as the demo had them until issue 19) the heads' logins named by their office's title,
    # which is what the offices' migration read.
    Period.objects.update(rulebook_version=None)
    RoleGrant.objects.filter(role=Role.LEADERSHIP).update(office="")
    for username, title in OLD_HEAD_NAMES.items():
        User.objects.filter(username=username).update(first_name=title)
    periods_migration.forwards(apps, None)
    offices_migration.forwards(apps, None)
    for pk, name in heads.items():
        User.objects.filter(pk=pk).update(first_name=name)

    assert _snapshot() == before
    call_command("verify_reports", stdout=StringIO())
    assert all(v.verify() for v in ReportVersion.objects.all())
    assert all(c.verify() for c in CityReport.objects.all())
    for period in Period.objects.select_related("government"):
        assert period.rulebook_version_id == current_version_id(period.government)
    assert (
        dict(RoleGrant.objects.filter(role=Role.LEADERSHIP).values_list("user__username", "office"))
        == leaders
    )
    # The documents print the same signatures as before the migrations.
    assert {
        c.pk: exports.city_document(c).signatures for c in CityReport.objects.all()
    } == documents
    # Each office's holder signs under that office's title, never under another's.
    for city in CityReport.objects.select_related("forwarded_by__employee", "acknowledged_by"):
        signatures = documents[city.pk]
        assert [s.position for s in signatures] == ["signs", "forwards", "acknowledges"]
        assert signatures[1].title.startswith("Sekretaris Daerah")
        if city.forwarded_by is not None:
            assert signatures[1].name == services.person_of(city.forwarded_by)[0]
            assert city.forwarded_by.holds_office(city.government, "sekda")
            assert len(signatures[1].nip) == 18  # the Sekda is a civil servant: name and NIP
        if city.acknowledged_by is not None:
            assert signatures[2].name == services.person_of(city.acknowledged_by)[0]
            assert city.acknowledged_by.holds_office(city.government, "head")
            # The person's name under the title, never the title again (issue 19).
            assert signatures[2].name in heads.values()
            assert signatures[2].nip == ""  # an elected head is no civil servant
