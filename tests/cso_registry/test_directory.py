import pytest
from django.urls import reverse

from cso_registry.models import CSO
from tests.cso_registry.conftest import SurveyAnswerFactory, activity_field, municipality
from tests.factories import CSOFactory


def names(response):
    return [cso.name for cso in response.context["page_obj"]]


@pytest.mark.django_db
def test_only_published_csos_appear_in_the_directory(client):
    CSOFactory(name="公開の会")
    CSOFactory(name="申請中の会", status=CSO.Status.PENDING)
    CSOFactory(name="非公開の会", status=CSO.Status.HIDDEN)

    response = client.get(reverse("cso_registry:list"))

    assert names(response) == ["公開の会"]
    html = response.content.decode()
    assert "申請中の会" not in html and "非公開の会" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("status", [CSO.Status.PENDING, CSO.Status.HIDDEN])
def test_the_detail_page_of_an_unpublished_cso_answers_404(client, status):
    cso = CSOFactory(status=status)

    assert client.get(reverse("cso_registry:detail", args=[cso.pk])).status_code == 404


@pytest.mark.django_db
def test_the_directory_is_in_gojuon_order_of_the_furigana(client):
    CSOFactory(name="和の会", furigana="ワノカイ")
    CSOFactory(name="朝の会", furigana="アサノカイ")
    CSOFactory(name="夏の会", furigana="ナツノカイ")

    assert names(client.get(reverse("cso_registry:list"))) == ["朝の会", "夏の会", "和の会"]


@pytest.mark.django_db
def test_keyword_searches_name_furigana_and_description(client):
    CSOFactory(name="有明海の干潟を守る会", furigana="アリアケカイノヒガタヲマモルカイ")
    CSOFactory(name="子ども食堂", furigana="コドモショクドウ", description="干潟で遊ぶ会もします。")
    CSOFactory(name="関係ない会", furigana="カンケイナイカイ")

    assert len(names(client.get(reverse("cso_registry:list"), {"q": "干潟"}))) == 2
    # Furigana typed in hiragana, name typed in full-width: both still match.
    assert names(client.get(reverse("cso_registry:list"), {"q": "ありあけ"})) == [
        "有明海の干潟を守る会"
    ]


@pytest.mark.django_db
def test_filters_by_kind_field_and_municipality_where_based_or_active(client):
    npo = CSOFactory(name="NPOの会", kind=CSO.Kind.NPO_CORPORATION)
    npo.activity_fields.set([activity_field(7)])
    local = CSOFactory(
        name="鹿島の自治会",
        kind=CSO.Kind.NEIGHBOURHOOD_ASSOCIATION,
        municipality=municipality("鹿島市"),
    )
    local.activity_fields.set([activity_field(7), activity_field(9)])
    npo.areas.set([municipality("鹿島市"), municipality("太良町")])
    url = reverse("cso_registry:list")

    assert names(client.get(url, {"kind": "npo_corporation"})) == ["NPOの会"]
    assert set(names(client.get(url, {"field": activity_field(7).pk}))) == {
        "NPOの会",
        "鹿島の自治会",
    }
    assert names(client.get(url, {"field": activity_field(9).pk})) == ["鹿島の自治会"]
    assert set(names(client.get(url, {"municipality": municipality("鹿島市").pk}))) == {
        "NPOの会",
        "鹿島の自治会",
    }
    assert names(client.get(url, {"municipality": municipality("太良町").pk})) == ["NPOの会"]


@pytest.mark.django_db
def test_result_count_and_pagination_keep_the_filters_in_the_query_string(client):
    for number in range(25):
        CSOFactory(name=f"福祉の会{number:02d}", kind=CSO.Kind.VOLUNTEER_GROUP)
    CSOFactory(name="別の種類", kind=CSO.Kind.PTA)

    response = client.get(reverse("cso_registry:list"), {"kind": "volunteer_group"})

    html = response.content.decode()
    assert "条件に合う団体は 25 件です。" in html
    assert "?kind=volunteer_group&amp;page=2" in html
    assert len(names(response)) == 20
    page_two = client.get(reverse("cso_registry:list"), {"kind": "volunteer_group", "page": 2})
    assert len(names(page_two)) == 5
    assert "export.csv?kind=volunteer_group" in html


@pytest.mark.django_db
def test_an_unknown_filter_value_is_reported_not_crashed(client):
    response = client.get(reverse("cso_registry:list"), {"kind": "nonsense"})

    assert response.status_code == 200
    assert "kind" in response.context["filter"].form.errors


def make_csos(count):
    for number in range(count):
        cso = CSOFactory(name=f"会{number}", furigana=f"カイ{'ア' * (number % 5)}")
        cso.activity_fields.set([activity_field(1 + number % 20)])
        cso.areas.set([municipality("佐賀市")])
        SurveyAnswerFactory(cso=cso)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_directory_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    make_csos(count)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("cso_registry:list"))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_filtered_directory_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, count
):
    make_csos(count)

    with django_assert_max_num_queries(11):
        response = client.get(
            reverse("cso_registry:list"),
            {"q": "会", "field": activity_field(1).pk, "municipality": municipality("佐賀市").pk},
        )

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_detail_page_shows_contact_details_only_when_the_cso_opted_in(client):
    hidden = CSOFactory(
        phone="0952-11-1111", email="secret@example.jp", representative_name="秘密 太郎"
    )
    shown = CSOFactory(
        phone="0952-22-2222",
        email="open@example.jp",
        representative_name="公開 花子",
        contact_public=True,
    )

    hidden_html = client.get(reverse("cso_registry:detail", args=[hidden.pk])).content.decode()
    shown_html = client.get(reverse("cso_registry:detail", args=[shown.pk])).content.decode()

    for secret in ("0952-11-1111", "secret@example.jp", "秘密 太郎"):
        assert secret not in hidden_html
    for public in ("0952-22-2222", "open@example.jp", "公開 花子"):
        assert public in shown_html


@pytest.mark.django_db
def test_the_detail_page_has_one_h1_and_a_title_naming_the_cso(client, cso):
    html = client.get(reverse("cso_registry:detail", args=[cso.pk])).content.decode()

    assert html.count("<h1") == 1
    assert f"<title>{cso.name} | 協働ポータル</title>" in html
