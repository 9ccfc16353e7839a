import datetime
import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from outreach import services
from outreach.models import Event, Registration
from tests.factories import UserFactory
from tests.outreach.factories import EventFactory, RegistrationFactory

BASE = "http://testserver/"


def link_in(message, name):
    path = reverse(f"outreach:{name}", args=["TOKEN"]).replace("TOKEN/", "")
    match = re.search(re.escape(path) + r"([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(0).removeprefix("http://testserver")


@pytest.mark.django_db
def test_logged_in_person_gets_a_seat_while_seats_are_free():
    event = EventFactory(capacity=2)

    registration = services.registration_create(event=event, user=UserFactory())

    assert registration.status == Registration.Status.CONFIRMED
    assert event.seats_left() == 1


@pytest.mark.django_db
def test_when_the_event_is_full_the_next_person_goes_on_the_waiting_list():
    event = EventFactory(capacity=1)
    services.registration_create(event=event, user=UserFactory())

    second = services.registration_create(event=event, user=UserFactory())

    assert second.status == Registration.Status.WAITLISTED
    assert second.waitlisted_at is not None
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 1


@pytest.mark.django_db
def test_registering_twice_is_refused_and_adds_nothing():
    event = EventFactory()
    user = UserFactory()
    services.registration_create(event=event, user=user)

    with pytest.raises(services.DomainError, match="すでに申し込まれています"):
        services.registration_create(event=event, user=user)
    assert event.registrations.count() == 1


@pytest.mark.django_db(transaction=True)
def test_cancellation_moves_the_first_on_the_waiting_list_up_and_tells_them():
    event = EventFactory(capacity=1)
    first = services.registration_create(event=event, user=UserFactory())
    waiting = [services.registration_create(event=event, user=UserFactory()) for _ in range(2)]
    mail.outbox.clear()

    promoted = services.registration_cancel(registration=first, by=first.user)

    assert [r.pk for r in promoted] == [waiting[0].pk]
    statuses = dict(event.registrations.values_list("pk", "status"))
    assert statuses == {
        first.pk: Registration.Status.CANCELLED,
        waiting[0].pk: Registration.Status.CONFIRMED,
        waiting[1].pk: Registration.Status.WAITLISTED,
    }
    assert [m.to for m in mail.outbox] == [[waiting[0].email]]
    assert "参加が確定しました" in mail.outbox[0].subject
    assert "/events/registrations/cancel/" in mail.outbox[0].body


@pytest.mark.django_db
def test_cancelling_a_waiting_list_place_promotes_nobody():
    event = EventFactory(capacity=1)
    services.registration_create(event=event, user=UserFactory())
    second = services.registration_create(event=event, user=UserFactory())
    third = services.registration_create(event=event, user=UserFactory())

    promoted = services.registration_cancel(registration=second, by=second.user)

    assert promoted == []
    third.refresh_from_db()
    assert third.status == Registration.Status.WAITLISTED


@pytest.mark.django_db
def test_someone_else_cannot_cancel_my_place():
    event = EventFactory()
    mine = services.registration_create(event=event, user=UserFactory())

    with pytest.raises(services.DomainError):
        services.registration_cancel(registration=mine, by=UserFactory())
    mine.refresh_from_db()
    assert mine.status == Registration.Status.CONFIRMED


@pytest.mark.django_db
def test_cancelling_after_the_start_is_refused():
    event = EventFactory()
    mine = services.registration_create(event=event, user=UserFactory())
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    with pytest.raises(services.DomainError, match="開始後"):
        services.registration_cancel(registration=mine, by=mine.user)


@pytest.mark.django_db
def test_raising_the_capacity_fills_seats_from_the_waiting_list_in_order():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    later = RegistrationFactory(
        event=event,
        status=Registration.Status.WAITLISTED,
        waitlisted_at=timezone.now(),
        confirmed_at=None,
    )
    earlier = RegistrationFactory(
        event=event,
        status=Registration.Status.WAITLISTED,
        waitlisted_at=timezone.now() - datetime.timedelta(hours=1),
        confirmed_at=None,
    )
    Event.objects.filter(pk=event.pk).update(capacity=2)

    promoted = services.event_fill_from_waiting_list(event=event)

    assert [r.pk for r in promoted] == [earlier.pk]
    later.refresh_from_db()
    assert later.status == Registration.Status.WAITLISTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Event.Status.DRAFT}, "まだ申込を受け付けていません"),
        ({"status": Event.Status.CANCELLED}, "中止"),
        (
            {"registration_closes_at": timezone.now() - datetime.timedelta(hours=1)},
            "受付は終了",
        ),
    ],
)
def test_registration_is_refused_when_the_event_does_not_take_it(changes, message):
    event = EventFactory(**changes)

    with pytest.raises(services.DomainError, match=message):
        services.registration_create(event=event, user=UserFactory())
    assert not event.registrations.exists()


@pytest.mark.django_db
def test_staff_training_takes_staff_only():
    event = EventFactory(kind=Event.Kind.STAFF_TRAINING)

    with pytest.raises(services.DomainError, match="県職員のみ"):
        services.registration_create(event=event, user=UserFactory())
    with pytest.raises(services.DomainError, match="県職員のみ"):
        services.registration_request_as_guest(
            event=event, name="外部 太郎", email="guest@example.jp"
        )
    staff = services.registration_create(event=event, user=UserFactory(is_staff=True))
    assert staff.status == Registration.Status.CONFIRMED


# Guests confirm by email ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_guest_registration_holds_no_seat_until_the_emailed_link_is_confirmed(client):
    event = EventFactory(capacity=1)
    response = client.post(
        reverse("outreach:event_register", args=[event.pk]),
        {
            "name": "外部 花子",
            "email": "Hanako@Example.jp",
            "organisation": "",
            "note": "",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    assert registration.email == "hanako@example.jp"
    assert event.seats_left() == 1
    assert [m.to for m in mail.outbox] == [["hanako@example.jp"]]
    confirm_path = link_in(mail.outbox[0], "registration_confirm")

    # Opening the link only shows a button: link checkers in mail systems must not confirm.
    page = client.get(confirm_path)
    assert page.status_code == 200
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING

    client.post(confirm_path)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert event.seats_left() == 0
    assert "参加が確定しました" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_guest_confirmation_after_the_event_filled_up_lands_on_the_waiting_list():
    event = EventFactory(capacity=1)
    pending = services.registration_request_as_guest(
        event=event, name="外部 花子", email="hanako@example.jp"
    )
    services.registration_create(event=event, user=UserFactory())

    confirmed = services.registration_confirm(token=services.confirmation_token(pending))

    assert confirmed.status == Registration.Status.WAITLISTED


@pytest.mark.django_db
def test_an_expired_confirmation_link_is_refused_and_changes_nothing(client, monkeypatch):
    event = EventFactory()
    pending = services.registration_request_as_guest(
        event=event, name="外部 花子", email="hanako@example.jp"
    )
    token = services.confirmation_token(pending)
    later = timezone.now() + services.CONFIRMATION_MAX_AGE + datetime.timedelta(minutes=1)
    monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())

    response = client.post(reverse("outreach:registration_confirm", args=[token]))

    assert response.status_code == 400
    assert "有効期限が切れています" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Registration.Status.PENDING


@pytest.mark.django_db
def test_a_tampered_confirmation_link_is_refused(client):
    event = EventFactory()
    pending = services.registration_request_as_guest(
        event=event, name="外部 花子", email="hanako@example.jp"
    )
    token = services.confirmation_token(pending)

    response = client.post(reverse("outreach:registration_confirm", args=[token[:-2] + "xx"]))

    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == Registration.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_guest_form_does_not_reveal_that_an_address_is_already_registered(client):
    event = EventFactory()
    RegistrationFactory(event=event, email="taken@example.jp")
    data = {
        "name": "誰か",
        "email": "taken@example.jp",
        "organisation": "",
        "note": "",
        "consent": "on",
    }

    response = client.post(reverse("outreach:event_register", args=[event.pk]), data, follow=True)

    assert "確認のメールをお送りしました" in response.content.decode()
    assert event.registrations.count() == 1
    assert "すでにお申し込み済み" in mail.outbox[0].subject


@pytest.mark.django_db
def test_guest_form_requires_consent_and_a_valid_email(client):
    event = EventFactory()

    response = client.post(
        reverse("outreach:event_register", args=[event.pk]),
        {"name": "外部 花子", "email": "not-an-email", "organisation": "", "note": ""},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "個人情報の取扱いへの同意が必要です" in html
    assert "有効なメールアドレス" in html
    assert not Registration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_guest_cancels_with_the_emailed_link_and_the_seat_moves_on(client):
    event = EventFactory(capacity=1)
    guest = services.registration_request_as_guest(
        event=event, name="外部 花子", email="hanako@example.jp"
    )
    services.registration_confirm(token=services.confirmation_token(guest))
    waiting = services.registration_create(event=event, user=UserFactory())
    cancel_path = link_in(mail.outbox[1], "registration_cancel")

    client.post(cancel_path)

    guest.refresh_from_db()
    waiting.refresh_from_db()
    assert guest.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    assert client.post(cancel_path).status_code == 400


@pytest.mark.django_db
def test_event_cancel_tells_everyone_with_a_place(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, email="a@example.jp")
    RegistrationFactory(
        event=event,
        email="b@example.jp",
        status=Registration.Status.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    RegistrationFactory(event=event, email="c@example.jp", status=Registration.Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, by=None)

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.jp", "b@example.jp"]
    with pytest.raises(services.DomainError):
        services.event_cancel(event=event, by=None)
