import pytest
from django.core import mail

from evaluations import services
from evaluations.models import Decision, Evaluation, EvaluationTransition, Side
from proposals.models import Agreement, Proposal
from tests.evaluations.conftest import FULL_PART, complete, fill_and_submit, make_agreement

pytestmark = pytest.mark.django_db


def test_a_final_evaluation_needs_a_completed_agreement(department, promoter):
    running = make_agreement(department=department, status=Agreement.Status.IN_PROGRESS)
    with pytest.raises(services.TransitionNotAllowed):
        services.evaluation_start(agreement=running, by=promoter)
    assert not Evaluation.objects.exists()
    interim = services.evaluation_start(
        agreement=running, by=promoter, kind=Evaluation.Kind.INTERIM, year=2024
    )
    assert interim.fiscal_year == 2024
    with pytest.raises(services.TransitionNotAllowed):
        services.evaluation_start(
            agreement=running, by=promoter, kind=Evaluation.Kind.INTERIM, year=2024
        )


def test_start_opens_two_empty_parts_in_the_completion_fiscal_year(evaluation):
    assert evaluation.status == Evaluation.Status.DRAFT
    assert evaluation.fiscal_year == 2024  # completed 2025-03-15 → 令和6年度
    assert sorted(evaluation.parts.values_list("side", flat=True)) == ["cso", "prefecture"]
    assert evaluation.transitions.get().action == EvaluationTransition.Action.CREATED
    with pytest.raises(services.TransitionNotAllowed):
        services.evaluation_start(agreement=evaluation.agreement, by=evaluation.created_by)


def test_only_parties_may_start_or_write(
    agreement, outsider, other_promoter, evaluation, cso_member
):
    with pytest.raises(services.ActorNotAllowed):
        services.evaluation_start(agreement=agreement, by=other_promoter)
    cso_part = evaluation.parts.get(side=Side.CSO)
    for user in (outsider, other_promoter):
        with pytest.raises(services.ActorNotAllowed):
            services.part_save(part=cso_part, by=user, data={"outcomes": "x"})
    # each side writes only its own part
    prefecture_part = evaluation.parts.get(side=Side.PREFECTURE)
    with pytest.raises(services.ActorNotAllowed):
        services.part_save(part=prefecture_part, by=cso_member, data={"outcomes": "x"})
    assert prefecture_part.__class__.objects.get(pk=prefecture_part.pk).outcomes == ""


def test_an_incomplete_part_cannot_be_submitted(evaluation, cso_member):
    part = evaluation.parts.get(side=Side.CSO)
    services.part_save(
        part=part, by=cso_member, data={**FULL_PART, "lessons": "  ", "equality_rating": None}
    )
    with pytest.raises(services.TransitionNotAllowed) as error:
        services.part_submit(part=part, by=cso_member)
    assert "次に生かすこと" in error.value.message and "対等な関係" in error.value.message
    part.refresh_from_db()
    assert part.submitted_at is None


def test_a_submitted_part_is_frozen(evaluation, cso_member):
    part = fill_and_submit(evaluation, Side.CSO, cso_member)
    with pytest.raises(services.TransitionNotAllowed):
        services.part_save(part=part, by=cso_member, data={"outcomes": "変更"})
    part.refresh_from_db()
    assert part.outcomes == FULL_PART["outcomes"]


def test_publication_refused_until_both_parts_are_in_then_allowed(
    evaluation, cso_member, promoter, coordinator
):
    with pytest.raises(services.TransitionNotAllowed):
        services.evaluation_publish(evaluation=evaluation, by=coordinator)
    fill_and_submit(evaluation, Side.CSO, cso_member)
    with pytest.raises(services.TransitionNotAllowed) as error:
        services.evaluation_publish(evaluation=evaluation, by=coordinator)
    assert "県の振り返りの提出" in error.value.message
    fill_and_submit(evaluation, Side.PREFECTURE, promoter)
    # a final evaluation also needs the agreed decision
    with pytest.raises(services.TransitionNotAllowed) as error:
        services.evaluation_publish(evaluation=evaluation, by=coordinator)
    assert "今後の方針" in error.value.message
    services.decision_propose(evaluation=evaluation, by=promoter, decision=Decision.END)
    services.decision_confirm(evaluation=evaluation, by=cso_member)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT
    # the department's 推進員 may not publish; 県民協働課 may
    with pytest.raises(services.ActorNotAllowed):
        services.evaluation_publish(evaluation=evaluation, by=promoter)
    services.evaluation_publish(evaluation=evaluation, by=coordinator)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.PUBLISHED and evaluation.published_at
    with pytest.raises(services.TransitionNotAllowed):
        services.evaluation_publish(evaluation=evaluation, by=coordinator)


def test_an_interim_evaluation_is_published_without_a_decision(department, promoter, coordinator):
    running = make_agreement(department=department, status=Agreement.Status.IN_PROGRESS)
    member = running.current_version.parties.get().cso
    from tests.factories import MembershipFactory

    user = MembershipFactory(cso=member).user
    interim = services.evaluation_start(agreement=running, by=user, kind=Evaluation.Kind.INTERIM)
    fill_and_submit(interim, Side.CSO, user)
    fill_and_submit(interim, Side.PREFECTURE, promoter)
    services.evaluation_publish(evaluation=interim, by=coordinator)
    assert Evaluation.objects.published().get() == interim


def test_withdrawal_needs_a_reason_and_is_logged(evaluation, cso_member, promoter, coordinator):
    complete(evaluation, cso_member, promoter)
    services.evaluation_publish(evaluation=evaluation, by=coordinator)
    with pytest.raises(services.DomainError):
        services.evaluation_withdraw(evaluation=evaluation, by=coordinator, reason="  ")
    with pytest.raises(services.ActorNotAllowed):
        services.evaluation_withdraw(evaluation=evaluation, by=promoter, reason="誤り")
    evaluation.refresh_from_db()
    assert evaluation.is_published
    mail.outbox.clear()
    services.evaluation_withdraw(
        evaluation=evaluation, by=coordinator, reason="個人名が載っていました。"
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT and evaluation.published_at is None
    log = evaluation.transitions.last()
    assert (log.action, log.from_status, log.to_status, log.by, log.comment) == (
        EvaluationTransition.Action.WITHDRAWN,
        "published",
        "draft",
        coordinator,
        "個人名が載っていました。",
    )


def test_withdraw_notifies_after_commit(
    evaluation, cso_member, promoter, coordinator, django_capture_on_commit_callbacks
):
    complete(evaluation, cso_member, promoter)
    services.evaluation_publish(evaluation=evaluation, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_withdraw(evaluation=evaluation, by=coordinator, reason="誤記")
    assert any("取り下げ" in message.subject for message in mail.outbox)
    assert any("誤記" in message.body for message in mail.outbox)


def test_the_decision_needs_both_parts_and_the_other_sides_confirmation(
    evaluation, cso_member, promoter
):
    with pytest.raises(services.TransitionNotAllowed):
        services.decision_propose(evaluation=evaluation, by=cso_member, decision=Decision.CONTINUE)
    fill_and_submit(evaluation, Side.CSO, cso_member)
    fill_and_submit(evaluation, Side.PREFECTURE, promoter)
    with pytest.raises(services.DomainError):
        services.decision_propose(evaluation=evaluation, by=cso_member, decision=Decision.REVISE)
    services.decision_propose(
        evaluation=evaluation, by=cso_member, decision=Decision.REVISE, change_form="共催に"
    )
    with pytest.raises(services.ActorNotAllowed):
        services.decision_confirm(evaluation=evaluation, by=cso_member)
    # the prefecture answers with another proposal instead; now the CSO must confirm
    services.decision_propose(evaluation=evaluation, by=promoter, decision=Decision.CONTINUE)
    with pytest.raises(services.ActorNotAllowed):
        services.decision_confirm(evaluation=evaluation, by=promoter)
    services.decision_confirm(evaluation=evaluation, by=cso_member)
    evaluation.refresh_from_db()
    assert evaluation.decision_agreed and evaluation.decision == Decision.CONTINUE
    with pytest.raises(services.TransitionNotAllowed):
        services.decision_propose(evaluation=evaluation, by=promoter, decision=Decision.END)


@pytest.mark.parametrize("decision", [Decision.CONTINUE, Decision.REVISE])
def test_follow_up_proposal_is_prefilled_and_linked_both_ways(
    evaluation, cso_member, promoter, decision
):
    complete(
        evaluation,
        cso_member,
        promoter,
        decision=decision,
        change_content="対象を中学生にも広げます。",
    )
    proposal = services.follow_up_create(evaluation=evaluation, by=cso_member)
    evaluation.refresh_from_db()
    assert evaluation.follow_up_proposal == proposal
    assert Proposal.objects.get(pk=proposal.pk).source_evaluation == evaluation
    previous = evaluation.agreement.proposal
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.cso == previous.cso and proposal.department == evaluation.agreement.department
    assert proposal.title.endswith("（継続）") and proposal.theme is None
    assert "対象を中学生にも広げます。" in proposal.content
    assert proposal.created_by == cso_member
    assert proposal.transitions.count() == 1
    with pytest.raises(services.TransitionNotAllowed):
        services.follow_up_create(evaluation=evaluation, by=cso_member)


def test_no_follow_up_after_end_or_by_the_prefecture(evaluation, cso_member, promoter):
    complete(evaluation, cso_member, promoter, decision=Decision.END)
    with pytest.raises(services.TransitionNotAllowed):
        services.follow_up_create(evaluation=evaluation, by=cso_member)
    with pytest.raises(services.ActorNotAllowed):
        services.follow_up_create(evaluation=evaluation, by=promoter)
    assert Proposal.objects.count() == 1


def test_emails_never_carry_the_other_sides_part(
    evaluation, cso_member, promoter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fill_and_submit(evaluation, Side.CSO, cso_member, went_well="秘密のうまくいったこと")
    assert mail.outbox, "the department is told that the CSO submitted"
    for message in mail.outbox:
        assert "秘密のうまくいったこと" not in message.body
        assert cso_member.email not in message.to
