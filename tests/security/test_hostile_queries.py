"""Hostile query strings on every list: no input gives a 500.

Every admin change list (signed in as 県民協働課; lists 県民協働課 may not open, as a superuser)
and every public and /my/ page without URL arguments get query strings made of the names their
filters read and random ones, with values like "abc", "%00", "-1", twenty digits, very long or
unusual text. A value a filter does not offer is ignored or refused (the admin reopens the list
with ?e=1); a NUL character is answered 400 on every page, as PostgreSQL would refuse it.

The world (tests/security/world.py) is built once for this module, inside a transaction rolled
back at the end; each request runs in a savepoint that is rolled back too.
"""

import pytest
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cso_registry.filters import CSOFilter
from evaluations.filters import EvaluationFilter
from kyodo_portal.admin_site import ChoiceListFilter, PortalChangeList
from kyodo_portal.permission_map import Access, rule_for, url_patterns
from outreach.filters import EventFilter
from proposals.agreements.filters import ProjectFilter
from proposals.filters import ThemeFilter
from tests.factories import UserFactory
from tests.security.world import module_world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NUL = "\x00"
HOSTILE_VALUES = [
    "abc",
    NUL,
    f"12{NUL}",
    "-1",
    "0",
    "1",
    "9999",
    "99999",
    "99999999999999999999",
    "9223372036854775808",
    "",
    " ",
    "1e9",
    "1.5",
    "../",
    "../../etc/passwd",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "東京",
    "１２",
    "x" * 5000,
    "あ" * 2000,
    "\u202e\u200b\ufeff",
    "[]",
    "{}",
    "%00",
    "None",
    "true",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=40),
    st.integers().map(str),
    st.integers(min_value=2**63 - 2, max_value=10**30).map(str),
)
RANDOM_NAMES = st.from_regex(r"[a-z_]{1,12}(__[a-z]{2,8}){0,2}", fullmatch=True)
GENERIC_NAMES = ["page", "q", "o", "p", "theme", "department", "fiscal_year", "year", "status"]
ALLOWED = {200, 302, 400}
# Some sixty lists are walked one by one: each gets half the profile's examples
# (tests/security/conftest.py), so that the file stays well under a minute.
EACH_LIST = settings(max_examples=max(10, settings.default.max_examples // 2))


def query_strings(names):
    return st.dictionaries(
        st.one_of(st.sampled_from(sorted(set(names))), RANDOM_NAMES), VALUES, min_size=1, max_size=3
    )


def carries_nul(query):
    return any(NUL in name or NUL in value for name, value in query.items())


def get_in_savepoint(client, url, query):
    with transaction.atomic():
        response = client.get(url, query)
        transaction.set_rollback(True)
    return response


def check(response, query):
    if carries_nul(query):
        assert response.status_code == 400, (query, response.status_code)
    else:
        assert response.status_code in ALLOWED, (query, response.status_code)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    def add_superuser(built):
        built.users["superuser"] = UserFactory(is_staff=True, is_superuser=True)

    yield from module_world(django_db_blocker, tmp_path_factory, extend=add_superuser)


def signed_in(world, actor):
    client = Client()
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


# The admin: every change list, with the parameters its filters and date hierarchy read.

CHANGELISTS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


def changelist_parameters(response):
    changelist = response.context["cl"]
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    for list_filter in changelist.list_filter:
        field = list_filter[0] if isinstance(list_filter, (list, tuple)) else list_filter
        if isinstance(field, str):
            names.append(field)  # the field's own name is an allowed lookup, too
    if changelist.date_hierarchy:
        names += [f"{changelist.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return [*names, "q", "o", "p", "all", "e", "_facets", "_to_field"]


@pytest.mark.parametrize("app_label, model_name", CHANGELISTS)
def test_every_admin_changelist_answers_hostile_query_strings_without_a_500(
    world, db, app_label, model_name
):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    client = signed_in(world, "coordinator")
    plain = client.get(url)
    if plain.status_code == 403:
        client = signed_in(world, "superuser")
        plain = client.get(url)
    if plain.status_code == 302:
        assert get_in_savepoint(client, url, {"theme": "abc"}).status_code == 302
        return  # a list that sends every visitor elsewhere (AgreementVersion: to its agreement)
    assert plain.status_code == 200
    names = changelist_parameters(plain)

    @EACH_LIST
    @given(query=query_strings(names))
    def walk(query):
        check(get_in_savepoint(client, url, query), query)

    walk()


AUTOCOMPLETES = sorted(
    {
        (model._meta.app_label, model._meta.model_name, field)
        for model, model_admin in admin.site._registry.items()
        for field in model_admin.autocomplete_fields
    }
)


@given(term=VALUES)
def test_admin_autocomplete_answers_any_search_term_without_a_500(world, db, term):
    client = signed_in(world, "superuser")
    for app_label, model_name, field in AUTOCOMPLETES:
        query = {"app_label": app_label, "model_name": model_name, "field_name": field}
        response = get_in_savepoint(client, reverse("admin:autocomplete"), {**query, "term": term})
        check(response, {"term": term})


# Public and /my/ pages: every page without URL arguments.

FILTERS = {
    "cso_registry:list": CSOFilter,
    "cso_registry:export_csv": CSOFilter,
    "cso_registry:export_json": CSOFilter,
    "cso_registry:export_columns": CSOFilter,
    "proposals:theme_list": ThemeFilter,
    "proposals:project_list": ProjectFilter,
    "evaluations:list": EvaluationFilter,
    "evaluations:export_csv": EvaluationFilter,
    "evaluations:export_json": EvaluationFilter,
    "evaluations:export_columns": EvaluationFilter,
    "outreach:event_list": EventFilter,
    "outreach:event_calendar": EventFilter,
}
FORM = "a form, not a list: its hostile input is in test_hostile_input.py"
NOT_WALKED = {
    "logout": "POST only",
    "two_factor:verify": "staff sign-in step, not a list",
    "two_factor:setup": "staff sign-in step, not a list",
    "login": FORM,
    "account:signup": FORM,
    "account:cso_register": FORM,
    "accounts:resend_confirmation": FORM,
    "accounts:password_reset": FORM,
    "advisors:create": FORM,
    # A theme number that names no theme answers 404: tested on its own below.
    "proposals:my_create": "test_a_theme_that_is_not_a_number_names_no_theme",
}
PAGES = sorted(
    (name, rule_for(name, route).access)
    for route, name, pattern in url_patterns()
    if name
    and not pattern.pattern.converters
    and not route.startswith(("admin/", "__"))
    and "GET" in rule_for(name, route).methods  # a form's POST-only target is not a page
    and name not in NOT_WALKED
)


def test_the_walk_covers_every_page_without_url_arguments():
    walked = {name for name, _access in PAGES}

    assert {"cso_registry:list", "proposals:my_list", "proposals:my_agreement_list"} <= walked
    assert set(FILTERS) <= walked


@pytest.mark.parametrize("name, access", PAGES)
def test_every_public_and_my_page_answers_hostile_query_strings_without_a_500(
    world, db, name, access
):
    actor = "anonymous" if access == Access.PUBLIC else "member_a"
    client = signed_in(world, actor)
    url = reverse(name)
    filterset = FILTERS.get(name)
    names = [*GENERIC_NAMES, *(filterset.base_filters if filterset else ())]

    @EACH_LIST
    @given(query=query_strings(names))
    def walk(query):
        check(get_in_savepoint(client, url, query), query)

    walk()


# The inputs the probe found, one by one.


@pytest.mark.parametrize(
    "changelist, query",
    [
        ("proposals_proposal", {"theme": "abc"}),
        ("proposals_proposal", {"theme": "abc", "e": "1"}),  # not Django's "database error"
        ("proposals_proposal", {"theme": "99999999999999999999"}),
        ("proposals_proposal", {"department": "abc"}),
        ("proposals_proposal", {"fiscal_year": "abc"}),
        ("proposals_agreement", {"department": "abc"}),
        ("proposals_agreement", {"fiscal_year": "abc"}),
        ("cso_registry_cso", {"verification": "abc"}),
        ("proposals_theme", {"opens_on__year": "99999999999999999999"}),
        ("proposals_theme", {"department": "99999999999999999999"}),
        ("proposals_theme", {"opens_on__year": "9999"}),
        ("proposals_theme", {"opens_on__year": "2026", "opens_on__month": "99999999999999999999"}),
        ("outreach_event", {"starts_at__year": "99999999999999999999"}),
        ("cso_registry_csohistoryentry", {"at__year": "99999999999999999999"}),
        ("kyodo_portal_user", {"department": "99999999999999999999"}),
    ],
)
def test_a_filter_value_the_list_does_not_offer_reopens_it_without_filters(
    world, db, changelist, query
):
    client = signed_in(world, "coordinator")

    response = client.get(reverse(f"admin:{changelist}_changelist"), query)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_a_promoter_cannot_filter_by_another_departments_number(world, db):
    client = signed_in(world, "promoter_y")

    response = client.get(
        reverse("admin:proposals_proposal_changelist"), {"department": world.department_x.pk}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_an_offered_filter_value_still_filters(world, db):
    client = signed_in(world, "coordinator")
    url = reverse("admin:proposals_proposal_changelist")

    chosen = client.get(url, {"theme": world.theme.pk, "department": world.department_x.pk})
    free = client.get(url, {"theme": "free"})

    assert chosen.status_code == free.status_code == 200
    assert list(chosen.context["cl"].result_list) == [world.proposal]
    assert world.proposal not in free.context["cl"].result_list


@pytest.mark.parametrize(
    "url, query",
    [
        ("admin:proposals_proposal_changelist", {"status": NUL}),
        ("admin:proposals_theme_changelist", {"status__exact": NUL}),
        ("admin:cso_registry_cso_changelist", {"q": f"さが{NUL}"}),
        ("admin:autocomplete", {"term": NUL}),
        ("cso_registry:list", {"q": NUL}),
        ("proposals:theme_list", {"kind": NUL}),
    ],
)
def test_a_nul_character_in_the_query_string_is_answered_400_in_japanese(world, db, url, query):
    client = signed_in(world, "coordinator")

    response = client.get(reverse(url), query)

    assert response.status_code == 400
    assert "受け付けられませんでした" in response.content.decode()
    assert response.templates[0].name == "400.html"
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


def test_a_nul_character_in_the_path_or_the_form_data_is_answered_400(world, db):
    client = signed_in(world, "member_a")

    in_path = client.get(f"/cso/{NUL}/")
    in_form = client.post(reverse("login"), {"username": f"a{NUL}@example.jp", "password": "x"})
    in_field_name = client.post(reverse("account:cso_register"), {f"name{NUL}": "x"})

    assert (in_path.status_code, in_form.status_code, in_field_name.status_code) == (400, 400, 400)


def test_a_session_cookie_with_a_nul_character_is_answered_400_for_a_signed_out_visitor(world, db):
    client = signed_in(world, "member_a")
    client.cookies["sessionid"] = f"{'a' * 31}{NUL}"

    response = client.get(reverse("cso_registry:list"))

    assert response.status_code == 400
    assert response.context["user"].is_anonymous
    assert response.cookies["sessionid"].value == ""  # deleted: the next request is answered


@pytest.mark.parametrize("theme", ["abc", NUL, "1e9", "-1", "１２", "99999999999999999999"])
def test_a_theme_that_is_not_a_number_names_no_theme(world, db, theme):
    client = signed_in(world, "member_a")

    response = client.get(reverse("proposals:my_create"), {"theme": theme})

    assert response.status_code == (400 if NUL in theme else 404)


def test_the_proposal_form_still_opens_for_an_open_theme(world, db):
    client = signed_in(world, "member_a")

    response = client.get(reverse("proposals:my_create"), {"theme": world.theme.pk})

    assert response.status_code == 200
    assert response.context["theme"] == world.theme


def test_an_unknown_period_on_the_event_list_shows_the_upcoming_events(world, db):
    client = signed_in(world, "anonymous")

    unknown = client.get(reverse("outreach:event_list"), {"when": "abc"})
    upcoming = client.get(reverse("outreach:event_list"), {"when": "upcoming"})

    assert unknown.status_code == 200
    assert list(unknown.context["page_obj"]) == list(upcoming.context["page_obj"])
    assert world.event in upcoming.context["page_obj"]


def test_an_agreement_for_a_proposal_number_beyond_64_bits_is_not_looked_up(world, db):
    client = signed_in(world, "coordinator")

    response = client.get(
        reverse("admin:proposals_agreement_add"), {"proposal": "99999999999999999999"}
    )

    assert response.status_code == 200


def test_a_missing_two_factor_device_in_the_admin_is_not_a_500(world, db):
    client = signed_in(world, "superuser")

    for view in ("config", "qrcode"):
        response = client.get(f"/admin/otp_totp/totpdevice/{10**20}/{view}/")
        assert response.status_code == 403


# The rule lives in one place: every filter and every list of the admin site uses it.


PORTAL_APPS = {"kyodo_portal", "cso_registry", "proposals", "evaluations", "outreach", "advisors"}


def test_every_custom_list_filter_accepts_only_the_values_it_offers():
    custom = [
        f"{type(model_admin).__name__}: {list_filter.__name__}"
        for model_admin in admin.site._registry.values()
        for list_filter in model_admin.list_filter
        if isinstance(list_filter, type)
        and issubclass(list_filter, SimpleListFilter)
        and list_filter.__module__.partition(".")[0] in PORTAL_APPS
        and not issubclass(list_filter, ChoiceListFilter)
    ]

    assert custom == [], "derive these from kyodo_portal.admin_site.ChoiceListFilter"


def test_every_model_admin_lists_with_the_portal_changelist(world, db, rf):
    request = rf.get("/")
    request.user = world.users["coordinator"]

    assert {
        model_admin.get_changelist(request) for model_admin in admin.site._registry.values()
    } == {PortalChangeList}
