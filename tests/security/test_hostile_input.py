"""Hostile input over every public and /my/ form: random Unicode (emoji, control characters,
right-to-left marks, combining characters, very long strings, full-width digits) and HTML /
script payloads. Never a 500; refusals come as field errors; a saved payload is shown escaped
on the pages that display it.

Each example runs in a savepoint that is rolled back, so the examples do not see each other.
"""

import datetime
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cso_registry.models import CSO, Membership
from tests.cso_registry.conftest import valid_profile
from tests.factories import CSOFactory, MembershipFactory
from tests.outreach.factories import EventFactory, npo_admin

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _no_throttles(settings):
    """What the forms do with hostile input, dozens of examples a test: the limits on how often
    one may post (kyodo_portal/throttle.py) are tested in test_anonymous_mail.py."""
    settings.THROTTLE_RATES = dict.fromkeys(settings.THROTTLE_RATES, "1000000/h")


MARK = "kyodo-xss"
SCRIPT_PAYLOADS = [
    f"<script>alert('{MARK}')</script>",
    f'"><img src=x onerror=alert("{MARK}")>',
    f"<a href=\"javascript:alert('{MARK}')\">{MARK}</a>",
    f"<svg onload=alert('{MARK}')>",
    f"</textarea><script>{MARK}</script>",
]
# What must never appear in a page: the payload's markup, unescaped.
UNESCAPED = re.compile(
    r"<script>alert\('kyodo-xss'\)|<img src=x onerror|<svg onload|"
    r"<a href=\"javascript:alert|</textarea><script>kyodo-xss",
)
ODD = [
    "\u202e\u202d右から左\u200f",  # RTL override / marks
    "e\u0301\u0301\u0301\u0301",  # stacked combining marks
    "👩‍👩‍👧‍👦🏳️‍🌈🇯🇵",  # emoji ZWJ sequences and flags
    "１２３４５６７８９０",  # full-width digits
    "\x00\x07\x1b[31m",  # NUL, bell, escape
    "\ufeff\u200b\u2028\u2029",  # BOM, zero-width space, line/paragraph separators
    "{{ 7|add:7 }}{% now 'Y' %}",  # template syntax
    "' OR 1=1 --; DROP TABLE cso_registry_cso;",
    '=HYPERLINK("http://evil.example")',
    "ｱｲｳｴｵ半角カナ",
]
HOSTILE = st.one_of(
    st.sampled_from(SCRIPT_PAYLOADS),
    st.sampled_from(ODD),
    st.text(st.characters(codec="utf-8"), max_size=60),
    st.text(
        st.characters(codec="utf-8", categories=["Cc", "Cf", "Mn", "Zl", "Zp", "So"]), max_size=40
    ),
    st.builds(
        lambda s, n: s * n,
        st.sampled_from(["あ", "A", "𠮷", "\u0301", "<"]),
        st.integers(300, 5000),
    ),
    st.builds(lambda a, b: a + b, st.sampled_from(SCRIPT_PAYLOADS + ODD), st.text(max_size=20)),
)


def post_hostile(client, url, data, field, value):
    with transaction.atomic():
        response = client.post(url, {**data, field: value})
        pages = []
        if response.status_code == 302:
            follow = client.get(response["Location"])
            pages.append(follow)
        transaction.set_rollback(True)
    return response, pages


def check(response, pages, form_names=("form",)):
    assert response.status_code < 500, response.content[:500]
    assert response.status_code in (200, 302, 400), response.status_code
    for page in [response, *pages]:
        html = page.content.decode("utf-8", errors="replace")
        assert not UNESCAPED.search(html), UNESCAPED.search(html).group(0)
    if response.status_code in (200, 400) and response.context:
        for name in form_names:
            form = response.context.get(name)
            if form is not None and form.is_bound and form.errors:
                # Refusals are field errors, listed in the error summary at the top of the form.
                assert set(form.errors) <= set(form.fields) | {"__all__"}
                assert "data-error-summary" in response.content.decode()


def hostile_case(field_names):
    return st.tuples(st.sampled_from(field_names), HOSTILE)


SIGNUP_FIELDS = ["email", "full_name", "password1", "password2", "agree"]


@given(case=hostile_case(SIGNUP_FIELDS))
def test_signup_form(case):
    field, value = case
    data = {
        "email": "hostile@example.jp",
        "full_name": "田中 花子",
        "password1": "kusunoki-no-mori-2026",
        "password2": "kusunoki-no-mori-2026",
        "agree": "on",
    }
    response, pages = post_hostile(Client(), reverse("account:signup"), data, field, value)
    check(response, pages)


@given(case=hostile_case(["username", "password"]))
def test_login_form(case):
    field, value = case
    data = {"username": "someone@example.jp", "password": "x"}
    response, pages = post_hostile(Client(), reverse("login"), data, field, value)
    check(response, pages)


PROFILE_TEXT = [
    "name",
    "furigana",
    "kind",
    "corporate_number",
    "representative_name",
    "postal_code",
    "municipality",
    "address",
    "phone",
    "email",
    "website",
    "founded_on",
    "member_count",
    "activity_fields",
    "areas",
    "description",
    "contact_public",
]


@pytest.fixture
def member_of_published_cso(db):
    cso = CSOFactory(status=CSO.Status.PUBLISHED, contact_public=True)
    user = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
    return user, cso


@given(case=hostile_case(PROFILE_TEXT))
def test_cso_registration_form(member_of_published_cso, case):
    field, value = case
    user, _cso = member_of_published_cso
    client = Client()
    client.force_login(user)
    response, pages = post_hostile(
        client, reverse("account:cso_register"), valid_profile(), field, value
    )
    check(response, pages)


@given(case=hostile_case(PROFILE_TEXT))
def test_cso_profile_form_and_the_public_page_shows_it_escaped(member_of_published_cso, case):
    field, value = case
    user, cso = member_of_published_cso
    client = Client()
    client.force_login(user)
    url = reverse("account:cso_edit", args=[cso.pk])
    initial = client.get(url).context["form"]
    data = {**valid_profile(contact_public="on"), **extra_hidden_fields(initial)}
    response, pages = post_hostile(client, url, data, field, value)
    check(response, pages)
    if response.status_code == 302:
        with transaction.atomic():
            client.post(url, {**data, field: value})
            public = Client().get(reverse("cso_registry:detail", args=[cso.pk]))
            transaction.set_rollback(True)
        check(public, [])


def extra_hidden_fields(form):
    """Hidden fields the form adds beyond the profile (e.g. its version number)."""
    return {
        name: form[name].value()
        for name, field in form.fields.items()
        if field.widget.is_hidden and name not in PROFILE_TEXT
    }


SURVEY_FIELDS = ["fiscal_year", "budget_band", "paid_staff", "volunteers", "answered_on"]


@given(case=hostile_case(SURVEY_FIELDS))
def test_survey_form(member_of_published_cso, case):
    field, value = case
    user, cso = member_of_published_cso
    client = Client()
    client.force_login(user)
    data = {
        "fiscal_year": str(
            timezone.localdate().year
            if timezone.localdate().month > 3
            else timezone.localdate().year - 1
        ),
        "budget_band": "under_5m",
        "paid_staff": "2",
        "volunteers": "30",
        "answered_on": "",
    }
    response, pages = post_hostile(
        client, reverse("account:cso_survey", args=[cso.pk]), data, field, value
    )
    check(response, pages)


@given(value=HOSTILE)
def test_join_search(member_of_published_cso, value):
    user, _cso = member_of_published_cso
    client = Client()
    client.force_login(user)
    with transaction.atomic():
        response = client.get(reverse("account:cso_join"), {"q": value})
        transaction.set_rollback(True)
    check(response, [])


@given(value=HOSTILE)
def test_public_directory_search(db, value):
    response = Client().get(reverse("cso_registry:list"), {"q": value, "page": value})
    check(response, [])


GUEST_FIELDS = ["name", "email", "organisation", "note", "consent"]


@pytest.fixture
def event(db):
    return EventFactory()


@given(case=hostile_case(GUEST_FIELDS))
def test_event_guest_registration(event, case):
    field, value = case
    data = {
        "name": "外部 花子",
        "email": "hanako@example.jp",
        "organisation": "",
        "note": "",
        "consent": "on",
    }
    response, pages = post_hostile(
        Client(), reverse("outreach:event_register", args=[event.pk]), data, field, value
    )
    check(response, pages, form_names=("guest_form",))


ADVISOR_FIELDS = [
    "cso",
    "topic",
    "details",
    "preferred_date_1",
    "preferred_date_2",
    "preferred_date_3",
    "preferred_time",
    "place",
]


@pytest.fixture
def npo(db):
    return npo_admin()


@given(case=hostile_case(ADVISOR_FIELDS))
def test_advisor_request_form(npo, case):
    field, value = case
    user, cso = npo
    client = Client()
    client.force_login(user)
    data = {
        "cso": cso.pk,
        "topic": "accounting",
        "details": "NPO法人会計基準への移行について相談したいです。",
        "preferred_date_1": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        "preferred_date_2": "",
        "preferred_date_3": "",
        "preferred_time": "平日の午後",
        "place": "団体の事務所",
    }
    response, pages = post_hostile(client, reverse("advisors:create"), data, field, value)
    check(response, pages)


def test_the_escaping_check_can_fail():
    page = type("Page", (), {"status_code": 200, "content": SCRIPT_PAYLOADS[0].encode()})
    page.context = None

    with pytest.raises(AssertionError):
        check(page, [])


def test_a_saved_script_payload_is_shown_escaped_on_the_public_page(member_of_published_cso):
    user, cso = member_of_published_cso
    client = Client()
    client.force_login(user)
    url = reverse("account:cso_edit", args=[cso.pk])
    initial = client.get(url).context["form"]
    data = {**valid_profile(contact_public="on"), **extra_hidden_fields(initial)}

    response = client.post(url, {**data, "description": SCRIPT_PAYLOADS[0]})

    assert response.status_code == 302
    cso.refresh_from_db()
    assert cso.description == SCRIPT_PAYLOADS[0]
    public = Client().get(reverse("cso_registry:detail", args=[cso.pk])).content.decode()
    assert "&lt;script&gt;alert(&#x27;kyodo-xss&#x27;)&lt;/script&gt;" in public
    assert not UNESCAPED.search(public)
