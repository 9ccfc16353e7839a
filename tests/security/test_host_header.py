"""Finding 4 of the trust issue: the request's Host header never reaches shared output. Feeds,
calendars and mails are built from SITE_URL; the page cache keeps pages apart by scheme, host
and language, so a forged Host cannot poison what later readers get."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from outreach.models import Registration
from tests.factories import ThemeFactory
from tests.outreach.factories import EventFactory, NewsItemFactory

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

SITE = "https://kyodo.example.jp"
FORGED = "localhost:6666"
FEEDS = [
    "proposals:theme_feed",
    "outreach:news_feed",
    "evaluations:feed",
    "evaluations:project_feed",
]


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["kyodo.example.jp", "localhost", "testserver"]


@pytest.fixture
def content(db):
    ThemeFactory()
    NewsItemFactory()
    return EventFactory()


def hosts_in(text):
    return set(re.findall(r"https?://([^/\"'<>\s]+)", text))


@pytest.mark.parametrize("name", FEEDS)
def test_a_feed_links_to_the_site_whatever_host_the_request_named(client, content, name):
    url = reverse(name)
    forged = [client.get(url, HTTP_HOST=FORGED) for _ in range(3)]
    later = client.get(url)

    for response in [*forged, later]:
        assert response.status_code == 200
        assert FORGED not in response.text
        assert hosts_in(response.text) <= {"kyodo.example.jp", "www.w3.org"}


def test_an_event_calendar_and_its_uids_name_the_site(client, content):
    urls = [reverse("outreach:event_ics", args=[content.pk]), reverse("outreach:event_calendar")]
    for url in urls:
        forged = [client.get(url, HTTP_HOST=FORGED) for _ in range(3)]
        later = client.get(url)
        for response in [*forged, later]:
            text = response.content.decode()
            assert FORGED not in text and "localhost" not in text
            assert f"UID:event-{content.pk}@kyodo.example.jp" in text
            assert f"URL:{SITE}/events/{content.pk}/" in text


def test_a_page_cached_for_one_host_is_not_served_for_another(client, content):
    url = reverse("proposals:theme_list")
    client.get(url, HTTP_HOST=FORGED)

    other_host = client.get(url)
    same_host = client.get(url, HTTP_HOST=FORGED)

    assert "X-Page-Cache" not in other_host
    assert same_host["X-Page-Cache"] == "hit"


def test_guest_registration_mail_links_to_the_site_not_the_request_host(
    client, content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("outreach:event_register", args=[content.pk]),
            {"name": "佐賀 花子", "email": "hanako@example.jp", "consent": "on"},
            HTTP_HOST=FORGED,
        )

    assert Registration.objects.filter(email="hanako@example.jp").exists()
    body = mail.outbox[-1].body
    assert FORGED not in body
    assert f"{SITE}/events/" in body
