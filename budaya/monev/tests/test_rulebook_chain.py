"""Issue 18: the chain and the signatures come from the rulebook of the period. The regional
secretary and the head of government are distinct offices: Serang's mayor cannot forward and its
regional secretary cannot acknowledge a city report (S Lampiran D)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from budaya.monev import exports, rules, services
from budaya.monev.models import State
from budaya.org.models import Employee

pytestmark = pytest.mark.django_db


def _accepted(scene):
    report = services.start_report(scene.period, scene.agency, scene.team)
    services.add_rows_from_activities(report, [(scene.activities[0], 1)], scene.team)
    services.transition(report, State.APPROVED, scene.head)
    services.transition(report, State.SUBMITTED, scene.head)
    scene.verify(report)
    services.transition(report, State.ACCEPTED, scene.admin)
    return report


def _named(user, nip: str, name: str, unit) -> None:
    user.employee = Employee.objects.create(
        government=unit.government, unit=unit, nip=nip, name=name, sex="L", status="PNS"
    )
    user.save()


def test_the_chain_is_the_rulebooks(scene):
    book = rules.book_of(scene.period)
    moves = {(m.source, m.target): m for m in rules.chain_moves(book)}
    assert moves[("consolidated", "forwarded")].office == "sekda"
    assert moves[("forwarded", "acknowledged")].office == "head"
    assert moves[("draft", "approved")].distinct_from == ("prepare",)
    assert moves[("submitted", "returned")].roles == moves[("submitted", "accepted")].roles
    # The period keeps the version it was made under.
    assert scene.period.rulebook_version_id is not None


def test_the_mayor_cannot_forward_and_the_secretary_cannot_acknowledge(scene):
    _accepted(scene)
    city = services.consolidate(scene.period, scene.admin)
    with pytest.raises(PermissionDenied):
        services.forward(city, scene.mayor)
    assert not services.can_step(scene.mayor, city, "forward")
    assert services.can_step(scene.sekda, city, "forward")
    services.forward(city, scene.sekda)
    city.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.acknowledge(city, scene.sekda)
    assert not services.can_step(scene.sekda, city, "acknowledge")
    services.acknowledge(city, scene.mayor)
    city.refresh_from_db()
    assert city.forwarded_by == scene.sekda and city.acknowledged_by == scene.mayor


def test_the_city_page_offers_each_office_its_own_step(client, scene):
    _accepted(scene)
    city = services.consolidate(scene.period, scene.admin)
    url = reverse("monev:city", args=[scene.government.slug, city.pk])
    move = reverse("monev:city_move", args=[scene.government.slug, city.pk])
    client.force_login(scene.mayor)
    assert 'value="forward"' not in client.get(url).content.decode()
    assert client.post(move, {"step": "forward"}).status_code == 403
    client.force_login(scene.sekda)
    assert 'value="forward"' in client.get(url).content.decode()
    client.post(move, {"step": "forward"})
    assert 'value="acknowledge"' not in client.get(url).content.decode()
    assert client.post(move, {"step": "acknowledge"}).status_code == 403
    client.force_login(scene.mayor)
    assert 'value="acknowledge"' in client.get(url).content.decode()


def test_a_leadership_grant_without_an_office_acts_at_no_office_step(scene):
    from budaya.accounts.models import Role, RoleGrant

    RoleGrant.objects.filter(user=scene.sekda, role=Role.LEADERSHIP).update(office="")
    _accepted(scene)
    city = services.consolidate(scene.period, scene.admin)
    with pytest.raises(PermissionDenied):
        services.forward(city, scene.sekda)


def test_each_signature_under_its_own_title(scene):
    _named(scene.sekda, "197001011990031001", "Drs. Sekda Contoh", scene.agency)
    _named(scene.mayor, "", "Wali Contoh", scene.agency)
    _accepted(scene)
    city = services.consolidate(scene.period, scene.admin)
    services.forward(city, scene.sekda)
    city.refresh_from_db()
    services.acknowledge(city, scene.mayor)
    city.refresh_from_db()
    document = exports.city_document(city)
    blocks = [(s.position, s.title, s.name, s.nip) for s in document.signatures]
    assert blocks[1:] == [
        ("forwards", "Sekretaris Daerah Kota Serang", "Drs. Sekda Contoh", "197001011990031001"),
        ("acknowledges", "Wali Kota Serang", "Wali Contoh", ""),
    ]
    assert blocks[0][:2] == (
        "signs",
        "Ketua Tim Percepatan Pelaksanaan Reformasi Birokrasi Kota Serang",
    )
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(exports.pdf(document))).pages
    )
    assert "Diketahui" not in text and "kepala daerah" not in text.lower()
    # The Sekda's name stands under the Sekda's title only (in the signature blocks, after the
    # chain that names who forwarded).
    signatures = text[text.rindex("Menyampaikan") :]
    assert signatures.index("Sekretaris Daerah Kota Serang") < signatures.index("Drs. Sekda Contoh")
    assert signatures.index("Drs. Sekda Contoh") < signatures.index("Wali Kota Serang,")
