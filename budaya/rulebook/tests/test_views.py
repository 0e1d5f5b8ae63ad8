"""The rulebook pages as their users see them: read, history, upload with preview and diff."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.frameworks.models import ValueFramework
from budaya.rulebook import services
from budaya.rulebook.models import RulebookVersion

pytestmark = pytest.mark.django_db


def _upload(client, government, text: str, note: str = ""):
    return client.post(
        reverse("rulebook:import", args=[government.slug]),
        {"file": SimpleUploadedFile("aturan.yaml", text.encode("utf-8")), "note": note},
    )


def test_every_role_reads_its_governments_rulebook_with_its_citations(
    client, government, agency, make_user
):
    services.load_shipped(government=government, name="kota-tangerang")
    client.force_login(make_user("pegawai", Role.EMPLOYEE, government, agency))
    response = client.get(reverse("rulebook:detail", args=[government.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Peraturan Walikota Tangerang Nomor 62 Tahun 2018" in page
    assert "T Pasal 1 angka 16" in page  # role model: PNS
    assert "Tim Manajemen Perubahan" in page
    assert "Percepatan" not in page  # nothing of another government's rulebook
    assert reverse("rulebook:import", args=[government.slug]) not in page


def test_a_government_without_a_rulebook_reads_the_starter_and_says_so(client, city_admin):
    client.force_login(city_admin)
    response = client.get(reverse("rulebook:mine"), follow=True)
    page = response.content.decode()
    assert "Kepala Daerah" in page
    assert "neutral starter" in page or "netral" in page


def test_upload_preview_shows_the_differences_and_confirm_writes_the_next_version(
    client, government, city_admin
):
    services.load_shipped(government=government, name="starter")
    client.force_login(city_admin)
    text = services.shipped_text("starter").replace("Kepala Daerah\n", "Bupati Contoh\n")
    response = _upload(client, government, text, note="Perbup 7/2024")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="diff-add">+     text: Bupati Contoh' in page
    assert 'class="diff-remove">−     text: Kepala Daerah' in page
    assert RulebookVersion.objects.count() == 1  # nothing written by the preview
    content_hash = services.parse_rulebook(text).content_hash
    response = client.post(
        reverse("rulebook:import", args=[government.slug]),
        {"confirm": "1", "content_hash": content_hash},
    )
    version = RulebookVersion.objects.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("rulebook:version", args=[government.slug, 2])
    assert version.note == "Perbup 7/2024" and version.created_by == city_admin
    page = client.get(reverse("rulebook:detail", args=[government.slug])).content.decode()
    assert "Bupati Contoh" in page and "Perbup 7/2024" in page


def test_a_refused_file_shows_each_problem_with_its_line(client, government, city_admin):
    client.force_login(city_admin)
    text = services.shipped_text("starter").replace(
        "  deadline:\n    month: 12", "  deadline:\n    month: 13"
    )
    page = _upload(client, government, text).content.decode()
    line = text.splitlines().index("    month: 13") + 1
    assert f"{line}, monev.deadline.month" in page
    assert not RulebookVersion.objects.exists()


def test_a_confirmation_without_a_preview_writes_nothing(client, government, city_admin):
    client.force_login(city_admin)
    response = client.post(
        reverse("rulebook:import", args=[government.slug]), {"confirm": "1", "content_hash": "x"}
    )
    assert response.status_code == 302
    assert not RulebookVersion.objects.exists()


def test_another_governments_administrator_gets_404_and_cannot_import(
    client, government, other_government, make_user
):
    services.load_shipped(government=government, name="kota-tangerang")
    client.force_login(make_user("admin.serang", Role.CITY_ADMIN, other_government))
    for name, args in (
        ("rulebook:detail", [government.slug]),
        ("rulebook:version", [government.slug, 1]),
        ("rulebook:export", [government.slug, 1]),
        ("rulebook:import", [government.slug]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert _upload(client, government, services.shipped_text("starter")).status_code == 404
    assert RulebookVersion.objects.count() == 1


def test_the_system_administrator_reads_but_does_not_change(client, government, system_admin):
    services.load_shipped(government=government, name="kota-tangerang")
    client.force_login(system_admin)
    assert client.get(reverse("rulebook:detail", args=[government.slug])).status_code == 200
    assert client.get(reverse("rulebook:import", args=[government.slug])).status_code == 403


def test_an_earlier_version_stays_readable_and_downloadable(client, government, city_admin):
    services.load_shipped(government=government, name="kota-tangerang")
    services.import_rulebook(
        government=government,
        text=services.shipped_text("kota-tangerang").replace("  short: T\n", "  short: TNG\n"),
    )
    client.force_login(city_admin)
    page = client.get(reverse("rulebook:version", args=[government.slug, 1])).content.decode()
    assert "T Pasal 1 angka 16" in page and "TNG Pasal" not in page
    download = client.get(reverse("rulebook:export", args=[government.slug, 1]))
    assert download["Content-Disposition"] == (
        'attachment; filename="rulebook-kota-tangerang-v1.yaml"'
    )
    assert services.parse_rulebook(download.content.decode()).content == (
        RulebookVersion.objects.get(number=1).content
    )


def test_the_menu_shows_the_rulebook_to_every_role(client, government, agency, make_user):
    client.force_login(make_user("pegawai", Role.EMPLOYEE, government, agency))
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("rulebook:mine")}"' in page


def test_the_rulebook_names_its_framework_and_says_what_its_codes_are(
    client, government, agency, make_user
):
    # The framework was shown by its identifier ("berakhlak") and an office's code ("head") bare.
    services.load_shipped(government=government, name="kota-serang")
    client.force_login(make_user("pegawai", Role.EMPLOYEE, government, agency))
    url = reverse("rulebook:detail", args=[government.slug])
    page = client.get(url).content.decode()
    assert "berakhlak" in page and "belum dimuat di instalasi ini" in page
    framework = ValueFramework.objects.create(slug="berakhlak", name="BerAKHLAK")
    page = client.get(url).content.decode()
    assert f'<a href="{framework.get_absolute_url()}">BerAKHLAK</a>' in page
    assert "kode di buku aturan <code>head</code>" in page
