"""Production settings: the deploy check passes with the production environment, the security
headers and the Content-Security-Policy are on, errors leak nothing, /media/ is never served."""

import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from tests.factories import MembershipFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "kyodo.example.jp",
    "CSRF_TRUSTED_ORIGINS": "https://kyodo.example.jp",
    "EMAIL_BACKEND": "smtp",
    "EMAIL_HOST": "smtp.example.jp",
    "DATABASE_URL": "postgres://kyodo@db.example.invalid:5432/kyodo",
    "SITE_URL": "https://kyodo.example.jp",
}


def deploy_check(**env):
    """``manage.py check --deploy --fail-level WARNING`` in a fresh process (DEBUG unset)."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**keep, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "env",
    [{}, {"BEHIND_TLS_PROXY": "1", "SECURE_SSL_REDIRECT": "0"}],
    ids=["tls-at-the-app", "behind-tls-proxy"],
)
def test_deploy_check_passes_with_the_production_environment(env):
    result = deploy_check(**env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_deploy_check_fails_without_the_https_address_that_emails_link_to():
    result = deploy_check(SITE_URL="")

    assert result.returncode != 0
    assert "kyodo_portal.W001" in result.stdout + result.stderr


@pytest.mark.slow
def test_deploy_check_fails_when_https_is_neither_redirected_nor_behind_a_proxy():
    result = deploy_check(SECURE_SSL_REDIRECT="0")

    assert result.returncode != 0
    assert "security.W008" in result.stderr


@pytest.mark.slow
def test_deploy_check_fails_with_a_development_mail_backend():
    result = deploy_check(EMAIL_BACKEND="console")

    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_production_values_of_the_security_settings(monkeypatch):
    from tests.kyodo_portal.test_settings_from_environment import load_settings

    production = load_settings(monkeypatch, **PRODUCTION_ENV)

    assert production.DEBUG is False
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.X_FRAME_OPTIONS == "DENY"
    assert production.OTP_REQUIRED_FOR_STAFF is True
    assert not hasattr(production, "SECURE_PROXY_SSL_HEADER")


def test_development_turns_two_factor_off_and_the_environment_can_turn_it_on(monkeypatch):
    from tests.kyodo_portal.test_settings_from_environment import load_settings

    monkeypatch.delenv("OTP_REQUIRED_FOR_STAFF", raising=False)
    assert load_settings(monkeypatch, DEBUG="1").OTP_REQUIRED_FOR_STAFF is False
    monkeypatch.setenv("OTP_REQUIRED_FOR_STAFF", "1")
    assert load_settings(monkeypatch, DEBUG="1").OTP_REQUIRED_FOR_STAFF is True


def inline_scripts_without_the_nonce(html, nonce):
    """<script> elements with a body but without our nonce, and on*="…" handler attributes."""
    bad = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I):
        if "src=" not in attrs and body.strip() and f'nonce="{nonce}"' not in attrs:
            bad.append(body[:80])
    bad += re.findall(r"<[a-z][^>]*\s(on[a-z]+)\s*=", html, flags=re.I)
    return bad


def csp_nonce(response):
    match = re.search(r"'nonce-([^']+)'", response.headers.get("Content-Security-Policy", ""))
    return match.group(1) if match else None


@pytest.mark.django_db
def test_pages_carry_the_security_headers_and_a_fresh_csp_nonce(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    sheet = f"/my/cso/{membership.cso.pk}/sheet/"
    first = client.get(sheet)
    second = client.get(sheet)

    policy = first.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    # The print button's script is inline, so this page's policy names its nonce.
    assert re.search(r"script-src 'self' 'nonce-[^']+'", policy)
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert csp_nonce(first) != csp_nonce(second)
    assert f'<script nonce="{csp_nonce(first)}">' in first.text
    assert first.headers["X-Frame-Options"] == "DENY"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Referrer-Policy"] == "same-origin"
    assert first.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert inline_scripts_without_the_nonce(first.text, csp_nonce(first)) == []


def test_the_inline_script_check_can_fail():
    html = '<script>alert(1)</script><script nonce="abc">ok()</script><a onclick="x()">'

    assert inline_scripts_without_the_nonce(html, "abc") == ["alert(1)", "onclick"]


@pytest.mark.django_db
def test_the_admin_login_page_works_under_the_policy(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert inline_scripts_without_the_nonce(response.text, csp_nonce(response)) == []


def boom(request):
    raise RuntimeError("secret-detail: password=hunter2 at /srv/kyodo/settings.py")


def ok(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("ok/", ok)]


@pytest.mark.django_db
@pytest.mark.urls("tests.security.test_production_settings")
def test_the_500_page_is_generic_and_leaks_nothing(caplog):
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")

    assert response.status_code == 500
    text = response.content.decode()
    assert "エラーが発生しました" in text
    for leak in ("secret-detail", "hunter2", "Traceback", "settings.py", "RuntimeError"):
        assert leak not in text
    # The details go to the log for the operators, not to the visitor.
    assert any("boom" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_uploaded_files_are_not_served_from_media_url_when_debug_is_off(client, settings, tmp_path):
    assert settings.DEBUG is False
    media = Path(settings.MEDIA_ROOT)
    target = media / "kyodo-e-probe.html"
    created = not target.exists()
    media.mkdir(parents=True, exist_ok=True)
    target.write_text("<script>alert(1)</script>")
    try:
        response = client.get(f"/{settings.MEDIA_URL}kyodo-e-probe.html")
    finally:
        if created:
            target.unlink()

    assert response.status_code == 404
    assert b"alert(1)" not in response.content


def test_private_uploads_live_outside_media_root_and_static_root():
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    for public in (Path(settings.MEDIA_ROOT).resolve(), Path(settings.STATIC_ROOT).resolve()):
        assert public not in private.parents and private != public
