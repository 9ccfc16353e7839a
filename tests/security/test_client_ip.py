"""The client address behind proxies (kyodo_portal.security.client_ip): TRUSTED_PROXY_COUNT
says how many of our own proxies appended an X-Forwarded-For entry; the client is the entry
the outermost of them appended, and nothing a client writes into the header is believed."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from kyodo_portal.security import client_ip
from tests.factories import UserFactory

PROXY_ENV = ["TRUSTED_PROXY_COUNT", "BEHIND_TLS_PROXY"]


def request_from(forwarded_for=None, remote_addr="10.0.0.3"):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **meta)


@pytest.fixture
def behind_tls_proxy(settings):
    """What BEHIND_TLS_PROXY=1 sets; the old client_ip trusted the header whenever it was set."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_behind_two_proxies_the_client_is_the_address_the_outer_proxy_saw(
    settings, behind_tls_proxy
):
    settings.TRUSTED_PROXY_COUNT = 2
    # client 203.0.113.7 -> load balancer (appends the client) -> nginx 10.0.0.2 (appends the
    # load balancer) -> the application, whose peer is nginx.
    request = request_from("203.0.113.7, 10.0.0.2", remote_addr="10.0.0.3")

    assert client_ip(request) == "203.0.113.7"


def test_an_entry_the_client_prepends_is_not_trusted(settings, behind_tls_proxy):
    settings.TRUSTED_PROXY_COUNT = 2

    spoofed = request_from("198.51.100.66, 203.0.113.7, 10.0.0.2")
    spoofed_many = request_from("1.1.1.1, 2.2.2.2, 198.51.100.66, 203.0.113.7, 10.0.0.2")

    assert client_ip(spoofed) == "203.0.113.7"
    assert client_ip(spoofed_many) == "203.0.113.7"


def test_with_no_trusted_proxy_the_header_is_ignored_even_behind_the_tls_proxy(
    settings, behind_tls_proxy
):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("203.0.113.7", remote_addr="192.0.2.10")) == "192.0.2.10"


def test_one_trusted_proxy_gives_the_right_most_entry_as_before(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("198.51.100.66, 203.0.113.7")) == "203.0.113.7"


def test_a_header_shorter_than_the_proxy_count_gives_its_left_most_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 3

    assert client_ip(request_from("203.0.113.7, 10.0.0.2")) == "203.0.113.7"


def test_without_the_header_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from(None, remote_addr="192.0.2.10")) == "192.0.2.10"
    assert client_ip(request_from(" , ", remote_addr="192.0.2.10")) == "192.0.2.10"


def test_an_entry_that_is_no_address_is_passed_over_towards_our_own_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from("<script>, 10.0.0.2")) == "10.0.0.2"
    assert client_ip(request_from("unknown, nonsense", remote_addr="10.0.0.3")) == "10.0.0.3"
    assert client_ip(request_from("fe80::1%eth0, 10.0.0.2")) == "10.0.0.2"


def test_ports_are_dropped_and_ipv6_is_written_in_its_short_form(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from("203.0.113.7:51234, 10.0.0.2")) == "203.0.113.7"
    assert client_ip(request_from("[2001:DB8:0::7]:443, 10.0.0.2")) == "2001:db8::7"
    assert client_ip(request_from("2001:db8::7, 10.0.0.2")) == "2001:db8::7"


@pytest.mark.django_db
def test_behind_two_proxies_one_clients_lock_out_does_not_lock_another_client(client, settings):
    """With the old rule every client behind the load balancer shared one address."""
    settings.TRUSTED_PROXY_COUNT = 2
    user = UserFactory()

    def login(password, client_address):
        return client.post(
            "/login/",
            {"username": user.email, "password": password},
            REMOTE_ADDR="10.0.0.3",
            HTTP_X_FORWARDED_FOR=f"{client_address}, 10.0.0.2",
        )

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login("wrong-password", "203.0.113.66")
    assert login("test-password-123", "203.0.113.66").status_code == 429

    assert login("test-password-123", "203.0.113.7").status_code == 302


# --- the setting, read from the environment ---------------------------------------------------


def settings_with(monkeypatch, **env):
    from tests.kyodo_portal.test_settings_from_environment import load_settings

    for name in PROXY_ENV:
        monkeypatch.delenv(name, raising=False)
    return load_settings(monkeypatch, DEBUG="1", **env)


def test_no_proxy_is_trusted_by_default(monkeypatch):
    assert settings_with(monkeypatch).TRUSTED_PROXY_COUNT == 0


def test_behind_the_tls_proxy_one_proxy_is_trusted_unless_the_count_says_otherwise(monkeypatch):
    assert settings_with(monkeypatch, BEHIND_TLS_PROXY="1").TRUSTED_PROXY_COUNT == 1
    assert (
        settings_with(
            monkeypatch, BEHIND_TLS_PROXY="1", TRUSTED_PROXY_COUNT="2"
        ).TRUSTED_PROXY_COUNT
        == 2
    )
    assert (
        settings_with(
            monkeypatch, BEHIND_TLS_PROXY="1", TRUSTED_PROXY_COUNT="0"
        ).TRUSTED_PROXY_COUNT
        == 0
    )


@pytest.mark.parametrize("value", ["two", "1.5", "-1"])
def test_a_proxy_count_that_is_no_whole_number_stops_the_settings_with_a_clear_message(
    monkeypatch, value
):
    with pytest.raises(ImproperlyConfigured, match=r"TRUSTED_PROXY_COUNT.*0 以上の整数"):
        settings_with(monkeypatch, TRUSTED_PROXY_COUNT=value)
