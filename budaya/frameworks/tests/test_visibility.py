"""Who reads which framework and regulation (issue 18, item 4).

A government's users read the installation's texts, their own government's and what their
government adopted; another government's framework (a city's PRIMA) or regulation (the Perwal by
which a city set BerAKHLAK) is neither listed nor reachable (404). The system administrator reads
them all. The third government is built as ``budaya/tests/test_third_government.py`` builds it,
beside the two cities with the shipped texts and the demo's adoptions.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.frameworks import services
from budaya.frameworks.models import Adoption, FrameworkVersion, Regulation, ValueFramework
from budaya.org.models import Government
from budaya.tests.test_third_government import (
    FORBIDDEN,
    ThirdGovernment,
    _visible,
    make_third_government,
)

pytestmark = pytest.mark.django_db

CITY_REGULATIONS = {
    "perwal-kota-tangerang-62-2018",
    "perwal-kota-serang-34-2023",
    "perwal-kota-serang-49-2020",
}


@pytest.fixture
def world(make_user) -> ThirdGovernment:
    """The kabupaten with its own CERDAS, the cities with the shipped texts adopted as in the
    demo: Kota Tangerang PRIMA (its Perwal 62/2018), Kota Serang BerAKHLAK (its Perwal 34/2023)."""
    third = make_third_government(make_user)
    shipped = {v.framework.slug: v for v in services.load_shipped_frameworks()}
    for slug, version in (("kota-tangerang", "prima"), ("kota-serang", "berakhlak")):
        services.adopt_version(
            government=Government.objects.get(slug=slug),
            version=shipped[version],
            adopted_from=datetime.date(2024, 1, 1),
        )
    return third


@pytest.fixture
def tangerang_admin(make_user, world):
    return make_user("admin.t", Role.CITY_ADMIN, Government.objects.get(slug="kota-tangerang"))


@pytest.fixture
def serang_admin(make_user, world):
    return make_user("admin.s", Role.CITY_ADMIN, Government.objects.get(slug="kota-serang"))


def _clean(text: str, where: str) -> None:
    found = sorted({text[max(0, m.start() - 60) : m.end() + 20] for m in FORBIDDEN.finditer(text)})
    assert found == [], f"{where} says {found}"


def test_the_kabupaten_lists_only_its_own_and_the_installations_texts(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("frameworks:list"))
    assert response.status_code == 200
    assert [framework.slug for framework, _versions in response.context["rows"]] == ["cerdas"]
    page = _visible(response.content.decode())
    assert "CERDAS" in page and "Peraturan Bupati Contoh Nomor 7 Tahun 2024" in page
    assert "PRIMA" not in page and "BerAKHLAK" not in page
    _clean(page, "the framework library")
    user = world.admin
    assert set(ValueFramework.objects.visible_to(user).values_list("slug", flat=True)) == {"cerdas"}
    assert not Regulation.objects.visible_to(user).filter(slug__in=CITY_REGULATIONS).exists()


@pytest.mark.parametrize(
    "name,args",
    [
        ("frameworks:detail", ["prima"]),
        ("frameworks:detail", ["berakhlak"]),
        ("frameworks:version", ["prima", 1]),
        ("frameworks:version", ["berakhlak", 1]),
        ("frameworks:export", ["prima", 1]),
        ("frameworks:export", ["berakhlak", 1]),
    ],
)
def test_the_cities_texts_are_out_of_the_kabupatens_reach(client, world, name, args):
    client.force_login(world.admin)
    assert client.get(reverse(name, args=args)).status_code == 404


def test_the_kabupaten_can_neither_copy_nor_publish_a_citys_text(client, world):
    client.force_login(world.admin)
    copy = reverse("frameworks:copy", args=["berakhlak", 1])
    data = {"owner": world.government.slug, "slug": "berakhlak-contoh", "name": "Salinan"}
    assert client.post(copy, data).status_code == 404
    assert client.post(reverse("frameworks:publish", args=["prima", 1])).status_code == 404
    assert not ValueFramework.objects.filter(slug="berakhlak-contoh").exists()


def test_the_kabupatens_adoption_choices_are_its_own(client, world):
    client.force_login(world.admin)
    url = reverse("frameworks:adoption", args=[world.government.slug])
    response = client.get(url)
    choices = list(response.context["form"].fields["version"].queryset)
    assert [str(version) for version in choices] == ["CERDAS v1"]
    _clean(_visible(response.content.decode()), "the adoption page")
    # A city's version posted by hand is not a valid choice: nothing is adopted.
    berakhlak = FrameworkVersion.objects.get(framework__slug="berakhlak")
    response = client.post(url, {"version": berakhlak.pk, "adopted_from": "2025-01-01"})
    assert response.status_code == 200 and response.context["form"].errors["version"]
    assert not Adoption.objects.filter(government=world.government, version=berakhlak).exists()


def test_each_city_sees_its_own_framework_and_regulation_not_the_others(
    client, world, tangerang_admin, serang_admin
):
    client.force_login(tangerang_admin)
    page = client.get(reverse("frameworks:list")).content.decode()
    assert "PRIMA" in page and "Peraturan Walikota Tangerang Nomor 62 Tahun 2018" in page
    assert "Serang" not in page and "BerAKHLAK" not in page and "CERDAS" not in page
    assert client.get(reverse("frameworks:version", args=["prima", 1])).status_code == 200
    for slug in ("berakhlak", "cerdas"):
        assert client.get(reverse("frameworks:version", args=[slug, 1])).status_code == 404

    client.force_login(serang_admin)
    page = client.get(reverse("frameworks:list")).content.decode()
    assert "BerAKHLAK" in page and "Peraturan Wali Kota Serang Nomor 34 Tahun 2023" in page
    assert "Tangerang" not in page and "PRIMA" not in page and "CERDAS" not in page
    version = client.get(reverse("frameworks:version", args=["berakhlak", 1])).content.decode()
    # Its own predecessor regulation is still named on its version page.
    assert "Peraturan Wali Kota Serang Nomor 49 Tahun 2020" in version
    for slug in ("prima", "cerdas"):
        assert client.get(reverse("frameworks:version", args=[slug, 1])).status_code == 404
    adoption = client.get(reverse("frameworks:adoption", args=["kota-serang"]))
    assert [str(v) for v in adoption.context["form"].fields["version"].queryset] == ["BerAKHLAK v1"]


def test_a_version_a_government_adopted_stays_readable_by_it(client, world, serang_admin):
    """Adopted before texts had owners: its text and legal basis are the adopter's to read."""
    serang = Government.objects.get(slug="kota-serang")
    prima = FrameworkVersion.objects.get(framework__slug="prima")
    services.adopt_version(government=serang, version=prima, adopted_from=datetime.date(2025, 1, 1))
    client.force_login(serang_admin)
    page = client.get(prima.get_absolute_url())
    assert page.status_code == 200
    assert "Walikota Tangerang" in page.content.decode()
    assert (
        Regulation.objects.visible_to(serang_admin)
        .filter(slug="perwal-kota-tangerang-62-2018")
        .exists()
    )
    # Still not the kabupaten's.
    client.force_login(world.admin)
    assert client.get(prima.get_absolute_url()).status_code == 404


def test_the_kabupaten_copies_a_national_framework(client, world, contoh_text):
    """The installation's texts are everyone's: the kabupaten makes its own copy of one."""
    national = contoh_text.replace("slug: cerdas", "slug: nasional").replace(
        "perbup-kabupaten-contoh-7-2024", "permen-nasional-1-2024"
    )
    version = services.import_framework(national).version
    assert version.framework.owner is None and version.legal_basis.owner is None
    client.force_login(world.admin)
    assert client.get(version.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("frameworks:copy", args=["nasional", 1]),
        {"owner": world.government.slug, "slug": "nasional-contoh", "name": "Nasional Contoh"},
    )
    copy = FrameworkVersion.objects.get(framework__slug="nasional-contoh")
    assert response["Location"] == copy.get_absolute_url()
    assert copy.framework.owner == world.government


def test_the_system_administrator_reads_every_text(client, world, system_admin):
    client.force_login(system_admin)
    response = client.get(reverse("frameworks:list"))
    slugs = [framework.slug for framework, _versions in response.context["rows"]]
    assert sorted(slugs) == ["berakhlak", "cerdas", "prima"]
    for slug in slugs:
        assert client.get(reverse("frameworks:version", args=[slug, 1])).status_code == 200
    assert Regulation.objects.visible_to(system_admin).count() == Regulation.objects.count()


def test_a_signed_out_reader_reads_none():
    from django.contrib.auth.models import AnonymousUser

    assert not FrameworkVersion.objects.visible_to(AnonymousUser()).exists()
    assert not Regulation.objects.visible_to(None).exists()


def test_a_governments_own_framework_citing_anothers_regulation_is_its_to_read(
    client, world, tangerang_admin
):
    """A file may cite another owner's regulation with its facts as stored (issue 17): the
    government that imported it reads its own framework and that citation; nobody else does."""
    text = services.export_framework("berakhlak", 1).replace(
        "slug: berakhlak\n", "slug: berakhlak-kutipan\n"
    )
    version = services.import_framework(text, owner=world.government).version
    assert version.legal_basis.slug == "perwal-kota-serang-34-2023"
    client.force_login(world.admin)
    page = client.get(version.get_absolute_url())
    assert page.status_code == 200 and "Wali Kota Serang" in page.content.decode()
    assert (
        Regulation.objects.visible_to(world.admin)
        .filter(slug="perwal-kota-serang-34-2023")
        .exists()
    )
    client.force_login(tangerang_admin)
    assert client.get(version.get_absolute_url()).status_code == 404
