"""axe-core (WCAG 2.1 A/AA) and narrow-phone checks on the outreach and advisor pages, with demo data."""

import pytest

from tests.browser.accessibility import axe_violations, describe, has_horizontal_scroll
from tests.browser.conftest import browser, demo_data, log_in, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow]


def outreach_paths():
    from outreach.models import Event, NewsItem

    full = Event.objects.public().upcoming().order_by("pk").first()
    news = NewsItem.objects.published().first()
    return [
        "/events/",
        "/events/?when=past",
        full.get_absolute_url(),
        "/news/",
        news.get_absolute_url(),
        "/contacts/",
        "/guideline/",
    ]


def check(tab, live_server, paths):
    failures, titles = {}, set()
    for path in paths:
        tab.goto(live_server.url + path)
        violations = axe_violations(tab)
        if violations:
            failures[path] = describe(violations)
        titles.add(tab.title())
    assert failures == {}, "\n".join(f"{path}:\n{text}" for path, text in failures.items())
    assert len(titles) == len(paths) - (1 if "/events/?when=past" in paths else 0)


def test_outreach_pages_have_no_wcag_aa_violations(page, live_server, demo_data):  # noqa: F811
    check(page, live_server, outreach_paths())


def test_outreach_pages_fit_a_narrow_phone(page, live_server, demo_data):  # noqa: F811
    page.set_viewport_size({"width": 320, "height": 800})
    too_wide = []
    for path in outreach_paths():
        page.goto(live_server.url + path)
        if has_horizontal_scroll(page):
            too_wide.append(path)
    assert too_wide == []


def test_advisor_pages_have_no_wcag_aa_violations(page, live_server, demo_data):  # noqa: F811
    from advisors.models import AdvisorRequest

    log_in(page, live_server, "cso@example.jp")
    completed = AdvisorRequest.objects.get(status=AdvisorRequest.Status.COMPLETED)
    check(
        page,
        live_server,
        ["/my/advisor-requests/", "/my/advisor-requests/new/", completed.get_absolute_url()],
    )
