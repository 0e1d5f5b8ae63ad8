"""TOTP secrets encrypted at rest, recovery codes (issue 17, part 6)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from types import SimpleNamespace

import pyotp
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from budaya.accounts import crypto
from budaya.accounts.models import RecoveryCode, Role, SystemAuditEntry, TwoFactorDevice
from budaya.accounts.tests.test_sign_in import enrol, sign_in, signed_in_as

pytestmark = pytest.mark.django_db

MIGRATION = "budaya.accounts.migrations.0007_sign_in_attempts_recovery_codes_encrypted_totp"


def stored_secret(device: TwoFactorDevice) -> str:
    """The secret column as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_twofactordevice WHERE id = %s", [device.pk])
        return str(cursor.fetchone()[0])


def test_the_secret_is_stored_encrypted_with_the_key_from_the_settings(client, world, settings):
    key = Fernet.generate_key().decode()
    settings.BUDAYA_FIELD_KEYS = [key]
    admin = world.user(Role.CITY_ADMIN)
    secret = enrol(client, admin)
    raw = stored_secret(TwoFactorDevice.objects.get(user=admin))
    assert secret not in raw
    assert Fernet(key.encode()).decrypt(raw.encode()).decode() == secret
    assert TwoFactorDevice.objects.get(user=admin).secret == secret
    # Another key cannot read it.
    settings.BUDAYA_FIELD_KEYS = [Fernet.generate_key().decode()]
    assert not crypto.is_encrypted(raw)


def test_the_migration_encrypts_secrets_stored_in_plain_text(world, settings):
    settings.BUDAYA_FIELD_KEYS = [Fernet.generate_key().decode()]
    admin = world.user(Role.CITY_ADMIN)
    device = TwoFactorDevice.objects.create(user=admin, secret="JBSWY3DPEHPK3PXP")
    with connection.cursor() as cursor:  # as stored before issue 17
        cursor.execute(
            "UPDATE accounts_twofactordevice SET secret = %s WHERE id = %s",
            ["JBSWY3DPEHPK3PXP", device.pk],
        )
    migration = importlib.import_module(MIGRATION)
    editor = SimpleNamespace(connection=connection)
    migration.encrypt_secrets(None, editor)
    migration.encrypt_secrets(None, editor)  # twice: an encrypted secret is left alone
    assert stored_secret(device) != "JBSWY3DPEHPK3PXP"
    assert TwoFactorDevice.objects.get(pk=device.pk).secret == "JBSWY3DPEHPK3PXP"
    migration.decrypt_secrets(None, editor)
    assert stored_secret(device) == "JBSWY3DPEHPK3PXP"


def test_keys_rotate(client, world, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.BUDAYA_FIELD_KEYS = [old]
    admin = world.user(Role.CITY_ADMIN)
    secret = enrol(client, admin)
    settings.BUDAYA_FIELD_KEYS = [new, old]
    assert TwoFactorDevice.objects.get(user=admin).secret == secret
    call_command("rotate_field_keys", verbosity=0)
    settings.BUDAYA_FIELD_KEYS = [new]
    assert TwoFactorDevice.objects.get(user=admin).secret == secret


def test_the_deploy_check_warns_about_the_development_key():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "budaya.settings.production",
        "SECRET_KEY": "x" * 64,
        "REDIS_URL": "redis://cache.internal:6379/0",
        "BUDAYA_AUDIT_KEYS": "k1:" + "QUJD" * 11,  # production refuses to start without
    }
    env.pop("BUDAYA_FIELD_KEYS", None)
    command = [sys.executable, "manage.py", "check", "--deploy"]
    warned = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert "budaya.accounts.W001" in warned.stdout + warned.stderr
    env["BUDAYA_FIELD_KEYS"] = Fernet.generate_key().decode()
    quiet = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert "budaya.accounts.W001" not in quiet.stdout + quiet.stderr


# --- Recovery codes ---------------------------------------------------------------------------


def enrol_with_codes(client, user) -> tuple[str, list[str]]:
    client.force_login(user)
    secret = client.get(reverse("accounts:two_factor")).context["secret"]
    response = client.post(
        reverse("accounts:two_factor"), {"code": pyotp.TOTP(secret).now()}, follow=True
    )
    codes = response.context["codes"]
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:recovery_codes")
    assert all(code in body for code in codes)
    client.logout()
    return secret, codes


def test_enrolment_shows_ten_recovery_codes_once_and_stores_them_hashed(client, world):
    admin = world.user(Role.CITY_ADMIN)
    _secret, codes = enrol_with_codes(client, admin)
    assert len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=admin).values_list("digest", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)
    client.force_login(admin)
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "Tersisa 10 kode pemulihan" in again


def test_a_recovery_code_signs_in_once_in_place_of_a_totp_code(client, world):
    admin = world.user(Role.CITY_ADMIN)
    _secret, codes = enrol_with_codes(client, admin)
    sign_in(client, "w.admin")
    typed = codes[3].upper().replace("-", " ")  # as someone might type it
    response = client.post(reverse("accounts:sign_in_code"), {"code": typed})
    assert response.status_code == 302
    assert signed_in_as(client) == "w.admin"
    assert SystemAuditEntry.objects.filter(action="use_recovery", object_id=str(admin.pk)).exists()
    client.logout()
    sign_in(client, "w.admin")
    reused = client.post(reverse("accounts:sign_in_code"), {"code": codes[3]})
    assert reused.status_code == 200 and "form-errors" in reused.content.decode()
    # Another unused code still works.
    assert client.post(reverse("accounts:sign_in_code"), {"code": codes[4]}).status_code == 302


def test_new_recovery_codes_need_a_totp_code_and_replace_the_old_ones(client, world):
    admin = world.user(Role.CITY_ADMIN)
    secret, old_codes = enrol_with_codes(client, admin)
    client.force_login(admin)
    refused = client.post(reverse("accounts:recovery_codes"), {"code": "000000"})
    assert refused.status_code == 200 and "form-errors" in refused.content.decode()
    device = TwoFactorDevice.objects.get(user=admin)
    device.last_step = 0  # the enrolment's step may be the current one
    device.save()
    response = client.post(
        reverse("accounts:recovery_codes"), {"code": pyotp.TOTP(secret).now()}, follow=True
    )
    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    actions = SystemAuditEntry.objects.filter(object_id=str(admin.pk)).values_list(
        "action", flat=True
    )
    assert list(actions).count("recovery_codes") == 2
    client.logout()
    sign_in(client, "w.admin")
    assert client.post(reverse("accounts:sign_in_code"), {"code": old_codes[0]}).status_code == 200
    assert client.post(reverse("accounts:sign_in_code"), {"code": new_codes[0]}).status_code == 302


def test_turning_two_factor_off_removes_the_recovery_codes(client, world):
    user = world.user(Role.EMPLOYEE)
    secret, _codes = enrol_with_codes(client, user)
    client.force_login(user)
    device = TwoFactorDevice.objects.get(user=user)
    device.last_step = 0
    device.save()
    client.post(reverse("accounts:two_factor"), {"code": pyotp.TOTP(secret).now()})
    assert not TwoFactorDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()


def test_the_secret_being_set_up_is_not_kept_in_plain_text_in_the_session(client, world):
    from django.contrib.sessions.models import Session

    client.force_login(world.user(Role.EMPLOYEE))
    first = client.get(reverse("accounts:two_factor")).context["secret"]
    assert all(first not in str(s.get_decoded()) for s in Session.objects.all())
    # The same secret on the next visit, until it is confirmed.
    assert client.get(reverse("accounts:two_factor")).context["secret"] == first


def test_new_recovery_codes_wait_for_their_page_encrypted(client, world):
    import re

    client.force_login(world.user(Role.EMPLOYEE))
    secret = client.get(reverse("accounts:two_factor")).context["secret"]
    client.post(reverse("accounts:two_factor"), {"code": pyotp.TOTP(secret).now()})
    waiting = str(dict(client.session.items()))
    assert not re.search(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}", waiting)
    codes = client.get(reverse("accounts:recovery_codes")).context["codes"]
    assert len(codes) == 10 and all(code not in waiting for code in codes)
