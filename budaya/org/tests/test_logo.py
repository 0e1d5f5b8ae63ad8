"""Issue 17, part 6: the government's logo is a PNG, a JPEG or a cleaned SVG, checked by content,
stored under a generated name and served with the type of its content and a policy that runs
nothing."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from budaya.org.models import Government

pytestmark = pytest.mark.django_db

SCRIPTED_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="64" height="64" viewBox="0 0 64 64" onload="alert(document.cookie)">
  <script>alert('svg')</script>
  <script xlink:href="https://evil.example/x.js"/>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#0a0"/></linearGradient></defs>
  <circle cx="32" cy="32" r="30" fill="url(#g)" onclick="steal()" onmouseover="steal()"/>
  <a href="javascript:alert(1)"><rect width="10" height="10"/></a>
  <image href="https://evil.example/track.png" width="1" height="1"/>
  <use xlink:href="https://evil.example/sprite.svg#x"/>
  <rect width="5" height="5" fill="url(https://evil.example/p.svg#p)" style="fill:url('http://evil.example/a')"/>
  <foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example"/></body></foreignObject>
  <style>@import url(https://evil.example/a.css);</style>
  <animate attributeName="href" to="javascript:alert(1)"/>
  <text x="4" y="60">Kota Uji</text>
</svg>
"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def picture(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def _post(client, government: Government, upload) -> object:
    return client.post(
        reverse("org:government_edit", args=[government.slug]),
        {
            "name": government.name,
            "slug": government.slug,
            "kind": government.kind,
            "kemendagri_code": government.kemendagri_code,
            "head_title": government.head_title,
            "timezone": government.timezone,
            "logo": upload,
        },
    )


def _stored(government: Government) -> bytes:
    government.refresh_from_db()
    with government.logo.open("rb") as handle:
        return bytes(handle.read())


def test_html_named_logo_png_is_refused(client, government, city_admin):
    client.force_login(city_admin)
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    response = _post(client, government, SimpleUploadedFile("logo.png", html, "image/png"))
    assert response.status_code == 200
    assert "Logo harus berupa gambar PNG atau JPEG atau gambar SVG" in response.content.decode()
    government.refresh_from_db()
    assert not government.logo


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.gif", picture("GIF")),
        ("logo.png", picture("GIF")),  # a GIF by content, whatever its name
        ("logo.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>"),  # only a signature
        ("logo.svg", BILLION_LAUGHS),
        ("logo.svg", EXTERNAL_ENTITY),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"</svg>'),
        ("logo.svg", b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>'),
    ],
)
def test_what_is_not_a_png_jpeg_or_svg_is_refused(client, government, city_admin, name, data):
    client.force_login(city_admin)
    response = _post(client, government, SimpleUploadedFile(name, data))
    assert response.status_code == 200 and 'id="id_logo_error"' in response.content.decode()
    government.refresh_from_db()
    assert not government.logo


def test_an_svg_with_scripts_is_stored_cleaned(client, government, city_admin):
    client.force_login(city_admin)
    response = _post(client, government, SimpleUploadedFile("../../logo.svg", SCRIPTED_SVG))
    assert response.status_code == 302
    stored = _stored(government).decode()
    assert re.fullmatch(rf"logos/{government.pk}/[0-9a-f]{{32}}\.svg", government.logo.name)
    for banned in (
        "script",
        "onload",
        "onclick",
        "onmouseover",
        "javascript",
        "evil.example",
        "foreignObject",
        "iframe",
        "<image",
        "<style",
        "@import",
        "animate",
        "<a ",
    ):
        assert banned not in stored, banned
    # The drawing itself is kept, and its internal reference still works.
    assert "<circle" in stored and 'fill="url(#g)"' in stored and "Kota Uji" in stored
    served = client.get(reverse("org:government_logo", args=[government.slug]))
    assert served["Content-Type"] == "image/svg+xml"
    assert served["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_png_named_jpg_is_served_as_png(client, government, city_admin):
    client.force_login(city_admin)
    response = _post(client, government, SimpleUploadedFile("logo.jpg", picture("PNG")))
    assert response.status_code == 302
    assert re.fullmatch(rf"logos/{government.pk}/[0-9a-f]{{32}}\.png", _stored_name(government))
    served = client.get(reverse("org:government_logo", args=[government.slug]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert (
        served["Content-Disposition"].startswith("inline")
        and ".png" in (served["Content-Disposition"])
    )
    assert Image.open(io.BytesIO(served.content)).format == "PNG"


def test_a_jpeg_keeps_no_trailing_payload(client, government, city_admin):
    """A JPEG with HTML after its end (a polyglot) is encoded again: the payload is gone."""
    client.force_login(city_admin)
    polyglot = picture("JPEG") + b"<html><script>alert(1)</script></html>"
    assert _post(client, government, SimpleUploadedFile("logo.jpeg", polyglot)).status_code == 302
    stored = _stored(government)
    assert b"<script>" not in stored and stored.startswith(b"\xff\xd8\xff")
    served = client.get(reverse("org:government_logo", args=[government.slug]))
    assert served["Content-Type"] == "image/jpeg"


def test_a_new_government_gets_its_logo_under_its_own_folder(client, system_admin):
    client.force_login(system_admin)
    response = client.post(
        reverse("org:government_create"),
        {
            "name": "Kota Logo Uji",
            "slug": "kota-logo-uji",
            "kind": "kota",
            "kemendagri_code": "36.99",
            "head_title": "",
            "timezone": "Asia/Jakarta",
            "logo": SimpleUploadedFile("C:\\fakepath\\evil.php", picture("PNG")),
        },
    )
    assert response.status_code == 302
    government = Government.objects.get(slug="kota-logo-uji")
    assert re.fullmatch(rf"logos/{government.pk}/[0-9a-f]{{32}}\.png", government.logo.name)


def _stored_name(government: Government) -> str:
    government.refresh_from_db()
    return str(government.logo.name)
