"""Finding 5 of the trust issue: nobody can make the portal send mail at will. What an
anonymous or new person can do that sends mail or creates records is limited per client
address and per target address; a pending guest registration is never overwritten; a mail to
an address nobody has confirmed carries no text typed by the requester."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cso_registry.models import Membership
from outreach.models import Registration
from tests.factories import CSOFactory, UserFactory
from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db

BAIT = "至急 http://evil.example/login で本人確認を"


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    event = EventFactory()

    def post(email="victim@example.jp", name="佐賀 花子", ip="198.51.100.7", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("outreach:event_register", args=[event.pk]),
                {"name": name, "email": email, "consent": "on", **extra},
                REMOTE_ADDR=ip,
            )

    post.event = event
    return post


def test_many_registrations_from_one_address_are_refused_with_a_429(register, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "guest_registration:ip": "5/h"}

    statuses = [register(email=f"person{i}@example.jp").status_code for i in range(8)]

    assert statuses == [302] * 5 + [429] * 3
    assert Registration.objects.count() == 5
    assert len(mail.outbox) == 5


def test_one_target_address_gets_no_more_than_its_rate_of_mail(register, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "guest_registration:email": "3/h"}

    answers = [register(ip=f"198.51.100.{i}") for i in range(25)]

    assert {answer.status_code for answer in answers} == {302}  # the same answer every time
    assert len(mail.outbox) == 3
    assert Registration.objects.count() == 1


def test_a_pending_registration_is_never_overwritten_the_address_gets_a_notice(register):
    register(name="佐賀 花子", organisation="さが見守りネット", note="車いす席を希望")
    register(name="別人 次郎", organisation="別の会", note="書き換え")

    registration = Registration.objects.get()
    assert (registration.name, registration.organisation, registration.note) == (
        "佐賀 花子",
        "さが見守りネット",
        "車いす席を希望",
    )
    assert len(mail.outbox) == 2
    assert "確認待ち" in mail.outbox[1].body
    assert "/registrations/" not in mail.outbox[1].body  # no link to confirm the first request


def test_mail_to_an_unconfirmed_address_carries_no_text_the_requester_typed(register):
    register(name=BAIT, organisation=BAIT, note=BAIT)
    register(name=BAIT, organisation=BAIT, note=BAIT)

    for message in mail.outbox:
        assert "evil.example" not in message.subject + message.body
        assert "至急" not in message.body


def test_sign_ups_from_one_address_are_limited(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup:ip": "3/h"}

    statuses = [
        Client()
        .post(
            reverse("account:signup"),
            {
                "full_name": "佐賀 太郎",
                "email": f"new{i}@example.jp",
                "password1": "kyodo-portal-2026!",
                "password2": "kyodo-portal-2026!",
            },
            REMOTE_ADDR="203.0.113.9",
        )
        .status_code
        for i in range(5)
    ]

    assert 429 not in statuses[:3]
    assert statuses[3:] == [429, 429]
    assert not UserFactory._meta.model.objects.filter(email="new4@example.jp").exists()


def test_join_requests_are_limited_per_person(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "join_request:user": "2/d"}
    person = UserFactory()
    client.force_login(person)
    csos = [CSOFactory() for _ in range(4)]

    statuses = [
        client.post(reverse("account:cso_join_request", args=[cso.pk])).status_code for cso in csos
    ]

    assert statuses == [302, 302, 429, 429]
    assert Membership.objects.filter(user=person).count() == 2
