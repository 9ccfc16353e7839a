import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from cso_registry.models import CSO
from cso_registry.opendata import COLUMNS
from kyodo_portal.csv_export import safe_cell as neutralise
from tests.cso_registry.conftest import SurveyAnswerFactory
from tests.factories import CSOFactory


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def read_json(response):
    assert isinstance(response, StreamingHttpResponse)
    return json.loads(b"".join(response.streaming_content).decode("utf-8"))


@pytest.mark.django_db
def test_csv_has_a_bom_a_header_and_only_published_csos(client):
    CSOFactory(name="公開の会")
    CSOFactory(name="申請中の会", status=CSO.Status.PENDING)
    CSOFactory(name="非公開の会", status=CSO.Status.HIDDEN)

    response = client.get(reverse("cso_registry:export_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert [row["団体名"] for row in rows] == ["公開の会"]
    assert list(rows[0]) == [str(column.label) for column in COLUMNS]


@pytest.mark.django_db
def test_json_lists_only_published_csos(client):
    CSOFactory(name="公開の会")
    CSOFactory(name="申請中の会", status=CSO.Status.PENDING)
    CSOFactory(name="非公開の会", status=CSO.Status.HIDDEN)

    data = read_json(client.get(reverse("cso_registry:export_json")))

    assert [item["name"] for item in data["items"]] == ["公開の会"]
    assert [column["key"] for column in data["columns"]] == [c.key for c in COLUMNS]


@pytest.mark.django_db
def test_exports_apply_the_same_filters_as_the_directory(client):
    CSOFactory(name="NPOの会", kind=CSO.Kind.NPO_CORPORATION)
    CSOFactory(name="PTAの会", kind=CSO.Kind.PTA)

    rows = read_csv(client.get(reverse("cso_registry:export_csv"), {"kind": "pta"}))
    items = read_json(client.get(reverse("cso_registry:export_json"), {"kind": "pta"}))["items"]

    assert [row["団体名"] for row in rows] == ["PTAの会"]
    assert [item["name"] for item in items] == ["PTAの会"]


@pytest.mark.django_db
def test_contact_details_are_exported_only_when_the_cso_opted_in(client):
    CSOFactory(name="非公開連絡先", phone="0952-11-1111", email="a@example.jp", address="秘密1-1")
    CSOFactory(name="公開連絡先", phone="0952-22-2222", email="b@example.jp", contact_public=True)

    body = b"".join(client.get(reverse("cso_registry:export_csv")).streaming_content).decode()
    items = {
        item["name"]: item
        for item in read_json(client.get(reverse("cso_registry:export_json")))["items"]
    }

    assert "0952-11-1111" not in body and "a@example.jp" not in body and "秘密1-1" not in body
    assert "0952-22-2222" in body
    assert items["非公開連絡先"]["phone"] == ""
    assert items["公開連絡先"]["email"] == "b@example.jp"


@pytest.mark.django_db
def test_history_memberships_and_unrelated_personal_data_never_reach_the_exports(
    client, cso, cso_admin
):
    body = b"".join(client.get(reverse("cso_registry:export_csv")).streaming_content).decode()
    json_body = b"".join(client.get(reverse("cso_registry:export_json")).streaming_content).decode()

    for text in (body, json_body):
        assert cso_admin.email not in text
        assert cso_admin.full_name not in text


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_look_like_formulas_are_neutralised(prefix):
    assert neutralise(f"{prefix}HYPERLINK(1)") == f"'{prefix}HYPERLINK(1)"
    assert neutralise("普通の文") == "普通の文"
    assert neutralise(42) == 42


@pytest.mark.django_db
def test_a_formula_in_a_description_is_neutralised_in_the_csv(client):
    CSOFactory(name="=cmd|' /C calc'!A0", description="@SUM(1+1)")

    row = read_csv(client.get(reverse("cso_registry:export_csv")))[0]

    assert row["団体名"].startswith("'=")
    assert row["団体の紹介"] == "'@SUM(1+1)"


@pytest.mark.django_db
def test_exports_include_the_latest_survey_answer_and_disclosure_level(client, cso):
    SurveyAnswerFactory(cso=cso, fiscal_year=2024, paid_staff=1)
    SurveyAnswerFactory(cso=cso, fiscal_year=2026, paid_staff=3, volunteers=40)

    item = read_json(client.get(reverse("cso_registry:export_json")))["items"][0]

    assert item["survey_fiscal_year"] == 2026
    assert item["survey_paid_staff"] == 3
    assert item["disclosure_level"] in (1, 2, 3)
    assert item["url"].endswith(f"/cso/{cso.pk}/")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 40])
def test_exports_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    for number in range(count):
        SurveyAnswerFactory(cso=CSOFactory(name=f"会{number}"))

    with django_assert_max_num_queries(6):
        b"".join(client.get(reverse("cso_registry:export_csv")).streaming_content)
    with django_assert_max_num_queries(6):
        b"".join(client.get(reverse("cso_registry:export_json")).streaming_content)


@pytest.mark.django_db
def test_the_columns_page_documents_every_column_and_is_linked_from_the_directory(client):
    html = client.get(reverse("cso_registry:export_columns")).content.decode()
    directory = client.get(reverse("cso_registry:list")).content.decode()

    for column in COLUMNS:
        assert f"<code>{column.key}</code>" in html
    assert reverse("cso_registry:export_columns") in directory
