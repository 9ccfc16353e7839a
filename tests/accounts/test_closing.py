"""Closing one's own account (/my/account/close/): refused for a CSO's last 管理者 and for staff
(nothing changes); otherwise it does exactly what the page says, model by model, in one
transaction, and mails a last notice to the address it had. Mail is Django's locmem outbox."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import personal_data
from accounts.closing import CLOSED_EMAIL_DOMAIN, account_close
from accounts.personal_data import Blocker, ClosingRefused, ClosingStep, closing_steps
from cso_registry.models import CSOHistoryEntry, Membership
from evaluations import services as evaluation_services
from evaluations.models import EvaluationPart, Side
from kyodo_portal.models import AccountSession
from outreach.models import Registration
from outreach.services import registration_create
from proposals.models import AgreementParty, ConsultationEntry, ProgressReport, Proposal
from tests.evaluations.conftest import fill_and_submit, make_agreement
from tests.factories import MembershipFactory, ProposalFactory, UserFactory
from tests.outreach.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "test-password-123"
CLOSE = {"password": PASSWORD, "understood": "on"}


def sign_in(email, password=PASSWORD):
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": password})
    assert response.status_code == 302
    return client


@pytest.fixture
def mail(mailoutbox, django_capture_on_commit_callbacks):
    """Run a request and return the mails it sent (after its transaction committed)."""

    def run(action):
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = action()
        return response, mailoutbox[before:]

    return run


@pytest.fixture
def person(db):
    """A メンバー of one CSO and one of two 管理者 of another, with a request waiting at a third."""
    user = UserFactory(full_name="佐賀 花子", email="hanako@example.jp")
    MembershipFactory(user=user, role=Membership.Role.MEMBER)
    admin_of = MembershipFactory(user=user, role=Membership.Role.ADMIN)
    MembershipFactory(cso=admin_of.cso, role=Membership.Role.ADMIN)  # another 管理者 remains
    MembershipFactory(user=user, status=Membership.Status.REQUESTED)
    return user


@pytest.fixture
def records(person, promoter, department):
    """What the person wrote or did that the prefecture keeps."""
    cso = person.memberships.get(role=Membership.Role.MEMBER, status="active").cso
    proposal = ProposalFactory(cso=cso, department=department, created_by=person)
    entry = ConsultationEntry.objects.create(proposal=proposal, text="ご相談です。", author=person)
    agreement = make_agreement(department=department, cso=cso, status="in_progress")
    party = agreement.current_version.parties.get()
    AgreementParty.objects.filter(pk=party.pk).update(
        confirmed_by=person, confirmed_at=timezone.now()
    )
    report = ProgressReport.objects.create(
        agreement=agreement, percent_complete=20, text="始めました。", author=person
    )
    evaluation = evaluation_services.evaluation_start(
        agreement=make_agreement(department=department, cso=cso), by=promoter
    )
    part = fill_and_submit(evaluation, Side.CSO, person)
    return {"proposal": proposal, "entry": entry, "party": party, "report": report, "part": part}


@pytest.fixture
def closed(person, records, mail):
    """The person signed in on two devices, with a second factor, login records, a seat at a
    full upcoming event (someone waits), and a past event attended; then they close."""
    elsewhere = sign_in(person.email)
    client = sign_in(person.email)
    TOTPDevice.objects.create(user=person, name="スマートフォン", confirmed=True)
    AccessAttempt.objects.create(
        username=person.email, ip_address="192.0.2.9", user_agent="x", failures_since_start=2
    )
    full = EventFactory(capacity=1, title="協働推進セミナー 春")
    seat = registration_create(event=full, user=person, organisation="さが見守りネット")
    waiting = RegistrationFactory(
        event=full,
        status=Registration.Status.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now(),
    )
    past_event = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(days=30),
        ends_at=timezone.now() - datetime.timedelta(days=30, hours=-2),
    )
    attended = RegistrationFactory(
        event=past_event,
        user=person,
        name=person.full_name,
        email=person.email,
        organisation="さが見守りネット",
        note="車いす席を希望します。",
    )
    assert AccountSession.objects.filter(user=person).count() == 2
    assert AccessLog.objects.filter(username=person.email).exists()

    response, sent = mail(lambda: client.post(reverse("accounts:close"), CLOSE))

    assert response.status_code == 302
    return {
        "user": User.objects.get(pk=person.pk),
        "old_email": person.email,
        "client": client,
        "elsewhere": elsewhere,
        "sent": sent,
        "seat": seat,
        "waiting": waiting,
        "attended": attended,
        **records,
    }


# --- refused: nothing changes -------------------------------------------------------------


def test_the_last_admin_is_told_to_hand_over_first_and_nothing_changes(client):
    membership = MembershipFactory(role=Membership.Role.ADMIN)
    MembershipFactory(cso=membership.cso, role=Membership.Role.MEMBER)
    user = membership.user
    client.force_login(user)

    page = client.get(reverse("accounts:close"))
    response = client.post(reverse("accounts:close"), CLOSE)

    html = page.content.decode()
    assert membership.cso.name in html
    assert reverse("account:cso_members", args=[membership.cso.pk]) in html
    assert 'name="password"' not in html  # no form while something stops it
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.closed_at is None and user.email.endswith("@example.jp")
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.ACTIVE
    assert client.get(reverse("accounts:settings")).status_code == 200  # still signed in


def test_the_last_admin_is_refused_by_the_service_too():
    membership = MembershipFactory(role=Membership.Role.ADMIN)

    with pytest.raises(ClosingRefused) as refused:
        account_close(user=membership.user)

    assert membership.cso.name in str(refused.value)
    assert User.objects.get(pk=membership.user_id).is_active


def test_staff_close_their_account_through_the_coordinating_division(client, promoter):
    client.force_login(promoter)

    page = client.get(reverse("accounts:close"))
    client.post(reverse("accounts:close"), CLOSE)

    assert "県民協働課に連絡" in page.content.decode()
    promoter.refresh_from_db()
    assert promoter.is_active and promoter.closed_at is None


def test_a_wrong_password_closes_nothing(client, person):
    client.force_login(person)

    response = client.post(reverse("accounts:close"), {**CLOSE, "password": "wrong"})

    assert response.status_code == 400
    assert "パスワードが違います" in response.content.decode()
    person.refresh_from_db()
    assert person.is_active and person.closed_at is None


def test_closing_needs_the_plain_yes(client, person):
    client.force_login(person)

    response = client.post(reverse("accounts:close"), {"password": PASSWORD})

    assert response.status_code == 400
    person.refresh_from_db()
    assert person.is_active


def test_a_step_that_finds_a_blocker_under_lock_rolls_everything_back(person, monkeypatch):
    registration = RegistrationFactory(user=person, email=person.email, organisation="会")

    def refuses(user, placeholder):
        raise ClosingRefused([Blocker("いま別の人が役割を変えました。")])

    monkeypatch.setattr(
        personal_data, "_steps", [*closing_steps(), ClosingStep(key="refuses", run=refuses)]
    )

    with pytest.raises(ClosingRefused):
        account_close(user=person)

    person.refresh_from_db()
    assert person.is_active and person.email == "hanako@example.jp"
    assert not Membership.objects.filter(user=person, status=Membership.Status.LEFT).exists()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert (registration.email, registration.organisation) == (person.email, "会")


def test_signed_out_people_are_sent_to_the_login(client):
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("accounts:close"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- what the page says ---------------------------------------------------------------------


def test_the_page_says_what_closing_does_and_keeps_before_the_person_confirms(client, person):
    client.force_login(person)

    html = client.get(reverse("accounts:close")).content.decode()

    for step in closing_steps():
        for what, how in (*step.does, *step.keeps):
            assert str(what) in html and str(how) in html
    assert 'name="password"' in html and 'name="understood"' in html


# --- what closing does, model by model ---------------------------------------------------


def test_the_login_is_deactivated_and_the_address_replaced(closed):
    user = closed["user"]

    assert not user.is_active
    assert user.closed_at is not None
    assert not user.has_usable_password()
    assert user.email.endswith("@" + CLOSED_EMAIL_DOMAIN) and str(user.pk) in user.email
    assert user.full_name == "佐賀 花子"
    assert user.last_login is None
    assert not user.groups.exists()


def test_every_session_ends_and_the_devices_are_removed(closed):
    user = closed["user"]

    assert not AccountSession.objects.filter(user=user).exists()
    assert closed["elsewhere"].get(reverse("accounts:settings")).status_code == 302
    assert closed["client"].get(reverse("accounts:settings")).status_code == 302
    assert not Session.objects.exists()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_memberships_end_as_a_leave_recorded_in_each_csos_history(closed):
    user = closed["user"]

    statuses = set(Membership.objects.filter(user=user).values_list("status", flat=True))
    assert statuses == {Membership.Status.LEFT}
    for membership in Membership.objects.filter(user=user):
        entry = CSOHistoryEntry.objects.filter(
            cso=membership.cso_id, action=CSOHistoryEntry.Action.MEMBERSHIP, by=user
        ).latest("at")
        assert entry.changes[0]["new"] == Membership.Status.LEFT.label
        assert "佐賀 花子" in entry.changes[0]["label"]


def test_upcoming_registrations_are_cancelled_and_the_waiting_list_moves_up(closed):
    seat = Registration.objects.get(pk=closed["seat"].pk)
    waiting = Registration.objects.get(pk=closed["waiting"].pk)

    assert seat.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED


def test_registrations_lose_their_contact_data_and_keep_the_name(closed):
    user = closed["user"]
    attended = Registration.objects.get(pk=closed["attended"].pk)

    assert attended.status == Registration.Status.CONFIRMED
    assert attended.name == "佐賀 花子"
    assert attended.email == user.email  # the placeholder
    assert attended.organisation == "" and attended.note == ""
    assert not Registration.objects.filter(email=closed["old_email"]).exists()


def test_login_records_keep_no_address(closed):
    old = closed["old_email"]

    assert not AccessLog.objects.filter(username__iexact=old).exists()
    assert AccessLog.objects.filter(username=closed["user"].email).exists()
    assert not AccessAttempt.objects.filter(username__iexact=old).exists()


def test_the_prefectures_records_keep_the_name_only(closed):
    user = closed["user"]

    assert Proposal.objects.get(pk=closed["proposal"].pk).created_by_id == user.pk
    assert ConsultationEntry.objects.get(pk=closed["entry"].pk).author_id == user.pk
    assert AgreementParty.objects.get(pk=closed["party"].pk).confirmed_by_id == user.pk
    assert ProgressReport.objects.get(pk=closed["report"].pk).author_id == user.pk
    assert EvaluationPart.objects.get(pk=closed["part"].pk).submitted_by_id == user.pk
    assert str(user) == "佐賀 花子"


def test_the_last_notice_goes_to_the_old_address_once_committed(closed):
    sent = closed["sent"]

    assert [message.to for message in sent if "アカウントを閉じました" in message.subject] == [
        [closed["old_email"]]
    ]
    body = next(m.body for m in sent if "アカウントを閉じました" in m.subject)
    for membership in closed["user"].memberships.all():
        assert membership.cso.name in body
    assert "協働推進セミナー 春" in body


def test_nothing_is_mailed_when_closing_is_refused(client, mail):
    membership = MembershipFactory(role=Membership.Role.ADMIN)
    client.force_login(membership.user)

    _response, sent = mail(lambda: client.post(reverse("accounts:close"), CLOSE))

    assert sent == []


# --- afterwards ---------------------------------------------------------------------------


def test_a_closed_account_cannot_sign_in_again(closed, client):
    response = client.post(
        reverse("login"), {"username": closed["old_email"], "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("account:home")).status_code == 302


def test_a_closed_account_gets_no_password_reset(closed, client, mail):
    _response, sent = mail(
        lambda: client.post(reverse("accounts:password_reset"), {"email": closed["old_email"]})
    )

    assert sent == []


def test_the_old_address_can_sign_up_anew(closed, client, mail):
    _response, sent = mail(
        lambda: client.post(
            reverse("account:signup"),
            {
                "full_name": "佐賀 花子",
                "email": closed["old_email"],
                "password1": "kyodo-Portal-2026-x!",
                "password2": "kyodo-Portal-2026-x!",
                "agree": "on",
            },
        )
    )

    new = User.objects.get(email=closed["old_email"])
    assert new.pk != closed["user"].pk and new.closed_at is None
    assert [message.to for message in sent] == [[closed["old_email"]]]
    assert "確認" in sent[0].subject


def test_placeholders_are_unique_per_account(db):
    first, second = (MembershipFactory().user for _ in range(2))

    account_close(user=first)
    account_close(user=second)

    emails = set(User.objects.filter(closed_at__isnull=False).values_list("email", flat=True))
    assert len(emails) == 2


def test_the_other_admin_keeps_the_cso_going(closed):
    cso = closed["user"].memberships.get(role=Membership.Role.ADMIN).cso
    other = Membership.objects.exclude(user=closed["user"]).get(cso=cso)

    assert other.status == Membership.Status.ACTIVE
    assert list(cso.admins()) == [other.user]
