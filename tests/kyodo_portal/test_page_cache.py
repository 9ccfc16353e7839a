"""The page cache for anonymous readers (kyodo_portal/page_cache.py, issue 8): served again only
while public data is unchanged, never to or from a signed-in person, with a fresh CSP nonce."""

import re
import time

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cso_registry.services import cso_hide
from kyodo_portal.db_router import PIN_COOKIE
from kyodo_portal.models import PublicDataVersion
from kyodo_portal.page_cache import current_version
from proposals.models import Proposal
from tests.factories import CSOFactory, MembershipFactory, ProposalFactory, ThemeFactory
from tests.kyodo_portal.test_db_router import Queries

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

NONCE = re.compile(r'nonce="([^"]+)"')


def header_nonce(response):
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]


def test_second_anonymous_visit_is_served_from_the_cache_in_one_query(client):
    CSOFactory(name="佐賀みらい会")
    first = client.get(reverse("cso_registry:list"))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("cso_registry:list"))

    assert "X-Page-Cache" not in first
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 1  # the public data version
    assert "佐賀みらい会" in second.text


@pytest.mark.urls("tests.kyodo_portal.page_cache_urls")
def test_each_reader_gets_a_fresh_nonce_in_the_page_and_in_the_header(client):
    first = client.get("/script/")
    second = client.get("/script/")

    assert second["X-Page-Cache"] == "hit"
    first_nonces, second_nonces = set(NONCE.findall(first.text)), set(NONCE.findall(second.text))
    assert len(NONCE.findall(second.text)) == 2
    assert first_nonces == {header_nonce(first)}
    assert second_nonces == {header_nonce(second)}
    assert header_nonce(first) != header_nonce(second)
    assert "\x00" not in second.text
    assert second.text.replace(header_nonce(second), "N") == first.text.replace(
        header_nonce(first), "N"
    )


def test_a_cached_page_varies_on_the_cookie_so_shared_caches_keep_readers_apart(client):
    client.get(reverse("proposals:theme_list"))
    response = client.get(reverse("proposals:theme_list"))

    assert response["X-Page-Cache"] == "hit"
    assert "Cookie" in response["Vary"]


def test_a_signed_in_person_never_gets_the_anonymous_page(client):
    member = MembershipFactory().user
    client.get(reverse("home"))
    client.force_login(member)

    response = client.get(reverse("home"))

    assert "X-Page-Cache" not in response
    assert "ログアウト" in response.text  # rendered for them, signed in


def test_a_page_rendered_for_a_signed_in_person_is_not_kept_for_anonymous_readers(client):
    member = MembershipFactory().user
    client.force_login(member)
    client.get(reverse("home"))
    client.logout()

    response = client.get(reverse("home"))

    assert "X-Page-Cache" not in response
    assert "ログアウト" not in response.text


def test_the_query_string_is_part_of_the_address(client):
    CSOFactory(name="福祉の会")
    CSOFactory(name="環境の会")
    client.get(reverse("cso_registry:list") + "?q=福祉")

    response = client.get(reverse("cso_registry:list") + "?q=環境")

    assert "X-Page-Cache" not in response
    assert "環境の会" in response.text


@pytest.mark.django_db(transaction=True)  # commits, as in production
def test_hiding_a_cso_removes_its_page_from_the_cache_at_once(client, coordinator):
    cso = CSOFactory(name="非公開になる会")
    assert client.get(cso.get_absolute_url()).status_code == 200
    assert client.get(cso.get_absolute_url())["X-Page-Cache"] == "hit"

    cso_hide(cso=cso, by=coordinator, reason="名簿の誤登録のため")

    assert client.get(cso.get_absolute_url()).status_code == 404
    assert "非公開になる会" not in client.get(reverse("cso_registry:list")).text


def test_the_version_changes_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    before = current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        CSOFactory()
        CSOFactory()
        assert current_version() == before
    assert len(callbacks) == 1  # one bump for the whole transaction
    assert current_version() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_proposal_retires_public_pages_only_when_it_is_decided(promoter):
    from proposals import services
    from tests.proposals.conftest import arrange

    theme = ThemeFactory(department=promoter.department)
    draft = ProposalFactory(theme=theme, department=promoter.department)
    member = draft.created_by
    before = current_version()

    draft.title = "題名を直した下書き"
    draft.save()
    submitted = arrange(draft, Proposal.Status.IN_CONSULTATION, member=member, staff=promoter)
    assert current_version() == before

    services.proposal_agree(proposal=submitted, by=promoter)
    assert current_version() == before + 1


def test_a_page_with_a_csrf_token_is_never_kept(client):
    from tests.outreach.factories import EventFactory

    event = EventFactory()
    url = reverse("outreach:event_detail", args=[event.pk])
    first = client.get(url)
    assert "csrfmiddlewaretoken" in first.text  # the registration form

    second = client.get(url)

    assert "X-Page-Cache" not in second
    assert "csrftoken" in second.cookies


def test_without_the_version_row_nothing_is_cached(client):
    PublicDataVersion.objects.all().delete()
    client.get(reverse("home"))

    assert "X-Page-Cache" not in client.get(reverse("home"))


def test_page_cache_seconds_zero_turns_it_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(reverse("home"))

    assert "X-Page-Cache" not in client.get(reverse("home"))


def test_a_change_rolled_back_does_not_stop_later_changes_from_retiring_pages(
    django_capture_on_commit_callbacks,
):
    before = current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            CSOFactory()
            raise RuntimeError("取りやめ")
        CSOFactory()

    assert len(callbacks) == 1
    assert current_version() == before + 1


def test_a_process_trusts_the_version_it_read_for_a_moment(client, settings, monkeypatch):
    from kyodo_portal import page_cache

    settings.PAGE_CACHE_VERSION_SECONDS = 1
    clock = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(page_cache, "_known", {})
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home"))["X-Page-Cache"] == "hit"
    assert len(queries) == 0

    # Another process commits a change: this one sees it once the moment has passed.
    PublicDataVersion.objects.update(number=F("number") + 1)
    clock[0] += 0.5
    assert client.get(reverse("home"))["X-Page-Cache"] == "hit"
    clock[0] += 0.6
    assert "X-Page-Cache" not in client.get(reverse("home"))


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_this_process_is_seen_at_once(client, settings):
    settings.PAGE_CACHE_VERSION_SECONDS = 60
    client.get(reverse("cso_registry:list"))
    assert client.get(reverse("cso_registry:list"))["X-Page-Cache"] == "hit"

    CSOFactory(name="たった今公開された会")

    response = client.get(reverse("cso_registry:list"))
    assert "X-Page-Cache" not in response
    assert "たった今公開された会" in response.text


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_version_is_read_from_the_database_the_page_is_read_from(client):
    """The version a page is stored under comes from the database the page is rendered from:
    the replica for a reader, the primary for a person pinned after a write."""
    version_query = PublicDataVersion._meta.db_table
    CSOFactory()

    with Queries() as queries:
        client.get(reverse("cso_registry:list"))
    assert any(version_query in sql for sql in queries.on("replica"))
    assert not queries.on("default")

    client.cookies[PIN_COOKIE] = str(time.time() + 2)
    with Queries() as queries:
        client.get(reverse("cso_registry:list"))
    assert any(version_query in sql for sql in queries.on("default"))
    assert not queries.on("replica")
