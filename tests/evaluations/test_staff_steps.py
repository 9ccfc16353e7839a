"""A staff step on an evaluation is declared once (evaluations.services.STAFF_STEPS): in every
state of the two parts, the decision and the publication, the steps the admin offers a
推進員 and 県民協働課 are exactly the steps whose service takes the call."""

import pytest
from django.urls import reverse

from cso_registry.models import Membership
from evaluations import services
from evaluations.models import Decision, Evaluation, Side
from evaluations.services import STAFF_STEPS
from proposals.models import Agreement
from tests.evaluations.conftest import FULL_PART, fill_and_submit, make_agreement
from tests.factories import MembershipFactory
from tests.steps import accepted_steps

pytestmark = pytest.mark.django_db

REASON = "記載内容を確認します。"
INPUTS = {
    "decision": {"decision": Decision.CONTINUE},
    "withdraw": {"reason": REASON},
    "reopen": {"reason": REASON},
}


def cso_submits(evaluation, cso_user, promoter, coordinator):
    fill_and_submit(evaluation, Side.CSO, cso_user)


def both_submit(evaluation, cso_user, promoter, coordinator):
    fill_and_submit(evaluation, Side.CSO, cso_user)
    fill_and_submit(evaluation, Side.PREFECTURE, promoter)


def proposed_by(side):
    def arrange(evaluation, cso_user, promoter, coordinator):
        both_submit(evaluation, cso_user, promoter, coordinator)
        by = cso_user if side == Side.CSO else promoter
        services.decision_propose(evaluation=evaluation, by=by, decision=Decision.CONTINUE)

    return arrange


def agreed(evaluation, cso_user, promoter, coordinator):
    proposed_by(Side.CSO)(evaluation, cso_user, promoter, coordinator)
    services.decision_confirm(evaluation=evaluation, by=promoter)


def published(evaluation, cso_user, promoter, coordinator):
    agreed(evaluation, cso_user, promoter, coordinator)
    services.evaluation_publish(evaluation=evaluation, by=coordinator)


def withdrawn(evaluation, cso_user, promoter, coordinator):
    published(evaluation, cso_user, promoter, coordinator)
    services.evaluation_withdraw(evaluation=evaluation, by=coordinator, reason=REASON)


def reopened(evaluation, cso_user, promoter, coordinator):
    withdrawn(evaluation, cso_user, promoter, coordinator)
    services.evaluation_reopen(evaluation=evaluation, by=coordinator, reason=REASON)


def interim_reopened_with_a_pending_decision(evaluation, cso_user, promoter, coordinator):
    proposed_by(Side.CSO)(evaluation, cso_user, promoter, coordinator)
    services.evaluation_publish(evaluation=evaluation, by=coordinator)
    services.evaluation_withdraw(evaluation=evaluation, by=coordinator, reason=REASON)
    services.evaluation_reopen(evaluation=evaluation, by=coordinator, reason=REASON)


SITUATIONS = {
    "started": (Evaluation.Kind.FINAL, None),
    "the CSO submitted": (Evaluation.Kind.FINAL, cso_submits),
    "both submitted": (Evaluation.Kind.FINAL, both_submit),
    "the CSO proposed": (Evaluation.Kind.FINAL, proposed_by(Side.CSO)),
    "the prefecture proposed": (Evaluation.Kind.FINAL, proposed_by(Side.PREFECTURE)),
    "decision agreed": (Evaluation.Kind.FINAL, agreed),
    "published": (Evaluation.Kind.FINAL, published),
    "withdrawn": (Evaluation.Kind.FINAL, withdrawn),
    "reopened": (Evaluation.Kind.FINAL, reopened),
    "interim reopened, a decision pending": (
        Evaluation.Kind.INTERIM,
        interim_reopened_with_a_pending_decision,
    ),
}


@pytest.mark.parametrize("who", ["promoter", "coordinator"])
@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_admin_offers_exactly_the_steps_the_services_take(
    client, department, promoter, coordinator, situation, who
):
    kind, arrange = SITUATIONS[situation]
    final = kind == Evaluation.Kind.FINAL
    status = Agreement.Status.COMPLETED if final else Agreement.Status.IN_PROGRESS
    agreement = make_agreement(department=department, status=status)
    cso_user = _member_of(agreement)
    evaluation = services.evaluation_start(agreement=agreement, by=promoter, kind=kind)
    if arrange is not None:
        arrange(evaluation, cso_user, promoter, coordinator)
    own = evaluation.parts.get(side=Side.PREFECTURE)
    if not own.is_submitted:  # what the prefecture writes is complete: only the state decides
        services.part_save(part=own, by=promoter, data=FULL_PART)
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    user = {"promoter": promoter, "coordinator": coordinator}[who]
    client.force_login(user)

    page = client.get(reverse("admin:evaluations_evaluation_change", args=[evaluation.pk]))
    offered = {step.name for _url, step in page.context["evaluation_steps"]}
    accepted = accepted_steps(
        STAFF_STEPS, evaluation, by=user, inputs=lambda step: INPUTS.get(step.name, {})
    )

    assert offered == accepted
    for name in STAFF_STEPS:
        url = reverse(f"admin:evaluations_evaluation_{name}", args=[evaluation.pk])
        assert (f'href="{url}"' in page.content.decode()) is (name in offered)


def _member_of(agreement):
    cso = agreement.current_version.parties.get().cso
    return MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user


def test_a_pending_decision_waits_for_both_parts_again_after_reopening(
    department, promoter, coordinator
):
    """The copies disagreed: the admin and the CSO's page offered no confirmation while the
    parts were being rewritten, the service took it. The declaration decides: not until both
    parts are in again."""
    agreement = make_agreement(department=department, status=Agreement.Status.IN_PROGRESS)
    cso_user = _member_of(agreement)
    evaluation = services.evaluation_start(
        agreement=agreement, by=promoter, kind=Evaluation.Kind.INTERIM
    )
    interim_reopened_with_a_pending_decision(evaluation, cso_user, promoter, coordinator)

    with pytest.raises(services.TransitionNotAllowed, match="両者が振り返りを提出してから"):
        services.decision_confirm(evaluation=evaluation, by=promoter)
    both_submit(evaluation, cso_user, promoter, coordinator)
    services.decision_confirm(evaluation=evaluation, by=promoter)

    assert Evaluation.objects.get(pk=evaluation.pk).decision_agreed
