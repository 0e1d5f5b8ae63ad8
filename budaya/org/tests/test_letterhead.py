"""The letterhead lines of a government's and an agency's documents (issue 19): set in the
interface by the city administrator and by the agency's unit head, audited, validated."""

import pytest
from django.urls import reverse

from budaya.accounts.models import AuditEntry, Role
from budaya.letterhead import letterhead_of

pytestmark = pytest.mark.django_db

VALID = {
    "address": "  Jalan   Kesehatan No. 3 ",
    "phone": "(0254) 200-300",
    "email": "dinkes@contoh.go.id",
    "website": "https://dinkes.contoh.go.id",
}


def _url(world, unit):
    return reverse("org:unit_letterhead", args=[world.government.slug, unit.pk])


def test_the_unit_head_sets_the_agencys_lines_audited(client, world):
    head = world.user(Role.UNIT_HEAD)
    client.force_login(head)
    detail = reverse("org:unit_detail", args=[world.government.slug, world.agency.pk])
    assert _url(world, world.agency) in client.get(detail).content.decode()
    response = client.post(_url(world, world.agency), VALID)
    assert response.status_code == 302
    world.agency.refresh_from_db()
    assert world.agency.address == "Jalan Kesehatan No. 3"  # spaces tidied
    entry = AuditEntry.objects.get(object_type="org.unit", object_id=str(world.agency.pk))
    assert entry.actor == head and entry.after["phone"] == "(0254) 200-300"
    assert entry.before == {"address": "", "phone": "", "email": "", "website": ""}
    lines = letterhead_of(world.government, world.agency).lines
    assert lines[1:] == [
        world.agency.name.upper(),
        "Jalan Kesehatan No. 3",
        "Telepon (0254) 200-300 · Pos-el dinkes@contoh.go.id · Laman https://dinkes.contoh.go.id",
    ]


def test_hostile_input_is_refused_with_indonesian_messages(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.post(
        _url(world, world.agency),
        {
            "address": "x" * 301,
            "phone": '=HYPERLINK("http://evil")',
            "email": "bukan-surel",
            "website": "javascript:alert(1)",
        },
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"address", "phone", "email", "website"}
    assert "Tulis nomor telepon" in form.errors["phone"][0]
    world.agency.refresh_from_db()
    assert world.agency.phone == ""


def test_a_unit_team_member_reads_but_does_not_set_the_letterhead(client, world):
    client.force_login(world.user(Role.UNIT_TEAM))
    detail = reverse("org:unit_detail", args=[world.government.slug, world.agency.pk])
    assert _url(world, world.agency) not in client.get(detail).content.decode()
    assert client.post(_url(world, world.agency), VALID).status_code == 403
    # Another agency's head finds nothing at all.
    client.force_login(world.other_agency_user)
    assert client.get(_url(world, world.agency)).status_code in (403, 404)


def test_the_city_administrator_sets_the_governments_lines(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    government = world.government
    response = client.post(
        reverse("org:government_edit", args=[government.slug]),
        {
            "name": government.name,
            "slug": government.slug,
            "kind": government.kind,
            "kemendagri_code": government.kemendagri_code,
            "timezone": government.timezone,
            "letterhead_name": "Pemerintah Daerah Contoh",
            "address": "Jalan Balai Kota 1",
            "phone": "021 555",
            "email": "",
            "website": "",
        },
    )
    assert response.status_code == 302
    government.refresh_from_db()
    entry = AuditEntry.objects.filter(object_type="org.government").latest("pk")
    assert entry.after["letterhead_name"] == "Pemerintah Daerah Contoh"
    assert letterhead_of(government).lines == [
        "PEMERINTAH DAERAH CONTOH",
        "Jalan Balai Kota 1",
        "Telepon 021 555",
    ]
