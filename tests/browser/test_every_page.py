"""Every page a person reads in the browser, generated from the URLconf and the permission map
(kyodo_portal/permission_map.py), checked with demo data loaded:

- axe-core finds no WCAG 2.0/2.1 A or AA violation (the automated part of JIS X 8341-3:2016 AA);
- one <h1>, and a <title> "<page> | 協働ポータル" that no other page shares;
- no horizontal scrolling at 320 CSS px (WCAG 1.4.10 Reflow) nor at 200 % zoom of a 1280 px
  window (640 CSS px at device scale factor 2, WCAG 1.4.4 Resize text).

Which pages: every URL pattern that answers GET, outside the admin (Django's own), that is
public, for signed-in CSO members (/my/), or for staff outside the admin (two-factor pages).
A pattern with URL parameters takes its objects from ``OBJECTS`` (one or several states of
the demo data); a new pattern with parameters and no line there fails
``test_every_page_of_the_urlconf_is_checked``, so new pages cannot slip through.
Each page is visited once (module-scoped ``sweep``); the tests read its findings.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from tests.browser.accessibility import (
    axe_violations,
    describe,
    has_horizontal_scroll,
    install_axe,
)
from tests.browser.conftest import DEMO_PASSWORD, new_page

MEMBER = "cso@example.jp"  # 管理者 of an NPO法人 with proposals, agreements and evaluations
STAFF = "kyodo@example.jp"  # 県民協働課
# The two-factor check is seen by staff who registered an authenticator app (the sweep gives
# this one a device); the others are sent to the registration page.
STAFF_WITH_DEVICE = "suishin@example.jp"
READERS = {"two_factor:verify": STAFF_WITH_DEVICE}
SITE_SUFFIX = " | 協働ポータル"
ZOOM_200 = {"width": 640, "height": 800}  # a 1280 px window at 200 %
NARROW = {"width": 320, "height": 800}

# GET patterns that answer something other than an HTML page (read by feed readers,
# spreadsheets, calendars, monitors) or hand out a file.
NOT_HTML = {
    "healthz": "JSON（監視用）",
    "readyz": "JSON（監視用）",
    "accounts:data_json": "JSON（本人のデータのダウンロード）",
    "cso_registry:export_csv": "CSV",
    "cso_registry:export_json": "JSON",
    "proposals:theme_feed": "Atom フィード",
    "proposals:attachment_download": "添付ファイルのダウンロード",
    "proposals:progress_attachment_download": "添付ファイルのダウンロード",
    "evaluations:feed": "Atom フィード",
    "evaluations:export_csv": "CSV",
    "evaluations:export_json": "JSON",
    "evaluations:project_feed": "Atom フィード",
    "outreach:event_calendar": "iCalendar",
    "outreach:event_ics": "iCalendar",
    "outreach:news_feed": "Atom フィード",
}

# More than the bare URL: filtered lists, empty results, the other states of a page.
VARIANTS = [
    ("anonymous", "/cso/?q=子ども"),
    ("anonymous", "/cso/?q=該当しない団体名ゼロ件"),
    ("anonymous", "/themes/?open_now=on"),
    ("anonymous", "/projects/?form=subsidy&status=in_progress"),
    ("anonymous", "/evaluations/?decision=revise"),
    ("anonymous", "/events/?when=past"),
    ("anonymous", "/this-page-does-not-exist/"),  # the 404 page
    ("cso3@example.jp", "/my/"),  # a member whose request to join is still pending
]


def _member():
    from kyodo_portal.models import User

    return User.objects.get(email=MEMBER)


def _member_cso():
    from cso_registry.models import CSO

    return CSO.objects.of_member(_member()).order_by("pk").first()


def _proposals():
    from proposals.models import Proposal

    mine = Proposal.objects.filter(cso=_member_cso()).order_by("pk")
    # One proposal in each state the member can have.
    return {proposal.status: proposal for proposal in reversed(mine)}


def _agreements():
    from proposals.models import Agreement

    mine = Agreement.objects.of_cso(_member_cso()).order_by("pk")
    return {agreement.status: agreement for agreement in reversed(mine)}


def _public_agreements():
    from proposals.models import Agreement

    public = Agreement.objects.filter(status__in=Agreement.PUBLIC_STATUSES).order_by("pk")
    return list({agreement.status: agreement for agreement in reversed(public)}.values())


def _published_evaluations():
    from evaluations.models import Evaluation

    return list(Evaluation.objects.published().order_by("pk")[:2])


def _registration_tokens(kind):
    from outreach.models import Registration
    from outreach.services import cancellation_token, confirmation_token

    if kind == "confirm":
        pending = Registration.objects.filter(status=Registration.Status.PENDING).first()
        return [{"token": confirmation_token(pending)}]
    confirmed = Registration.objects.filter(status=Registration.Status.CONFIRMED).first()
    return [{"token": cancellation_token(confirmed)}]


def _cso_pages():
    return [{"pk": _member_cso().pk}]


def _address_confirmation():
    from accounts.tokens import make_token

    return [{"token": make_token(_member(), "cso-new-address@example.jp")}]


def _password_reset():
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    member = _member()
    return [
        {
            "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
            "token": default_token_generator.make_token(member),
        }
    ]


OBJECTS = {
    "accounts:confirm_email": _address_confirmation,
    "accounts:password_reset_confirm": _password_reset,
    "cso_registry:detail": lambda: [
        {"pk": cso.pk}
        for cso in _public_csos()  # one with contacts published, one without
    ],
    "account:cso": _cso_pages,
    "account:cso_edit": _cso_pages,
    "account:cso_survey": _cso_pages,
    "account:cso_members": _cso_pages,
    "account:cso_history": _cso_pages,
    "account:cso_sheet": _cso_pages,
    "proposals:theme_detail": lambda: [{"pk": theme.pk} for theme in _themes()],
    "proposals:my_detail": lambda: [{"pk": p.pk} for p in _proposals().values()],
    "proposals:my_edit": lambda: [
        {"pk": p.pk} for status, p in _proposals().items() if status in ("draft", "returned")
    ],
    "proposals:my_withdraw": lambda: [{"pk": _proposals()["in_consultation"].pk}],
    "proposals:project_detail": lambda: [{"pk": a.pk} for a in _public_agreements()],
    "proposals:my_agreement_detail": lambda: [{"pk": a.pk} for a in _agreements().values()],
    "proposals:my_agreement_document": lambda: [
        {"pk": a.pk, "number": a.current_version.number}
        for a in _agreements().values()
        if a.current_version is not None
    ][:2],
    "evaluations:detail": lambda: [{"pk": e.pk} for e in _published_evaluations()],
    "evaluations:department": lambda: [{"pk": _published_evaluations()[0].agreement.department_id}],
    "evaluations:my_detail": lambda: [{"pk": e.pk} for e in _my_evaluations()],
    "outreach:event_detail": lambda: [{"pk": event.pk} for event in _events()],
    "outreach:news_detail": lambda: [{"pk": _news().pk}],
    "outreach:registration_confirm": lambda: _registration_tokens("confirm"),
    "outreach:registration_cancel": lambda: _registration_tokens("cancel"),
    "advisors:detail": lambda: [{"pk": r.pk} for r in _advisor_requests()],
}


def _public_csos():
    from cso_registry.models import CSO

    public = CSO.objects.public().order_by("pk")
    with_contact = public.filter(contact_public=True).first()
    without = public.filter(contact_public=False).first()
    return [cso for cso in (with_contact, without) if cso is not None]


def _themes():
    from proposals.models import Theme

    open_theme = Theme.objects.open_on().order_by("pk").first()
    review = Theme.objects.open_on().filter(kind="program_review").order_by("pk").first()
    return [theme for theme in (open_theme, review) if theme is not None]


def _my_evaluations():
    from evaluations.models import Evaluation

    return list(Evaluation.objects.of_cso(_member_cso()).order_by("pk"))


def _events():
    from outreach.models import Event

    upcoming = Event.objects.public().upcoming().order_by("pk").first()
    past = Event.objects.public().exclude(pk=upcoming.pk).order_by("-pk").first()
    return [event for event in (upcoming, past) if event is not None]


def _news():
    from outreach.models import NewsItem

    return NewsItem.objects.published().first()


def _advisor_requests():
    from advisors.models import AdvisorRequest

    mine = AdvisorRequest.objects.filter(cso=_member_cso()).order_by("pk")
    return list({r.status: r for r in reversed(mine)}.values())


def who_reads(name, rule):
    from kyodo_portal.permission_map import Access

    if name in READERS:
        return READERS[name]
    if rule.access in (Access.PUBLIC, Access.TOKEN):
        return "anonymous"
    if rule.access == Access.STAFF:
        return STAFF
    return MEMBER


@dataclass
class Page:
    who: str
    path: str
    name: str
    title: str = ""
    h1_count: int = 0
    violations: list = field(default_factory=list)
    too_wide_at_320: bool = False
    too_wide_at_200_percent: bool = False
    template_text_shown: bool = False
    landed_on: str = ""


def pages_to_check():
    """(who, path, pattern name) for every HTML page, and the pattern names not yet covered."""
    from kyodo_portal.permission_map import rule_for, url_patterns

    pages, uncovered = [], []
    for route, name, pattern in url_patterns():
        rule = rule_for(name, route)
        if route.startswith("admin/") or rule is None or "GET" not in rule.methods:
            continue
        if name in NOT_HTML:
            continue
        who = who_reads(name, rule)
        if not pattern.pattern.converters:
            pages.append((who, reverse(name), name))
        elif name in OBJECTS:
            pages += [(who, reverse(name, kwargs=kwargs), name) for kwargs in OBJECTS[name]()]
        else:
            uncovered.append(name)
    pages += [(who, path, f"variant {path}") for who, path in VARIANTS]
    return pages, uncovered


def _log_in(tab, base, email):
    tab.goto(f"{base}/login/")
    tab.get_by_label("メールアドレス").fill(email)
    tab.get_by_label("パスワード").fill(DEMO_PASSWORD)
    with tab.expect_navigation():
        tab.get_by_role("button", name="ログインする").click()


@pytest.fixture(scope="module")
def sweep(browser, seeded_server):
    """Visit every page once as the person who reads it; record what each check found."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kyodo_portal.models import User

    base = seeded_server.url
    TOTPDevice.objects.create(
        user=User.objects.get(email=STAFF_WITH_DEVICE), name="認証アプリ", confirmed=True
    )
    pages, uncovered = pages_to_check()
    tabs, results = {}, []
    for who, path, name in pages:
        if who not in tabs:
            # Device scale factor 2: at 640 CSS px this is a 1280 px window zoomed to 200 %.
            tabs[who] = new_page(browser, device_scale_factor=2)
            install_axe(tabs[who].context)
            if who != "anonymous":
                _log_in(tabs[who], base, who)
        tab = tabs[who]
        tab.set_viewport_size({"width": 1280, "height": 900})
        tab.goto(base + path)
        page = Page(who=who, path=path, name=name, landed_on=tab.url.removeprefix(base))
        page.title = tab.title()
        page.h1_count = tab.locator("h1").count()
        page.violations = axe_violations(tab)
        page.template_text_shown = tab.evaluate(
            "() => /\\{#|#\\}|\\{%|%\\}|\\{\\{|\\}\\}/.test(document.body.innerText)"
        )
        tab.set_viewport_size(ZOOM_200)
        page.too_wide_at_200_percent = has_horizontal_scroll(tab)
        tab.set_viewport_size(NARROW)
        page.too_wide_at_320 = has_horizontal_scroll(tab)
        results.append(page)
    for tab in tabs.values():
        tab.context.close()
    return results, uncovered


def _lands_on_itself(page):
    path, landed = page.path.split("?")[0], page.landed_on.split("?")[0]
    if landed == path:
        return True
    # Django's reset link moves its token into the session and shows the form for the new
    # password at .../set-password/ (PasswordResetConfirmView): that form is what is checked.
    return path.startswith("/account/password/reset/") and landed == (
        path.rsplit("/", 2)[0] + "/set-password/"
    )


def test_every_page_of_the_urlconf_is_checked(sweep):
    results, uncovered = sweep

    assert uncovered == [], (
        "URL パターンにページの対象がありません。tests/browser/test_every_page.py の OBJECTS に"
        f"1行足してください（HTML でなければ NOT_HTML に）: {uncovered}"
    )
    assert len(results) >= 60
    redirected = [(p.path, p.landed_on) for p in results if not _lands_on_itself(p)]
    assert redirected == [], "これらのページはほかへ転送され、検査できませんでした"


def test_no_page_has_wcag_2_1_a_or_aa_violations(sweep):
    results, _ = sweep

    failures = {f"{p.path}（{p.who}）": describe(p.violations) for p in results if p.violations}

    assert failures == {}, "\n".join(f"{path}:\n{text}" for path, text in failures.items())


def test_every_page_has_one_h1_and_a_title_naming_the_page_and_the_site(sweep):
    results, _ = sweep

    wrong = [
        (p.path, p.title, p.h1_count)
        for p in results
        if p.h1_count != 1
        or not p.title.endswith(SITE_SUFFIX)
        or not p.title.removesuffix(SITE_SUFFIX).strip()
    ]

    assert wrong == []


def test_no_two_pages_share_a_title(sweep):
    results, _ = sweep
    titles = {}
    for p in results:
        if not p.name.startswith("variant"):
            titles.setdefault(p.title, []).append(p.path)

    shared = {title: paths for title, paths in titles.items() if len(paths) > 1}

    assert shared == {}, "\n".join(f"{title}: {paths}" for title, paths in shared.items())


def test_no_page_scrolls_sideways_at_320_px(sweep):
    results, _ = sweep

    assert [p.path for p in results if p.too_wide_at_320] == []


def test_no_page_scrolls_sideways_at_200_percent_zoom(sweep):
    results, _ = sweep

    assert [p.path for p in results if p.too_wide_at_200_percent] == []


def test_no_page_shows_template_code_to_the_reader(sweep):
    results, _ = sweep

    assert [p.path for p in results if p.template_text_shown] == []
