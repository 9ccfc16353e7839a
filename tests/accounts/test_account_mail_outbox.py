"""The accounts' mail (sign-up confirmation, password reset through Django's views, address
change) goes through the outbox like every other mail: recorded, sent after commit, and — since
each holds a one-time link — never shown in the admin and blanked once sent."""

import pytest
from django.urls import reverse

from kyodo_portal.models import OutgoingMail
from tests.accounts.test_recovery_and_settings import PASSWORD
from tests.cso_registry.test_signup import signup_data
from tests.factories import UserFactory
from tests.mail_servers import REFUSING_MAILERS

pytestmark = pytest.mark.django_db


def sent_through_outbox(template):
    mail = OutgoingMail.objects.get(template=template)
    return mail.status, mail.holds_secret_link, mail.body


@pytest.mark.parametrize(
    "template, action",
    [
        (
            "account_confirm_email",
            lambda client, user: client.post(reverse("account:signup"), signup_data()),
        ),
        (
            "password_reset",
            lambda client, user: client.post(
                reverse("accounts:password_reset"), {"email": user.email}
            ),
        ),
        (
            "account_confirm_new_email",
            lambda client, user: (
                client.force_login(user)
                or client.post(
                    reverse("accounts:change_email"),
                    {"email-new_email": "new@example.jp", "email-password": PASSWORD},
                )
            ),
        ),
    ],
)
def test_account_mail_is_recorded_sent_after_commit_and_its_link_blanked(
    client, mailoutbox, django_capture_on_commit_callbacks, template, action
):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        action(client, user)

    status, secret, body = sent_through_outbox(template)
    assert (status, secret) == (OutgoingMail.Status.SENT, True)
    assert "http" not in body  # the link went out by mail and is kept nowhere
    assert any("http" in message.body for message in mailoutbox)


def test_a_password_reset_while_the_mail_server_refuses_waits_in_the_outbox(client, settings):
    settings.MAILERS = REFUSING_MAILERS
    user = UserFactory()

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": user.email})

    assert response.status_code == 302
    mail = OutgoingMail.objects.get(template="password_reset")
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.PENDING, 1)
