import datetime

import pytest
from django.utils import timezone

from cso_registry.models import Membership
from evaluations import services
from evaluations.models import Decision, EvaluationPart, Side
from proposals.models import Agreement, AgreementParty, AgreementVersion, Proposal
from tests.factories import CSOFactory, MembershipFactory, ProposalFactory, UserFactory

FULL_PART = {
    "outcomes": "見守りの担い手が30人増えました。",
    "equality_rating": 4,
    "equality_comment": "役割を話し合って決めました。",
    "understanding_rating": 5,
    "understanding_comment": "月一回の打合せで互いの事情を知りました。",
    "shared_goal_rating": 3,
    "shared_goal_comment": "目標の数値を途中で見直しました。",
    "disclosure_rating": 4,
    "disclosure_comment": "個人情報の扱いを最初に決めました。",
    "went_well": "地域の自治会とつながれました。",
    "problems": "県の担当者の異動で引継ぎが遅れました。",
    "lessons": "引継ぎの書類を最初から作ります。",
}


def make_agreement(
    *,
    department,
    cso=None,
    status=Agreement.Status.COMPLETED,
    concluded_on=datetime.date(2024, 5, 10),
    completed_on=datetime.date(2025, 3, 15),
    form="cooperation",
    zone="C",
    title=None,
    fields=(),
    proposal=None,
):
    """An agreement arranged directly in ``status`` (the agreements app's own services are
    tested there); its proposal at 合意 and a concluded version 1 with ``cso`` as lead party."""
    if proposal is not None:
        cso = proposal.cso
        Proposal.objects.filter(pk=proposal.pk).update(
            status=Proposal.Status.AGREED, agreed_at=timezone.now()
        )
    else:
        cso = cso or CSOFactory()
        proposal = ProposalFactory(
            cso=cso,
            department=department,
            zone=zone,
            form=form,
            status=Proposal.Status.AGREED,
            agreed_at=timezone.now(),
        )
    public = status in Agreement.PUBLIC_STATUSES
    agreement = Agreement.objects.create(
        proposal=proposal,
        department=department,
        status=status,
        fiscal_year=(concluded_on.year if concluded_on.month >= 4 else concluded_on.year - 1)
        if public
        else None,
        concluded_on=concluded_on if public else None,
        started_on=concluded_on if public else None,
        completed_on=completed_on if status == Agreement.Status.COMPLETED else None,
        created_by=proposal.created_by,
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        zone=zone,
        form=form,
        status=AgreementVersion.Status.CONCLUDED if public else AgreementVersion.Status.DRAFT,
        title=title or proposal.title,
        purpose=proposal.purpose,
        shared_goal=proposal.shared_goal,
        starts_on=concluded_on,
        ends_on=completed_on,
        concluded_on=concluded_on if public else None,
        prefecture_contact_name="県 担当",
        created_by=proposal.created_by,
    )
    version.activity_fields.set(fields)
    AgreementParty.objects.create(version=version, cso=cso, is_lead=True, contact_name="担当")
    agreement.current_version = version
    agreement.save(update_fields=["current_version"])
    return agreement


@pytest.fixture
def agreement(department):
    return make_agreement(department=department)


@pytest.fixture
def cso_member(agreement):
    return MembershipFactory(
        cso=agreement.current_version.parties.get().cso, role=Membership.Role.MEMBER
    ).user


@pytest.fixture
def outsider(db):
    return MembershipFactory(role=Membership.Role.ADMIN).user


@pytest.fixture
def other_promoter(db):
    from django.contrib.auth.models import Group

    from kyodo_portal.roles import Role
    from tests.factories import DepartmentFactory

    user = UserFactory(is_staff=True, department=DepartmentFactory())
    user.groups.add(Group.objects.get(name=Role.PROMOTER))
    return user


@pytest.fixture
def evaluation(agreement, promoter):
    return services.evaluation_start(agreement=agreement, by=promoter)


def fill_and_submit(evaluation, side, user, **overrides):
    part = evaluation.parts.get(side=side)
    services.part_save(part=part, by=user, data={**FULL_PART, **overrides})
    return services.part_submit(part=part, by=user)


def complete(evaluation, cso_user, staff_user, decision=Decision.CONTINUE, **changes):
    """Both parts in and the decision agreed (the CSO proposes, the prefecture confirms)."""
    fill_and_submit(evaluation, Side.CSO, cso_user)
    fill_and_submit(evaluation, Side.PREFECTURE, staff_user)
    services.decision_propose(evaluation=evaluation, by=cso_user, decision=decision, **changes)
    services.decision_confirm(evaluation=evaluation, by=staff_user)
    evaluation.refresh_from_db()
    return evaluation


__all__ = ["EvaluationPart"]
