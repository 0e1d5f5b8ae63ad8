"""City administrators grant, revoke and invite; every grant and revoke is audited."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from budaya.accounts.models import AuditEntry, Role, RoleGrant, User
from budaya.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_city_admin_lists_only_users_of_their_government(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    body = client.get(reverse("accounts:user_list")).content.decode()
    assert "w.pegawai" in body and "w.admin.serang" not in body
    other = reverse("accounts:user_detail", args=[world.foreign_user.pk])
    assert client.get(other).status_code == 404


def test_grant_and_revoke_are_audited(client, world):
    admin = world.user(Role.CITY_ADMIN)
    target = world.user(Role.EMPLOYEE)
    client.force_login(admin)
    url = reverse("accounts:user_detail", args=[target.pk])
    response = client.post(
        url, {"role": Role.UNIT_TEAM, "government": world.government.pk, "unit": world.agency.pk}
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=target, role=Role.UNIT_TEAM)
    assert grant.granted_by == admin
    granted = AuditEntry.objects.get(action="grant")
    assert granted.after == {
        "user": "w.pegawai",
        "role": "unit_team",
        "government": world.government.pk,
        "unit": world.agency.pk,
    }
    assert granted.government == world.government

    client.post(reverse("accounts:grant_revoke", args=[target.pk, grant.pk]))
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    revoked = AuditEntry.objects.get(action="revoke")
    assert revoked.before["role"] == "unit_team" and revoked.previous_hash == granted.hash


def test_an_admin_cannot_revoke_their_own_administration(client, world):
    admin = world.user(Role.CITY_ADMIN)
    client.force_login(admin)
    grant = admin.role_grants.get()
    response = client.post(reverse("accounts:grant_revoke", args=[admin.pk, grant.pk]))
    assert response.status_code == 403
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_system_admin_appoints_city_admins_only(client, world):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    target = world.user(Role.EMPLOYEE)
    url = reverse("accounts:user_detail", args=[target.pk])
    client.post(url, {"role": Role.CITY_ADMIN, "government": world.other_government.pk})
    assert target.role_grants.filter(role=Role.CITY_ADMIN).exists()
    response = client.post(
        url, {"role": Role.UNIT_TEAM, "government": world.government.pk, "unit": world.agency.pk}
    )
    assert response.status_code == 200 and "form-errors" in response.content.decode()


def _newcomer(world, nip: str, name: str, sex: str):
    """An employee of the world's agency without an account yet."""
    from budaya.org.models import Employee

    return Employee.objects.create(
        government=world.government, unit=world.agency, nip=nip, name=name, sex=sex, status="PNS"
    )


def test_invitation_links_the_employee_and_lets_the_user_choose_a_password(
    client, world, django_capture_on_commit_callbacks
):
    newcomer = _newcomer(world, "198001012005011001", "Agus Baru", "L")
    client.force_login(world.user(Role.CITY_ADMIN))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user_invite"),
            {
                "username": "agus",
                "first_name": "Agus",
                "last_name": "Baru",
                "email": "agus@contoh.go.id",
                "nip": newcomer.nip,
                "role": Role.EMPLOYEE,
                "government": world.government.pk,
                "unit": world.agency.pk,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="agus")
    assert user.employee == newcomer and not user.has_usable_password()
    assert user.has_role(Role.EMPLOYEE)
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"invite", "grant"}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["agus@contoh.go.id"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)

    client.logout()
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    new_password = "sandi-baru-yang-cukup-panjang"
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert client.login(username="198001012005011001", password=new_password)
    # The link works once.
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]


def test_invitation_reads_the_number_as_people_write_it_and_asks_for_a_role(client, world):
    newcomer = _newcomer(world, "199112252019082214", "Siti Nia", "P")
    client.force_login(world.user(Role.CITY_ADMIN))
    form = client.get(reverse("accounts:user_invite")).content.decode()
    # No role preselected: the first of the list was the government's administrator.
    assert re.search(r'<select name="role"[^>]*>\s*<option value="" selected>', form)
    fields = {
        "username": "siti.nia",
        "first_name": "Siti",
        "email": "siti.nia@contoh.go.id",
        "nip": "19911225 201908 2 214",  # as printed on a decree: cut at 18 characters before
        "government": world.government.pk,
        "unit": world.agency.pk,
    }
    response = client.post(reverse("accounts:user_invite"), fields)
    assert (
        response.status_code == 200
        and "Bidang ini tidak boleh kosong." in response.content.decode()
    )
    assert not User.objects.filter(username="siti.nia").exists()
    response = client.post(reverse("accounts:user_invite"), {**fields, "role": Role.EMPLOYEE})
    assert response.status_code == 302
    assert User.objects.get(username="siti.nia").employee == newcomer


def test_invitation_refuses_an_employee_of_another_government(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.post(
        reverse("accounts:user_invite"),
        {
            "username": "penyusup",
            "first_name": "Dewi",
            "email": "dewi@contoh.go.id",
            "nip": world.foreign_employee.nip,
            "role": Role.EMPLOYEE,
            "government": world.government.pk,
            "unit": world.agency.pk,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="penyusup").exists()


@pytest.mark.parametrize(
    ("username", "accepted"),
    # "a@b.id" is refused: sign-in reads a name with "@" as an e-mail address, so that user
    # could never sign in by the name (budaya.accounts.backends.find_user).
    [("siti.aminah", True), ("budi_s-2", True), ("a@b.id", False), ("siti aminah", False)],
)
def test_invitation_accepts_dotted_user_names_as_the_demo_logins_have(
    client, world, username, accepted
):
    """Issue 23, part 1: every demo login is "first.last"; the form refused the dot."""
    client.force_login(world.user(Role.CITY_ADMIN))
    client.post(
        reverse("accounts:user_invite"),
        {
            "username": username,
            "first_name": "Siti",
            "email": "siti@contoh.go.id",
            "role": Role.EMPLOYEE,
            "government": world.government.pk,
            "unit": world.agency.pk,
        },
    )
    assert User.objects.filter(username=username).exists() is accepted


def test_password_reset_by_email(client, world):
    user = world.user(Role.LEADERSHIP)
    user.email = "sekda@contoh.go.id"
    user.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "SEKDA@contoh.go.id"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1 and "/password-reset/" in mail.outbox[0].body
    # Unknown addresses get the same answer and no e-mail.
    client.post(reverse("accounts:password_reset"), {"email": "siapa@contoh.go.id"})
    assert len(mail.outbox) == 1


def test_own_account_page_lists_roles(client, world):
    client.login(username="w.kepala", password=PASSWORD)
    body = client.get(reverse("accounts:account")).content.decode()
    assert "Dinas Pendidikan" in body


@pytest.mark.parametrize("username", ["admin.contoh", "budi.santoso-2", "w_admin"])
def test_invitation_accepts_a_dotted_user_name(client, world, username):
    """Governments name accounts like admin.contoh (issue 23)."""
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.post(
        reverse("accounts:user_invite"),
        {
            "username": username,
            "first_name": "Admin",
            "email": f"{username}@contoh.go.id",
            "role": Role.EMPLOYEE,
            "government": world.government.pk,
            "unit": world.agency.pk,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username=username).exists()


@pytest.mark.parametrize("username", ["admin@contoh", "198503152010011002", "admin contoh"])
def test_invitation_refuses_a_user_name_sign_in_would_misread(client, world, username):
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.post(
        reverse("accounts:user_invite"),
        {
            "username": username,
            "first_name": "Admin",
            "email": "admin@contoh.go.id",
            "role": Role.EMPLOYEE,
            "government": world.government.pk,
            "unit": world.agency.pk,
        },
    )
    assert response.status_code == 200
    assert "Gunakan huruf, angka, titik" in response.content.decode()
    assert not User.objects.filter(username=username).exists()
