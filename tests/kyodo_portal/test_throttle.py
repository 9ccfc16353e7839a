"""kyodo_portal/throttle.py: counting attempts per scope and value in the cache."""

import pytest

from kyodo_portal import throttle


@pytest.fixture(autouse=True)
def rates(settings):
    settings.THROTTLE_RATES = {"test:ip": "3/h", "test:email": "1/d"}


def test_attempts_within_the_rate_pass_and_the_next_one_is_refused():
    assert [throttle.hit("test:ip", "192.0.2.1") for _ in range(4)] == [True, True, True, False]


def test_values_and_scopes_are_counted_apart():
    for _ in range(3):
        throttle.hit("test:ip", "192.0.2.1")

    assert throttle.hit("test:ip", "192.0.2.2")
    assert throttle.hit("test:email", "192.0.2.1")


def test_mail_addresses_count_whatever_their_case_and_spaces():
    assert throttle.hit("test:email", "Hanako@Example.jp")
    assert not throttle.hit("test:email", " hanako@example.jp ")
    assert throttle.exceeded("test:email", "hanako@example.jp")


def test_a_new_window_starts_a_new_count(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    for _ in range(3):
        throttle.hit("test:ip", "192.0.2.1")
    assert not throttle.hit("test:ip", "192.0.2.1")

    now[0] += 3600

    assert throttle.hit("test:ip", "192.0.2.1")


def test_rates_are_read_as_count_per_unit():
    assert throttle.Rate.parse("20/h") == throttle.Rate(20, 3600)
    assert throttle.Rate.parse("10/day") == throttle.Rate(10, 86400)
    assert throttle.Rate.parse("5/m") == throttle.Rate(5, 60)
