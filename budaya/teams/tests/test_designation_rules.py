"""Who may be a role model or change agent is the government's rulebook's (issue 18).

The attack of the issue: a unit and a PPPK were published as Tangerang role models, although
T Pasal 1 angka 16 says a role model is a PNS. Both are refused, on the page and in the service,
with the rulebook's citation; under S (Pasal 1 angka 9) a unit may be one.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from budaya.rulebook import services as rulebook_services
from budaya.teams import services
from budaya.teams.models import Designation

pytestmark = pytest.mark.django_db

YEAR = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)


def _designation(city, *, kind="role_model", subject="employee", employee=None, unit=None):
    return Designation(
        government=city.government,
        kind=kind,
        subject=subject,
        employee=employee,
        unit=unit or (employee.unit if employee else city.agency),
        period_start=YEAR[0],
        period_end=YEAR[1],
        reasons="Teladan.",
    )


def _post(client, city, **fields):
    data = {
        "kind": "role_model",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "reasons": "Teladan bagi rekan kerja.",
        **fields,
    }
    return client.post(reverse("teams:designation_create", args=[city.government.slug]), data)


def test_the_page_refuses_a_unit_and_a_pppk_as_role_models_citing_the_rulebook(
    client, city, city_admin_user
):
    client.force_login(city_admin_user)
    unit = _post(client, city, subject="unit", unit=city.bidang.pk).content.decode()
    assert "Unit kerja tidak dapat ditetapkan sebagai role model" in unit
    assert "buku aturan hanya membolehkan pegawai (T Pasal 1 angka 16)" in unit
    assert "Role Model adalah PNS yang dapat dijadikan panutan" in unit
    agency = _post(client, city, subject="agency", unit=city.agency.pk).content.decode()
    assert "Perangkat daerah tidak dapat ditetapkan sebagai role model" in agency
    pppk = _post(client, city, subject="employee", nip=city.pppk.ni_pppk).content.decode()
    assert (
        "Pegawai berstatus PPPK tidak dapat ditetapkan sebagai role model: buku aturan hanya "
        "membolehkan PNS (T Pasal 1 angka 16)." in pppk
    )
    assert not Designation.objects.exists()
    # A PNS may be one.
    answer = _post(client, city, subject="employee", nip=city.kasi.nip)
    assert answer.status_code == 302
    assert Designation.objects.get().employee == city.kasi


def test_the_service_refuses_them_too(city):
    for designation in (
        _designation(city, subject="unit", unit=city.bidang),
        _designation(city, employee=city.pppk),
        _designation(city, kind="change_agent", employee=city.pppk),
    ):
        with pytest.raises(services.NotEligibleError) as refused:
            services.nominate(designation)
        assert "T Pasal 1 angka 16" in " ".join(refused.value.messages) or (
            "T Lampiran II angka II.2 huruf d angka 4)" in " ".join(refused.value.messages)
        )
    assert not Designation.objects.exists()


def test_an_earlier_nomination_is_not_approved_or_published_against_the_rulebook(city):
    """A unit nominated before the rule was checked (the published Tangerang unit of the issue)
    is not approved, nor published, under the rulebook in force."""
    earlier = _designation(city, subject="unit", unit=city.bidang)
    earlier.save()
    with pytest.raises(services.NotEligibleError):
        services.move_designation(earlier, Designation.Status.APPROVED)
    earlier.refresh_from_db()
    assert earlier.status == Designation.Status.NOMINATED
    Designation.objects.filter(pk=earlier.pk).update(status=Designation.Status.APPROVED)
    earlier.refresh_from_db()
    with pytest.raises(services.NotEligibleError):
        services.move_designation(earlier, Designation.Status.PUBLISHED)
    # Rejecting it stays possible.
    Designation.objects.filter(pk=earlier.pk).update(status=Designation.Status.NOMINATED)
    earlier.refresh_from_db()
    services.move_designation(earlier, Designation.Status.REJECTED)


def test_the_decision_page_says_why_it_refuses(client, city, city_admin_user):
    earlier = _designation(city, subject="unit", unit=city.bidang)
    earlier.save()
    client.force_login(city_admin_user)
    url = reverse("teams:designation_move", args=[city.government.slug, earlier.pk])
    answer = client.post(url, {"status": "approved"}, follow=True)
    assert "tidak dapat ditetapkan sebagai role model" in answer.content.decode()
    earlier.refresh_from_db()
    assert earlier.status == Designation.Status.NOMINATED


def test_under_another_rulebook_a_unit_may_be_a_role_model(city):
    rulebook_services.load_shipped(government=city.government, name="kota-serang")
    designation = services.nominate(_designation(city, subject="unit", unit=city.bidang))
    services.move_designation(designation, Designation.Status.APPROVED)
    services.move_designation(designation, Designation.Status.PUBLISHED)
    assert Designation.objects.get().status == Designation.Status.PUBLISHED
    services.nominate(_designation(city, employee=city.pppk))  # S: any employee


def test_designations_published_before_the_rulebook_refused_them_end_on_import(city):
    """Issue 18: the unit and the PPPK already published as Tangerang role models (under a
    rulebook that allowed them) are expired, with an audit entry giving the reason and T Pasal 1
    angka 16, when the rulebook that refuses them is imported; the PNS stays."""
    from budaya.accounts.models import AuditEntry

    rulebook_services.load_shipped(government=city.government, name="kota-serang")
    published = {}
    for key, designation in (
        ("unit", _designation(city, subject="unit", unit=city.bidang)),
        ("pppk", _designation(city, employee=city.pppk)),
        ("pns", _designation(city, employee=city.kasi)),
    ):
        designation = services.nominate(designation)
        services.move_designation(designation, Designation.Status.APPROVED)
        published[key] = services.move_designation(designation, Designation.Status.PUBLISHED)
    rulebook_services.load_shipped(government=city.government, name="kota-tangerang")
    status = dict(Designation.objects.values_list("pk", "status"))
    assert status[published["unit"].pk] == Designation.Status.EXPIRED
    assert status[published["pppk"].pk] == Designation.Status.EXPIRED
    assert status[published["pns"].pk] == Designation.Status.PUBLISHED
    entry = AuditEntry.objects.filter(
        object_type="teams.designation", object_id=str(published["pppk"].pk)
    ).latest("sequence")
    assert entry.after["status"] == Designation.Status.EXPIRED
    assert "No longer eligible under the rulebook" in entry.after["reason"]
    assert "T Pasal 1 angka 16" in entry.after["reason"]
    # Nothing more to end: a second run (the daily job) changes nothing.
    assert services.expire_ineligible(city.government) == 0


def test_the_daily_job_ends_designations_published_before_this_check_existed(city):
    """Published rows written straight to the table (as before the rulebook was read): the
    daily job finds and ends them under the current rulebook."""
    from django.core.management import call_command

    stale = _designation(city, subject="unit", unit=city.bidang)
    stale.status = Designation.Status.PUBLISHED
    stale.save()
    call_command("daily", "--today", "2025-06-01", verbosity=0)
    stale.refresh_from_db()
    assert stale.status == Designation.Status.EXPIRED
