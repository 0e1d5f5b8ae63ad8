"""Storing evidence: uploaded files (checked by content, cleaned, hashed) and links.

Every app that keeps proof calls ``store_file`` or ``store_link`` and links the returned
``Evidence`` to its rows with a ManyToMany through a model that carries the government. Files are
served only by ``activities:evidence_file`` after a scope check (see docs/evidence.md).
"""

from __future__ import annotations

import functools
import hashlib
import io
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from budaya.accounts import audit
from budaya.accounts.models import AuditAction
from budaya.activities.models import Evidence
from budaya.files import display_name
from budaya.org.models import Government, Unit


@dataclass(frozen=True)
class Accepted:
    extension: str
    label: str
    # Shown in the browser (images) or always downloaded (everything else).
    inline: bool = False


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"

# What may be uploaded, by the type its content shows (never by its name).
ACCEPTED: dict[str, Accepted] = {
    "application/pdf": Accepted("pdf", "PDF"),
    "image/jpeg": Accepted("jpg", "JPEG", inline=True),
    "image/png": Accepted("png", "PNG", inline=True),
    "image/webp": Accepted("webp", "WebP", inline=True),
    DOCX: Accepted("docx", "DOCX"),
    XLSX: Accepted("xlsx", "XLSX"),
    PPTX: Accepted("pptx", "PPTX"),
    ODT: Accepted("odt", "ODT"),
    "video/mp4": Accepted("mp4", "MP4"),
    "video/webm": Accepted("webm", "WebM"),
}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# A photo from a phone is 12 to 50 megapixels; more is a decompression bomb, not a photo.
MAX_IMAGE_PIXELS = 60_000_000
# Stored photos are scaled down to this longest side (a phone's 8000 px add nothing as proof).
MAX_IMAGE_SIDE = 3000
THUMBNAIL_SIDE = 480
# The entry that names each office format inside its ZIP container.
OFFICE_MEMBERS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}

ACCEPT_ATTRIBUTE = ",".join(
    [*ACCEPTED, *(f".{accepted.extension}" for accepted in ACCEPTED.values())]
)


def accepted_labels() -> str:
    return ", ".join(accepted.label for accepted in ACCEPTED.values())


def storage() -> Storage:
    """``STORAGES["evidence"]`` when the installation names one, else the default storage
    (MEDIA_ROOT in the embedded setup, the private S3 bucket in production). Neither is served
    by a public URL."""
    return storages["evidence"] if "evidence" in settings.STORAGES else default_storage


# --- Detection -------------------------------------------------------------------------------


def detect_type(data: bytes) -> str | None:
    """The content type the bytes are, by their content (the ``filetype`` signatures), or None.

    Office files are ZIP containers; when ``filetype`` sees only a ZIP (it reads the first
    entries) the entries are listed to tell DOCX, XLSX, PPTX and ODT apart.
    """
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else None
    if mime in (DOCX, XLSX, PPTX, ODT, "application/zip"):
        return _office_type(data)
    return mime


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                # Only the first bytes are inflated: a whole member could be a bomb (issue 17).
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return ODT if declared == ODT else None
            if "[Content_Types].xml" not in names:
                return None
            for prefix, mime in OFFICE_MEMBERS.items():
                if any(name.startswith(prefix) for name in names):
                    return mime
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


# --- Files -----------------------------------------------------------------------------------


def _read(upload: Any) -> bytes:
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_too_big(size, limit), code="too_big")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_too_big(len(data), limit), code="too_big")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return bytes(data)


def _too_big(size: int, limit: int) -> str:
    return _("The file is %(size)s; files may be at most %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def _refused_type() -> ValidationError:
    return ValidationError(
        _(
            "This kind of file is not accepted (its content was checked, not its name). "
            "Accepted: %(kinds)s."
        )
        % {"kinds": accepted_labels()},
        code="type",
    )


def _clean_image(data: bytes, mime: str) -> tuple[bytes, bytes]:
    """The image re-encoded without any metadata (EXIF, GPS location, comments), turned upright,
    and a JPEG thumbnail."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                width, height = opened.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _("The picture is too large (%(width)s × %(height)s pixels).")
                        % {"width": width, "height": height},
                        code="pixels",
                    )
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError(
            _("The picture could not be read; it may be damaged."), code="image"
        ) from error
    image.info = {}
    if max(image.size) > MAX_IMAGE_SIDE:
        image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    image_format = IMAGE_FORMATS[mime]
    out = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif image_format == "PNG":
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue(), _thumbnail(image)


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    if small.mode in ("RGBA", "LA", "P"):
        small = small.convert("RGBA")
        flat = Image.new("RGB", small.size, (255, 255, 255))
        flat.paste(small, mask=small.getchannel("A"))
        small = flat
    out = io.BytesIO()
    small.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def _check_unit(government: Government, unit: Unit | None) -> None:
    if unit is not None and unit.government_id != government.pk:
        raise ValueError("The unit belongs to another government.")


def _storage_name(government: Government, extension: str, suffix: str = "") -> str:
    """A random name under the government's folder: nothing of the original name, nothing to
    guess."""
    now = timezone.now()
    return f"evidence/{government.pk}/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}.{extension}"


def _clean_name(name: str) -> str:
    """The client's name, for display only (issue 17: it names nothing stored)."""
    return display_name(name)


@dataclass(frozen=True)
class PreparedFile:
    """An upload that passed the checks: the bytes to store (cleaned for pictures)."""

    data: bytes
    content_type: str
    original_name: str
    thumbnail: bytes | None = None

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_FORMATS


def prepare_file(upload: Any) -> PreparedFile:
    """Check an upload and clean it; nothing is written yet.

    Raises ``ValidationError`` with a message for the person who uploaded it. Forms call this
    in ``clean_<field>`` to show the error beside the field, then pass the result to
    ``store_prepared`` once the rest of the form is valid.
    """
    data = _read(upload)
    mime = detect_type(data)
    if mime not in ACCEPTED:
        raise _refused_type()
    thumbnail = None
    if mime in IMAGE_FORMATS:
        data, thumbnail = _clean_image(data, mime)
        if len(data) > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(_too_big(len(data), settings.UPLOAD_MAX_BYTES), code="too_big")
    name = _clean_name(getattr(upload, "name", "") or "")
    return PreparedFile(data, mime, name, thumbnail)


AUDITED_FIELDS = (
    "unit",
    "kind",
    "title",
    "file",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "url",
)


def store_file(
    *,
    government: Government,
    unit: Unit | None,
    upload: Any,
    actor: Any,
    request: HttpRequest | None = None,
    title: str = "",
) -> Evidence:
    """Check, clean and store an uploaded file as evidence of ``unit`` (or of the government).

    Accepted by content: PDF, JPEG/PNG/WebP pictures, DOCX/XLSX/PPTX/ODT, MP4/WebM videos, up to
    ``settings.UPLOAD_MAX_BYTES``. Pictures are re-encoded upright without EXIF/GPS metadata and
    get a thumbnail. Raises ``ValidationError`` (Indonesian message) for a refused file.
    """
    return store_prepared(
        government=government,
        unit=unit,
        prepared=prepare_file(upload),
        actor=actor,
        request=request,
        title=title,
    )


def store_prepared(
    *,
    government: Government,
    unit: Unit | None,
    prepared: PreparedFile,
    actor: Any,
    request: HttpRequest | None = None,
    title: str = "",
    changes: list[audit.Change] | None = None,
) -> Evidence:
    """Store a file that ``prepare_file`` accepted, with its row and audit entry (appended to
    ``changes`` when given: the caller records them with its own, in one insert)."""
    _check_unit(government, unit)
    accepted = ACCEPTED[prepared.content_type]
    files = storage()
    name = files.save(_storage_name(government, accepted.extension), ContentFile(prepared.data))
    thumbnail_name = ""
    if prepared.thumbnail is not None:
        thumbnail_name = files.save(
            _storage_name(government, "jpg", "-thumb"), ContentFile(prepared.thumbnail)
        )
    try:
        with transaction.atomic():
            evidence = Evidence(
                government=government,
                unit=unit,
                kind=Evidence.Kind.FILE,
                title=title.strip()[:200],
                original_name=prepared.original_name,
                content_type=prepared.content_type,
                size=len(prepared.data),
                sha256=hashlib.sha256(prepared.data).hexdigest(),
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            evidence.file.name = name
            evidence.thumbnail.name = thumbnail_name
            evidence.save()
            after = audit.snapshot(evidence, AUDITED_FIELDS)
            if changes is not None:
                changes.append((AuditAction.CREATE, evidence, None, after))
            else:
                audit.record(actor, AuditAction.CREATE, evidence, after=after, request=request)
    except Exception:
        # No row, no file: a failed write leaves nothing behind in the storage.
        _delete_files(name, thumbnail_name)
        raise
    return evidence


def store_prepared_many(
    *,
    government: Government,
    items: list[tuple[Unit | None, PreparedFile, str]],
    actor: Any,
    request: HttpRequest | None = None,
) -> list[Evidence]:
    """Many prepared files (unit, file, title) at once: one bulk insert and one bulk audit
    append (for imports and the demo data)."""
    files = storage()
    rows: list[Evidence] = []
    names: list[str] = []
    try:
        for unit, prepared, title in items:
            _check_unit(government, unit)
            accepted = ACCEPTED[prepared.content_type]
            name = files.save(
                _storage_name(government, accepted.extension), ContentFile(prepared.data)
            )
            names.append(name)
            thumbnail_name = ""
            if prepared.thumbnail is not None:
                thumbnail_name = files.save(
                    _storage_name(government, "jpg", "-thumb"), ContentFile(prepared.thumbnail)
                )
                names.append(thumbnail_name)
            evidence = Evidence(
                government=government,
                unit=unit,
                kind=Evidence.Kind.FILE,
                title=title.strip()[:200],
                original_name=prepared.original_name,
                content_type=prepared.content_type,
                size=len(prepared.data),
                sha256=hashlib.sha256(prepared.data).hexdigest(),
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            evidence.file.name = name
            evidence.thumbnail.name = thumbnail_name
            rows.append(evidence)
        with transaction.atomic():
            created = Evidence.objects.bulk_create(rows, batch_size=500)
            audit.record_many(
                actor,
                [
                    (AuditAction.CREATE, item, None, audit.snapshot(item, AUDITED_FIELDS))
                    for item in created
                ],
                request,
                government=government,
            )
    except Exception:
        _delete_files(*names)
        raise
    return created


def _delete_files(*names: str) -> None:
    files = storage()
    for name in names:
        if name:
            files.delete(name)


# --- Links -----------------------------------------------------------------------------------

LINK_SCHEMES = ["http", "https"]
_URL_VALIDATOR = URLValidator(schemes=LINK_SCHEMES)


@functools.lru_cache(maxsize=64)
def _valid_url(url: str) -> None:
    """``URLValidator`` (about 12 µs for an address not seen before): a recording checks its
    link in the form and again as its evidence is made, so the second answer is remembered (a
    refusal raises again, it is never kept)."""
    _URL_VALIDATOR(url)


def clean_url(url: str) -> str:
    """A web address (http or https only), or ValidationError."""
    url = (url or "").strip()
    if not url:
        raise ValidationError(_("Give the address of the link."), code="required")
    try:
        _valid_url(url)
    except ValidationError as error:
        raise ValidationError(
            _("Give a web address that starts with http:// or https://."), code="url"
        ) from error
    if len(url) > 1000:
        raise ValidationError(_("The address is too long (at most 1000 characters)."))
    return url


# No savepoint of its own inside the caller's transaction (a recording's, issue 25): a failure
# rolls the whole recording back anyway.
@transaction.atomic(savepoint=False)
def store_link(
    *,
    government: Government,
    unit: Unit | None,
    url: str,
    title: str,
    actor: Any,
    request: HttpRequest | None = None,
    changes: list[audit.Change] | None = None,
) -> Evidence:
    """A link as evidence (S Tabel 1 column 7 expects links, e.g. to a shared drive); its audit
    entry appended to ``changes`` when given, as ``store_prepared``."""
    evidence = new_link(government=government, unit=unit, url=url, title=title, actor=actor)
    evidence.save()
    after = audited(evidence)
    if changes is not None:
        changes.append((AuditAction.CREATE, evidence, None, after))
    else:
        audit.record(actor, AuditAction.CREATE, evidence, after=after, request=request)
    return evidence


def new_link(
    *, government: Government, unit: Unit | None, url: str, title: str, actor: Any
) -> Evidence:
    """A link as evidence, checked and not yet saved: for a write that inserts it with its other
    rows (a recording, issue 25), which then audits it (``audited``) as ``store_link`` does."""
    _check_unit(government, unit)
    return Evidence(
        government=government,
        unit=unit,
        kind=Evidence.Kind.LINK,
        url=clean_url(url),
        title=(title or "").strip()[:200],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def audited(evidence: Evidence) -> dict[str, Any]:
    """The audited state of a stored piece of evidence."""
    return audit.snapshot(evidence, AUDITED_FIELDS)


# --- Removal ---------------------------------------------------------------------------------


def is_referenced(evidence: Evidence) -> bool:
    """Whether any row of any app still links to this evidence (through tables included)."""
    for relation in evidence._meta.related_objects:
        # Queried from the other side, so hidden relations (related_name="+") count too.
        model = relation.related_model
        if model._default_manager.filter(**{relation.field.name: evidence}).exists():  # type: ignore[union-attr]
            return True
    return False


def delete_if_unused(evidence: Evidence, actor: Any, request: HttpRequest | None = None) -> bool:
    """Delete evidence that nothing links to any more (its files after the commit)."""
    if is_referenced(evidence):
        return False
    names = (evidence.file.name or "", evidence.thumbnail.name or "")
    before = audit.snapshot(evidence, AUDITED_FIELDS)
    audit.record(actor, AuditAction.DELETE, evidence, before=before, request=request)
    evidence.delete()
    transaction.on_commit(lambda: _delete_files(*names))
    return True
