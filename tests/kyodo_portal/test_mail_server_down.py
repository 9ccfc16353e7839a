"""Issue 17, reproduced: a mail server that refuses made the person's request a 500 although
their action was saved, and Django dropped the after-commit callbacks registered after the mail
(a page-cache retirement among them). Now the mail waits in the outbox and nothing else fails."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from kyodo_portal.notifications import notify_after_commit
from tests.cso_registry.test_signup import signup_data
from tests.mail_servers import REFUSING_MAILERS

User = get_user_model()


@pytest.mark.django_db(transaction=True)
def test_a_refused_mail_costs_the_action_nothing_and_later_commit_callbacks_still_run(settings):
    settings.MAILERS = REFUSING_MAILERS
    later = []
    with transaction.atomic():
        notify_after_commit(to=["a@example.jp"], template="test_notice", context={"name": "佐賀"})
        transaction.on_commit(lambda: later.append("page cache retired"))

    assert later == ["page cache retired"]
    from kyodo_portal.models import OutgoingMail

    row = OutgoingMail.objects.get()
    assert (row.status, row.attempts) == (OutgoingMail.Status.PENDING, 1)
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at - row.last_attempt_at == datetime.timedelta(seconds=60)


@pytest.mark.django_db(transaction=True)
def test_sign_up_answers_as_usual_when_the_mail_server_refuses_and_the_mail_waits(client, settings):
    settings.MAILERS = REFUSING_MAILERS

    response = client.post(reverse("account:signup"), signup_data())

    assert response.status_code == 200
    assert "メールを確認してください" in response.text
    assert User.objects.filter(email="tanaka@example.jp").exists()
    from kyodo_portal.models import OutgoingMail

    row = OutgoingMail.objects.get(to="tanaka@example.jp")
    assert row.status == OutgoingMail.Status.PENDING
    assert row.template == "account_confirm_email"
