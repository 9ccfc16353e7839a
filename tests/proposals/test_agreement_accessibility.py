"""axe-core (WCAG 2.1 A/AA) and 320px phone checks on the collaboration (/projects/) and the
CSO's agreement pages, with demo data, in Chromium (skipped when no Chromium is installed)."""

import pytest

from tests.browser.accessibility import axe_violations, describe, has_horizontal_scroll
from tests.browser.conftest import browser, demo_data, log_in, page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow]


def agreement_paths():
    from proposals.models import Agreement, AgreementVersion

    amended = AgreementVersion.objects.get(status=AgreementVersion.Status.SUPERSEDED).agreement
    waiting = Agreement.objects.get(status=Agreement.Status.DRAFT)
    public = [
        "/projects/",
        "/projects/?form=subsidy&status=in_progress",
        f"/projects/{amended.pk}/",
    ]
    mine = [
        "/my/",
        "/my/agreements/",
        waiting.get_member_url(),
        amended.get_member_url(),
        f"/my/agreements/{amended.pk}/document/1/",
        f"/my/agreements/{amended.pk}/document/2/",
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


def test_agreement_pages_have_no_wcag_aa_violations(page, live_server, demo_data):  # noqa: F811
    public, mine = agreement_paths()
    failures, titles = {}, {}

    check(page, live_server.url, public, failures, titles)
    log_in(page, live_server, "cso@example.jp")
    check(page, live_server.url, mine, failures, titles)

    assert failures == {}, "\n".join(f"{path}:\n{text}" for path, text in failures.items())
    assert all(title.endswith(" | 協働ポータル") for title in titles)
    duplicated = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert list(duplicated.values()) in ([], [public[:2]]), duplicated


def test_agreement_pages_fit_a_320px_phone(page, live_server, demo_data):  # noqa: F811
    public, mine = agreement_paths()
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, live_server, "cso@example.jp")
    too_wide = []
    for path in public + mine:
        page.goto(live_server.url + path)
        if has_horizontal_scroll(page):
            too_wide.append(path)
    assert too_wide == []
