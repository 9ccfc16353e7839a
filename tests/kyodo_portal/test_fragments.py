"""Parts of public pages kept per public data version for everyone the page cache does not serve
(kyodo_portal/fragments.py, issue 18): signed-in people get the list from the kept part, a change
of public data retires it like a cached page, and nothing of the person is ever kept."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cso_registry.models import CSO
from kyodo_portal import pagination
from kyodo_portal.fragments import fragment_key
from kyodo_portal.models import PublicDataVersion
from tests.factories import CSOFactory, MembershipFactory, ThemeFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


@pytest.fixture
def member_client(client):
    client.force_login(MembershipFactory().user)
    return client


def test_a_signed_in_person_gets_the_directory_from_the_kept_part(member_client):
    CSOFactory(name="佐賀みらい会", status=CSO.Status.PUBLISHED)
    url = reverse("cso_registry:list")

    first, rendered = queries_of(member_client, url)
    second, kept = queries_of(member_client, url)

    assert "X-Page-Cache" not in second  # not the anonymous page cache
    assert kept < rendered
    assert "佐賀みらい会" in second.text
    assert second.text.split("<main")[1] == first.text.split("<main")[1]


@pytest.mark.parametrize(
    "name",
    ["cso_registry:list", "proposals:theme_list", "proposals:project_list", "evaluations:list"],
)
def test_every_public_list_keeps_its_part(member_client, name):
    ThemeFactory()
    _first, rendered = queries_of(member_client, reverse(name))
    _second, kept = queries_of(member_client, reverse(name))

    assert kept < rendered


def test_a_new_public_data_version_retires_the_kept_part(member_client):
    """What retires pages retires the parts: the version (page_cache's rules say when)."""
    url = reverse("cso_registry:list")
    member_client.get(url)
    CSOFactory(name="新しく公開された会", status=CSO.Status.PUBLISHED)
    assert "新しく公開された会" not in member_client.get(url).text  # kept until the version moves

    PublicDataVersion.objects.bump()

    assert "新しく公開された会" in member_client.get(url).text


def test_the_part_follows_the_filters_and_the_page(member_client):
    CSOFactory(name="福祉の会", description="地域福祉", status=CSO.Status.PUBLISHED)
    CSOFactory(name="環境の会", description="里山の保全", status=CSO.Status.PUBLISHED)
    url = reverse("cso_registry:list")

    welfare = member_client.get(url, {"q": "福祉"}).text
    nature = member_client.get(url, {"q": "環境"}).text

    assert "福祉の会" in welfare and "環境の会" not in welfare
    assert "環境の会" in nature and "福祉の会" not in nature


def test_nothing_of_the_person_is_kept_in_the_part(client):
    ThemeFactory()
    url = reverse("proposals:theme_list")
    member = MembershipFactory().user
    client.force_login(member)
    client.get(url)
    client.logout()
    client.cookies["messages"] = ""  # a reader the page cache does not serve

    response = client.get(url)

    assert "自由提案を書く" not in response.text  # the signed-in person's button
    assert "ログアウト" not in response.text


def test_a_part_is_kept_apart_per_day_host_and_language(rf, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["a.example.jp", "b.example.jp"]
    request = rf.get("/cso/", HTTP_HOST="a.example.jp")
    other_host = rf.get("/cso/", HTTP_HOST="b.example.jp")
    today = fragment_key(request, "cso-list")

    assert fragment_key(other_host, "cso-list") != today
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda: __import__("datetime").date(2030, 1, 1)
    )
    assert fragment_key(rf.get("/cso/", HTTP_HOST="a.example.jp"), "cso-list") != today


def test_with_the_page_cache_off_nothing_is_kept(member_client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = reverse("cso_registry:list")

    _first, rendered = queries_of(member_client, url)
    _second, again = queries_of(member_client, url)

    assert again == rendered


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="PostgreSQL's estimate of the rows"
)
def test_a_count_beyond_the_threshold_is_the_databases_estimate_labelled_about(client, monkeypatch):
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 3)
    CSOFactory.create_batch(5, status=CSO.Status.PUBLISHED)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cso_registry_cso")
    client.force_login(UserFactory())

    response = client.get(reverse("cso_registry:list"))

    assert response.context["page_obj"].paginator.is_approximate
    assert "約 " in response.text and "団体が公開されています。" in response.text


def test_a_count_up_to_the_threshold_is_exact(client, monkeypatch):
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 5)
    CSOFactory.create_batch(5, status=CSO.Status.PUBLISHED)

    response = client.get(reverse("cso_registry:list"))

    assert not response.context["page_obj"].paginator.is_approximate
    assert "5 団体が公開されています。" in response.text


def test_figures_are_rounded_to_three_significant_digits():
    assert pagination.rounded(297_496) == 297_000
    assert pagination.rounded(12_345) == 12_300
    assert pagination.rounded(999) == 999


def test_a_cso_page_keeps_its_public_part_but_not_the_persons_join_form(client):
    cso = CSOFactory(name="佐賀みらい会", status=CSO.Status.PUBLISHED)
    client.force_login(UserFactory())

    _first, rendered = queries_of(client, cso.get_absolute_url())
    second, kept = queries_of(client, cso.get_absolute_url())

    assert kept < rendered
    assert "佐賀みらい会" in second.text
    assert "参加を申し込む" in second.text  # for this person, with their CSRF token
    assert 'name="csrfmiddlewaretoken"' in second.text
    client.logout()
    client.cookies["messages"] = ""
    assert "参加を申し込む" not in client.get(cso.get_absolute_url()).text
