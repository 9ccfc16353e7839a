"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Locally they are skipped, with the reason, when no Chromium is installed; with
REQUIRE_BROWSER=1 (set by .ci/run) a missing browser fails the run instead, and so does any
other skip of a browser test (the journeys must run in CI).

Two ways to get a server:

- ``live_server`` (pytest-django): one transactional test, the database emptied afterwards.
  The journeys use it with their own small setup.
- ``seeded_server``: one live server and one demo database (seed_demo) for a whole module, for
  modules that only read (the accessibility sweep); seeding once per module instead of once per
  test keeps the browser suite fast.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "kyodo-demo-2026"


def chromium_path():
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    candidates += [shutil.which("chromium-browser"), shutil.which("google-chrome")]
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


def browser_required():
    return os.environ.get("REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(items):
    """Everything under tests/browser/, and any test elsewhere that drives the browser, is
    marked ``browser`` (and ``slow``), so ``pytest -m browser`` runs the whole browser suite."""
    for item in items:
        in_folder = "tests/browser/" in str(item.path).replace(os.sep, "/")
        if in_folder or "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (REQUIRE_BROWSER=1) a browser test that was skipped, for whatever reason, fails."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and browser_required() and item.get_closest_marker("browser"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_BROWSER=1 なのにブラウザーテストが省略されました: {reason}"


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        reason = (
            "Chromium が見つからないためブラウザーテストを省略します (apt-get install chromium)。"
        )
        if browser_required():
            pytest.fail(reason.replace("省略します", "実行できません"), pytrace=False)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django then hands
    # out other connection objects (asgiref contexts): carry the test database's saved
    # contents over, so transactional tests still restore the reference data.
    saved = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        for alias, contents in saved.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        instance = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()
        connections.close_all()


def new_page(browser, viewport=DESKTOP, **options):
    context = browser.new_context(
        viewport=viewport, locale="ja-JP", timezone_id="Asia/Tokyo", **options
    )
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def page(browser):
    tab = new_page(browser)
    yield tab
    tab.context.close()


def seed_demo_data():
    from django.core.management import call_command
    from django.test import override_settings

    # seed_demo refuses to run with DEBUG off (it is for development databases).
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def demo_data(transactional_db):
    seed_demo_data()


def _reset_database():
    """Empty the test database and put back what the migrations loaded (roles, municipalities,
    activity fields), as a transactional test with serialized_rollback does."""
    from django.core.management import call_command
    from django.db import connections

    for alias in connections:
        call_command(
            "flush", verbosity=0, interactive=False, database=alias, inhibit_post_migrate=True
        )
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents:
            connections[alias].creation.deserialize_db_from_string(contents)


def _ensure_test_databases(request):
    """pytest-django creates the test databases only for a session that holds database tests;
    a run of a seeded module alone has none, so create them here (never touch the real ones),
    and keep what the migrations loaded so each module can be reset to it."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    for alias in connections:
        connection = connections[alias]
        name = str(connection.settings_dict["NAME"])
        if not (name.startswith("test_") or "memorydb" in name):
            config = setup_databases(
                verbosity=0, interactive=False, aliases={alias}, serialized_aliases={alias}
            )
            request.config.add_cleanup(lambda config=config: teardown_databases(config, 0))
        if getattr(connection, "_test_serialized_contents", None) is None:
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture(scope="module")
def seeded_server(request, browser, django_db_setup, django_db_blocker):
    """A live server over a demo database seeded once for the module. The module's tests must
    only read; the database is emptied again when the module ends. The tests may use the ORM.

    Its own server thread, not pytest-django's ``live_server``: naming that one would make
    every test transactional (and empty the database after each)."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        _ensure_test_databases(request)
        _reset_database()
        seed_demo_data()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            _reset_database()


def screenshot(page, name, *, full_page=True):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def log_in(page, live_server, email, password=DEMO_PASSWORD):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="ログインする").click()


def log_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="ログアウト").click()


def admin_log_in(page, live_server, email, password=DEMO_PASSWORD):
    """The admin's own login page (staff). Two-factor login is off in tests.settings
    (OTP_REQUIRED_FOR_STAFF = False; it has its own tests in tests/security/)."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン", exact=True).click()
    assert page.url.rstrip("/").endswith("/admin"), page.url
