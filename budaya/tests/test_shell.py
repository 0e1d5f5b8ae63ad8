"""The app shell: health check, sign-in, language, error pages, navigation by role."""

import pytest
from django.test import override_settings
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pages_require_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_interface_is_indonesian_by_default_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert "Masuk" in response.content.decode()


def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert "Sign in" in page
    client.post(reverse("set_language"), {"language": "id", "next": "/login/"})
    assert "Masuk" in client.get(reverse("login")).content.decode()


def test_sign_in_with_wrong_password_says_so_in_indonesian(client, city_admin):
    response = client.post(reverse("login"), {"username": city_admin.username, "password": "salah"})
    assert response.status_code == 200
    assert "dan sandi yang benar" in response.content.decode()


def test_navigation_follows_the_role(client, make_user, government, city_admin):
    plain = make_user("pegawai", Role.EMPLOYEE, government)
    client.force_login(plain)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("frameworks:list")}"' in page
    assert f'href="{reverse("org:government_list")}"' not in page
    client.force_login(city_admin)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("org:government_list")}"' in page


def test_404_page_has_the_site_look(client, city_admin):
    client.force_login(city_admin)
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Halaman tidak ditemukan" in body
    assert "budaya.css" in body


def test_403_page_for_a_role_without_access(client, make_user, government):
    client.force_login(make_user("pegawai", Role.EMPLOYEE, government))
    response = client.get(reverse("org:government_create"))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


@override_settings(DEBUG=False)
def test_500_page_renders_without_a_request_context(client):
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "Terjadi kesalahan" in body


def test_content_security_policy_forbids_inline_code(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_sign_in_lands_on_home(client, city_admin):
    response = client.post(
        reverse("login"), {"username": city_admin.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Kota Tangerang" in response.content.decode()
