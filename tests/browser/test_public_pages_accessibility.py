"""The home page and the directory at desktop and phone widths (screenshots), the skip link,
and signing in with the keyboard alone, with its error summary. One demo database for the
module (``seeded_server``); axe, titles and widths of every page are in test_every_page.py."""

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot


def test_home_and_directory_screenshots_at_desktop_and_phone(page, seeded_server):
    for name, path in [("home", "/"), ("directory", "/cso/")]:
        page.goto(seeded_server.url + path)
        screenshot(page, f"{name}-desktop")
        page.set_viewport_size(PHONE)
        screenshot(page, f"{name}-phone")
        page.set_viewport_size(DESKTOP)
        assert page.locator("h1").count() == 1


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, seeded_server):
    page.goto(f"{seeded_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "本文へ移動"

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"


def test_a_member_logs_in_with_the_keyboard_only(page, seeded_server):
    page.goto(f"{seeded_server.url}/login/")
    # The email field has focus on arrival (autofocus); the rest is Tab and Enter.
    page.keyboard.type("cso@example.jp")
    page.keyboard.press("Tab")
    page.keyboard.type("kyodo-demo-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "/login/" not in page.url
    assert page.get_by_role("button", name="ログアウト").count() == 1


def test_failed_login_shows_an_error_summary_that_receives_focus(page, seeded_server):
    log_in(page, seeded_server, "cso@example.jp", password="wrong-password")

    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert axe_violations(page) == []
