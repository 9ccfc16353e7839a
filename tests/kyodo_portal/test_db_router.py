"""Reads on the replica, writes and a person's next pages on the primary
(kyodo_portal/db_router.py, issue 17). Here the replica alias is a mirror of default, so the
tests look at which connection ran each query; tests/replica/ runs them against a real
streaming replica that lags."""

import time

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cso_registry.models import CSO
from kyodo_portal.db_router import PIN_COOKIE, PrimaryReplicaRouter, read_alias, replica_reads
from tests.factories import CSOFactory
from tests.kyodo_portal.test_settings_from_environment import load_settings
from tests.outreach.factories import EventFactory

# Committed rows, as in production: the replica connection sees only what was committed.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Every page rendered, none served from the cache (test_page_cache.py tests which database
    the cache asks)."""
    settings.PAGE_CACHE_SECONDS = 0


class Queries:
    """The queries each database ran inside the block."""

    def __enter__(self):
        self.contexts = {
            alias: CaptureQueriesContext(connections[alias]) for alias in ("default", "replica")
        }
        for context in self.contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self.contexts.values():
            context.__exit__(*exc)

    def on(self, alias):
        return [query["sql"] for query in self.contexts[alias].captured_queries]


def test_an_anonymous_readers_page_is_read_from_the_replica(client):
    CSOFactory(name="佐賀みらい会")

    with Queries() as queries:
        response = client.get(reverse("cso_registry:list"))

    assert "佐賀みらい会" in response.text
    assert queries.on("replica")
    assert queries.on("default") == []
    assert PIN_COOKIE not in response.cookies


def test_after_a_write_the_persons_next_pages_read_the_primary_for_the_pin_length(
    client, settings, monkeypatch
):
    settings.DATABASE_REPLICA_PIN_SECONDS = 5
    event = EventFactory()
    url = reverse("outreach:event_detail", args=[event.pk])

    answer = client.post(
        reverse("outreach:event_register", args=[event.pk]),
        {"name": "佐賀 花子", "email": "hanako@example.jp", "consent": "on"},
    )
    pin = answer.cookies[PIN_COOKIE]
    assert pin["max-age"] == 5
    assert pin["httponly"]
    assert float(pin.value) == pytest.approx(time.time() + 5, abs=2)

    with Queries() as queries:
        client.get(url)
    assert queries.on("default")
    assert queries.on("replica") == []

    # Five seconds later the cookie would be gone; one that outlived it is not honoured either.
    later = time.time() + 6
    monkeypatch.setattr("kyodo_portal.db_router.time.time", lambda: later)
    with Queries() as queries:
        client.get(url)
    assert queries.on("replica")
    assert queries.on("default") == []


def test_a_pin_cookie_claiming_more_than_the_pin_length_is_ignored(client, settings):
    settings.DATABASE_REPLICA_PIN_SECONDS = 5
    client.cookies[PIN_COOKIE] = str(time.time() + 3600)

    with Queries() as queries:
        client.get(reverse("cso_registry:list"))

    assert queries.on("replica")
    assert queries.on("default") == []


def test_reads_inside_a_transaction_go_to_the_primary():
    with replica_reads():
        assert router.db_for_read(CSO) == "replica"
        with transaction.atomic():
            assert router.db_for_read(CSO) == "default"
            assert read_alias() == "default"
        assert router.db_for_read(CSO) == "replica"


def test_once_a_request_wrote_the_rest_of_it_reads_the_primary():
    with replica_reads():
        CSO.objects.count()
        assert router.db_for_read(CSO) == "replica"
        CSOFactory()
        assert router.db_for_read(CSO) == "default"


def test_a_get_that_writes_pins_the_person_too():
    """A confirmation link, a page that records who looked: a GET that wrote pins as a POST does."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from kyodo_portal.db_router import ReplicaPinMiddleware

    def reading(request):
        CSO.objects.count()
        return HttpResponse("ok")

    def writing(request):
        CSOFactory()
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    assert PIN_COOKIE not in ReplicaPinMiddleware(reading)(request).cookies
    assert PIN_COOKIE in ReplicaPinMiddleware(writing)(request).cookies


def test_outside_a_request_commands_and_tasks_read_the_primary():
    assert router.db_for_read(CSO) == "default"
    assert read_alias() == "default"


def test_an_object_read_from_one_database_reads_its_relations_from_it(client):
    cso = CSOFactory()
    with replica_reads(pinned=True):
        from_primary = CSO.objects.get(pk=cso.pk)
    with replica_reads():
        from_replica = CSO.objects.get(pk=cso.pk)
        assert from_replica._state.db == "replica"
        assert router.db_for_read(CSO, instance=from_replica) == "replica"
        assert router.db_for_read(CSO, instance=from_primary) == "default"
        assert router.allow_relation(from_primary, from_replica)


def test_writes_and_migrations_go_to_the_primary_only():
    with replica_reads():
        assert router.db_for_write(CSO) == "default"
    assert router.allow_migrate("default", "cso_registry")
    assert not router.allow_migrate("replica", "cso_registry")


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_without_a_replica_everything_uses_default_and_no_cookie_is_set(client, settings):
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    event = EventFactory()

    with Queries() as queries:
        answer = client.post(
            reverse("outreach:event_register", args=[event.pk]),
            {"name": "佐賀 花子", "email": "hanako@example.jp", "consent": "on"},
        )
        client.get(reverse("cso_registry:list"))

    assert PIN_COOKIE not in answer.cookies
    assert queries.on("replica") == []
    with replica_reads():
        assert PrimaryReplicaRouter().db_for_read(CSO) is None  # Django's own choice: default
        assert PrimaryReplicaRouter().db_for_write(CSO) is None
        assert router.db_for_read(CSO) == "default"
        assert read_alias() == "default"


def test_settings_add_the_replica_only_when_its_url_is_set(monkeypatch):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    without = load_settings(monkeypatch, DEBUG="1")
    assert set(without.DATABASES) == {"default"}

    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica.example:5433/portal")
    monkeypatch.setenv("DATABASE_REPLICA_PIN_SECONDS", "8")
    with_replica = load_settings(
        monkeypatch, DEBUG="1", DATABASE_URL="postgres://kyodo@primary.example:5432/portal"
    )
    replica = with_replica.DATABASES["replica"]
    assert (replica["HOST"], replica["PORT"], replica["USER"]) == (
        "replica.example",
        5433,
        "reader",
    )
    assert replica["TEST"] == {"MIRROR": "default"}
    assert with_replica.DATABASE_REPLICA_PIN_SECONDS == 8
