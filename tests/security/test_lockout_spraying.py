"""Lock-out beyond one address from one IP: many addresses tried from one IP (password spraying)
and one address tried from many IPs (distributed guessing) are refused as well, while an office
whose people share one address and mistype now and then is not locked out.

django-axes counts failures per (address, IP) and locks that pair out after AXES_FAILURE_LIMIT;
kyodo_portal.security.LoginLockoutHandler adds the two wider limits, read from the same records.
"""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-123"
SPRAYED = "Saga-2026-spring"
OFFICE = "203.0.113.10"


def login(client, email, password, ip=OFFICE, path="/login/"):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=ip)


def spray(client, emails, ip=OFFICE, path="/login/"):
    return [login(client, email, SPRAYED, ip=ip, path=path).status_code for email in emails]


def victims(count):
    return [f"victim{number}@example.jp" for number in range(count)]


def test_the_defaults_are_well_above_one_persons_lock_out_and_below_thirty(settings):
    assert settings.AXES_FAILURE_LIMIT < settings.LOGIN_FAILURE_LIMIT_PER_EMAIL < 30
    assert settings.AXES_FAILURE_LIMIT < settings.LOGIN_FAILURE_LIMIT_PER_IP < 30


def test_one_password_sprayed_over_thirty_addresses_from_one_ip_is_refused_before_the_30th(
    client, settings
):
    # The 30th address really has the sprayed password: the spray must not reach it.
    UserFactory(email="victim29@example.jp", password=SPRAYED)

    statuses = spray(client, victims(30))

    limit = settings.LOGIN_FAILURE_LIMIT_PER_IP
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[limit - 1 :] == [429] * (30 - limit + 1)
    assert SESSION_KEY not in client.session


def test_the_spraying_limit_holds_on_the_admin_login_too(client, settings):
    statuses = spray(client, victims(30), path="/admin/login/")

    assert statuses.index(429) == settings.LOGIN_FAILURE_LIMIT_PER_IP - 1


def test_a_refused_spray_does_not_lock_out_other_ips(client):
    spray(client, victims(30))
    user = UserFactory()

    assert login(client, user.email, PASSWORD, ip="198.51.100.1").status_code == 302


def test_one_address_tried_from_thirty_ips_is_refused(client, settings):
    user = UserFactory()

    statuses = [
        login(Client(), user.email, f"guess-{number}", ip=f"198.51.100.{number}").status_code
        for number in range(1, 30)
    ]
    # The right password, from a 30th address, while the lock lasts.
    last = login(client, user.email, PASSWORD, ip="198.51.100.30")

    limit = settings.LOGIN_FAILURE_LIMIT_PER_EMAIL
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}
    assert last.status_code == 429
    assert SESSION_KEY not in client.session


def test_addresses_count_whatever_their_case(client, settings):
    user = UserFactory(email="hanako@example.jp")
    limit = settings.LOGIN_FAILURE_LIMIT_PER_EMAIL
    for number in range(1, limit + 1):
        spelling = "Hanako@Example.JP" if number % 2 else " hanako@example.jp"
        login(Client(), spelling, "guess", ip=f"198.51.100.{number}")

    assert login(client, user.email, PASSWORD, ip="192.0.2.1").status_code == 429


def test_colleagues_behind_one_office_address_who_mistype_now_and_then_are_not_locked_out(
    client,
):
    """Thirty colleagues sign in through the office's one address in a morning, each after a
    mistyped password or two: more failures than the per-IP limit in all, none locked out."""
    colleagues = UserFactory.create_batch(30)

    for number, colleague in enumerate(colleagues):
        browser = Client()
        for _typo in range(1 + number % 2):
            assert login(browser, colleague.email, "typo").status_code == 200
        assert login(browser, colleague.email, PASSWORD).status_code == 302


def test_colleagues_who_mistype_before_anyone_signs_in_are_not_locked_out(client, settings):
    colleagues = UserFactory.create_batch(8)
    for colleague in colleagues:
        for _typo in range(3):
            login(client, colleague.email, "typo")

    assert settings.LOGIN_FAILURE_LIMIT_PER_IP > 8 * 3
    for colleague in colleagues:
        assert login(Client(), colleague.email, PASSWORD).status_code == 302


def test_one_person_retrying_a_locked_address_does_not_lock_out_their_office(client, settings):
    """Attempts refused by the (address, IP) lock still count for axes, but one address adds at
    most AXES_FAILURE_LIMIT failures to its IP's count: one impatient person cannot shut out
    everyone who shares their address."""
    impatient, colleague = UserFactory(), UserFactory()
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT_PER_IP + 10):
        login(client, impatient.email, "typo")

    assert login(Client(), colleague.email, PASSWORD).status_code == 302


def test_one_ip_alone_cannot_lock_an_address_out_for_everyone(client, settings):
    victim = UserFactory()
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT_PER_EMAIL + 10):
        login(client, victim.email, "guess", ip="198.51.100.66")

    assert login(Client(), victim.email, PASSWORD, ip="192.0.2.1").status_code == 302


def test_a_success_does_not_reset_the_spraying_count_of_the_ip(client, settings):
    """A success clears only the failures of the address that signed in, from that IP: they were
    that person's own typos. The failures against other addresses stay, so an attacker cannot
    reset the count by signing in to an account of their own between rounds."""
    attacker = UserFactory()
    limit = settings.LOGIN_FAILURE_LIMIT_PER_IP
    first_round = victims(limit - 5)
    assert set(spray(client, first_round)) == {200}

    login(client, attacker.email, "typo")
    assert login(client, attacker.email, PASSWORD).status_code == 302
    client.logout()

    second_round = [f"other{number}@example.jp" for number in range(10)]
    statuses = spray(client, second_round)
    assert statuses.index(429) == 4  # the (limit)-th sprayed address, as without the success


def test_the_lock_out_ends_after_the_cool_off(client, settings):
    spray(client, victims(settings.LOGIN_FAILURE_LIMIT_PER_IP))
    user = UserFactory()
    assert login(client, user.email, PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.latest("attempt_time").attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )

    assert login(client, user.email, PASSWORD).status_code == 302


def test_the_lock_out_page_says_it_is_the_network_and_when_to_try_again(client, settings):
    statuses = spray(client, victims(settings.LOGIN_FAILURE_LIMIT_PER_IP))
    assert statuses[-1] == 429

    response = login(client, "someone@example.jp", "whatever")

    assert response.status_code == 429
    assert "ログインを一時的に止めています" in response.text
    assert "同じネットワーク" in response.text
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"{minutes} 分ほど" in response.text
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))


def test_reaching_a_limit_is_logged_without_the_password(client, settings, caplog):
    with caplog.at_level(logging.WARNING, logger="kyodo_portal.security"):
        spray(client, victims(settings.LOGIN_FAILURE_LIMIT_PER_IP))

    stops = [r.getMessage() for r in caplog.records if "ログイン一時停止" in r.getMessage()]
    assert len(stops) == 1
    assert OFFICE in stops[0] and "同じ IP" in stops[0]
    assert SPRAYED not in stops[0]


def test_the_limits_are_read_from_the_environment_and_a_bad_value_stops_the_settings(
    monkeypatch,
):
    from django.core.exceptions import ImproperlyConfigured

    from tests.kyodo_portal.test_settings_from_environment import load_settings

    monkeypatch.setenv("LOGIN_FAILURE_LIMIT_PER_IP", "40")
    monkeypatch.setenv("LOGIN_FAILURE_LIMIT_PER_EMAIL", "12")
    loaded = load_settings(monkeypatch, DEBUG="1")
    assert (loaded.LOGIN_FAILURE_LIMIT_PER_IP, loaded.LOGIN_FAILURE_LIMIT_PER_EMAIL) == (40, 12)

    for bad in ("0", "many"):
        monkeypatch.setenv("LOGIN_FAILURE_LIMIT_PER_IP", bad)
        with pytest.raises(ImproperlyConfigured, match=r"LOGIN_FAILURE_LIMIT_PER_IP.*1 以上の整数"):
            load_settings(monkeypatch, DEBUG="1")
