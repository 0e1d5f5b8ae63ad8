"""manage.py create_government: the system administrator sets up a government (issue 23)."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from budaya.accounts.audit import verify
from budaya.accounts.models import AuditEntry, Role, RoleGrant, SystemAuditEntry, User
from budaya.org.models import Government

pytestmark = pytest.mark.django_db

CONTOH = [
    "--name=Kabupaten Contoh",
    "--kind=kabupaten",
    "--kemendagri-code=36.03",
    "--slug=kabupaten-contoh",
    "--time-zone=WIB",
]


def test_creates_the_government_and_records_it_in_the_system_chain():
    out = StringIO()
    call_command("create_government", *CONTOH, stdout=out)
    contoh = Government.objects.get(slug="kabupaten-contoh")
    assert (contoh.name, contoh.kind, contoh.kemendagri_code) == (
        "Kabupaten Contoh",
        "kabupaten",
        "36.03",
    )
    # The head's title is its rulebook's: the starter's until it loads its own (issue 18).
    assert contoh.timezone == "Asia/Jakarta" and contoh.head_title == "Kepala Daerah"
    assert "Created Kabupaten Contoh" in out.getvalue()
    entry = SystemAuditEntry.objects.get(object_id=str(contoh.pk))
    assert entry.action == "create" and entry.after["name"] == "Kabupaten Contoh"
    assert not AuditEntry.objects.filter(government=contoh).exists()
    assert verify() is None


def test_an_existing_slug_is_refused_and_nothing_changes():
    call_command("create_government", *CONTOH, stdout=StringIO())
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_government", *CONTOH[:-1], "--time-zone=WIT", stdout=StringIO())
    assert Government.objects.get(slug="kabupaten-contoh").timezone == "Asia/Jakarta"
    assert SystemAuditEntry.objects.count() == 1


def test_invalid_values_are_refused_with_what_to_fix():
    with pytest.raises(CommandError) as refused:
        call_command(
            "create_government",
            "--name=Kabupaten Salah",
            "--kind=kabupaten",
            "--kemendagri-code=36",
            "--slug=Bukan Slug",
            "--time-zone=WIX",
            stdout=StringIO(),
        )
    message = str(refused.value)
    # The form's own messages, in the interface language, each after the option to fix.
    assert "--kemendagri-code: Kota atau kabupaten memiliki kode seperti 36.71." in message
    assert "--slug: Masukkan “slug” valid" in message and "--time-zone: " in message
    assert not Government.objects.filter(name="Kabupaten Salah").exists()


ADMIN = [
    "--admin-username=budi.santoso",
    "--admin-email=budi@contoh.go.id",
    "--admin-first-name=Budi",
    "--operator=ops",
    "--site-url=https://budaya.contoh.go.id/",
]


def test_the_first_administrator_is_invited_with_a_one_time_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_government", *CONTOH, *ADMIN, stdout=out)
    contoh = Government.objects.get(slug="kabupaten-contoh")
    user = User.objects.get(username="budi.santoso")  # a dotted name, as every demo login
    assert not user.has_usable_password()
    grants = RoleGrant.objects.filter(user=user).values_list("role", "government")
    assert list(grants) == [(Role.CITY_ADMIN, contoh.pk)]
    link = re.search(r"https://budaya\.contoh\.go\.id/\S+", out.getvalue()).group()
    [mail] = mailoutbox
    assert (
        mail.to == ["budi@contoh.go.id"] and link in mail.body and "Kabupaten Contoh" in mail.body
    )
    # Audited in the new government's chain, naming the operator who ran the command.
    invite, grant = AuditEntry.objects.filter(government=contoh).order_by("sequence")
    assert (invite.action, grant.action) == ("invite", "grant")
    assert invite.after["operator"] == grant.after["operator"] == "ops"
    assert verify() is None
    # The link sets the password once; then the new administrator signs in to the government.
    path = link.removeprefix("https://budaya.contoh.go.id")
    form = client.get(path, follow=True)
    assert form.status_code == 200
    chosen = {"new_password1": "Kabupaten-Contoh-2026", "new_password2": "Kabupaten-Contoh-2026"}
    assert client.post(form.redirect_chain[-1][0], chosen).status_code == 302
    user.refresh_from_db()
    assert user.check_password("Kabupaten-Contoh-2026")
    again = client.get(path, follow=True).content.decode()
    assert "new_password1" not in again  # used once: no form any more


def test_a_taken_administrator_name_leaves_no_government_behind(django_user_model):
    django_user_model.objects.create_user(username="Budi.Santoso", email="lain@contoh.go.id")
    with pytest.raises(CommandError, match=re.escape("--admin-username: 'budi.santoso' is taken")):
        call_command("create_government", *CONTOH, *ADMIN, stdout=StringIO())
    with pytest.raises(CommandError, match="go together"):
        call_command("create_government", *CONTOH, "--admin-username=x.y", stdout=StringIO())
    assert not Government.objects.exists() and not SystemAuditEntry.objects.exists()
