"""Login: lock-out with an automatic cool-off, a new session at login, deactivated users lose
their sessions, sessions expire, failed logins are logged, two-factor login for the admin.
Many addresses from one IP and one address from many IPs: test_lockout_spraying.py."""

import logging
import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

PASSWORD = "test-password-123"
pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD, path="/login/"):
    return client.post(path, {"username": email, "password": password})


def test_the_login_form_signs_in_with_email_and_password(client):
    user = UserFactory()

    response = login(client, user.email)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_repeated_failures_lock_the_account_out_and_the_right_password_is_then_refused(
    client, caplog
):
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="kyodo_portal.security"):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            response = login(client, user.email, "wrong-password")

    assert response.status_code == 429
    assert "ログインを一時的に止めています" in response.text
    assert "このメールアドレスでのログインの失敗が続いた" in response.text
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    # While locked out even the right password does not sign in.
    response = login(client, user.email)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    # Every failure is logged with the address tried, never the password.
    failures = [r.getMessage() for r in caplog.records if "ログイン失敗" in r.getMessage()]
    assert len(failures) >= settings.AXES_FAILURE_LIMIT - 1
    assert all(user.email in line and "wrong-password" not in line for line in failures)


def test_the_lock_out_ends_by_itself_after_the_cool_off(client, settings):
    from axes.models import AccessAttempt

    user = UserFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.email, "wrong-password")
    assert login(client, user.email).status_code == 429

    # The cool-off has passed: the attempts are older than AXES_COOLOFF_TIME.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    response = login(client, user.email)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_lock_out_of_one_address_does_not_lock_another(client, settings):
    locked, other = UserFactory(), UserFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, locked.email, "wrong-password")

    assert login(client, other.email).status_code == 302


def test_the_admin_login_is_locked_out_too(client, settings):
    staff = UserFactory(is_staff=True)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, staff.email, "wrong-password", path="/admin/login/")

    assert response.status_code == 429


def test_force_login_used_by_the_tests_still_works(client):
    user = UserFactory()

    client.force_login(user)

    assert client.get("/my/").status_code == 200


def test_signing_in_gives_a_new_session_key(client):
    user = UserFactory()
    client.get("/login/")
    session = client.session
    session["anonymous-note"] = "x"
    session.save()
    before = session.session_key

    login(client, user.email)

    assert client.session.session_key != before


def test_a_deactivated_user_is_signed_out_on_the_next_request(client):
    user = UserFactory()
    login(client, user.email)
    assert client.get("/my/").status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])

    assert not Session.objects.exists()
    response = client.get("/my/")

    assert response.status_code == 302
    assert response.url.startswith("/login/")
    # And the password no longer signs in.
    assert login(client, user.email).status_code == 200
    assert SESSION_KEY not in client.session


def test_a_changed_password_ends_the_other_sessions(client):
    user = UserFactory()
    login(client, user.email)

    user.set_password("another-password-456")
    user.save(update_fields=["password"])

    assert client.get("/my/").status_code == 302


def test_sessions_expire(client):
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    user = UserFactory()
    login(client, user.email)

    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


def test_passwords_are_checked_by_django_validators():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("12345678", "password", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)


# --- two-factor login for the admin ---------------------------------------------------------


def totp_code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


@pytest.fixture
def two_factor_required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


@pytest.fixture
def staff(coordinator):
    return coordinator


def test_without_the_setting_staff_open_the_admin_with_the_password_only(client, staff):
    login(client, staff.email, path="/admin/login/")

    assert client.get("/admin/").status_code == 200


def test_staff_without_a_device_set_one_up_with_a_real_totp_code(
    client, staff, two_factor_required, django_capture_on_commit_callbacks
):
    response = login(client, staff.email, path="/admin/login/?next=/admin/")
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/2fa/setup/")
    assert "二段階認証の設定" in response.text
    assert "<svg" in response.text
    assert client.get("/admin/").status_code == 302

    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post("/account/2fa/setup/", {"otp_token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "確認コードが違います" in wrong.text
    device.refresh_from_db()
    assert not device.confirmed
    # A wrong code makes the device wait a moment before the next try (django-otp throttling).
    throttled = client.post("/account/2fa/setup/", {"otp_token": totp_code(device)})
    assert "しばらく受け付けません" in throttled.text
    device.throttle_reset()

    session_before = client.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/2fa/setup/", {"otp_token": totp_code(device), "next": "/admin/"}
        )

    assert response.status_code == 302 and response.url == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session.session_key != session_before
    assert client.get("/admin/").status_code == 200
    assert [message.to for message in mail.outbox] == [[staff.email]]


def test_staff_with_a_device_enter_the_code_and_full_width_digits_are_accepted(
    client, staff, two_factor_required
):
    device = TOTPDevice.objects.create(user=staff, name="認証アプリ", confirmed=True)
    login(client, staff.email, path="/admin/login/")
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url.startswith("/account/2fa/")
    assert client.get("/account/2fa/setup/").url.startswith("/account/2fa/")

    full_width = totp_code(device).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post("/account/2fa/", {"otp_token": full_width, "next": "/admin/"})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_keeps_the_admin_closed_and_is_logged(
    client, staff, two_factor_required, caplog
):
    TOTPDevice.objects.create(user=staff, name="認証アプリ", confirmed=True)
    login(client, staff.email, path="/admin/login/")

    with caplog.at_level(logging.WARNING, logger="kyodo_portal.security"):
        response = client.post("/account/2fa/", {"otp_token": "12345x", "next": "/admin/"})

    assert response.status_code == 200
    assert "6桁の数字を入力してください" in response.text
    assert client.get("/admin/").status_code == 302
    assert any("二段階認証の失敗" in record.getMessage() for record in caplog.records)


def test_the_next_url_after_the_code_stays_on_this_site(client, staff, two_factor_required):
    device = TOTPDevice.objects.create(user=staff, name="認証アプリ", confirmed=True)
    login(client, staff.email)

    response = client.post(
        "/account/2fa/", {"otp_token": totp_code(device), "next": "https://evil.example/"}
    )

    assert response.url == "/admin/"


def test_a_member_of_a_cso_may_set_up_a_second_factor_and_must_then_pass_it(client):
    """Required for staff, open to anyone: once set up, the member's own pages open only after
    the code, in every later sign-in."""
    member = UserFactory()
    client.force_login(member)
    assert client.get("/account/2fa/").url.startswith("/account/2fa/setup/")
    assert client.get("/account/2fa/setup/").status_code == 200
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    client.post("/account/2fa/setup/", {"otp_token": totp_code(device), "next": "/my/"})
    assert TOTPDevice.objects.get(user=member).confirmed

    client.logout()
    signed_in = client.post("/login/", {"username": member.email, "password": "test-password-123"})

    assert signed_in.url.startswith("/account/2fa/")
    assert client.get("/my/").url.startswith("/account/2fa/")
    device.refresh_from_db()
    passed = client.post("/account/2fa/", {"otp_token": totp_code(device, 30), "next": "/my/"})
    assert passed.url == "/my/"
    assert client.get("/my/").status_code == 200


def test_the_setup_page_shows_the_key_as_text_for_manual_entry(client, staff, two_factor_required):
    client.force_login(staff)

    response = client.get("/account/2fa/setup/")

    secret = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", response.text).group(1)
    assert len(secret.replace(" ", "")) == 32


def test_passwords_are_stored_with_argon2_and_pbkdf2_hashes_still_verify(monkeypatch):
    from tests.kyodo_portal.test_settings_from_environment import load_settings

    production = load_settings(monkeypatch, DEBUG="1")
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert any(name.endswith(".PBKDF2PasswordHasher") for name in production.PASSWORD_HASHERS)


@pytest.mark.django_db
def test_argon2_uses_owasps_baseline_and_upgrades_older_argon2_hashes_at_login(settings):
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

    from kyodo_portal.hashers import PortalArgon2PasswordHasher

    settings.PASSWORD_HASHERS = [
        "kyodo_portal.hashers.PortalArgon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    assert "m=19456,t=2,p=1" in make_password("kyodo-pass-2026")
    older = Argon2PasswordHasher().encode("kyodo-pass-2026", "somesaltvalue123")  # m=102400,p=8
    upgraded = []

    assert check_password("kyodo-pass-2026", older, setter=upgraded.append)
    assert upgraded == ["kyodo-pass-2026"]
    assert not check_password("wrong-password", older)
    assert PortalArgon2PasswordHasher().must_update(older)
