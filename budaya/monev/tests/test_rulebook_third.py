"""Issue 18: a third government (a kabupaten with no rulebook of its own yet: the neutral
starter) walks the whole monitoring way and every page and document shows only its own words:
nothing of the two demo cities' regulations."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest
from django.urls import reverse

from budaya.accounts.models import Role, RoleGrant
from budaya.monev import exports, services
from budaya.monev.models import Period, State, default_deadline
from budaya.org.models import Government, Unit

pytestmark = pytest.mark.django_db

FOREIGN = re.compile(r"tangerang|serang|wali\s*kota|tabel [12]|percepatan", re.IGNORECASE)


def test_the_third_government_reads_only_its_own_words(client, make_user):
    government = Government.objects.create(
        name="Kabupaten Contoh", slug="kabupaten-contoh", kind="kabupaten", kemendagri_code="99.01"
    )
    agency = Unit.objects.create(
        government=government, kind=Unit.Kind.DINAS, code="1.01", name="Dinas Contoh"
    )
    admin = make_user("admin.contoh", Role.CITY_ADMIN, government)
    team = make_user("tim.contoh", Role.UNIT_TEAM, government, agency)
    head = make_user("kepala.contoh", Role.UNIT_HEAD, government, agency)
    sekda = make_user("sekda.contoh", Role.LEADERSHIP, government)
    bupati = make_user("bupati.contoh", Role.LEADERSHIP, government)
    RoleGrant.objects.filter(user=sekda).update(office="sekda")
    RoleGrant.objects.filter(user=bupati).update(office="head")

    assert default_deadline(government, 2026) == datetime.date(2026, 12, 15)  # the starter's
    services.seed_instrument(government, admin)
    period = services.create_period(
        government,
        kind=Period.Kind.BERKALA,
        year=2026,
        title="Monev 2026",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        deadline=default_deadline(government, 2026),
        actor=admin,
    )
    report = services.start_report(period, agency, team)
    assert not report.maturity.exists()
    services.save_row(
        report,
        None,
        {
            "indicator": 1,
            "when": "03-2026",
            "activity_title": "Apel nilai",
            "form": "Apel",
            "problems": "",
            "solutions": "",
        },
        [],
        team,
    )
    services.save_signatory(report, "Contoh", "Sri Kepala", "198001012005011001", team)
    services.transition(report, State.APPROVED, head)
    services.transition(report, State.SUBMITTED, head)
    services.transition(report, State.ACCEPTED, admin)
    city = services.consolidate(period, admin)
    services.save_city_signatory(
        city, place="Contoh", name="Ketua Tim", nip="198001012005011002", actor=admin
    )
    services.forward(city, sekda)
    city.refresh_from_db()
    services.acknowledge(city, bupati)
    city.refresh_from_db()

    slug = government.slug
    client.force_login(admin)
    pages = [
        reverse("monev:period_list", args=[slug]),
        reverse("monev:board", args=[slug, period.pk]),
        reverse("monev:report", args=[slug, report.pk]),
        reverse("monev:maturity", args=[slug, report.pk]),
        reverse("monev:city", args=[slug, city.pk]),
        reverse("monev:instrument", args=[slug]),
        reverse("monev:maturity_overview", args=[slug, period.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert not FOREIGN.findall(body), url
    document = exports.city_document(city)
    assert [s.title for s in document.signatures] == [
        "Ketua Tim Budaya Kerja Pemerintah Daerah",
        "Sekretaris Daerah",
        "Kepala Daerah",
    ]
    with zipfile.ZipFile(io.BytesIO(exports.docx(document))) as archive:
        body = archive.read("word/document.xml").decode()
    assert not FOREIGN.findall(body)
    agency_doc = exports.agency_document(report, report.versions.get())
    assert [s.title for s in agency_doc.signatures] == ["Kepala Perangkat Daerah"]
