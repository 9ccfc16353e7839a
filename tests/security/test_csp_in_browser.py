"""The whole site works under the Content-Security-Policy in a real browser: no page — public,
/my/, the print sheet with its nonce'd script, the admin, the two-factor set-up — reports a
violation, and the scripts that should run do run."""

import pytest

from tests.browser.conftest import browser, demo_data, log_in, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WATCH = """() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
}"""


def violations_on(tab, live_server, paths):
    found = {}
    for path in paths:
        tab.goto(live_server.url + path)
        tab.wait_for_load_state("load")
        reported = tab.evaluate("() => window.__cspViolations || []")
        if reported:
            found[path] = reported
    return found


def watch(tab):
    tab.add_init_script(f"({WATCH})()")
    messages = []
    tab.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def test_public_and_member_pages_report_no_violation(page, live_server, demo_data):  # noqa: F811
    from cso_registry.models import CSO

    console = watch(page)
    cso = CSO.objects.public().order_by("pk").first()
    public = ["/", "/cso/", cso.get_absolute_url(), "/themes/", "/events/", "/news/", "/login/"]
    found = violations_on(page, live_server, public)

    log_in(page, live_server, "cso@example.jp")
    member_cso = CSO.objects.filter(memberships__user__email="cso@example.jp").first()
    found |= violations_on(
        page,
        live_server,
        [
            "/my/",
            f"/my/cso/{member_cso.pk}/edit/",
            f"/my/cso/{member_cso.pk}/sheet/",
            "/my/proposals/",
        ],
    )

    assert found == {} and console == [], (found, console)
    # The print button's inline script carries the nonce, so it ran and bound the click.
    page.goto(f"{live_server.url}/my/cso/{member_cso.pk}/sheet/")
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.get_by_role("button", name="印刷する").click()
    assert page.evaluate("() => window.__printed === true")


def test_the_admin_works_under_the_policy(page, live_server, demo_data):  # noqa: F811
    from cso_registry.models import CSO

    console = watch(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("メールアドレス").fill("kyodo@example.jp")
    page.get_by_label("パスワード").fill("kyodo-demo-2026")
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    cso = CSO.objects.order_by("pk").first()
    found = violations_on(
        page,
        live_server,
        [
            "/admin/",
            "/admin/cso_registry/cso/",
            f"/admin/cso_registry/cso/{cso.pk}/change/",
            "/admin/outreach/event/add/",
            "/admin/proposals/proposal/",
        ],
    )
    # The admin's own scripts run: the date-time shortcuts appear beside the event's dates.
    page.goto(f"{live_server.url}/admin/outreach/event/add/")
    assert page.locator(".datetimeshortcuts").count() > 0

    assert found == {} and console == [], (found, console)


def test_the_two_factor_setup_page_works_under_the_policy(page, live_server, demo_data, settings):  # noqa: F811
    settings.OTP_REQUIRED_FOR_STAFF = True
    console = watch(page)
    log_in(page, live_server, "suishin@example.jp")

    page.goto(f"{live_server.url}/admin/")

    assert "/account/2fa/setup/" in page.url
    assert page.locator(".otp-qr svg").count() == 1
    assert page.evaluate("() => window.__cspViolations") == [] and console == []


def test_an_injected_inline_script_is_blocked_and_reported(page, live_server, db):  # noqa: F811
    watch(page)
    page.goto(f"{live_server.url}/guideline/")

    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__injected = true;"; document.body.appendChild(s); }"""
    )
    page.wait_for_timeout(100)

    assert page.evaluate("() => window.__injected") is None
    assert any("script-src" in v for v in page.evaluate("() => window.__cspViolations"))
