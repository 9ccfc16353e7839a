"""What the environment switches on for running on several hosts (README「設定」): nothing by
default (`make run` needs no Redis nor bucket), Redis for the cache and sessions, S3 for uploads."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.kyodo_portal.test_settings_from_environment import load_settings

MORE_NAMES = [
    "CACHE_URL",
    "REDIS_URL",
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_PRESIGNED_DOWNLOADS",
    "LOG_FORMAT",
    "ADMINS",
]


@pytest.fixture
def load(monkeypatch):
    def load(**env):
        for name in MORE_NAMES:
            monkeypatch.delenv(name, raising=False)
        return load_settings(monkeypatch, DEBUG="1", **env)

    return load


def test_embedded_defaults_need_no_redis_nor_bucket(load):
    settings = load()

    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert getattr(settings, "SESSION_ENGINE", "django.contrib.sessions.backends.db").endswith(
        ".db"
    )
    assert settings.STORAGES["private"]["BACKEND"] == "kyodo_portal.uploads.PrivateFileStorage"
    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    assert settings.S3_PRESIGNED_DOWNLOADS is False


@pytest.mark.parametrize("name", ["CACHE_URL", "REDIS_URL"])
def test_a_redis_url_shares_the_cache_and_keeps_sessions_there_and_in_the_database(load, name):
    settings = load(**{name: "redis://cache.internal:6379/1"})

    cache = settings.CACHES["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/1"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_cache_url_that_is_not_redis_is_refused_at_start(load):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        load(CACHE_URL="memcached://cache.internal:11211")


def test_a_bucket_moves_both_storages_to_object_storage(load):
    settings = load(
        S3_BUCKET="kyodo-files",
        S3_ENDPOINT_URL="http://minio.internal:9000",
        S3_PRESIGNED_DOWNLOADS="1",
    )

    private, default = settings.STORAGES["private"], settings.STORAGES["default"]
    assert private["BACKEND"] == "kyodo_portal.object_storage.PrivateS3Storage"
    assert (private["OPTIONS"]["bucket_name"], private["OPTIONS"]["location"]) == (
        "kyodo-files",
        "private",
    )
    assert default["OPTIONS"]["location"] == "media"
    assert private["OPTIONS"]["addressing_style"] == "path"
    assert private["OPTIONS"]["default_acl"] is None
    assert settings.S3_PRESIGNED_DOWNLOADS is True


def test_logs_are_plain_lines_unless_json_is_asked_for(load):
    assert load().LOGGING["handlers"]["console"]["formatter"] == "plain"
    assert load(LOG_FORMAT="json").LOGGING["handlers"]["console"]["formatter"] == "json"
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        load(LOG_FORMAT="xml")


def test_admins_get_error_mails_when_named(load):
    assert load().ADMINS == []
    assert load(ADMINS="ops@kyodo.example.jp, kyodo-ka@pref.example.jp").ADMINS == [
        "ops@kyodo.example.jp",
        "kyodo-ka@pref.example.jp",
    ]
