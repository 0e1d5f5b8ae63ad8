"""Sign-in: by user name, e-mail or NIP; lockout; safe next=; two-factor codes."""

import pyotp
import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from budaya.accounts.models import Role, SystemAuditEntry, TwoFactorDevice
from budaya.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def sign_in(client, identifier, password=PASSWORD, address="127.0.0.1", **extra):
    data = {"username": identifier, "password": password, **extra}
    return client.post(reverse("login"), data, REMOTE_ADDR=address)


def signed_in_as(client):
    return client.get(reverse("accounts:account")).context["user"].username


@pytest.mark.parametrize("identifier", ["w.pegawai", "SITI@contoh.go.id", "199001012015032001"])
def test_sign_in_by_user_name_email_or_nip(client, world, identifier):
    user = world.user(Role.EMPLOYEE)
    user.email = "siti@contoh.go.id"
    user.save()
    response = sign_in(client, identifier)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == "w.pegawai"


def test_wrong_password_and_inactive_users_are_refused(client, world):
    assert sign_in(client, "199001012015032001", "salah-sekali").status_code == 200
    user = world.user(Role.EMPLOYEE)
    user.is_active = False
    user.save()
    assert sign_in(client, "w.pegawai").status_code == 200


def test_five_failures_lock_the_account_from_that_address_for_fifteen_minutes(client, world):
    for _attempt in range(4):
        body = sign_in(client, "w.admin", "salah-sekali").content.decode()
        assert "Terlalu banyak" not in body
    body = sign_in(client, "w.admin", "salah-sekali").content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit." in body
    # Even the right password is refused while locked...
    assert sign_in(client, "w.admin").status_code == 200
    # ...from this address; another address, or another account, is not locked.
    assert sign_in(client, "w.admin", address="10.0.0.9").status_code == 302
    client.logout()
    assert sign_in(client, "w.sekda").status_code == 302


def test_a_success_resets_the_failure_count(client, world):
    for _attempt in range(4):
        sign_in(client, "w.admin", "salah-sekali")
    assert sign_in(client, "w.admin").status_code == 302
    client.logout()
    for _attempt in range(4):
        sign_in(client, "w.admin", "salah-sekali")
    assert sign_in(client, "w.admin").status_code == 302


def test_next_may_only_point_to_this_site(client, world):
    response = sign_in(client, "w.admin", next="https://evil.example/steal")
    assert response["Location"] == reverse("home")
    client.logout()
    response = sign_in(client, "w.admin", next="//evil.example/")
    assert response["Location"] == reverse("home")
    client.logout()
    response = sign_in(client, "w.admin", next="/users/")
    assert response["Location"] == "/users/"


def enrol(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("accounts:two_factor"))
    secret = page.context["secret"]
    assert secret in page.content.decode()
    code = pyotp.TOTP(secret).now()
    response = client.post(reverse("accounts:two_factor"), {"code": code})
    assert response.status_code == 302
    client.logout()
    return secret


def test_two_factor_enrolment_and_sign_in(client, world):
    admin = world.user(Role.CITY_ADMIN)
    secret = enrol(client, admin)
    assert TwoFactorDevice.objects.filter(user=admin).exists()
    assert SystemAuditEntry.objects.filter(action="enable_2fa", object_id=str(admin.pk)).exists()

    response = sign_in(client, "w.admin", next="/users/")
    assert response["Location"] == reverse("accounts:sign_in_code")
    # The password alone does not open a session.
    assert client.get(reverse("home")).status_code == 302
    bad = client.post(reverse("accounts:sign_in_code"), {"code": "000000"})
    assert bad.status_code == 200 and "form-errors" in bad.content.decode()
    # A code of the step already used at enrolment is not accepted again (no replay)...
    device = TwoFactorDevice.objects.get(user=admin)
    device.last_step = 0
    device.save()
    code = pyotp.TOTP(secret).now()
    response = client.post(reverse("accounts:sign_in_code"), {"code": code})
    assert response.status_code == 302 and response["Location"] == "/users/"
    assert signed_in_as(client) == "w.admin"
    client.logout()
    sign_in(client, "w.admin")
    replay = client.post(reverse("accounts:sign_in_code"), {"code": code})
    assert replay.status_code == 200


def test_the_code_step_without_a_password_step_goes_back_to_sign_in(client, world):
    response = client.post(reverse("accounts:sign_in_code"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("login")


@override_settings(BUDAYA_REQUIRE_2FA_FOR_ADMINS=True)
def test_administrators_must_enrol_when_the_settings_say_so(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
    # An employee is not asked.
    client.force_login(world.user(Role.EMPLOYEE))
    assert client.get(reverse("home")).status_code == 200


@override_settings(BUDAYA_REQUIRE_2FA_FOR_ADMINS=True)
def test_after_enrolment_the_administrator_goes_on(client, world):
    admin = world.user(Role.CITY_ADMIN)
    client.force_login(admin)
    secret = client.get(reverse("accounts:two_factor")).context["secret"]
    client.post(reverse("accounts:two_factor"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(reverse("accounts:user_list")).status_code == 200
    # Required: it cannot be turned off.
    response = client.post(reverse("accounts:two_factor"), {"code": "123456"})
    assert response.status_code == 403


def test_session_and_cookie_settings(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_production_settings_are_hardened():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "budaya.settings.production",
        "SECRET_KEY": "x" * 64 + "-a-long-random-production-key",
        # Without these two the deploy checks warn (issue 17): budaya.accounts.W001 and W002.
        "BUDAYA_FIELD_KEYS": "Q2hhbmdlTWVDaGFuZ2VNZUNoYW5nZU1lQ2hhbmdlTWU=",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "BUDAYA_AUDIT_KEYS": "k1:" + "QUJD" * 11,  # 33 bytes: not the development key
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.BUDAYA_REQUIRE_2FA_FOR_ADMINS)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.split() == ["True", "True", "True"]
