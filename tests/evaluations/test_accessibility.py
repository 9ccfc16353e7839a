"""axe-core (WCAG 2.1 A/AA) and narrow-phone checks on the evaluation, statistics and /my/
evaluation pages, with demo data."""

import pytest

from tests.browser.accessibility import axe_violations, describe, has_horizontal_scroll
from tests.browser.conftest import browser, demo_data, log_in, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def public_paths():
    from evaluations.models import Evaluation

    published = Evaluation.objects.published().order_by("pk").first()
    cso = published.agreement.current_version.parties.first().cso
    return [
        "/evaluations/",
        "/evaluations/?decision=revise",
        published.get_absolute_url(),
        "/evaluations/export/",
        "/stats/",
        f"/departments/{published.agreement.department_id}/",
        f"/cso/{cso.pk}/",
    ]


def member_paths():
    from evaluations.models import Evaluation

    interim = Evaluation.objects.get(kind=Evaluation.Kind.INTERIM)
    agreed = Evaluation.objects.exclude(follow_up_proposal=None).get()
    return ["/my/evaluations/", interim.get_member_url(), agreed.get_member_url(), "/my/"]


def check(tab, live_server, paths):
    failures, titles = {}, set()
    for path in paths:
        tab.goto(live_server.url + path)
        violations = axe_violations(tab)
        if violations:
            failures[path] = describe(violations)
        titles.add(tab.title())
    assert failures == {}, "\n".join(f"{path}:\n{text}" for path, text in failures.items())
    return titles


def fits(tab, live_server, paths):
    tab.set_viewport_size({"width": 320, "height": 800})
    too_wide = []
    for path in paths:
        tab.goto(live_server.url + path)
        if has_horizontal_scroll(tab):
            too_wide.append(path)
    return too_wide


def test_public_evaluation_pages_have_no_wcag_aa_violations(page, live_server, demo_data):  # noqa: F811
    titles = check(page, live_server, public_paths())
    assert len(titles) == len(public_paths()) - 1  # the filtered list shares the list's title


def test_public_evaluation_pages_fit_a_narrow_phone(page, live_server, demo_data):  # noqa: F811
    assert fits(page, live_server, public_paths()) == []


def test_member_evaluation_pages_have_no_wcag_aa_violations(page, live_server, demo_data):  # noqa: F811
    log_in(page, live_server, "cso@example.jp")
    check(page, live_server, member_paths())


def test_member_evaluation_pages_fit_a_narrow_phone(page, live_server, demo_data):  # noqa: F811
    log_in(page, live_server, "cso@example.jp")
    assert fits(page, live_server, member_paths()) == []
