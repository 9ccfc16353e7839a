"""With CACHE_URL, the cache is a real Redis server (its own, on a free port): the throttles count
in it for every process, and sessions are kept in it and in the database (cached_db)."""

import uuid

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache import caches

from kyodo_portal import throttle
from kyodo_portal.security import end_sessions_of
from tests.factories import UserFactory


@pytest.fixture
def redis_cache(settings, redis_url):
    prefix = f"t{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return redis.Redis.from_url(redis_url), prefix


def test_a_throttle_counts_in_redis_where_every_process_sees_the_same_count(redis_cache, settings):
    server, prefix = redis_cache
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup:ip": "3/h"}

    answers = [throttle.hit("signup:ip", "203.0.113.7") for _ in range(4)]

    assert answers == [True, True, True, False]
    keys = server.keys(f"{prefix}:*throttle:signup:ip:*")
    assert len(keys) == 1
    # Another process (another connection) reads the same count.
    assert caches.create_connection("default").get(keys[0].decode().split(":", 2)[2]) == 4


@pytest.mark.django_db
def test_sessions_live_in_redis_and_the_database_and_ending_one_ends_it_in_both(
    client, redis_cache
):
    server, prefix = redis_cache
    user = UserFactory()
    client.force_login(user)
    key = client.session.session_key

    assert server.exists(f"{prefix}:1:django.contrib.sessions.cached_db{key}")
    assert Session.objects.filter(session_key=key).exists()
    assert client.get("/my/account/").status_code == 200

    end_sessions_of(user)

    assert not server.exists(f"{prefix}:1:django.contrib.sessions.cached_db{key}")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/my/account/").status_code == 302


@pytest.mark.django_db
def test_a_session_survives_a_flush_of_redis(client, redis_cache):
    server, _ = redis_cache
    client.force_login(UserFactory())

    server.flushdb()

    assert client.get("/my/account/").status_code == 200


@pytest.mark.django_db
@pytest.mark.page_cache
def test_public_pages_are_kept_once_in_redis_for_every_process(client, redis_cache, settings):
    server, prefix = redis_cache
    settings.PAGE_CACHE_SECONDS = 300

    first = client.get("/cso/")
    second = caches.create_connection("default")  # another process's connection
    again = client.get("/cso/")

    assert first.status_code == again.status_code == 200
    assert "X-Page-Cache" not in first and again["X-Page-Cache"] == "hit"
    keys = [key.decode() for key in server.keys(f"{prefix}:*page:*")]
    assert len(keys) == 1
    entry = second.get(keys[0].split(":", 2)[2])
    assert "<h1" in entry.body.decode() and isinstance(entry.version, int)
