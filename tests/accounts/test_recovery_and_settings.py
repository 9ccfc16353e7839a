"""A person's own account: recovering a forgotten password by mail, resending the confirmation
link, and /my/account/ (name, address, password, sessions). Mail is Django's locmem outbox:
the link in the mail is followed."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kyodo_portal.models import AccountSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "test-password-123"
NEW_PASSWORD = "kusunoki-no-mori-2027"


@pytest.fixture
def mail(mailoutbox, django_capture_on_commit_callbacks):
    """Run a request and return the mails it sent (after its transaction committed)."""

    def run(action):
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = action()
        return response, mailoutbox[before:]

    return run


def path_of_link(message):
    link = re.search(r"https?://\S+", message.body)[0]
    assert link.startswith(settings.SITE_URL)
    return link.removeprefix(settings.SITE_URL)


def sign_in(email, password=PASSWORD):
    client = Client()
    assert (
        client.post(reverse("login"), {"username": email, "password": password}).status_code == 302
    )
    return client


# --- password recovery ---------------------------------------------------------------------


def test_forgot_password_mail_new_password_signed_in_other_sessions_ended(client, mail):
    user = UserFactory()
    elsewhere = sign_in(user.email)

    response, sent = mail(
        lambda: client.post(reverse("accounts:password_reset"), {"email": user.email.upper()})
    )
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert [m.to for m in sent] == [[user.email]]
    link = client.get(path_of_link(sent[0]), follow=True)
    form_url = link.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done["Location"] == reverse("account:home")
    assert client.get(reverse("account:home")).status_code == 200  # signed in
    assert elsewhere.get(reverse("account:home")).status_code == 302  # that session ended
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = client.get(path_of_link(sent[0]), follow=True)
    assert "このリンクは使えません" in again.content.decode()  # single use


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, mail):
    UserFactory(email="known@example.jp")

    known, sent_known = mail(
        lambda: client.post(reverse("accounts:password_reset"), {"email": "known@example.jp"})
    )
    unknown, sent_unknown = mail(
        lambda: client.post(reverse("accounts:password_reset"), {"email": "nobody@example.jp"})
    )

    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert len(sent_known) == 1 and sent_unknown == []


def test_a_reset_lifts_the_lock_out_of_the_address_and_confirms_it(client, mail):
    user = UserFactory(email_verified_at=None)
    AccessAttempt.objects.create(
        username=user.email, ip_address="192.0.2.1", user_agent="x", failures_since_start=5
    )

    _response, sent = mail(
        lambda: client.post(reverse("accounts:password_reset"), {"email": user.email})
    )
    link = client.get(path_of_link(sent[0]), follow=True)
    client.post(
        link.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert not AccessAttempt.objects.filter(username=user.email).exists()
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_recovery_is_limited_per_client_and_per_address(client, mail, settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "password_reset:ip": "4/h",
        "password_reset:email": "2/h",
    }
    user = UserFactory()

    answers = []
    sent = []
    for _ in range(5):
        response, mails = mail(
            lambda: client.post(reverse("accounts:password_reset"), {"email": user.email})
        )
        answers.append(response.status_code)
        sent += mails

    assert answers == [302, 302, 302, 302, 429]
    assert len(sent) == 2


def test_the_login_and_lock_out_pages_lead_to_recovery(client):
    assert reverse("accounts:password_reset") in client.get(reverse("login")).content.decode()


# --- confirming an address ---------------------------------------------------------------------


def test_the_confirmation_link_is_sent_again_only_to_an_unconfirmed_account(client, mail):
    UserFactory(email="waiting@example.jp", email_verified_at=None)
    UserFactory(email="confirmed@example.jp")

    pages = []
    sent = []
    for address in ("waiting@example.jp", "confirmed@example.jp", "nobody@example.jp"):
        response, mails = mail(
            lambda address=address: client.post(
                reverse("accounts:resend_confirmation"), {"email": address}
            )
        )
        pages.append(re.sub(r'nonce="[^"]+"', "", response.content.decode()).replace(address, "A"))
        sent += mails

    assert pages[0] == pages[1] == pages[2]
    assert [m.to for m in sent] == [["waiting@example.jp"]]


def test_a_confirmation_link_that_was_tampered_with_is_refused(client):
    response = client.get(reverse("accounts:confirm_email", args=["not-a-token"]))

    assert response.status_code == 400
    assert "リンクが正しくありません" in response.content.decode()


# --- /my/account/ -------------------------------------------------------------------------------


def test_signing_in_lands_members_on_their_page_and_staff_on_the_admin(client, promoter):
    member = UserFactory()

    assert client.post(reverse("login"), {"username": member.email, "password": PASSWORD})[
        "Location"
    ] == reverse("account:home")
    client.logout()
    assert client.post(reverse("login"), {"username": promoter.email, "password": PASSWORD})[
        "Location"
    ] == reverse("admin:index")


def test_signing_out_says_so(client):
    member = UserFactory()
    client.force_login(member)

    page = client.post(reverse("logout"), follow=True).content.decode()

    assert "ログアウトしました" in page


def test_a_person_changes_their_name(client):
    member = UserFactory()
    client.force_login(member)

    client.post(reverse("accounts:change_name"), {"name-full_name": "佐賀 一郎"})

    member.refresh_from_db()
    assert member.full_name == "佐賀 一郎"


def test_a_new_address_is_used_once_confirmed_from_its_own_mailbox(client, mail):
    member = UserFactory(email="old@example.jp")
    client.force_login(member)

    _response, sent = mail(
        lambda: client.post(
            reverse("accounts:change_email"),
            {"email-new_email": "new@example.jp", "email-password": PASSWORD},
        )
    )
    member.refresh_from_db()
    assert member.email == "old@example.jp"  # not before the new address is confirmed
    to_new = next(m for m in sent if m.to == ["new@example.jp"])
    notice_old = next(m for m in sent if m.to == ["old@example.jp"])
    assert "new@example.jp" in notice_old.body

    _confirmed, after = mail(lambda: client.post(path_of_link(to_new)))

    member.refresh_from_db()
    assert member.email == "new@example.jp"
    assert [m.to for m in after] == [["old@example.jp"]]  # told once more: it changed


def test_an_address_another_account_uses_gets_a_notice_not_a_link(client, mail):
    UserFactory(email="taken@example.jp")
    member = UserFactory()
    client.force_login(member)

    _response, sent = mail(
        lambda: client.post(
            reverse("accounts:change_email"),
            {"email-new_email": "taken@example.jp", "email-password": PASSWORD},
        )
    )

    to_taken = next(m for m in sent if m.to == ["taken@example.jp"])
    assert "/account/confirm/" not in to_taken.body


def test_changing_the_address_needs_the_password(client, mail):
    member = UserFactory()
    client.force_login(member)

    response, sent = mail(
        lambda: client.post(
            reverse("accounts:change_email"),
            {"email-new_email": "new@example.jp", "email-password": "wrong"},
        )
    )

    assert response.status_code == 400
    assert sent == []


def test_changing_the_password_keeps_this_session_and_ends_the_others(client):
    member = UserFactory()
    elsewhere = sign_in(member.email)
    here = sign_in(member.email)

    here.post(
        reverse("accounts:change_password"),
        {
            "password-old_password": PASSWORD,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
        },
    )

    assert here.get(reverse("accounts:settings")).status_code == 200
    assert elsewhere.get(reverse("accounts:settings")).status_code == 302
    assert AccountSession.objects.filter(user=member).count() == 1


def test_a_person_sees_their_sessions_and_ends_another_one(client):
    member = UserFactory()
    elsewhere = sign_in(member.email)
    here = sign_in(member.email)
    other = (
        AccountSession.objects.filter(user=member)
        .exclude(session_key=here.session.session_key)
        .get()
    )

    page = here.get(reverse("accounts:settings")).content.decode()
    here.post(reverse("accounts:end_session", args=[other.pk]))

    assert "この端末" in page and "このログインを終了する" in page
    assert elsewhere.get(reverse("accounts:settings")).status_code == 302
    assert here.get(reverse("accounts:settings")).status_code == 200


def test_nobody_ends_another_persons_session(client):
    owner = UserFactory()
    sign_in(owner.email)
    record = AccountSession.objects.get(user=owner)
    client.force_login(UserFactory())

    client.post(reverse("accounts:end_session", args=[record.pk]))

    assert AccountSession.objects.filter(pk=record.pk).exists()


def test_an_account_made_by_staff_in_the_admin_signs_in_without_a_confirmation_mail(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:kyodo_portal_user_add"),
        {
            "email": "new-staff@example.jp",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()

    assert User.objects.get(email="new-staff@example.jp").email_verified
    assert sign_in("new-staff@example.jp", NEW_PASSWORD)
