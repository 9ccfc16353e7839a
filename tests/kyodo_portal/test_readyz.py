"""/readyz: 200 when this node can serve (database, cache, file storage, migrations), else 503
naming what failed, without details."""

import json

import pytest
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db


def test_readyz_answers_200_when_everything_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "migrations": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_503_when_the_database_does_not(client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused to db.internal:5432 user=kyodo")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["checks"]["database"] == "error"
    assert body["checks"]["migrations"] == "error"
    assert "db.internal" not in response.content.decode()


def test_readyz_answers_503_while_a_migration_of_this_code_is_not_applied(client):
    MigrationRecorder(connection).migration_qs.filter(app="proposals").order_by("-id")[
        :1
    ].get().delete()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["migrations"] == "未適用のマイグレーションが 1 件"


def test_readyz_answers_503_when_the_cache_does_not(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {
        "database": "ok",
        "cache": "error",
        "storage": "ok",
        "migrations": "ok",
    }


def test_readyz_answers_503_when_the_file_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.PRIVATE_MEDIA_ROOT = blocker / "private"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["storage"] == "error"


def test_readyz_refuses_post(client):
    assert client.post("/readyz").status_code == 405


def test_a_load_balancer_probes_a_node_by_its_address_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["kyodo.example.jp"]
    settings.SECURE_SSL_REDIRECT = True

    for path in ("/readyz", "/healthz"):
        response = client.get(path, HTTP_HOST="10.0.0.5:8000")
        assert response.status_code == 200, path
        assert response["X-Request-ID"]
    assert client.get("/cso/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get("/cso/", HTTP_HOST="kyodo.example.jp").status_code == 301
