import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Decision, Evaluation, EvaluationPart, Side
from tests.evaluations.conftest import FULL_PART, complete, fill_and_submit, make_agreement

pytestmark = pytest.mark.django_db


def change_url(evaluation):
    return reverse("admin:evaluations_evaluation_change", args=[evaluation.pk])


def step_url(evaluation, name):
    return reverse(f"admin:evaluations_evaluation_{name}", args=[evaluation.pk])


def test_a_promoter_sees_only_their_department(client, evaluation, other_promoter, promoter):
    client.force_login(other_promoter)
    listing = client.get(reverse("admin:evaluations_evaluation_changelist"))
    assert listing.status_code == 200
    assert evaluation.agreement.title not in listing.content.decode()
    assert client.get(change_url(evaluation)).status_code == 404
    for name in ("submit", "decision", "confirm", "publish", "withdraw"):
        assert client.get(step_url(evaluation, name)).status_code == 404
        assert client.post(step_url(evaluation, name), {"reason": "x"}).status_code == 404
    client.force_login(promoter)
    assert (
        evaluation.agreement.title
        in client.get(reverse("admin:evaluations_evaluation_changelist")).content.decode()
    )


def test_the_cso_part_is_hidden_in_the_admin_until_both_submitted(
    client, evaluation, cso_member, promoter, coordinator
):
    fill_and_submit(evaluation, Side.CSO, cso_member, went_well="団体だけの記入")
    for user in (promoter, coordinator):
        client.force_login(user)
        page = client.get(change_url(evaluation)).content.decode()
        assert "団体だけの記入" not in page
        assert "団体は提出済みです" in page
    fill_and_submit(evaluation, Side.PREFECTURE, promoter)
    assert "団体だけの記入" in client.get(change_url(evaluation)).content.decode()


def test_the_prefecture_writes_and_submits_its_part_in_the_admin(client, evaluation, promoter):
    client.force_login(promoter)
    part = evaluation.parts.get(side=Side.PREFECTURE)
    page = client.get(change_url(evaluation))
    assert page.status_code == 200
    data = {
        "parts-TOTAL_FORMS": "1",
        "parts-INITIAL_FORMS": "1",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "1",
        "parts-0-id": str(part.pk),
        "parts-0-evaluation": str(evaluation.pk),
        "parts-0-edit_version": str(part.version),
        **{f"parts-0-{key}": value for key, value in FULL_PART.items()},
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
        "transitions-MIN_NUM_FORMS": "0",
        "transitions-MAX_NUM_FORMS": "0",
        "_continue": "1",
    }
    response = client.post(change_url(evaluation), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    part.refresh_from_db()
    assert part.outcomes == FULL_PART["outcomes"] and part.submitted_at is None
    assert "県の記入を提出する" in client.get(change_url(evaluation)).content.decode()
    client.post(step_url(evaluation, "submit"))
    part.refresh_from_db()
    assert part.submitted_at is not None and part.submitted_by == promoter


def test_publication_and_withdrawal_through_the_admin(
    client, evaluation, cso_member, promoter, coordinator
):
    client.force_login(coordinator)
    response = client.post(step_url(evaluation, "publish"), follow=True)
    assert "まだ公開できません" in response.content.decode()
    assert Evaluation.objects.get().status == Evaluation.Status.DRAFT
    complete(evaluation, cso_member, promoter, decision=Decision.END)
    client.force_login(promoter)
    assert client.get(step_url(evaluation, "publish")).status_code == 404
    client.force_login(coordinator)
    assert "公開する" in client.get(change_url(evaluation)).content.decode()
    client.post(step_url(evaluation, "publish"))
    assert Evaluation.objects.get().is_published
    response = client.post(step_url(evaluation, "withdraw"), {"reason": ""})
    assert response.status_code == 200 and Evaluation.objects.get().is_published
    client.post(step_url(evaluation, "withdraw"), {"reason": "写真の掲載許可を確認します。"})
    evaluation.refresh_from_db()
    assert not evaluation.is_published
    assert evaluation.transitions.last().comment == "写真の掲載許可を確認します。"


def test_the_prefecture_proposes_and_the_cso_confirms(client, evaluation, cso_member, promoter):
    fill_and_submit(evaluation, Side.CSO, cso_member)
    fill_and_submit(evaluation, Side.PREFECTURE, promoter)
    client.force_login(promoter)
    response = client.post(step_url(evaluation, "decision"), {"decision": "revise"})
    assert response.status_code == 200  # 見直す点 is required for 見直して継続
    client.post(step_url(evaluation, "decision"), {"decision": "revise", "change_form": "共催へ"})
    evaluation.refresh_from_db()
    assert evaluation.decision_proposed_by_side == Side.PREFECTURE
    services.decision_confirm(evaluation=evaluation, by=cso_member)


def test_start_from_the_admin(client, department, promoter):
    agreement = make_agreement(department=department)
    client.force_login(promoter)
    url = reverse("admin:evaluations_evaluation_start")
    assert agreement.title in client.get(url).content.decode()
    response = client.post(url, {"agreement": agreement.pk, "kind": "final"})
    assert response.status_code == 302
    assert EvaluationPart.objects.filter(evaluation__agreement=agreement).count() == 2


@pytest.mark.parametrize("count", [2, 8])
def test_the_admin_list_runs_a_fixed_number_of_queries(
    client, department, promoter, django_assert_max_num_queries, count
):
    for _number in range(count):
        services.evaluation_start(agreement=make_agreement(department=department), by=promoter)
    client.force_login(promoter)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:evaluations_evaluation_changelist")).status_code == 200
