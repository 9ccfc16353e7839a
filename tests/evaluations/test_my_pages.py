import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Decision, Evaluation, EvaluationPart, Side
from proposals.models import Proposal
from tests.evaluations.conftest import FULL_PART, fill_and_submit

pytestmark = pytest.mark.django_db


def part_post(**overrides):
    """The part form as the page posts it, with the version of the CSO's part saved now."""
    data = {f"part-{key}": "" if value is None else value for key, value in FULL_PART.items()}
    data["part-edit_version"] = EvaluationPart.objects.get(side=Side.CSO).version
    data.update({f"part-{key}": value for key, value in overrides.items()})
    return data


def test_the_prefecture_part_is_hidden_until_the_cso_submits(
    client, evaluation, cso_member, promoter
):
    fill_and_submit(evaluation, Side.PREFECTURE, promoter, went_well="県だけの本音の記入")
    client.force_login(cso_member)
    page = client.get(evaluation.get_member_url()).content.decode()
    assert "県だけの本音の記入" not in page
    assert "県は提出済みです" in page
    response = client.post(
        reverse("evaluations:my_part", args=[evaluation.pk]), {**part_post(), "submit": "1"}
    )
    assert response.status_code == 302
    page = client.get(evaluation.get_member_url()).content.decode()
    assert "県だけの本音の記入" in page
    assert "方針を提案する" in page


def test_saving_a_draft_and_a_clear_error_on_bad_input(client, evaluation, cso_member):
    client.force_login(cso_member)
    url = reverse("evaluations:my_part", args=[evaluation.pk])
    response = client.post(url, part_post(equality_rating="9"))
    assert response.status_code == 400
    assert "part-equality_rating" in response.content.decode()
    assert evaluation.parts.get(side=Side.CSO).outcomes == ""
    client.post(url, part_post(lessons=""))
    part = evaluation.parts.get(side=Side.CSO)
    assert part.outcomes == FULL_PART["outcomes"] and part.submitted_at is None
    response = client.post(url, {**part_post(lessons=""), "submit": "1"}, follow=True)
    assert "次に生かすこと" in response.content.decode()
    assert evaluation.parts.get(side=Side.CSO).submitted_at is None


def test_other_csos_and_the_public_cannot_open_the_page(client, evaluation, outsider):
    assert client.get(evaluation.get_member_url()).status_code == 302  # to login
    client.force_login(outsider)
    assert client.get(evaluation.get_member_url()).status_code == 404
    response = client.post(
        reverse("evaluations:my_part", args=[evaluation.pk]), {**part_post(), "submit": "1"}
    )
    assert response.status_code == 404
    assert evaluation.parts.get(side=Side.CSO).outcomes == ""


def test_decision_and_follow_up_through_the_pages(client, evaluation, cso_member, promoter):
    fill_and_submit(evaluation, Side.CSO, cso_member)
    fill_and_submit(evaluation, Side.PREFECTURE, promoter)
    services.decision_propose(
        evaluation=evaluation,
        by=promoter,
        decision=Decision.REVISE,
        change_partner="自治会も加える",
    )
    client.force_login(cso_member)
    page = client.get(evaluation.get_member_url()).content.decode()
    assert "この方針に合意する" in page and "自治会も加える" in page
    client.post(reverse("evaluations:my_decision_confirm", args=[evaluation.pk]))
    response = client.post(reverse("evaluations:my_follow_up", args=[evaluation.pk]))
    proposal = Proposal.objects.get(source_evaluation=evaluation)
    assert response.url == proposal.get_absolute_url()
    page = client.get(evaluation.get_member_url()).content.decode()
    assert proposal.get_absolute_url() in page
    assert "自治会も加える" in proposal.content


def test_a_member_starts_an_evaluation_from_the_list(client, agreement, cso_member):
    client.force_login(cso_member)
    page = client.get(reverse("evaluations:my_list")).content.decode()
    assert "完了時の振り返りを始める" in page
    client.post(reverse("evaluations:my_start", args=[agreement.pk]), {"kind": "final"})
    evaluation = Evaluation.objects.get(agreement=agreement)
    assert evaluation.transitions.get().by == cso_member


@pytest.mark.parametrize("count", [1, 5])
def test_my_list_runs_a_fixed_number_of_queries(
    client, department, promoter, cso_member, agreement, django_assert_max_num_queries, count
):
    from tests.evaluations.conftest import make_agreement

    cso = agreement.current_version.parties.get().cso
    for _number in range(count):
        other = make_agreement(department=department, cso=cso)
        services.evaluation_start(agreement=other, by=promoter)
    client.force_login(cso_member)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("evaluations:my_list")).status_code == 200


def test_the_my_landing_lists_evaluations_and_what_waits(client, evaluation, cso_member, promoter):
    fill_and_submit(evaluation, Side.PREFECTURE, promoter, went_well="県の本音")
    client.force_login(cso_member)
    page = client.get(reverse("account:home")).content.decode()
    assert evaluation.get_member_url() in page
    assert "団体の記入を待っています" in page and "県の本音" not in page
