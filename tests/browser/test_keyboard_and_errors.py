"""The proposal form with the keyboard alone (Tab, typing, arrow keys, Space, Enter), and its
errors: summarised at the top with focus moved there, each tied to its field."""

import pytest

from tests.browser.accessibility import axe_violations, describe
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.factories import CSOFactory, MembershipFactory, ThemeFactory, UserFactory

PASSWORD = "test-password-123"


@pytest.fixture
def member_and_theme(transactional_db):
    from cso_registry.models import Membership

    member = UserFactory(email="keyboard@example.jp", full_name="伊万里 次郎")
    MembershipFactory(
        cso=CSOFactory(name="いまり子育てひろば"), user=member, role=Membership.Role.ADMIN
    )
    return member, ThemeFactory(title="子育ての孤立を防ぐ地域の居場所")


def active(page, expression):
    return page.evaluate(f"() => {{ const e = document.activeElement; return {expression}; }}")


def tab_to(page, expression, limit=80):
    """Press Tab until the focused element satisfies ``expression`` (JS, ``e`` is the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if active(page, expression):
            return
    raise AssertionError(f"Tab でたどり着けません: {expression}")


def tab_to_field(page, name):
    tab_to(page, f"e.name === {name!r}")


def tab_to_button(page, text):
    tab_to(page, f"e.tagName === 'BUTTON' && e.textContent.trim() === {text!r}")


def test_the_proposal_form_is_completed_and_submitted_with_the_keyboard_alone(
    page, live_server, member_and_theme
):
    from proposals.models import Proposal

    _member, theme = member_and_theme
    log_in(page, live_server, "keyboard@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/my/proposals/new/?theme={theme.pk}")

    # Saving the empty form: the error summary takes the focus and is read first.
    tab_to_button(page, "下書きを保存する")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert active(page, "e.hasAttribute('data-error-summary')")
    screenshot(page, "proposal-form-errors-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "proposal-form-errors-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The summary's first link leads to the field.
    page.keyboard.press("Tab")
    assert active(page, "e.closest('[data-error-summary]') !== null && e.tagName === 'A'")
    page.keyboard.press("Enter")
    assert active(page, "e.name") == "title"

    page.keyboard.type("子育てひろばの出張開催")
    for name, text in [
        ("purpose", "子育て中の親子が気軽に集まれる場を、公民館に広げます。"),
        ("shared_goal", "県内10か所で月1回のひろばを開きます。"),
        ("content", "保育士と子育て経験者が公民館でひろばを開きます。"),
        ("expected_effect", "孤立しがちな親子が地域とつながります。"),
    ]:
        tab_to_field(page, name)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    tab_to_field(page, "zone")  # the radio group: arrows choose within it
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # B → C 対等に協力
    assert active(page, "e.value") == "C"
    tab_to_field(page, "form")
    for _ in range(8):
        if active(page, "e.options[e.selectedIndex].text") == "事業協力":
            break
        page.keyboard.press("ArrowDown")
    assert active(page, "e.value") == "cooperation"
    tab_to_field(page, "project_type")
    page.keyboard.press("Space")
    for name, text in [
        ("cso_role", "保育士の手配と、ひろばの運営をします。"),
        ("prefecture_role", "市町と公民館への働きかけをお願いします。"),
    ]:
        tab_to_field(page, name)
        page.keyboard.type(text)
    tab_to_button(page, "下書きを保存する")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    proposal = Proposal.objects.get(title="子育てひろばの出張開催")
    assert proposal.zone == "C" and proposal.form == "cooperation"
    tab_to_button(page, "提出する")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_proposal_form_errors_are_tied_to_their_fields_and_summarised(
    page, live_server, member_and_theme
):
    _member, theme = member_and_theme
    log_in(page, live_server, "keyboard@example.jp", PASSWORD)
    page.goto(f"{live_server.url}/my/proposals/new/?theme={theme.pk}")
    page.get_by_role("button", name="下書きを保存する").click()
    page.wait_for_selector("[data-error-summary]")

    invalid = page.evaluate(
        """() => Array.from(document.querySelectorAll('main [aria-invalid="true"]')).map(e => ({
            name: e.name,
            described: (e.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
                .map(id => document.getElementById(id)?.textContent.trim() || '').join(' '),
        }))"""
    )
    links = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-error-summary] a'))
            .map(a => document.querySelector(a.getAttribute('href'))?.name || null)"""
    )

    names = {field["name"] for field in invalid}
    required = {"title", "purpose", "shared_goal", "cso_role", "prefecture_role"}
    assert required <= names
    # Each field's own error message is read with it (aria-describedby).
    assert [
        f["name"] for f in invalid if f["name"] in required and "必須" not in f["described"]
    ] == []
    assert None not in links and names <= set(links)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
