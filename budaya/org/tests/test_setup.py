"""The setup checklist of a new government (issue 23, part 1): each step ticked from the data,
linked to where it is done, and the unfinished steps on the administrator's "Tugas saya"."""

import datetime

import pytest
from django.urls import reverse

from budaya import pending
from budaya.accounts.models import Role, RoleGrant
from budaya.frameworks.models import Adoption, FrameworkVersion, Regulation, ValueFramework
from budaya.org.models import Employee, Government, Unit
from budaya.org.setup import STEPS, pending_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(django_user_model):
    government = Government.objects.create(
        name="Kabupaten Baru", slug="kabupaten-baru", kind="kabupaten", kemendagri_code="36.09"
    )
    admin = django_user_model.objects.create_user(username="admin.baru", password="x")
    RoleGrant.objects.create(user=admin, role=Role.CITY_ADMIN, government=government)
    return government, admin


def _ticks(page):
    return [
        (key, 'badge ok">selesai' in page.split(f'id="step-{key}"')[1].split("</li>")[0])
        for key in (step.key for step in STEPS)
    ]


def test_a_fresh_government_has_every_step_to_do_and_each_links_where_it_is_done(client, fresh):
    government, admin = fresh
    client.force_login(admin)
    page = client.get(reverse("org:setup", args=[government.slug])).content.decode()
    assert "0 dari 6 langkah selesai" in page
    assert all(not done for _key, done in _ticks(page))
    # Every link answers for the administrator (none leads to a refusal).
    for step in STEPS:
        url = reverse(step.url_name, kwargs={step.url_kwarg: government.slug})
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200, step.key
    # The government's page leads to the checklist.
    detail = client.get(reverse("org:government_detail", args=[government.slug])).content.decode()
    assert reverse("org:setup", args=[government.slug]) in detail


def test_steps_are_ticked_from_the_data(client, fresh):
    government, admin = fresh
    regulation = Regulation.objects.create(
        slug="perbup-contoh-1-2026", issuer="Bupati Contoh", kind="Peraturan Bupati",
        number="1", year=2026, title="Budaya Kerja", gazette="Berita Daerah 2026 Nomor 1",
    )  # fmt: skip
    framework = ValueFramework.objects.create(slug="contoh", name="CONTOH")
    framework_version = FrameworkVersion.objects.create(
        framework=framework, number=1, legal_basis=regulation, content_hash="1" * 64
    )
    unit = Unit.objects.create(government=government, kind="dinas", code="1", name="Dinas A")
    Employee.objects.create(
        government=government, unit=unit, nip="198503152010011001", name="Budi", sex="L"
    )
    Adoption.objects.create(
        government=government, version=framework_version, adopted_from=datetime.date(2026, 1, 1)
    )
    client.force_login(admin)
    page = client.get(reverse("org:setup", args=[government.slug])).content.decode()
    assert "3 dari 6 langkah selesai" in page
    assert dict(_ticks(page)) == {
        "rulebook": False,
        "framework": True,
        "units": True,
        "employees": True,
        "teams": False,
        "period": False,
    }
    assert "Berikutnya:" in page


def test_the_unfinished_setup_awaits_its_administrators_only(fresh, django_user_model, world):
    government, admin = fresh
    [item] = [item for item in pending.pending_for(admin) if "Kabupaten Baru" in str(item.label)]
    assert item.count == 6 and item.url == reverse("org:setup", args=[government.slug])
    # Another government's administrator and a system administrator are not asked.
    assert not [
        i for i in pending_setup(world.user(Role.CITY_ADMIN)) if "Kabupaten Baru" in str(i.label)
    ]
    assert pending_setup(world.user(Role.SYSTEM_ADMIN)) == []


def test_another_governments_checklist_is_refused(client, fresh, world):
    government, _admin = fresh
    client.force_login(world.user(Role.CITY_ADMIN))
    assert client.get(reverse("org:setup", args=[government.slug])).status_code == 404


def test_the_checklist_costs_few_queries(client, fresh, django_assert_num_queries):
    """Pinned: the session, the user and grants, the government checked three ways as every
    government page does, and one query for all six steps; the home page's provider adds one
    query whatever the number of governments."""
    government, admin = fresh
    client.force_login(admin)
    with django_assert_num_queries(7):
        client.get(reverse("org:setup", args=[government.slug]))
    admin.role_names()  # the grants, read once per request by the home page already
    with django_assert_num_queries(1):
        pending_setup(admin)
