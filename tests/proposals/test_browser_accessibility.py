"""axe-core (WCAG 2.1 A/AA) and narrow-phone checks on the theme and proposal pages, with demo
data, in Chromium (skipped when no Chromium is installed)."""

import pytest

from tests.browser.accessibility import axe_violations, describe, has_horizontal_scroll
from tests.browser.conftest import browser, demo_data, log_in, page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow]


def proposal_paths():
    from proposals.models import Proposal, Theme

    theme = Theme.objects.open_on().order_by("pk").first()
    consulting = Proposal.objects.get(title="みんなで支える障害者スポーツ大会")
    returned = Proposal.objects.get(status=Proposal.Status.RETURNED)
    public = ["/themes/", "/themes/?open_now=on", theme.get_absolute_url()]
    mine = [
        "/my/proposals/",
        f"/my/proposals/new/?theme={theme.pk}",
        consulting.get_absolute_url(),
        returned.get_absolute_url(),
        f"/my/proposals/{returned.pk}/edit/",
        f"/my/proposals/{consulting.pk}/withdraw/",
    ]
    return public, mine


def check(browser_page, base, paths, failures, titles):
    for path in paths:
        browser_page.goto(base + path)
        violations = axe_violations(browser_page)
        if violations:
            failures[path] = describe(violations)
        titles.setdefault(browser_page.title(), []).append(path)
        assert browser_page.locator("h1").count() == 1, path


def test_theme_and_proposal_pages_have_no_wcag_aa_violations(page, live_server, demo_data):  # noqa: F811
    public, mine = proposal_paths()
    failures, titles = {}, {}

    check(page, live_server.url, public, failures, titles)
    log_in(page, live_server, "cso@example.jp")
    check(page, live_server.url, mine, failures, titles)

    assert failures == {}, "\n".join(f"{path}:\n{text}" for path, text in failures.items())
    assert all(title.endswith(" | 協働ポータル") for title in titles)


def test_proposal_pages_fit_a_320px_phone(page, live_server, demo_data):  # noqa: F811
    public, mine = proposal_paths()
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, live_server, "cso@example.jp")
    too_wide = []
    for path in public + mine:
        page.goto(live_server.url + path)
        if has_horizontal_scroll(page):
            too_wide.append(path)

    assert too_wide == []
