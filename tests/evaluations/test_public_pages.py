import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Decision, Side
from proposals.models import Agreement
from tests.evaluations.conftest import complete, fill_and_submit, make_agreement
from tests.factories import DepartmentFactory, MembershipFactory

ATOM = "{http://www.w3.org/2005/Atom}"
pytestmark = pytest.mark.django_db


def published_evaluation(
    department, promoter, coordinator, *, title, decision=Decision.CONTINUE, **kwargs
):
    agreement = make_agreement(department=department, title=title, **kwargs)
    member = MembershipFactory(cso=agreement.current_version.parties.get().cso).user
    evaluation = services.evaluation_start(agreement=agreement, by=promoter)
    complete(evaluation, member, promoter, decision=decision)
    services.evaluation_publish(evaluation=evaluation, by=coordinator)
    evaluation.refresh_from_db()
    return evaluation


@pytest.fixture
def published(department, promoter, coordinator):
    return published_evaluation(department, promoter, coordinator, title="公開された見守り事業")


@pytest.fixture
def unpublished(department, promoter):
    agreement = make_agreement(department=department, title="非公開の子育て事業")
    member = MembershipFactory(cso=agreement.current_version.parties.get().cso).user
    evaluation = services.evaluation_start(agreement=agreement, by=promoter)
    fill_and_submit(evaluation, Side.CSO, member, went_well="まだ出せない団体の本音")
    return evaluation


def test_the_list_and_detail_show_only_published(client, published, unpublished):
    page = client.get(reverse("evaluations:list")).content.decode()
    assert "公開された見守り事業" in page and "非公開の子育て事業" not in page
    assert client.get(unpublished.get_absolute_url()).status_code == 404
    detail = client.get(published.get_absolute_url())
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "団体（CSO）の振り返り" in text and "県の振り返り" in text
    assert "継続" in text and "令和6年度" in text
    assert "<title>公開された見守り事業（完了時の振り返り） | 協働ポータル</title>" in text


def test_a_withdrawn_evaluation_leaves_every_public_place(client, published, coordinator):
    services.evaluation_withdraw(evaluation=published, by=coordinator, reason="確認のため")
    assert client.get(published.get_absolute_url()).status_code == 404
    assert "公開された見守り事業" not in client.get(reverse("evaluations:list")).content.decode()
    assert "公開された見守り事業" not in client.get(reverse("evaluations:feed")).content.decode()
    assert "公開された見守り事業" not in b"".join(
        client.get(reverse("evaluations:export_csv")).streaming_content
    ).decode("utf-8-sig")


def test_filters(client, department, promoter, coordinator):
    published_evaluation(department, promoter, coordinator, title="継続の事業")
    other = DepartmentFactory()
    from django.contrib.auth.models import Group

    from kyodo_portal.roles import Role
    from tests.factories import UserFactory

    other_promoter = UserFactory(is_staff=True, department=other)
    other_promoter.groups.add(Group.objects.get(name=Role.PROMOTER))
    published_evaluation(
        other,
        other_promoter,
        coordinator,
        title="終了の事業",
        decision=Decision.END,
        form="co_hosting",
    )
    url = reverse("evaluations:list")
    page = client.get(url, {"decision": "end"}).content.decode()
    assert "終了の事業" in page and "継続の事業" not in page
    page = client.get(url, {"department": department.pk}).content.decode()
    assert "継続の事業" in page and "終了の事業" not in page
    page = client.get(url, {"form": "co_hosting", "year": 2024}).content.decode()
    assert "終了の事業" in page and "継続の事業" not in page


@pytest.mark.parametrize("count", [2, 8])
def test_the_list_runs_a_fixed_number_of_queries(
    client, department, promoter, coordinator, django_assert_max_num_queries, count
):
    for number in range(count):
        published_evaluation(department, promoter, coordinator, title=f"事業{number}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("evaluations:list"), {"decision": "continue"})
    assert response.status_code == 200


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text and root.find(f"{ATOM}updated").text
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        assert entry.find(f"{ATOM}id").text
        assert entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}title").text
    return entries


def test_the_evaluation_feed_is_atom_with_only_published_items(client, published, unpublished):
    entries = parse_feed(client, reverse("evaluations:feed"))
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [
        "公開された見守り事業（完了時の振り返り）"
    ]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(published.get_absolute_url())


def test_the_projects_feed_holds_concluded_agreements_only(client, department):
    make_agreement(department=department, title="締結した事業", status=Agreement.Status.CONCLUDED)
    make_agreement(department=department, title="完了した事業")
    make_agreement(department=department, title="作成中の協定", status=Agreement.Status.DRAFT)
    make_agreement(department=department, title="確認済の協定", status=Agreement.Status.CONFIRMED)
    entries = parse_feed(client, reverse("evaluations:project_feed"))
    titles = sorted(entry.find(f"{ATOM}title").text for entry in entries)
    assert titles == ["完了した事業", "締結した事業"]
    assert all("/projects/" in entry.find(f"{ATOM}link").get("href") for entry in entries)


def test_csv_export_gives_known_numbers(client, published, unpublished):
    response = client.get(reverse("evaluations:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    record = dict(zip(header, data[0], strict=True))
    assert record["事業名"] == "公開された見守り事業"
    assert record["年度（西暦）"] == "2024" and record["年度（和暦）"] == "令和6年度"
    assert record["今後の方針"] == "継続"
    assert record["団体・対等な関係（1〜5）"] == "4"
    assert record["県・目的の共有と明確化（1〜5）"] == "3"
    assert record["締結日"] == "2024-05-10" and record["完了日"] == "2025-03-15"
    assert "まだ出せない団体の本音" not in body


def test_json_export_matches_the_documented_keys(client, published):
    from evaluations import opendata

    response = client.get(reverse("evaluations:export_json"))
    records = json.loads(b"".join(response.streaming_content))
    assert len(records) == 1 and list(records[0]) == opendata.column_keys()
    assert records[0]["pref_understanding_rating"] == 5
    columns = client.get(reverse("evaluations:export_columns")).content.decode()
    for key in opendata.column_keys():
        assert f"<code>{key}</code>" in columns


def test_department_page_lists_its_collaborations(client, department, published, unpublished):
    make_agreement(department=department, title="作成中の協定", status=Agreement.Status.DRAFT)
    page = client.get(reverse("evaluations:department", args=[department.pk])).content.decode()
    assert "公開された見守り事業" in page and "非公開の子育て事業" in page  # agreement is public
    assert "作成中の協定" not in page
    assert page.count(published.get_absolute_url()) == 1
    assert unpublished.get_absolute_url() not in page


def test_the_cso_page_shows_its_track_record(client, published, unpublished, department):
    cso = published.agreement.current_version.parties.get().cso
    draft = make_agreement(
        department=department, cso=cso, title="作成中の協定", status=Agreement.Status.DRAFT
    )
    page = client.get(reverse("cso_registry:detail", args=[cso.pk])).content.decode()
    assert "県との協働の実績" in page
    assert f"/projects/{published.agreement_id}/" in page
    assert published.get_absolute_url() in page
    assert f"/projects/{draft.pk}/" not in page
    other = unpublished.agreement.current_version.parties.get().cso
    page = client.get(reverse("cso_registry:detail", args=[other.pk])).content.decode()
    assert f"/projects/{unpublished.agreement_id}/" in page  # the agreement itself is public
    assert unpublished.get_absolute_url() not in page
    assert "公開した振り返りはまだありません。" in page


@pytest.mark.parametrize("count", [1, 5])
def test_the_cso_page_runs_a_fixed_number_of_queries(
    client, department, promoter, coordinator, django_assert_max_num_queries, count
):
    from tests.factories import CSOFactory

    cso = CSOFactory()
    for number in range(count):
        published_evaluation(department, promoter, coordinator, title=f"実績{number}", cso=cso)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cso_registry:detail", args=[cso.pk])).status_code == 200


def test_the_public_page_links_the_next_collaboration_only_once_it_is_public(
    client, published, department, promoter, coordinator
):
    from proposals.models import Proposal

    member = MembershipFactory(cso=published.agreement.current_version.parties.get().cso).user
    proposal = services.follow_up_create(evaluation=published, by=member)
    page = client.get(published.get_absolute_url()).content.decode()
    assert proposal.title not in page  # a draft proposal is the CSO's, never public
    following = make_agreement(
        department=department,
        proposal=Proposal.objects.get(pk=proposal.pk),
        status=Agreement.Status.COMPLETED,
        title=proposal.title,
    )
    page = client.get(published.get_absolute_url()).content.decode()
    assert f'<a href="/projects/{following.pk}/">{proposal.title}</a>' in page
    # and the evaluation of the next collaboration points back to this one
    nxt = services.evaluation_start(agreement=following, by=promoter)
    complete(nxt, member, promoter, decision=Decision.END)
    services.evaluation_publish(evaluation=nxt, by=coordinator)
    page = client.get(nxt.get_absolute_url()).content.decode()
    assert f'<a href="{published.get_absolute_url()}">' in page


@pytest.mark.parametrize("count", [1, 4])
def test_detail_and_department_pages_run_a_fixed_number_of_queries(
    client, department, promoter, coordinator, django_assert_max_num_queries, count
):
    from cso_registry.models import ActivityField

    fields = list(ActivityField.objects.all()[:count])
    evaluations = [
        published_evaluation(department, promoter, coordinator, title=f"事業{n}", fields=fields)
        for n in range(count)
    ]
    with django_assert_max_num_queries(6):
        assert client.get(evaluations[-1].get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(9):
        assert (
            client.get(reverse("evaluations:department", args=[department.pk])).status_code == 200
        )


def test_the_admin_offers_view_on_site_only_when_published(published, coordinator):
    from django.contrib.admin.sites import site

    from evaluations.admin import EvaluationAdmin
    from evaluations.models import Evaluation

    admin = EvaluationAdmin(Evaluation, site)
    assert admin.view_on_site(published) == published.get_absolute_url()
    services.evaluation_withdraw(evaluation=published, by=coordinator, reason="確認")
    published.refresh_from_db()
    assert admin.view_on_site(published) is None
