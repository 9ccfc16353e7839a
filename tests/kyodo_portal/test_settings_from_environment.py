import importlib.util
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import kyodo_portal

SETTINGS_FILE = Path(kyodo_portal.__file__).with_name("settings.py")
ENV_NAMES = [
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "SITE_URL",
]


def load_settings(monkeypatch, **env):
    """Execute settings.py afresh with exactly the given environment variables."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_database_url_a_sqlite_file_inside_the_project_is_used(monkeypatch):
    settings = load_settings(monkeypatch, DEBUG="1")

    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == settings.BASE_DIR / "db.sqlite3"


def test_database_url_selects_postgresql(monkeypatch):
    settings = load_settings(
        monkeypatch, DEBUG="1", DATABASE_URL="postgres://kyodo:pw@db.example:6543/portal"
    )

    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example", 6543, "portal")
    assert (database["USER"], database["PASSWORD"]) == ("kyodo", "pw")


def test_secret_key_is_required_when_debug_is_off(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch)


def test_debug_off_with_secret_key_uses_it_and_secure_cookies(monkeypatch):
    settings = load_settings(monkeypatch, SECRET_KEY="s" * 50, ALLOWED_HOSTS="kyodo.example.jp")

    assert settings.DEBUG is False
    assert settings.SECRET_KEY == "s" * 50
    assert settings.ALLOWED_HOSTS == ["kyodo.example.jp"]
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


def test_debug_on_runs_without_a_secret_key_for_a_first_run(monkeypatch):
    settings = load_settings(monkeypatch, DEBUG="true")

    assert settings.DEBUG is True
    assert settings.SECRET_KEY
    assert "127.0.0.1" in settings.ALLOWED_HOSTS


def test_hosts_origins_and_email_come_from_the_environment(monkeypatch):
    settings = load_settings(
        monkeypatch,
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="a.example.jp, b.example.jp",
        CSRF_TRUSTED_ORIGINS="https://a.example.jp",
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="smtp.example.jp",
    )

    assert settings.ALLOWED_HOSTS == ["a.example.jp", "b.example.jp"]
    assert settings.CSRF_TRUSTED_ORIGINS == ["https://a.example.jp"]
    mailer = settings.MAILERS["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"]["host"] == "smtp.example.jp"


def test_email_goes_to_the_console_by_default(monkeypatch):
    settings = load_settings(monkeypatch, DEBUG="1")

    assert settings.MAILERS["default"]["BACKEND"] == (
        "django.core.mail.backends.console.EmailBackend"
    )


def test_language_and_time_zone_are_japanese(monkeypatch):
    settings = load_settings(monkeypatch, DEBUG="1")

    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == (
        "ja",
        "Asia/Tokyo",
        True,
    )


def test_site_url_for_email_links_defaults_to_the_development_server_and_loses_a_trailing_slash(
    monkeypatch,
):
    assert load_settings(monkeypatch, DEBUG="1").SITE_URL == "http://127.0.0.1:8000"
    production = load_settings(
        monkeypatch, SECRET_KEY="x" * 60, SITE_URL="https://kyodo.example.jp/"
    )
    assert production.SITE_URL == "https://kyodo.example.jp"
    assert load_settings(monkeypatch, SECRET_KEY="x" * 60).SITE_URL == ""
