"""axe-core (WCAG 2.1 A/AA) on the public pages, sign-up/login and the /my/ pages, with demo data."""

import pytest

from tests.browser.accessibility import axe_violations, describe, has_horizontal_scroll
from tests.browser.conftest import PHONE, log_in, screenshot

PUBLIC_PATHS = ["/", "/cso/", "/login/"]


def public_paths():
    """Fixed paths plus the detail page of a published demo CSO."""
    from cso_registry.models import CSO

    first = CSO.objects.public().order_by("pk").first()
    return [*PUBLIC_PATHS, first.get_absolute_url()]


def test_public_pages_have_no_wcag_aa_violations_and_unique_titles(page, live_server, demo_data):
    failures, titles = {}, {}
    for path in public_paths():
        page.goto(live_server.url + path)
        violations = axe_violations(page)
        if violations:
            failures[path] = describe(violations)
        titles.setdefault(page.title(), []).append(path)

    assert failures == {}, "\n".join(f"{path}:\n{text}" for path, text in failures.items())
    duplicates = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert duplicates == {}
    assert [t for t in titles if not (t.endswith(" | 協働ポータル") and len(t) > 10)] == []


@pytest.mark.parametrize("width", [320])
def test_public_pages_fit_a_narrow_phone_without_horizontal_scrolling(
    page, live_server, demo_data, width
):
    page.set_viewport_size({"width": width, "height": 800})
    too_wide = []
    for path in public_paths():
        page.goto(live_server.url + path)
        if has_horizontal_scroll(page):
            too_wide.append(path)

    assert too_wide == []


def test_home_and_directory_screenshots_at_desktop_and_phone(page, live_server, demo_data):
    for name, path in [("home", "/"), ("directory", "/cso/")]:
        page.goto(live_server.url + path)
        screenshot(page, f"{name}-desktop")
        page.set_viewport_size(PHONE)
        screenshot(page, f"{name}-phone")
        page.set_viewport_size({"width": 1280, "height": 900})
        assert page.locator("h1").count() == 1


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, live_server):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "本文へ移動"

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"


def test_a_member_logs_in_with_the_keyboard_only(page, live_server, demo_data):
    page.goto(f"{live_server.url}/login/")
    # The email field has focus on arrival (autofocus); the rest is Tab and Enter.
    page.keyboard.type("cso@example.jp")
    page.keyboard.press("Tab")
    page.keyboard.type("kyodo-demo-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "/login/" not in page.url
    assert page.get_by_role("button", name="ログアウト").count() == 1


def test_failed_login_shows_an_error_summary_that_receives_focus(page, live_server, demo_data):
    log_in(page, live_server, "cso@example.jp", password="wrong-password")

    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert axe_violations(page) == []
