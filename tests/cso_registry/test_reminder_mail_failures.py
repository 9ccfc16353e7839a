"""Issue 17, reproduced: with the SMTP port closed, `remind_cso_verification` saved the first CSO
as reminded, sent nothing, stopped before the next CSO, and the next run skipped the first —
its reminder was gone. Now a reminder counts only once it has gone out, and every one goes out
when the mail server is back."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from cso_registry.models import CSOHistoryEntry, Membership
from tests.factories import CSOFactory, MembershipFactory
from tests.mail_servers import REFUSING_MAILERS

TODAY = datetime.date(2026, 11, 28)
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def overdue_cso_with_admin():
    cso = CSOFactory(verified_on=datetime.date(2025, 6, 1))
    admin = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
    return cso, admin


def sweep_as_if_later():
    """The scheduler's sweep once the pause before the next try has passed."""
    from kyodo_portal import outbox
    from kyodo_portal.models import OutgoingMail

    OutgoingMail.objects.filter(status="pending").update(
        next_attempt_at=datetime.datetime.now(datetime.UTC)
    )
    return outbox.send_due()


@pytest.mark.django_db(transaction=True)
def test_a_closed_mail_port_loses_no_reminder_and_marks_nobody_reminded(settings):
    first, first_admin = overdue_cso_with_admin()
    second, second_admin = overdue_cso_with_admin()
    settings.MAILERS = REFUSING_MAILERS

    call_command("remind_cso_verification", "--today", TODAY.isoformat())

    for cso in (first, second):
        cso.refresh_from_db()
        assert cso.verification_reminded_on is None  # nothing went out: nobody is reminded
        assert not cso.history.filter(action=CSOHistoryEntry.Action.REMINDED).exists()

    settings.MAILERS = LOCMEM
    call_command("remind_cso_verification", "--today", "2026-11-29")
    assert mail.outbox == []  # the next run queues no second reminder while the first waits

    assert sweep_as_if_later() == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [first_admin.email, second_admin.email]
    )
    for cso in (first, second):
        cso.refresh_from_db()
        assert cso.verification_reminded_on == TODAY
        assert cso.history.filter(action=CSOHistoryEntry.Action.REMINDED).count() == 1

    call_command("remind_cso_verification", "--today", "2026-11-30")
    sweep_as_if_later()
    assert len(mail.outbox) == 2  # once per overdue period


@pytest.mark.django_db(transaction=True)
def test_a_reminder_that_failed_for_good_is_queued_again_by_the_next_run(settings):
    cso, admin = overdue_cso_with_admin()
    settings.MAILERS = REFUSING_MAILERS
    settings.MAIL_MAX_ATTEMPTS = 1

    call_command("remind_cso_verification", "--today", TODAY.isoformat())
    settings.MAILERS = LOCMEM
    call_command("remind_cso_verification", "--today", "2026-11-29")

    assert [message.to for message in mail.outbox] == [[admin.email]]
    cso.refresh_from_db()
    assert cso.verification_reminded_on == datetime.date(2026, 11, 29)
