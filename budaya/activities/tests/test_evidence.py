"""Evidence: what is accepted (by content), what is kept of a photo, and who can open it."""

from __future__ import annotations

import hashlib
import io

import docx
import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from budaya.accounts.models import AuditEntry, Role
from budaya.activities import evidence as ev
from budaya.activities.models import Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo_with_location(size=(64, 48), fmt="JPEG") -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "KameraUji"
    exif[ExifTags.Base.Orientation] = 6  # taken sideways: must come out upright
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 7.0, 8.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 9.0, 1.5)
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def store(world, data: bytes, name: str, unit=None, **extra) -> Evidence:
    unit = unit or world.agency
    return ev.store_file(
        government=unit.government,
        unit=unit,
        upload=SimpleUploadedFile(name, data),
        actor=world.user(Role.UNIT_TEAM),
        **extra,
    )


def stored_bytes(evidence: Evidence, field: str = "file") -> bytes:
    with ev.storage().open(getattr(evidence, field).name, "rb") as handle:
        return handle.read()


def test_a_photo_loses_its_location_and_is_stored_upright_with_a_thumbnail(world):
    original = photo_with_location()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry GPS

    evidence = store(world, original, "apel pagi.JPG", title="Apel pagi Senin")

    data = stored_bytes(evidence)
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert ExifTags.Base.Make not in exif
        assert image.size == (48, 64)  # turned upright by its orientation tag
    assert b"KameraUji" not in data and b"Exif" not in data
    assert evidence.content_type == "image/jpeg"
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.original_name == "apel pagi.JPG"
    assert evidence.title == "Apel pagi Senin"
    assert evidence.uploaded_by == world.user(Role.UNIT_TEAM)
    with Image.open(io.BytesIO(stored_bytes(evidence, "thumbnail"))) as thumb:
        assert thumb.format == "JPEG"
    # Nothing of the original name is in the stored path, and it is under the government.
    assert "apel" not in evidence.file.name
    assert evidence.file.name.startswith(f"evidence/{world.government.pk}/")


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_cleaned_too(world, fmt):
    evidence = store(world, photo_with_location(fmt=fmt), f"foto.{fmt.lower()}")
    with Image.open(io.BytesIO(stored_bytes(evidence))) as image:
        assert image.format == fmt
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert evidence.thumbnail


def test_a_renamed_executable_is_refused_whatever_its_name(world):
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
    windows = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
    for data in (elf, windows):
        with pytest.raises(ValidationError) as refused:
            store(world, data, "foto-kegiatan.jpg")
        message = refused.value.messages[0]
        assert "Jenis berkas ini tidak diterima" in message
        assert "PDF" in message
    assert not Evidence.objects.exists()


def test_text_posing_as_a_picture_and_html_are_refused(world):
    for data, name in (
        (b"<html><script>alert(1)</script></html>", "foto.png"),
        (b"a,b\n1,2", "x.pdf"),
    ):
        with pytest.raises(ValidationError):
            store(world, data, name)


def test_a_broken_picture_is_refused_with_a_clear_message(world):
    broken = photo_with_location()[:200]
    with pytest.raises(ValidationError) as refused:
        store(world, broken, "rusak.jpg")
    assert "tidak dapat dibaca" in refused.value.messages[0]


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        store(world, b"%PDF-1.4\n" + b"0" * 2000, "besar.pdf")
    assert "paling besar" in refused.value.messages[0]
    assert not Evidence.objects.exists()


def test_an_empty_file_is_refused(world):
    with pytest.raises(ValidationError):
        store(world, b"", "kosong.pdf")


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Notulen FGD perumusan nilai")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet().write(0, 0, "Daftar hadir")
    book.close()
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (PDF, "laporan.bin", "application/pdf"),
        (_docx(), "notulen.docx", ev.DOCX),
        (_xlsx(), "daftar-hadir.pdf", ev.XLSX),  # the name lies; the content decides
    ],
)
def test_documents_are_recognised_by_content(world, data, name, mime):
    evidence = store(world, data, name)
    assert evidence.content_type == mime
    # Pages name the kind as people do ("PDF"), not by its media type ("application/pdf").
    assert evidence.type_label == ev.ACCEPTED[mime].label and "/" not in evidence.type_label
    assert not evidence.thumbnail
    assert stored_bytes(evidence) == data
    assert evidence.file.name.endswith("." + ev.ACCEPTED[mime].extension)


def test_a_plain_zip_is_not_an_office_document(world):
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("isi.txt", "bukan dokumen")
    with pytest.raises(ValidationError):
        store(world, out.getvalue(), "dokumen.docx")


def test_storing_is_audited(world):
    evidence = store(world, PDF, "laporan.pdf")
    entry = AuditEntry.objects.get(object_type="activities.evidence", object_id=str(evidence.pk))
    assert entry.action == "create"
    assert entry.after["sha256"] == evidence.sha256
    assert entry.government_id == world.government.pk


def test_links_accept_web_addresses_only(world):
    link = ev.store_link(
        government=world.government,
        unit=world.agency,
        url=" https://drive.google.com/drive/folders/abc ",
        title="Folder foto apel",
        actor=world.user(Role.UNIT_TEAM),
    )
    assert link.url == "https://drive.google.com/drive/folders/abc"
    assert link.is_link
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "file:///etc/passwd", "drive"):
        with pytest.raises(ValidationError) as refused:
            ev.store_link(
                government=world.government,
                unit=world.agency,
                url=bad,
                title="x",
                actor=world.user(Role.UNIT_TEAM),
            )
        assert "http://" in refused.value.messages[0]


def test_a_unit_of_another_government_is_refused(world):
    with pytest.raises(ValueError):
        ev.store_file(
            government=world.government,
            unit=world.foreign_agency,
            upload=ContentFile(PDF, name="x.pdf"),
            actor=world.user(Role.CITY_ADMIN),
        )


# --- Serving ----------------------------------------------------------------------------------


def test_a_picture_is_served_inline_with_a_strict_type_and_nosniff(client, world):
    evidence = store(world, photo_with_location(), "foto.jpg")
    client.force_login(world.user(Role.UNIT_TEAM))
    response = client.get(reverse("activities:evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == stored_bytes(evidence)
    thumb = client.get(reverse("activities:evidence_thumbnail", args=[evidence.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_a_document_is_downloaded_under_its_original_name(client, world):
    evidence = store(world, _docx(), "Notulen FGD.docx")
    client.force_login(world.user(Role.LEADERSHIP))
    response = client.get(reverse("activities:evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == ev.DOCX
    assert response["Content-Disposition"].startswith("attachment")
    assert "Notulen FGD.docx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # A document has no thumbnail.
    assert (
        client.get(reverse("activities:evidence_thumbnail", args=[evidence.pk])).status_code == 404
    )


def test_a_link_opens_its_address(client, world):
    link = ev.store_link(
        government=world.government,
        unit=world.agency,
        url="https://drive.google.com/file/d/xyz",
        title="Video",
        actor=world.user(Role.UNIT_TEAM),
    )
    client.force_login(world.user(Role.EMPLOYEE))
    response = client.get(reverse("activities:evidence_file", args=[link.pk]))
    assert response.status_code == 302
    assert response["Location"] == "https://drive.google.com/file/d/xyz"


def test_another_agencys_or_governments_evidence_answers_404(client, world):
    own = store(world, photo_with_location(), "own.jpg", unit=world.sub_unit)
    other_agency = store(world, photo_with_location(), "other.jpg", unit=world.other_agency)
    foreign = ev.store_file(
        government=world.other_government,
        unit=world.foreign_agency,
        upload=ContentFile(photo_with_location(), name="serang.jpg"),
        actor=world.foreign_user,
    )
    missing = foreign.pk + 1000

    def status(user, evidence_pk, view="activities:evidence_file"):
        client.force_login(user)
        return client.get(reverse(view, args=[evidence_pk])).status_code

    team = world.user(Role.UNIT_TEAM)
    assert status(team, own.pk) == 200  # a sub-unit of the own agency
    for view in ("activities:evidence_file", "activities:evidence_thumbnail"):
        assert status(team, other_agency.pk, view) == 404
        assert status(team, foreign.pk, view) == 404
        assert status(team, missing, view) == 404
    admin = world.user(Role.CITY_ADMIN)
    assert status(admin, other_agency.pk) == 200
    assert status(admin, foreign.pk) == 404
    assert status(world.foreign_user, own.pk) == 404
    # The system administrator manages governments, not their content.
    assert status(world.user(Role.SYSTEM_ADMIN), own.pk) == 404
    client.logout()
    response = client.get(reverse("activities:evidence_file", args=[own.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_governments_own_evidence_is_open_to_its_unit_roles(client, world):
    declaration = ev.store_file(
        government=world.government,
        unit=None,
        upload=ContentFile(PDF, name="deklarasi.pdf"),
        actor=world.user(Role.CITY_ADMIN),
    )
    client.force_login(world.user(Role.EMPLOYEE))
    assert client.get(reverse("activities:evidence_file", args=[declaration.pk])).status_code == 200
    client.force_login(world.foreign_user)
    assert client.get(reverse("activities:evidence_file", args=[declaration.pk])).status_code == 404
    assert list(Evidence.objects.visible_to(world.other_agency_user)) == [declaration]
