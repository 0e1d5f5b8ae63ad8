"""Names of uploaded files, where they are stored and how they are downloaded (issue 17, part 6).

Nothing a client sends names a file on our side: the stored name is generated
(``<folder>/<government>/<uuid4 hex>.<extension of the content>``, see ``GeneratedName``), and the
client's own name is kept, cleaned and bounded, only where the interface shows it
(``display_name``). A download's name is built from a cleaned base and the extension of the type
actually served (``download_name``), so a PDF titled ``laporan.exe`` downloads as
``laporan.pdf``; ``attach`` sets the header through Django's ``content_disposition_header``
together with ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any

from django.http import HttpResponseBase
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

# The extension each served content type downloads with (one per type, never the client's).
EXTENSIONS: dict[str, str] = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/svg+xml": "svg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "application/yaml": "yaml",
    "text/csv": "csv",
}
# Characters no file name of ours carries: path separators, quotes, what Windows reserves.
FORBIDDEN = set('/\\"<>:|?*')
# A trailing ".exe", ".pdf", ... (repeated: "x.pdf.exe"), and trailing dots or spaces, which
# Windows drops ("laporan.exe." is run as laporan.exe).
TRAILING_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
DISPLAY_LIMIT = 255
DOWNLOAD_LIMIT = 100


def display_name(name: str, *, limit: int = DISPLAY_LIMIT, fallback: str = "berkas") -> str:
    """The client's file name as we may show it: the last part of any path, without control,
    format (right-to-left override) or reserved characters, at most ``limit`` characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char
        for char in name
        if (char not in FORBIDDEN and unicodedata.category(char)[0] not in ("C", "Z"))
        or char == " "
    )
    name = " ".join(name.split()).lstrip(". ")
    return name[:limit].rstrip(". ") or fallback


def download_name(base: str, content_type: str, *, fallback: str = "berkas") -> str:
    """``<cleaned base>.<extension of content_type>``: whatever extension the base carried is
    dropped, so the name says what the bytes are (issue 17: a PDF never downloads as .exe)."""
    extension = EXTENSIONS.get(content_type.split(";")[0].strip().lower(), "bin")
    stem = display_name(base, limit=DISPLAY_LIMIT, fallback="")
    previous = None
    while stem != previous:
        previous = stem
        stem = TRAILING_EXTENSION.sub("", stem.rstrip(". ")).rstrip(". ")
    stem = stem[:DOWNLOAD_LIMIT].rstrip(". ") or fallback
    return f"{stem}.{extension}"


def attach(
    response: HttpResponseBase,
    base: str,
    content_type: str,
    *,
    inline: bool = False,
) -> HttpResponseBase:
    """Name the response's file (attachment, or inline for a picture shown in the page) and
    tell the browser not to guess another type than the one we send."""
    response["Content-Disposition"] = (
        content_disposition_header(not inline, download_name(base, content_type)) or ""
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Stored names ----------------------------------------------------------------------------


def sniff_extension(head: bytes, allowed: tuple[str, ...]) -> str:
    """The extension of what the first bytes are, among ``allowed``; ``bin`` (never run, never
    shown) when they are none of them. A ZIP container is the one office format allowed."""
    found: str | None = None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        found = "jpg"
    elif head.startswith(b"%PDF-"):
        found = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        found = next((ext for ext in allowed if ext in ("docx", "xlsx", "pptx", "odt")), None)
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # A text file in UTF-16 with its byte-order mark (Excel's "Unicode text" export, issue 23).
        if "csv" in allowed:
            found = "csv"
    elif b"\x00" not in head:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text.startswith(b"<") and "svg" in allowed:
            found = "svg"
        elif "csv" in allowed:
            found = "csv"
    return found if found in allowed else "bin"


def _head(file: Any, size: int = 2048) -> bytes:
    """The first bytes of the file being saved, its position left where it was."""
    try:
        handle = getattr(file, "file", file)
        position = handle.tell()
        handle.seek(0)
        head = handle.read(size)
        handle.seek(position)
    except (AttributeError, OSError, ValueError):
        return b""
    return head if isinstance(head, bytes) else head.encode()


@deconstructible
class GeneratedName:
    """``upload_to`` of every FileField: ``<folder>/<government id>/<uuid4 hex>.<extension>``.

    The extension comes from the content being saved (``sniff_extension``), never from the
    name the client sent, which this ignores: a file named ``../../etc/passwd.pdf`` or
    ``evil.php`` is stored as, say, ``logos/7/3f2a….png``.
    """

    def __init__(self, folder: str, field: str, allowed: tuple[str, ...]) -> None:
        self.folder = folder
        self.field = field
        self.allowed = tuple(allowed)

    def __call__(self, instance: Any, filename: str) -> str:
        government = getattr(instance, "government_id", None)
        if government is None and instance._meta.label == "org.Government":
            government = instance.pk
        extension = sniff_extension(_head(getattr(instance, self.field)), self.allowed)
        return f"{self.folder}/{government or 0}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GeneratedName) and (
            self.folder,
            self.field,
            self.allowed,
        ) == (other.folder, other.field, other.allowed)

    def __hash__(self) -> int:
        return hash((self.folder, self.field, self.allowed))
