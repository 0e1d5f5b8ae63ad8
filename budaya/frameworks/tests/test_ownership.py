"""Issue 17, part 2: one government must not change another's framework.

The attack as reported: Kota Tangerang's administrator imports a file with the slug
``berakhlak`` (another name and description, the Perwal Kota Serang 34/2023 retitled and marked
revoked), through the upload page and through ``manage.py import_framework``. It is refused
with an Indonesian message naming the owner, and nothing is written: BerAKHLAK, the Serang
regulation, Serang's home page and its decree drafts read as before, and no entry is added to
any chain. Then: ownership of a government's own framework, drafts and publication, the
newer-version notice and the move, the own copy, immutability, and the repair path.
"""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from budaya.accounts import audit
from budaya.accounts.models import AuditEntry, Role, SystemAuditEntry
from budaya.frameworks import services
from budaya.frameworks.models import (
    Adoption,
    BehaviourGuide,
    BehaviourManifestation,
    CoreValue,
    FrameworkVersion,
    ImmutableVersionError,
    Regulation,
    ValueFramework,
)
from budaya.teams.decree import legal_basis

pytestmark = pytest.mark.django_db

DATA = Path(services.__file__).resolve().parent / "data"
SERANG_PERWAL = "perwal-kota-serang-34-2023"


def attack_file() -> str:
    """berakhlak.yaml as Tangerang rewrote it: its name and description, the Serang Perwal
    retitled and revoked by a regulation of Tangerang's."""
    data = yaml.safe_load((DATA / "berakhlak.yaml").read_text(encoding="utf-8"))
    data["framework"]["name"] = "BerAKHLAK versi Tangerang"
    data["framework"]["description"] = "Diubah oleh Kota Tangerang."
    basis = next(r for r in data["regulations"] if r["slug"] == SERANG_PERWAL)
    basis["title"] = "Judul yang ditimpa"
    basis["revoked_by"] = "perwal-kota-tangerang-99-2026"
    basis["revoked_on"] = "2026-01-02"
    data["regulations"].append(
        {
            "slug": "perwal-kota-tangerang-99-2026",
            "issuer": "Walikota Tangerang",
            "kind": "Peraturan Walikota",
            "number": "99",
            "year": 2026,
            "title": "Pencabutan",
        }
    )
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def state() -> dict[str, object]:
    """Everything an import could write: every framework row, every regulation row, the chains."""
    return {
        "frameworks": [model_to_dict(f) for f in ValueFramework.objects.order_by("pk")],
        "versions": [model_to_dict(v) for v in FrameworkVersion.objects.order_by("pk")],
        "regulations": [model_to_dict(r) for r in Regulation.objects.order_by("pk")],
        "values": CoreValue.objects.count(),
        "guides": BehaviourGuide.objects.count(),
        "manifestations": BehaviourManifestation.objects.count(),
        "government entries": AuditEntry.objects.count(),
        "system entries": SystemAuditEntry.objects.count(),
    }


@pytest.fixture
def serang_admin(make_user, other_government):
    return make_user("admin.serang", Role.CITY_ADMIN, other_government)


@pytest.fixture
def serang_adopts_berakhlak(other_government, shipped):
    return services.adopt_version(
        government=other_government,
        version=shipped["berakhlak"],
        adopted_from=datetime.date(2023, 6, 26),
    )


def upload(client, text: str, **data: str):
    file = SimpleUploadedFile("berakhlak.yaml", text.encode(), content_type="application/yaml")
    return client.post(reverse("frameworks:import"), {"file": file, **data})


def serang_reads_berakhlak_as_shipped(client, serang_admin, other_government) -> None:
    client.force_login(serang_admin)
    home = client.get(reverse("home")).content.decode()
    assert "BerAKHLAK v1" in home and "versi Tangerang" not in home
    page = client.get(reverse("frameworks:version", args=["berakhlak", 1])).content.decode()
    assert "Core Values ASN: Berorientasi Pelayanan" in page
    assert "Diubah oleh Kota Tangerang" not in page and "Judul yang ditimpa" not in page
    assert 'class="badge bad"' not in page  # the legal basis is not marked revoked
    cited = legal_basis(other_government, None)[-1]
    assert cited.startswith("Peraturan Wali Kota Serang Nomor 34 Tahun 2023 tentang Pedoman")
    assert "Judul yang ditimpa" not in cited
    regulation = Regulation.objects.get(slug=SERANG_PERWAL)
    assert regulation.revoked_by is None and regulation.revoked_on is None
    assert regulation.owner == other_government


# --- The attack as reported ----------------------------------------------------------------------


def test_tangerang_cannot_import_over_berakhlak_through_the_upload_page(
    client, city_admin, serang_admin, other_government, serang_adopts_berakhlak
):
    before = state()
    client.force_login(city_admin)
    response = upload(client, attack_file())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Berkas ditolak; tidak ada yang diimpor." in page
    assert (
        "Kerangka nilai “berakhlak” milik instalasi (kerangka nilai nasional): hanya "
        "administratornya yang dapat membuat versi barunya." in page
    )
    assert "Peraturan “perwal-kota-serang-34-2023” milik Kota Serang" in page
    # Confirming without the refused preview imports nothing either.
    content_hash = services.parse_framework(attack_file()).content_hash
    client.post(reverse("frameworks:import"), {"confirm": "1", "content_hash": content_hash})
    assert state() == before
    serang_reads_berakhlak_as_shipped(client, serang_admin, other_government)


def test_tangerang_cannot_import_over_berakhlak_through_the_command(
    tmp_path, client, city_admin, serang_admin, other_government, serang_adopts_berakhlak
):
    path = tmp_path / "berakhlak.yaml"
    path.write_text(attack_file(), encoding="utf-8")
    before = state()
    err = StringIO()
    with translation.override("id"), pytest.raises(CommandError) as refused:
        call_command("import_framework", str(path), "--user", city_admin.username, stderr=err)
    assert "ditolak; tidak ada yang diimpor" in str(refused.value)
    assert "Kerangka nilai “berakhlak” milik instalasi" in err.getvalue()
    assert "Peraturan “perwal-kota-serang-34-2023” milik Kota Serang" in err.getvalue()
    # Naming the government does not help: Tangerang's administrator acts for Tangerang only.
    with pytest.raises(CommandError):
        call_command(
            "import_framework", str(path), "--user", city_admin.username,
            "--government", other_government.slug, stderr=StringIO(),
        )  # fmt: skip
    assert state() == before
    serang_reads_berakhlak_as_shipped(client, serang_admin, other_government)


def test_the_service_refuses_the_attack_whatever_calls_it(
    city_admin, government, serang_adopts_berakhlak
):
    before = state()
    with pytest.raises(services.NotOwnerError):
        services.import_framework(attack_file(), owner=government, user=city_admin)
    # Claiming another owner than one's own government is refused too.
    with pytest.raises(services.NotOwnerError):
        services.import_framework(attack_file(), owner=None, user=city_admin)
    assert state() == before


def test_serang_cannot_import_over_prima_which_belongs_to_tangerang(
    client, serang_admin, government, shipped
):
    assert shipped["prima"].framework.owner == government
    text = (DATA / "prima.yaml").read_text(encoding="utf-8")
    text = text.replace("name: PRIMA", "name: PRIMA versi Serang")
    before = state()
    client.force_login(serang_admin)
    page = upload(client, text).content.decode()
    assert "Kerangka nilai “prima” milik Kota Tangerang" in page
    assert "Berkas ditolak; tidak ada yang diimpor." in page
    assert state() == before
    assert str(FrameworkVersion.objects.get(framework__slug="prima", number=1)) == "PRIMA v1"


def test_a_new_framework_cannot_rewrite_a_regulation_it_does_not_own(
    city_admin, government, other_government, shipped
):
    data = yaml.safe_load((DATA / "berakhlak.yaml").read_text(encoding="utf-8"))
    data["framework"] = {"slug": "nilai-tangerang", "name": "Nilai Tangerang"}
    before = state()
    data["regulations"][0]["title"] = "Judul yang ditimpa"
    text = yaml.safe_dump(data, allow_unicode=True)
    with translation.override("id"), pytest.raises(services.NotOwnerError) as refused:
        services.import_framework(text, owner=government, user=city_admin)
    assert refused.value.messages == [
        "Peraturan “perwal-kota-serang-34-2023” milik Kota Serang: berkas ini mengubah datanya "
        "(title), yang hanya boleh dilakukan pemiliknya. Tulis data itu sebagaimana tersimpan, "
        "atau keluarkan peraturan itu dari berkas."
    ]
    assert state() == before
    # Citing it as it is stored is fine: the new framework is Tangerang's, the Perwal Serang's.
    data["regulations"][0]["title"] = shipped["berakhlak"].legal_basis.title
    result = services.import_framework(
        yaml.safe_dump(data, allow_unicode=True), owner=government, user=city_admin
    )
    assert result.version.framework.owner == government
    assert Regulation.objects.get(slug=SERANG_PERWAL).owner == other_government


def test_a_government_cannot_list_its_regulation_as_revoked_by_another_owners(
    client, city_admin, serang_admin, government, other_government, serang_adopts_berakhlak
):
    """Otherwise BerAKHLAK's page, under the Serang Perwal, would list Tangerang's text."""
    data = yaml.safe_load((DATA / "berakhlak.yaml").read_text(encoding="utf-8"))
    data["framework"] = {"slug": "nilai-tangerang", "name": "Nilai Tangerang"}
    data["regulations"].append(
        {
            "slug": "perwal-kota-tangerang-1-2020",
            "issuer": "Walikota Tangerang",
            "kind": "Peraturan Walikota",
            "number": "1",
            "year": 2020,
            "title": "Disisipkan oleh Kota Tangerang",
            "revoked_by": SERANG_PERWAL,
        }
    )
    before = state()
    with translation.override("id"), pytest.raises(services.NotOwnerError) as refused:
        services.import_framework(
            yaml.safe_dump(data, allow_unicode=True), owner=government, user=city_admin
        )
    assert refused.value.messages == [
        "Peraturan “perwal-kota-serang-34-2023” milik Kota Serang: hanya pemiliknya yang "
        "menyatakan peraturan mana yang dicabutnya."
    ]
    assert state() == before
    client.force_login(serang_admin)
    page = client.get(reverse("frameworks:version", args=["berakhlak", 1])).content.decode()
    assert "Disisipkan oleh Kota Tangerang" not in page


# --- The owner's new version: audited, noted for adopters, adopters move when they choose -----


def test_system_admin_publishes_a_new_berakhlak_version_and_serang_moves_when_it_chooses(
    client, system_admin, serang_admin, other_government, serang_adopts_berakhlak
):
    text = (DATA / "berakhlak.yaml").read_text(encoding="utf-8")
    text = text.replace("tagline: Bangga Melayani Bangsa", "tagline: Bangga Melayani Negeri")
    serang_entries = AuditEntry.objects.filter(government=other_government).count()
    client.force_login(system_admin)
    response = upload(client, text)
    assert "milik" not in response.content.decode()
    content_hash = response.context["parsed"].content_hash
    client.post(reverse("frameworks:import"), {"confirm": "1", "content_hash": content_hash})
    second = FrameworkVersion.objects.get(framework__slug="berakhlak", number=2)
    assert second.is_published
    # The owner's chain (the system chain for a national framework) has before and after.
    entry = SystemAuditEntry.objects.filter(
        object_type="frameworks.frameworkversion", object_id=str(second.pk), action="update"
    ).get()
    assert entry.before["number"] == 1 and entry.after["number"] == 2
    assert entry.after["content_hash"] == second.content_hash
    # Every adopting government's chain notes it.
    note = AuditEntry.objects.filter(government=other_government).order_by("-sequence").first()
    assert note.object_id == str(second.pk) and note.after["number"] == 2
    assert AuditEntry.objects.filter(government=other_government).count() == serang_entries + 1
    assert audit.verify() is None
    # Serang keeps version 1 and sees that version 2 exists.
    client.force_login(serang_admin)
    url = reverse("frameworks:adoption", args=[other_government.slug])
    page = client.get(url).content.decode()
    assert "Versi yang lebih baru tersedia: BerAKHLAK v2" in page
    assert "Pemerintah daerah Anda tetap memakai BerAKHLAK v1" in page
    assert Adoption.objects.get(government=other_government).version.number == 1
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Bangga Melayani Negeri" in page
    old = client.get(reverse("frameworks:version", args=["berakhlak", 1])).content.decode()
    assert "Versi yang lebih baru tersedia: BerAKHLAK v2" in old
    response = client.post(
        url, {"move": "1", "move-adopted_from": "2026-01-01", "move-decision": "SE"}
    )
    assert response.status_code == 302
    current = Adoption.objects.get(government=other_government, adopted_until__isnull=True)
    assert current.version == second and current.created_by == serang_admin
    assert "Versi yang lebih baru tersedia" not in client.get(url).content.decode()
    moved = AuditEntry.objects.filter(
        government=other_government, object_type="frameworks.adoption"
    )
    assert moved.filter(action="create", object_id=str(current.pk)).exists()


def test_a_draft_is_not_adoptable_until_its_owner_publishes_it(
    client, city_admin, serang_admin, make_user, government, other_government, agency, contoh_text
):
    client.force_login(city_admin)
    response = upload(client, contoh_text)
    content_hash = response.context["parsed"].content_hash
    client.post(
        reverse("frameworks:import"), {"confirm": "1", "content_hash": content_hash, "draft": "1"}
    )
    draft = FrameworkVersion.objects.get(framework__slug="cerdas")
    assert not draft.is_published and draft.framework.owner == government
    with pytest.raises(services.AdoptionError):
        services.adopt_version(
            government=government, version=draft, adopted_from=datetime.date(2024, 3, 4)
        )
    url = reverse("frameworks:adoption", args=[government.slug])
    page = client.get(url).content.decode()
    assert f'value="{draft.pk}"' not in page
    version_page = client.get(draft.get_absolute_url()).content.decode()
    assert "draf" in version_page and "Terbitkan versi ini" in version_page
    # Another government's administrator does not even see it (issue 18, item 4); the
    # government's own employee sees it but may not publish it.
    publish = reverse("frameworks:publish", args=["cerdas", 1])
    client.force_login(serang_admin)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.post(publish).status_code == 404
    client.force_login(make_user("pegawai.contoh", Role.EMPLOYEE, government, unit=agency))
    assert "Terbitkan versi ini" not in client.get(draft.get_absolute_url()).content.decode()
    assert client.post(publish).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published
    client.force_login(city_admin)
    assert client.post(publish).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
    assert AuditEntry.objects.filter(
        government=government, object_id=str(draft.pk), action="update"
    ).exists()
    assert f'value="{draft.pk}"' in client.get(url).content.decode()


def test_a_published_version_cannot_be_changed_or_deleted(shipped):
    version = shipped["berakhlak"]
    version.tagline = "Diubah"
    with pytest.raises(ImmutableVersionError):
        version.save()
    value = version.values.first()
    value.name = "Diubah"
    with pytest.raises(ImmutableVersionError):
        value.save()
    guide = BehaviourGuide.objects.filter(value__version=version).first()
    with pytest.raises(ImmutableVersionError):
        guide.delete()
    with pytest.raises(ImmutableVersionError):
        CoreValue.objects.create(version=version, order=99, code="baru", name="Baru")
    with pytest.raises(ImmutableVersionError):
        FrameworkVersion.objects.get(pk=version.pk).delete()
    assert services.verify_version(FrameworkVersion.objects.get(pk=version.pk))


# --- Own copy -------------------------------------------------------------------------------


def test_serang_makes_its_own_copy_of_berakhlak_under_its_own_slug(
    client, serang_admin, other_government, shipped
):
    client.force_login(serang_admin)
    page = client.get(shipped["berakhlak"].get_absolute_url()).content.decode()
    assert "Buat salinan sendiri" in page
    response = client.post(
        reverse("frameworks:copy", args=["berakhlak", 1]),
        {"owner": other_government.slug, "slug": "berakhlak-serang", "name": "BerAKHLAK Serang"},
    )
    copy = FrameworkVersion.objects.get(framework__slug="berakhlak-serang")
    assert response["Location"] == copy.get_absolute_url()
    assert copy.framework.owner == other_government and copy.is_published
    assert str(copy) == "BerAKHLAK Serang v1"
    assert [v.name for v in copy.values.all()] == [
        v.name for v in shipped["berakhlak"].values.all()
    ]
    assert copy.legal_basis == shipped["berakhlak"].legal_basis
    # The original is untouched; a taken slug is refused.
    assert str(FrameworkVersion.objects.get(pk=shipped["berakhlak"].pk)) == "BerAKHLAK v1"
    response = client.post(
        reverse("frameworks:copy", args=["berakhlak", 1]),
        {"owner": other_government.slug, "slug": "prima", "name": "X"},
        follow=True,
    )
    assert "Pengenal “prima” sudah dipakai" in response.content.decode()
    # Its owner now writes its versions.
    services.adopt_version(
        government=other_government, version=copy, adopted_from=datetime.date(2024, 1, 1)
    )
    text = services.export_framework("berakhlak-serang").replace(
        "Bangga Melayani Bangsa", "Serang Melayani"
    )
    result = services.import_framework(text, owner=other_government, user=serang_admin)
    assert result.version.number == 2 and result.version.framework.owner == other_government


# --- Verified on read, by a command, and the repair path ------------------------------------


def _tamper(version: FrameworkVersion) -> None:
    """What a direct database write does (the model's guard is below the ORM's queryset)."""
    CoreValue.objects.filter(version=version, order=1).update(name="Berorientasi Setoran")
    ValueFramework.objects.filter(pk=version.framework_id).update(name="Ditimpa")
    Regulation.objects.filter(slug=SERANG_PERWAL).update(title="Judul yang ditimpa")


def test_a_tampered_version_is_not_printed_and_the_shipped_files_repair_it(
    client, serang_admin, other_government, serang_adopts_berakhlak, shipped
):
    version = shipped["berakhlak"]
    call_command("verify_frameworks", stdout=StringIO())
    _tamper(version)
    client.force_login(serang_admin)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "diubah di luar Budaya" in page
    assert "Berorientasi Setoran" not in page
    export = client.get(reverse("frameworks:export", args=["berakhlak", 1]))
    assert export.status_code == 409 and "Berorientasi Setoran" not in export.content.decode()
    with pytest.raises(CommandError, match="berakhlak version 1"):
        call_command("verify_frameworks", stdout=StringIO())
    # Re-importing the original file is a no-op (same hash): the repair is restore_frameworks.
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("restore_frameworks", "--check", stdout=out)
    assert "berakhlak.yaml: BerAKHLAK v1: text rebuilt from berakhlak.yaml" in out.getvalue()
    assert CoreValue.objects.get(version=version, order=1).name == "Berorientasi Setoran"
    out = StringIO()
    call_command("restore_frameworks", stdout=out)
    assert "regulation perwal-kota-serang-34-2023: facts restored" in out.getvalue()
    call_command("verify_frameworks", stdout=StringIO())
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Berorientasi Pelayanan" in page and "diubah di luar Budaya" not in page
    assert ValueFramework.objects.get(slug="berakhlak").name == "BerAKHLAK"
    assert "Pedoman Penerapan" in legal_basis(other_government, None)[-1]
    assert Adoption.objects.get(government=other_government).version_id == version.pk
    assert audit.verify() is None
    out = StringIO()
    call_command("restore_frameworks", stdout=out)
    assert "Nothing to repair." in out.getvalue()


def test_restore_gives_the_shipped_texts_back_their_owners(government, other_government, shipped):
    ValueFramework.objects.filter(slug="prima").update(owner=other_government)
    Regulation.objects.filter(slug=SERANG_PERWAL).update(owner=government)
    call_command("restore_frameworks", stdout=StringIO())
    assert ValueFramework.objects.get(slug="prima").owner == government
    assert ValueFramework.objects.get(slug="berakhlak").owner is None
    assert Regulation.objects.get(slug=SERANG_PERWAL).owner == other_government


def test_restore_loads_missing_shipped_versions_and_check_changes_nothing(db):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("restore_frameworks", "--check", stdout=out)
    assert "berakhlak.yaml: berakhlak: shipped version missing, loaded" in out.getvalue()
    assert not FrameworkVersion.objects.exists() and not Regulation.objects.exists()
    call_command("restore_frameworks", stdout=StringIO())
    assert FrameworkVersion.objects.filter(status="published").count() == 2
    call_command("verify_frameworks", stdout=StringIO())
