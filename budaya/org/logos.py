"""A government's logo: PNG, JPEG or a cleaned SVG, checked by content (issue 17, part 6).

Nothing a government uploads is code (``../shared/docs/house-style.md``). Pictures are opened
with Pillow and encoded again, which drops whatever rode along in them (metadata, an HTML or
script payload of a polyglot file). An SVG is an XML document that a browser runs scripts from,
so it is parsed (no DTD, no entity: refused before parsing) and rebuilt from a whitelist of
drawing elements and attributes: no ``<script>``, no ``<foreignObject>``, no ``on*`` handler, no
link or ``url()`` outside the document itself. Everything else (GIF, HTML named ``logo.png``) is
refused. The logo view serves the type found in the content, with a policy that runs nothing.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000
MAX_SVG_ELEMENTS = 5_000
PNG, JPEG, SVG = "image/png", "image/jpeg", "image/svg+xml"
EXTENSIONS = {PNG: "png", JPEG: "jpg", SVG: "svg"}
ACCEPT = "image/png,image/jpeg,image/svg+xml,.png,.jpg,.jpeg,.svg"
# The logo response: an SVG opened on its own may draw with inline style, and nothing else.
CSP = "default-src 'none'; style-src 'unsafe-inline'"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Drawing elements only (SVG 1.1/2). Left out on purpose: script, foreignObject, iframe,
# image (loads another file), a (a link), animate/set (can set href to javascript:), style
# (CSS can load URLs), feImage, and every element of another namespace (editors' metadata).
ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask",
    "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood",
    "feComposite", "feMerge", "feMergeNode",
}  # fmt: skip
ATTRIBUTES = {
    "id", "class", "style", "transform", "viewBox", "preserveAspectRatio", "width", "height",
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d", "points", "fx", "fy",
    "dx", "dy", "rotate", "lengthAdjust", "textLength", "startOffset", "version",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "color", "display", "visibility", "overflow",
    "clip-path", "clip-rule", "mask", "filter", "stop-color", "stop-opacity", "offset",
    "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "filterUnits", "primitiveUnits", "stdDeviation", "in", "in2",
    "result", "mode", "values", "type", "operator", "k1", "k2", "k3", "k4", "flood-color",
    "flood-opacity", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "alignment-baseline", "letter-spacing",
    "word-spacing", "text-decoration", "href",
}  # fmt: skip
# A reference may point inside the document (``#id``, ``url(#id)``) and nowhere else.
URL_REFERENCE = re.compile(r"url\s*\(\s*(['\"]?)\s*([^)'\"]*)", re.IGNORECASE)
CSS_DANGER = re.compile(r"@import|expression\s*\(|javascript:|\\", re.IGNORECASE)
DOCUMENT_TYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class PreparedLogo:
    data: bytes
    content_type: str

    def as_file(self) -> ContentFile[bytes]:
        # The name is ours; the stored name is generated again from the content (budaya/files).
        return ContentFile(self.data, name=f"logo.{EXTENSIONS[self.content_type]}")


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "The logo must be a PNG or JPEG picture or an SVG drawing (its content was "
            "checked, not its name)."
        ),
        code="logo_type",
    )


def content_type(data: bytes) -> str | None:
    """PNG, JPEG or SVG by what the bytes are (never by a name), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    text = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<") and re.search(rb"<svg[\s>]", text):
        return SVG
    return None


def prepare_logo(upload: Any) -> PreparedLogo:
    """Check an uploaded logo and return what to store; ``ValidationError`` when refused."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("The logo may be at most 2 MB."), code="too_big")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = bytes(upload.read(MAX_BYTES + 1))
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The logo may be at most 2 MB."), code="too_big")
    kind = content_type(data)
    if kind in (PNG, JPEG):
        return PreparedLogo(_reencode(data, kind), kind)
    if kind == SVG:
        return PreparedLogo(sanitise_svg(data), SVG)
    raise _refused()


def _reencode(data: bytes, kind: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.format not in ("PNG", "JPEG"):
                    raise _refused()
                if opened.width * opened.height > MAX_PIXELS:
                    raise ValidationError(_("The logo has too many pixels."), code="pixels")
                opened.load()
                image = opened.copy()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Warning, OSError) as error:
        raise _refused() from error
    except (SyntaxError, ValueError) as error:
        raise _refused() from error
    out = io.BytesIO()
    if kind == JPEG:
        image.convert("RGB").save(out, "JPEG", quality=90)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


# --- SVG -------------------------------------------------------------------------------------


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _sep, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _safe_value(value: str) -> bool:
    """No script, no reference outside the document."""
    squashed = "".join(value.split()).lower()
    if "javascript:" in squashed or "data:" in squashed or "vbscript:" in squashed:
        return False
    return all(match.group(2).strip().startswith("#") for match in URL_REFERENCE.finditer(value))


def _clean_attributes(source: ET.Element, target: ET.Element) -> None:
    for name, value in source.attrib.items():
        namespace, local = _local(name)
        if namespace == XLINK_NS and local == "href":
            local, namespace = "href", ""
        if namespace == XML_NS and local == "space":
            target.set(name, value)
            continue
        if namespace or local not in ATTRIBUTES or local.lower().startswith("on"):
            continue
        if not _safe_value(value):
            continue
        if local == "href" and not value.strip().startswith("#"):
            continue
        if local == "style" and CSS_DANGER.search(value):
            continue
        target.set(local, value)


def _copy(source: ET.Element, count: list[int]) -> ET.Element | None:
    namespace, local = _local(source.tag) if isinstance(source.tag, str) else ("", "")
    if namespace != SVG_NS or local not in ELEMENTS:
        return None
    count[0] += 1
    if count[0] > MAX_SVG_ELEMENTS:
        raise ValidationError(_("The SVG drawing has too many elements."), code="svg_size")
    target = ET.Element(f"{{{SVG_NS}}}{local}")
    _clean_attributes(source, target)
    target.text = source.text if local in ("text", "tspan", "textPath", "title", "desc") else None
    for child in source:
        copied = _copy(child, count)
        if copied is not None:
            copied.tail = child.tail if local in ("text", "tspan", "textPath") else None
            target.append(copied)
    return target


class _Forbidden(Exception):
    pass


def _forbidden(*args: Any) -> int:
    raise _Forbidden("DTD or entity")


def _qualified(name: str) -> str:
    return "{" + name if "}" in name else name


def _parse(data: bytes) -> ET.Element:
    """The document as a tree, read by expat as defusedxml would (not installed): any DTD or
    entity declaration stops it, should one slip past the check in ``sanitise_svg`` (another
    encoding), and no external entity is ever fetched."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = lambda tag, attrs: builder.start(
        _qualified(tag), {_qualified(key): value for key, value in attrs.items()}
    )
    parser.EndElementHandler = lambda tag: builder.end(_qualified(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _forbidden
    parser.EntityDeclHandler = _forbidden
    parser.UnparsedEntityDeclHandler = _forbidden
    parser.ExternalEntityRefHandler = _forbidden
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.Parse(data, True)
    return builder.close()


def sanitise_svg(data: bytes) -> bytes:
    """The drawing rebuilt from whitelisted elements and attributes; ``ValidationError`` when
    it is not an SVG document, or declares a DTD or entities (billion laughs, external files)."""
    if DOCUMENT_TYPE.search(data):
        raise ValidationError(
            _("The SVG drawing may not declare a document type or entities."), code="svg_dtd"
        )
    try:
        root = _parse(data)
    except (expat.ExpatError, _Forbidden, ValueError) as error:
        raise ValidationError(_("The SVG drawing could not be read."), code="svg") from error
    if root.tag != f"{{{SVG_NS}}}svg":
        raise _refused()
    cleaned = _copy(root, [0])
    assert cleaned is not None
    body = _serialise(cleaned, root=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def _serialise(element: ET.Element, root: bool = False) -> str:
    """Written out by hand: every element is an SVG one, every attribute a plain one."""
    _namespace, local = _local(element.tag)
    attributes = {"xmlns": SVG_NS} if root else {}
    for name, value in element.attrib.items():
        attributes["xml:space" if name == f"{{{XML_NS}}}space" else name] = value
    start = local + "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items())
    inner = escape(element.text or "") + "".join(
        _serialise(child) + escape(child.tail or "") for child in element
    )
    return f"<{start}>{inner}</{local}>" if inner else f"<{start}/>"
