"""Issue 17, part 6: a bad Host header answers 400; Permissions-Policy on every response; a 403
logs one line."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from budaya.accounts.models import Role
from budaya.middleware import PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db

PRODUCTION_HOSTS = ["budaya.tangerangkota.go.id"]


@override_settings(ALLOWED_HOSTS=PRODUCTION_HOSTS)
@pytest.mark.parametrize("path", ["/", "/login/", "/users/", "/no-such-page/", "/healthz"])
def test_a_bad_host_header_answers_400(client, path, caplog):
    response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "400" in response.content.decode()
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    # A scanner's probe is not an error of ours: one warning line, no traceback.
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records] == [
        (
            "WARNING",
            "Invalid HTTP_HOST header: 'evil.example'. "
            "You may need to add 'evil.example' to ALLOWED_HOSTS.",
            None,
        )
    ]


@override_settings(ALLOWED_HOSTS=PRODUCTION_HOSTS)
def test_a_bad_host_header_answers_400_to_a_signed_in_user(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    assert client.get("/users/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/users/", HTTP_HOST=PRODUCTION_HOSTS[0]).status_code == 200


def test_every_response_carries_a_permissions_policy(client, world):
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY
    answers = [
        client.get(reverse("login")),  # 200
        client.get(reverse("home")),  # 302
        client.get("/no-such-page/"),  # 404
    ]
    client.force_login(world.user(Role.EMPLOYEE))
    answers.append(client.get(reverse("accounts:user_list")))  # 403
    assert [a.status_code for a in answers] == [200, 302, 404, 403]
    assert all(a["Permissions-Policy"] == PERMISSIONS_POLICY for a in answers)


def test_a_refused_request_logs_one_line_with_path_and_user(client, world, caplog):
    employee = world.user(Role.EMPLOYEE)
    client.force_login(employee)
    with caplog.at_level(logging.WARNING):
        assert client.get(reverse("accounts:user_list")).status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert len(refused) == 1
    record = refused[0]
    assert record.getMessage() == f"Forbidden: /users/ user={employee.pk}"
    assert record.exc_info is None and record.exc_text is None
    assert "Traceback" not in caplog.text
