import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.outreach.factories import NewsItemFactory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.django_db
def test_news_feed_is_atom_with_only_published_items(client):
    NewsItemFactory(title="公開済みのお知らせ", summary="セミナーの案内です。")
    NewsItemFactory(
        title="来週公開のお知らせ", published_at=timezone.now() + datetime.timedelta(days=7)
    )
    NewsItemFactory(title="下書きのお知らせ", published_at=None)

    response = client.get(reverse("outreach:news_feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text == "協働ポータル お知らせ"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["公開済みのお知らせ"]
    entry = entries[0]
    assert entry.find(f"{ATOM}summary").text == "セミナーの案内です。"
    assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/news/")
    assert entry.find(f"{ATOM}published") is not None and entry.find(f"{ATOM}updated") is not None


@pytest.mark.django_db
def test_news_list_and_detail_hide_future_and_draft_items(client):
    published = NewsItemFactory(title="公開済み")
    future = NewsItemFactory(
        title="予約投稿", published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    draft = NewsItemFactory(title="下書き", published_at=None)

    html = client.get(reverse("outreach:news_list")).content.decode()

    assert "公開済み" in html and "予約投稿" not in html and "下書き" not in html
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(future.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_news_list_query_count_is_fixed(client, django_assert_max_num_queries):
    NewsItemFactory.create_batch(25)

    with django_assert_max_num_queries(3):
        assert client.get(reverse("outreach:news_list")).status_code == 200


@pytest.mark.django_db
def test_home_page_shows_latest_news_and_upcoming_events(client):
    from tests.outreach.factories import EventFactory

    NewsItemFactory(title="新しいお知らせ")
    EventFactory(title="来月の協働推進セミナー")

    html = client.get(reverse("home")).content.decode()

    assert "新しいお知らせ" in html
    assert "来月の協働推進セミナー" in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_home_page_shows_open_themes_only(client, django_assert_max_num_queries):
    from proposals.models import Theme
    from tests.factories import DepartmentFactory

    today = timezone.localdate()
    common = {"background": "背景", "wanted": "求める提案", "department": DepartmentFactory()}
    Theme.objects.create(
        title="受付中のテーマ",
        status=Theme.Status.PUBLISHED,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
        **common,
    )
    Theme.objects.create(
        title="準備中のテーマ",
        status=Theme.Status.DRAFT,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        **common,
    )
    Theme.objects.create(
        title="締切を過ぎたテーマ",
        status=Theme.Status.PUBLISHED,
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today - datetime.timedelta(days=1),
        **common,
    )

    with django_assert_max_num_queries(4):
        html = client.get(reverse("home")).content.decode()

    assert "受付中のテーマ" in html
    assert "準備中のテーマ" not in html and "締切を過ぎたテーマ" not in html
