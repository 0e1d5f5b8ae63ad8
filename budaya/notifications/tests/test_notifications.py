"""Workflow events become notifications and e-mails (issue 20): exactly once per recipient,
retried after a mail-server failure, by each user's choice, in the government's own words
(filled in, never run), never across governments."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from budaya.accounts.models import Role
from budaya.events import announce
from budaya.notifications import services
from budaya.notifications.models import Delivery, Email, Notification, Preference, Text

pytestmark = pytest.mark.django_db

KIND = "monev.report.returned"


@pytest.fixture
def tell(django_capture_on_commit_callbacks):
    """Announce an event of the world's government and let it commit."""

    def send(world, recipients, *, key="report:1:returned", government=None, **context):
        with django_capture_on_commit_callbacks(execute=True):
            announce(
                kind=KIND,
                government_id=(government or world.government).pk,
                recipient_ids=[user.pk for user in recipients],
                url="/monev/kota-tangerang/reports/1/",
                key=key,
                context={"period": "Monev 2025", "agency": "Dinas Pendidikan", **context},
                actor_id=world.user(Role.CITY_ADMIN).pk,
            )

    return send


@pytest.fixture
def team(world):
    user = world.user(Role.UNIT_TEAM)
    user.email = "tim@example.id"
    user.save()
    return user


def test_one_notification_and_one_email_per_recipient_even_when_repeated(world, team, tell):
    head = world.user(Role.UNIT_HEAD)
    for _ in range(3):
        tell(world, [team, head], reason="Lampirkan daftar hadir")
    assert Notification.objects.filter(recipient=team).count() == 1
    assert Notification.objects.filter(recipient=head).count() == 1
    # The head has no address: told in the app only.
    assert [m.to for m in mail.outbox] == [["tim@example.id"]]
    message = mail.outbox[0]
    assert message.subject == "Laporan dikembalikan: Dinas Pendidikan, Monev 2025"
    assert "Lampirkan daftar hadir" in message.body
    assert "/monev/kota-tangerang/reports/1/" in message.body
    assert Email.objects.get().status == Email.Status.SENT


def test_the_actor_is_never_told_of_their_own_step(world, team, tell):
    tell(world, [world.user(Role.CITY_ADMIN)])
    assert not Notification.objects.exists()


def test_no_notification_of_another_governments_event(world, team, tell):
    # A user of the second government named as a recipient of the first one's event.
    tell(world, [world.foreign_user, team])
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["w.tim"]
    # And an event of the second government reaches nobody of the first.
    tell(world, [team], key="other", government=world.other_government)
    assert Notification.objects.filter(recipient=team).count() == 1


def test_a_failed_send_is_retried_with_back_off(world, team, tell, monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    tell(world, [team])
    email = Email.objects.get()
    assert (email.status, email.attempts) == (Email.Status.RETRYING, 1)
    assert "SMTPServerDisconnected" in email.last_error
    first_wait = email.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < first_wait <= datetime.timedelta(minutes=1)
    # Before its time nothing is tried again; after it, once more, and it fails again.
    assert services.send_due() == 0
    later = email.next_attempt_at + datetime.timedelta(seconds=1)
    assert services.send_due(later) == 0
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at - later == datetime.timedelta(minutes=5)  # backed off
    # The server is back: the next sweep after the wait sends it, once.
    monkeypatch.undo()
    assert services.send_due(email.next_attempt_at) == 1
    assert services.send_due(email.next_attempt_at + datetime.timedelta(days=1)) == 0
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Email.Status.SENT, 3, "")
    assert len(mail.outbox) == 1


def test_a_send_gives_up_after_the_last_attempt(world, team, tell, monkeypatch):
    monkeypatch.setattr(
        EmailBackend, "send_messages", lambda self, m: (_ for _ in ()).throw(OSError("down"))
    )
    tell(world, [team])
    moment = timezone.now()
    for _ in range(services.MAX_ATTEMPTS):
        moment += datetime.timedelta(days=1)
        services.send_due(moment)
    email = Email.objects.get()
    assert (email.status, email.attempts) == (Email.Status.FAILED, services.MAX_ATTEMPTS)


def test_preferences_app_only_and_digest(client, world, team, tell):
    client.force_login(team)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Satu e-mail sehari (ringkasan)" in page
    response = client.post(
        reverse("notifications:preferences"), {"delivery": Delivery.APP, "language": "id"}
    )
    assert response.status_code == 302
    assert Preference.objects.get(user=team).delivery == Delivery.APP
    tell(world, [team], key="a")
    assert Notification.objects.filter(recipient=team).count() == 1
    assert mail.outbox == []
    # A digest reader gets nothing at once, then one e-mail with every notification of the day.
    client.post(
        reverse("notifications:preferences"), {"delivery": Delivery.DIGEST, "language": "en"}
    )
    tell(world, [team], key="b", period="First period")
    tell(world, [team], key="c", period="Second period")
    assert mail.outbox == []
    today = timezone.localdate()
    assert services.send_digests(today) == 1
    assert services.send_digests(today) == 0  # once
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject == f"Kota Tangerang: 2 notifications of {today:%d-%m-%Y}"
    assert "Report returned: Dinas Pendidikan, First period" in digest.body
    assert "Report returned: Dinas Pendidikan, Second period" in digest.body
    # Told in the app only before the choice: not in the digest.
    assert "Laporan dikembalikan" not in digest.body


def test_a_governments_own_text_is_used_and_never_run(client, world, team, tell, settings):
    admin = world.user(Role.CITY_ADMIN)
    client.force_login(admin)
    url = reverse("notifications:text_edit", args=[world.government.slug, KIND, "id"])
    attack = "{{ settings.SECRET_KEY }} {% load static %} {period}"
    response = client.post(url, {"subject": "Perbaiki: {period}", "body": attack})
    assert response.status_code == 302
    own = Text.objects.get(government=world.government, kind=KIND, language="id")
    assert own.body == attack
    tell(world, [team])
    message = mail.outbox[0]
    assert message.subject == "Perbaiki: Monev 2025"
    assert message.body == "{{ settings.SECRET_KEY }} {% load static %} Monev 2025"
    assert settings.SECRET_KEY not in message.body
    # The other government keeps the shipped text.
    assert not Text.objects.filter(government=world.other_government).exists()


def test_an_unknown_placeholder_is_refused_with_the_list(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    url = reverse("notifications:text_edit", args=[world.government.slug, KIND, "en"])
    page = client.post(url, {"subject": "{secret}", "body": "x"}).content.decode()
    assert "Placeholder tidak dikenal: {secret}" in page
    assert not Text.objects.exists()


def test_the_bell_counts_unread_and_reading_clears_it(client, world, team, tell):
    tell(world, [team], key="a")
    tell(world, [team], key="b")
    other = world.other_agency_user
    tell(world, [other], key="c")
    client.force_login(team)
    page = client.get(reverse("home")).content.decode()
    assert 'class="bell"' in page and "2 belum dibaca" in page
    mine = Notification.objects.filter(recipient=team).first()
    theirs = Notification.objects.get(recipient=other)
    # Marking another user's notification read does nothing.
    client.post(reverse("notifications:read"), {"id": [mine.pk, theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # The write forgot the kept count: the page asks the menu for it once loaded (htmx).
    page = client.get(reverse("notifications:list")).content.decode()
    assert f'hx-get="{reverse("menu")}"' in page and "1 belum dibaca" not in page
    menu = client.get(reverse("menu"), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-swap-oob="true"' in menu and "1 belum dibaca" in menu
    page = client.get(reverse("notifications:list")).content.decode()
    assert "1 belum dibaca" in page and f'hx-get="{reverse("menu")}"' not in page
    client.post(reverse("notifications:read"), {"all": "1"})
    page = client.get(reverse("home")).content.decode()
    assert 'class="bell"' in page and " belum dibaca" not in page


def test_opening_a_notification_marks_it_read_and_goes_there(client, world, team, tell):
    tell(world, [team])
    item = Notification.objects.get()
    client.force_login(team)
    response = client.post(reverse("notifications:read"), {"id": item.pk, "next": item.url})
    assert response["Location"] == item.url
    item.refresh_from_db()
    assert item.read_at is not None
    # Never off-site.
    response = client.post(reverse("notifications:read"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")


def test_the_outbox_shows_status_attempts_and_error(client, world, team, tell, monkeypatch):
    monkeypatch.setattr(
        EmailBackend,
        "send_messages",
        lambda self, m: (_ for _ in ()).throw(smtplib.SMTPAuthenticationError(535, b"bad")),
    )
    tell(world, [team])
    client.force_login(world.user(Role.CITY_ADMIN))
    page = client.get(reverse("notifications:outbox", args=[world.government.slug]))
    html = page.content.decode()
    assert "tim@example.id" in html and "Menunggu dicoba lagi" in html
    assert "SMTPAuthenticationError" in html
    # The second government's city administrator does not see it.
    client.force_login(world.foreign_user)
    assert (
        client.get(reverse("notifications:outbox", args=[world.government.slug])).status_code == 404
    )
    page = client.get(reverse("notifications:outbox", args=[world.other_government.slug]))
    assert "tim@example.id" not in page.content.decode()
