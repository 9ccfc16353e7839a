import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ThemeFactory


@pytest.mark.django_db
def test_theme_list_shows_published_themes_only_with_a_pinned_query_count(
    client, department, django_assert_max_num_queries
):
    for _ in range(6):
        ThemeFactory(department=department)
    ThemeFactory(title="準備中の内緒のテーマ", status="draft")
    ThemeFactory(title="掲載を終えたテーマ", status="archived")

    with django_assert_max_num_queries(6):
        response = client.get(reverse("proposals:theme_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "準備中の内緒のテーマ" not in html
    assert "掲載を終えたテーマ" not in html
    assert html.count("<h1") == 1
    assert "<title>募集テーマ | 協働ポータル</title>" in html


@pytest.mark.django_db
def test_theme_filters_department_kind_field_and_open_now(client, department, other_department):
    from cso_registry.models import ActivityField

    today = timezone.localdate()
    welfare = ThemeFactory(department=department, title="福祉のテーマ")
    welfare.activity_fields.add(ActivityField.objects.get(number=1))
    review = ThemeFactory(department=other_department, kind="program_review", title="見直し事業")
    closed = ThemeFactory(
        department=department,
        title="締め切ったテーマ",
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today - datetime.timedelta(days=1),
    )

    def titles(**params):
        response = client.get(reverse("proposals:theme_list"), params)
        return {theme.title for theme in response.context["page_obj"]}

    assert titles(department=department.pk) == {welfare.title, closed.title}
    assert titles(kind="program_review") == {review.title}
    assert titles(field=ActivityField.objects.get(number=1).pk) == {welfare.title}
    assert titles(open_now="on") == {welfare.title, review.title}


@pytest.mark.django_db
def test_theme_detail_offers_proposing_only_while_open(client, cso_member):
    theme = ThemeFactory()
    client.force_login(cso_member)

    html = client.get(theme.get_absolute_url()).content.decode()

    assert f"?theme={theme.pk}" in html
    assert "協働は、必ずしも予算化することを前提とするものではありません" in html


@pytest.mark.django_db
def test_a_draft_theme_answers_404_and_an_archived_one_stays_readable(client):
    assert client.get(ThemeFactory(status="draft").get_absolute_url()).status_code == 404
    archived = client.get(ThemeFactory(status="archived").get_absolute_url())
    assert archived.status_code == 200
    assert "掲載を終了しました" in archived.content.decode()


@pytest.mark.django_db
def test_the_theme_feed_lists_open_themes(client):
    ThemeFactory(title="募集中の福祉テーマ")
    ThemeFactory(title="準備中テーマ", status="draft")

    response = client.get(reverse("proposals:theme_feed"))

    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "募集中の福祉テーマ" in body and "準備中テーマ" not in body
