"""Every mail through the outbox (kyodo_portal/outbox.py): recorded with the action, sent by a
task after commit, retried with growing pauses, visible to 県民協働課 after the last try."""

import datetime
import time

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kyodo_portal import outbox
from kyodo_portal.models import OutgoingMail
from kyodo_portal.notifications import notify_after_commit
from tests.mail_servers import REFUSING_MAILERS, SMTPSink


def notify(address="a@example.jp", **context):
    return notify_after_commit(
        to=[address], template="test_notice", context={"name": "佐賀", **context}
    )


def make_due(mail_row):
    """As if the pause before the next try had passed."""
    OutgoingMail.objects.filter(pk=mail_row.pk).update(next_attempt_at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_nothing_is_recorded_when_the_action_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        notify()
        raise RuntimeError("rolled back")

    assert not OutgoingMail.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_is_tried_again_with_growing_pauses_then_marked_failed(settings):
    settings.MAILERS = REFUSING_MAILERS
    settings.MAIL_MAX_ATTEMPTS = 3
    settings.MAIL_RETRY_SECONDS = 60
    notify()
    row = OutgoingMail.objects.get()
    assert outbox.send(row.pk) is None  # not due: the pause is not over

    make_due(row)
    assert outbox.send(row.pk) == OutgoingMail.Status.PENDING
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at - row.last_attempt_at == datetime.timedelta(seconds=240)

    make_due(row)
    assert outbox.send(row.pk) == OutgoingMail.Status.FAILED
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == (OutgoingMail.Status.FAILED, 3, None)
    make_due(row)
    assert outbox.send_due() == 0  # failed for good: only a person sends it again


@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_what_is_due_and_a_mail_a_dead_sender_left_sending(settings):
    settings.MAILERS = REFUSING_MAILERS
    waiting = notify("waiting@example.jp")[0]
    stuck = notify("stuck@example.jp")[0]
    OutgoingMail.objects.filter(pk=stuck.pk).update(
        status=OutgoingMail.Status.SENDING,
        claimed_at=timezone.now() - outbox.STUCK_AFTER - datetime.timedelta(seconds=1),
    )
    make_due(waiting)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    assert outbox.send_due() == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["stuck@example.jp", "waiting@example.jp"]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    assert outbox.send_due() == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_a_mail_is_sent_once_however_many_tasks_ask_for_it():
    row = notify()[0]
    assert len(mail.outbox) == 1

    assert outbox.send(row.pk) is None
    assert outbox.send(row.pk) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<kyodo-mail-{row.pk}.")


@pytest.mark.django_db
def test_coordinator_finds_failed_mail_and_sends_it_again_once(
    client, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = REFUSING_MAILERS
    settings.MAIL_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        notify("lost@example.jp")
    row = OutgoingMail.objects.get()
    assert row.status == OutgoingMail.Status.FAILED
    client.force_login(coordinator)
    changelist = reverse("admin:kyodo_portal_outgoingmail_changelist")

    page = client.get(changelist, {"status__exact": "failed"})
    assert page.status_code == 200
    assert "lost@example.jp" in page.text
    assert "lost@example.jp" not in client.get(changelist, {"status__exact": "sent"}).text

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "resend", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutgoingMail.Status.SENT, 1)
    assert [m.to for m in mail.outbox] == [["lost@example.jp"]]


@pytest.mark.django_db
def test_only_the_coordinating_division_sees_the_outgoing_mail(client, promoter):
    client.force_login(promoter)
    assert client.get(reverse("admin:kyodo_portal_outgoingmail_changelist")).status_code == 403


@pytest.mark.django_db
def test_a_mail_with_a_one_time_link_is_not_shown_in_the_admin_and_is_blanked_once_sent(
    client, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = REFUSING_MAILERS
    with django_capture_on_commit_callbacks(execute=True):
        notify_after_commit(
            to=["new@example.jp"],
            template="account_confirm_email",
            context={"confirm_url": "https://example.jp/confirm/SECRET-TOKEN/", "hours": 72},
        )
    row = OutgoingMail.objects.get()
    assert row.holds_secret_link
    client.force_login(coordinator)

    page = client.get(reverse("admin:kyodo_portal_outgoingmail_change", args=[row.pk]))
    assert page.status_code == 200
    assert "SECRET-TOKEN" not in page.text

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    make_due(row)
    outbox.send(row.pk)
    assert "SECRET-TOKEN" in mail.outbox[0].body
    row.refresh_from_db()
    assert "SECRET-TOKEN" not in row.body


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_stopped_mail_server_gets_the_mail_once_after_it_starts_again(settings, capsys):
    """A real SMTP server on a free port: stopped, the mail waits and is retried; started
    again, it receives the mail exactly once."""
    sink = SMTPSink()
    settings.MAILERS = sink.mailer()
    settings.MAIL_RETRY_SECONDS = 1
    started = time.monotonic()

    notify("kyodo@example.jp")  # the port is closed: the first try is refused
    row = OutgoingMail.objects.get()
    assert (row.status, row.attempts) == (OutgoingMail.Status.PENDING, 1)
    assert "ConnectionRefusedError" in row.last_error
    tries = [time.monotonic() - started]

    while row.attempts < 2:  # the sweep every second, as the scheduler does every minute
        time.sleep(0.2)
        outbox.send_due()
        row.refresh_from_db()
    tries.append(time.monotonic() - started)
    assert row.status == OutgoingMail.Status.PENDING

    sink.start()
    try:
        while row.status != OutgoingMail.Status.SENT:
            time.sleep(0.2)
            outbox.send_due()
            row.refresh_from_db()
        tries.append(time.monotonic() - started)
        for _ in range(3):
            outbox.send_due()
        assert len(sink.messages) == 1
        assert sink.messages[0]["To"] == "kyodo@example.jp"
        assert row.attempts == 3
    finally:
        sink.stop()
    with capsys.disabled():
        print(
            "\nmail retry timings (MAIL_RETRY_SECONDS=1): tries at "
            + ", ".join(f"{t:.2f} s" for t in tries)
        )
