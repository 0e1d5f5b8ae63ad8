"""Sign-in lockout (issue 17, part 5): the attacks of the issue, scripted as described.

Counted per account the identifier resolves to and per client address (with a ceiling across
accounts), in the shared cache; every refusal logged and shown to the city administrator; the
same lockout message whether the account exists or not.
"""

from __future__ import annotations

import logging
import os
import random
import subprocess
import sys

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from django.urls import reverse

from budaya.accounts import throttle
from budaya.accounts.models import Role, SignInAttempt, SystemSignInAttempt
from budaya.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "salah-sekali"
LOCKED = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."
INVALID = "Masukkan nama pengguna (atau e-mail atau NIP) dan kata sandi yang benar."
NIP = "199001012015032001"


def sign_in(client, identifier, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": identifier, "password": password}, REMOTE_ADDR=address
    )


def errors(response) -> list[str]:
    """The errors the sign-in page shows (none after a successful sign-in)."""
    if response.status_code == 302:
        return []
    return [str(error) for error in response.context["form"].non_field_errors()]


def signed_in(client) -> bool:
    return client.get(reverse("accounts:account")).status_code == 200


@pytest.fixture
def pegawai(world):
    user = world.user(Role.EMPLOYEE)  # w.pegawai, the employee with NIP 199001012015032001
    user.email = "siti@contoh.go.id"
    user.save()
    return user


def lock_by_user_name(client, address="127.0.0.1") -> None:
    for _attempt in range(4):
        assert errors(sign_in(client, "w.pegawai", WRONG, address))[0].startswith(INVALID[:20])
    assert errors(sign_in(client, "w.pegawai", WRONG, address)) == [LOCKED]


@pytest.mark.parametrize(
    "identifier",
    [
        "w.pegawai",
        "siti@contoh.go.id",
        "SITI@Contoh.go.id",
        NIP,
        "19900101 201503 2 001",
        f" {NIP} ",
        "W.Pegawai",
        "W.PEGAWAI",
    ],
)
def test_a_locked_account_is_refused_by_every_identifier_even_with_the_right_password(
    client, pegawai, identifier
):
    lock_by_user_name(client)
    response = sign_in(client, identifier)
    assert errors(response) == [LOCKED]
    assert LOCKED in response.content.decode()
    assert not signed_in(client)
    # From another address the account is not locked: nobody locks a colleague out from afar.
    assert sign_in(client, identifier, address="10.0.0.9").status_code == 302


def test_the_lockout_message_is_the_same_whether_the_account_exists_or_not(client, pegawai):
    lock_by_user_name(client)
    known = errors(sign_in(client, "w.pegawai"))
    unknown_answers = [errors(sign_in(client, "nobody.here", WRONG)) for _attempt in range(5)]
    # Four "wrong name or password", as for an existing account, then the same lockout...
    assert unknown_answers[:4] == [errors(sign_in(client, "w.sekda", WRONG))] * 4
    assert unknown_answers[4] == known == [LOCKED]
    # ...which another spelling of the unknown name does not dodge either.
    assert errors(sign_in(client, "NOBODY.HERE", WRONG)) == [LOCKED]
    assert errors(sign_in(client, " nobody . here", WRONG)) == [LOCKED]


def test_one_address_trying_many_accounts_hits_the_ceiling(client, world, settings):
    assert settings.BUDAYA_LOGIN_ADDRESS_MAX_FAILURES == 20
    accounts = ["w.admin", "w.sekda", "w.kepala", "w.tim", "w.admin.serang"]
    # Four guesses on each of five accounts: never five on one, twenty from the address.
    answers = [errors(sign_in(client, name, WRONG)) for name in accounts for _guess in range(4)]
    assert answers[-1] == [LOCKED]
    assert all(answer != [LOCKED] for answer in answers[:-1])
    # Now every account is refused from this address, the right password too, untried ones too.
    for name in ["w.pegawai", "w.tim.kesehatan", "w.admin", NIP]:
        assert errors(sign_in(client, name)) == [LOCKED]
    assert not signed_in(client)
    # Another address is not touched.
    assert sign_in(client, "w.tim.kesehatan", address="10.0.0.9").status_code == 302


def test_unknown_identifiers_count_for_the_address_too(client, world):
    for number in range(20):
        sign_in(client, f"tebakan{number}", WRONG)
    assert errors(sign_in(client, "w.admin")) == [LOCKED]


def test_a_success_does_not_reset_the_address_count(client, world):
    """An attacker holding one valid account must not reset the ceiling between guesses."""
    accounts = ["w.admin", "w.sekda", "w.kepala", "w.tim"]
    for name in accounts:
        for _guess in range(4):
            sign_in(client, name, WRONG)
    for _guess in range(3):
        sign_in(client, "w.admin.serang", WRONG)
    # 19 failures: the attacker signs in with the account they hold, and out again.
    assert sign_in(client, "w.pegawai").status_code == 302
    client.post(reverse("logout"))
    assert errors(sign_in(client, "w.tim.kesehatan", WRONG)) == [LOCKED]
    assert errors(sign_in(client, "w.pegawai")) == [LOCKED]


def test_a_success_resets_only_the_count_of_its_own_account(client, world):
    for _guess in range(4):
        sign_in(client, "w.admin", WRONG)
    assert sign_in(client, "w.admin").status_code == 302
    client.post(reverse("logout"))
    # Four more: the account's own count started again, so not locked.
    for _guess in range(4):
        assert errors(sign_in(client, "w.admin", WRONG)) != [LOCKED]


def test_the_counts_live_in_the_cache(client, pegawai):
    lock_by_user_name(client)
    assert errors(sign_in(client, NIP)) == [LOCKED]
    cache.clear()  # as another process would find a shared cache emptied
    assert sign_in(client, NIP).status_code == 302


def _redis_url() -> str:
    return os.environ.get("BUDAYA_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def test_a_lockout_is_seen_by_another_process_through_redis(client, pegawai):
    """Production keeps the counts in Redis (REDIS_URL): a lockout earned against one worker
    process refuses the account in every other one."""
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url(),
        }
    }
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    with override_settings(CACHES=redis_cache):
        try:
            caches["default"].get("budaya:probe")
        except Exception:
            pytest.skip(f"no Redis at {_redis_url()}")
        lock_by_user_name(client, address)
        subject = throttle.subject("w.pegawai", pegawai)
        probe = (
            "import django; django.setup(); from budaya.accounts import throttle; "
            f"print(throttle.locked_for(subject={subject!r}, address={address!r}))"
        )
        try:
            other = subprocess.run(
                [sys.executable, "-c", probe],
                env={**os.environ, "REDIS_URL": _redis_url()},
                capture_output=True,
                text=True,
                check=True,
            )
            assert int(other.stdout) > 14 * 60
        finally:
            caches["default"].delete_many(
                [
                    throttle._key("locked", subject, address),
                    throttle._key("address-failures", address),
                ]
            )


def test_production_counts_in_redis_and_deploy_check_warns_without_it():
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "budaya.settings.production",
        "SECRET_KEY": "x" * 64,
        "BUDAYA_AUDIT_KEYS": "k1:" + "QUJD" * 11,  # production refuses to start without
    }
    probe = "import django; django.setup(); from django.conf import settings as s; "
    probe += "print(s.CACHES['default']['BACKEND'])"
    with_redis = {**base, "REDIS_URL": "redis://cache.internal:6379/0"}
    backend = subprocess.run(
        [sys.executable, "-c", probe], env=with_redis, capture_output=True, text=True, check=True
    )
    assert backend.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    base.pop("REDIS_URL", None)
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=base,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "budaya.accounts.W002" in check.stdout + check.stderr


# --- The log of refused sign-ins ----------------------------------------------------------------


def test_every_failed_and_locked_sign_in_is_logged(client, world, pegawai, caplog):
    caplog.set_level(logging.WARNING, logger="budaya.signin")
    lock_by_user_name(client, "10.1.2.3")
    sign_in(client, "19900101 201503 2 001", address="10.1.2.3")  # refused: locked
    sign_in(client, "orang.asing", WRONG, address="10.1.2.4")
    attempts = SignInAttempt.objects.order_by("at", "pk")
    assert [(a.result, a.identifier) for a in attempts] == [("failed", "w.pegawai")] * 5 + [
        ("locked", "19900101 201503 2 001")
    ]
    assert {(a.government_id, a.user_id, a.remote_addr, a.step) for a in attempts} == {
        (world.government.pk, pegawai.pk, "10.1.2.3", "password")
    }
    unknown = SystemSignInAttempt.objects.get()
    assert (unknown.identifier, unknown.user_id, unknown.result) == ("orang.asing", None, "failed")
    lines = [r.getMessage() for r in caplog.records if r.name == "budaya.signin"]
    assert len(lines) == 7 and all("\n" not in line for line in lines)
    assert lines[5] == (
        "Sign-in refused: result=locked step=password identifier='19900101 201503 2 001' "
        f"account={pegawai.pk} address=10.1.2.3"
    )


def test_the_typed_identifier_is_kept_truncated(client, world):
    sign_in(client, "x" * 500, WRONG)
    assert SystemSignInAttempt.objects.get().identifier == "x" * 64


def test_the_city_administrator_sees_refused_sign_ins_of_their_government(client, world, pegawai):
    lock_by_user_name(client, "10.1.2.3")
    sign_in(client, NIP, address="10.1.2.3")  # refused: locked
    sign_in(client, "w.admin.serang", WRONG, address="10.9.9.9")  # the other government's
    sign_in(client, "orang.asing", WRONG, address="10.8.8.8")  # no account
    client.force_login(world.user(Role.CITY_ADMIN))
    page = client.get(reverse("accounts:sign_in_attempts"))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count("10.1.2.3") == 6 and "Ditolak: terkunci" in body
    assert "10.9.9.9" not in body and "orang.asing" not in body
    locked_only = client.get(reverse("accounts:sign_in_attempts"), {"result": "locked"})
    assert locked_only.context["page"].paginator.count == 1
    by_address = client.get(reverse("accounts:sign_in_attempts"), {"address": "10.1.2.3"})
    assert by_address.context["page"].paginator.count == 6
    # The audit trail links to it.
    audit = client.get(reverse("accounts:audit_list")).content.decode()
    assert reverse("accounts:sign_in_attempts") in audit
    # The other government's administrator sees their own account's failure only.
    client.force_login(world.foreign_user)
    other = client.get(reverse("accounts:sign_in_attempts")).content.decode()
    assert "10.9.9.9" in other and "10.1.2.3" not in other
    # The system administrator sees the attempt on a name that matches no account.
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    system = client.get(reverse("accounts:sign_in_attempts")).content.decode()
    assert "orang.asing" in system and "10.1.2.3" not in system


def test_the_refused_sign_ins_page_pages(client, world):
    for number in range(55):
        sign_in(client, "w.sekda", WRONG, address=f"10.0.{number}.1")
    client.force_login(world.user(Role.CITY_ADMIN))
    first = client.get(reverse("accounts:sign_in_attempts"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("accounts:sign_in_attempts"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_a_wrong_code_at_the_second_step_is_counted_and_logged(client, world):
    from budaya.accounts.tests.test_sign_in import enrol

    admin = world.user(Role.CITY_ADMIN)
    enrol(client, admin)
    sign_in(client, "w.admin")
    for _guess in range(5):
        client.post(reverse("accounts:sign_in_code"), {"code": "000000"})
    page = client.post(reverse("accounts:sign_in_code"), {"code": "000000"})
    assert LOCKED in page.content.decode()
    results = list(SignInAttempt.objects.filter(step="code").values_list("result", flat=True))
    assert sorted(results) == ["failed"] * 5 + ["locked"]


def test_two_older_user_names_differing_only_in_case_each_sign_in(client, world, make_user):
    make_user("Budi.Lama")
    make_user("budi.lama")
    assert sign_in(client, "Budi.Lama").status_code == 302
    client.post(reverse("logout"))
    assert sign_in(client, "budi.lama").status_code == 302
    client.post(reverse("logout"))
    # Another spelling names neither: refused.
    assert errors(sign_in(client, "BUDI.LAMA")) != []


def test_addresses_of_one_ipv6_subscriber_count_together(client, world):
    """A /64 is one subscriber: a new address for each guess does not escape the ceiling."""
    accounts = ["w.admin", "w.sekda", "w.kepala", "w.tim", "w.admin.serang"]
    guesses = [(name, guess) for name in accounts for guess in range(4)]
    for number, (name, _guess) in enumerate(guesses):
        sign_in(client, name, WRONG, address=f"2001:db8:1:2::{number + 1:x}")
    assert errors(sign_in(client, "w.pegawai", address="2001:db8:1:2:ffff::9")) == [LOCKED]
    assert sign_in(client, "w.pegawai", address="2001:db8:1:3::1").status_code == 302
