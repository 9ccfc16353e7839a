import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_explains_collaboration_in_japanese(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert html.count("<h1") == 1
    for word in ("対等な関係", "相互理解", "目的の共有と明確化", "情報公開と守秘義務"):
        assert word in html
    for step in ("協議", "合意", "実施", "振り返り", "今後への反映"):
        assert step in html
    assert "<title>トップページ | 協働ポータル</title>" in html


@pytest.mark.django_db
def test_pages_load_bootstrap_from_the_portal_not_a_cdn(client):
    html = client.get(reverse("home")).content.decode()

    assert "/static/vendor/bootstrap-5.3.8/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
    assert 'media="print"' in html


@pytest.mark.django_db
def test_login_page_is_in_japanese(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert "ログイン" in response.content.decode()


@pytest.mark.django_db
def test_unknown_page_answers_404_in_japanese(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
