"""The permission map (kyodo_portal/permission_map.py) covers every URL pattern, and every view
answers every actor as the map says, for GET and POST.

The world (tests/security/world.py) is built once for this module, inside a transaction rolled
back at the end; each request runs in a savepoint that is rolled back too, so one actor's POST
never changes what the next one sees.
"""

import logging
import re

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from kyodo_portal.permission_map import (
    DEBUG_ONLY_PREFIXES,
    PERMISSION_MAP,
    PREFIX_RULES,
    rule_for,
    url_patterns,
)
from tests.security.world import (
    ACTORS,
    KWARGS,
    SIGNED_OUT,
    client_for,
    entitled,
    module_world,
)

PATTERNS = list(url_patterns())
# The admin is one prefix rule; the matrix opens its index (each app's admin tests cover the rest).
ADMIN_SAMPLES = {"admin:index": PREFIX_RULES["admin/"]}
MATRIX = sorted(
    {name for _route, name, _pattern in PATTERNS if name in PERMISSION_MAP} | set(ADMIN_SAMPLES)
)


def test_every_url_pattern_has_an_entry_in_the_permission_map():
    missing = [
        f"{route} ({name or 'no name'})"
        for route, name, _pattern in PATTERNS
        if rule_for(name, route) is None and not route.startswith(DEBUG_ONLY_PREFIXES)
    ]

    assert missing == [], (
        "URL patterns without a rule: add them to kyodo_portal/permission_map.py "
        "(and their kwargs to tests/security/world.py): " + ", ".join(missing)
    )


def test_the_map_names_no_pattern_that_does_not_exist():
    names = {name for _route, name, _pattern in PATTERNS}

    assert sorted(set(PERMISSION_MAP) - names) == []


def test_a_pattern_missing_from_the_map_is_reported():
    assert rule_for("someapp:new_page", "someapp/new/") is None
    assert rule_for("admin:whatever", "admin/whatever/") is PREFIX_RULES["admin/"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from module_world(django_db_blocker, tmp_path_factory)


def expected_statuses(rule, actor, method):
    if rule.login_required and actor in SIGNED_OUT:
        return {302}
    if method not in rule.methods:
        return {405}
    if entitled(actor, rule.access):
        return set(rule.ok_for(method))
    return {rule.refusal}


def inline_script_problems(response):
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response.get("Content-Security-Policy", ""))
    problems = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I):
        signed = nonce is not None and f'nonce="{nonce.group(1)}"' in attrs
        if "src=" not in attrs and body.strip() and not signed:
            problems.append("inline <script> without the nonce")
    if re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, flags=re.I):
        problems.append("on*= event handler attribute")
    return problems


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", MATRIX)
def test_every_actor_is_answered_as_the_map_says(world, db, settings, name, method):
    settings.OTP_REQUIRED_FOR_STAFF = True  # as in production: staff pass the second factor
    # Eleven actors from one test address: the limits per client (tested on their own) aside.
    settings.THROTTLE_RATES = dict.fromkeys(settings.THROTTLE_RATES, "1000000/h")
    rule = ADMIN_SAMPLES.get(name) or PERMISSION_MAP[name]
    pattern = next((p for _r, n, p in PATTERNS if n == name), None)
    needs_kwargs = pattern is not None and bool(pattern.pattern.converters)
    assert not needs_kwargs or name in KWARGS, (
        f"{name}: no object for its URL kwargs — add one in tests/security/world.py KWARGS"
    )
    settings.PRIVATE_MEDIA_ROOT = world.private_media
    url = reverse(name, kwargs=KWARGS[name](world) if name in KWARGS else None)

    mismatches = []
    for actor in ACTORS:
        client = client_for(world, actor)
        with transaction.atomic():
            response = getattr(client, method.lower())(url)
            transaction.set_rollback(True)
        wanted = expected_statuses(rule, actor, method)
        status = response.status_code
        if status not in wanted:
            mismatches.append(f"{actor}: {status} (expected {sorted(wanted)})")
        elif status == 302 and rule.login_required and actor in SIGNED_OUT:
            login = "/admin/login/" if name.startswith("admin:") else settings.LOGIN_URL
            login = reverse(login) if not login.startswith("/") else login
            if not response["Location"].startswith(login):
                mismatches.append(f"{actor}: redirected to {response['Location']}, not the login")
        mismatches += [f"{actor}: {problem}" for problem in inline_script_problems(response)]

    assert mismatches == [], f"{method} {url} ({name}, {rule.access}): " + "; ".join(mismatches)


def test_a_refused_private_object_is_logged(world, db, caplog):
    client = client_for(world, "member_b")

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("account:cso_edit", kwargs={"pk": world.cso_a.pk}))

    assert response.status_code == 404
    assert any(record.levelname == "WARNING" for record in caplog.records)


def test_the_login_url_setting_is_a_url_name():
    assert reverse(settings.LOGIN_URL) == "/login/"


@pytest.mark.parametrize("actor", ACTORS)
def test_a_draft_agreement_and_an_unpublished_evaluation_answer_404_on_public_pages(
    world, db, actor
):
    """The public pages in the matrix read published objects; their drafts do not exist there."""
    from evaluations import services as evaluation_services
    from proposals.models import Agreement
    from tests.evaluations.conftest import make_agreement

    client = client_for(world, actor)
    with transaction.atomic():
        draft = make_agreement(
            department=world.department_x, cso=world.cso_a, status=Agreement.Status.DRAFT
        )
        evaluation_services.evaluation_withdraw(
            evaluation=world.evaluation, by=world.users["coordinator"], reason="確認のため"
        )
        urls = [
            reverse("proposals:project_detail", kwargs={"pk": draft.pk}),
            reverse("evaluations:detail", kwargs={"pk": world.evaluation.pk}),
        ]
        statuses = [client.get(url).status_code for url in urls]
        transaction.set_rollback(True)

    assert statuses == [404, 404]
