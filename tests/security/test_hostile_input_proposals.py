"""Hostile input (see test_hostile_input.py) over the /my/ forms of the proposals and evaluations
apps: the proposal edit form, progress reports on an agreement, and the CSO's evaluation part.
Never a 500, refusals as field errors, what is saved is shown escaped."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given

from cso_registry.models import Membership
from evaluations import services as evaluation_services
from proposals import services
from proposals.models import Agreement
from tests.evaluations.conftest import FULL_PART, make_agreement
from tests.factories import MembershipFactory, ProposalFactory
from tests.security.test_hostile_input import check, hostile_case, post_hostile
from tests.security.test_rights_follow_status import proposal_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PROPOSAL_FIELDS = [
    "title",
    "purpose",
    "shared_goal",
    "content",
    "expected_effect",
    "zone",
    "form",
    "project_type",
    "starts_on",
    "ends_on",
    "budget_estimate",
    "budget_note",
    "cso_role",
    "prefecture_role",
    "edit_version",
]


@pytest.fixture
def member_and_draft(department):
    member = MembershipFactory(role=Membership.Role.ADMIN).user
    draft = services.proposal_create(
        proposal=ProposalFactory.build(cso=member.memberships.get().cso, department=department),
        by=member,
    )
    return member, draft


@given(case=hostile_case(PROPOSAL_FIELDS))
def test_proposal_edit_form(member_and_draft, case):
    field, value = case
    member, draft = member_and_draft
    client = Client()
    client.force_login(member)
    url = reverse("proposals:my_edit", args=[draft.pk])

    response, pages = post_hostile(client, url, proposal_form_data(draft, member), field, value)

    check(response, pages)


REPORT_FIELDS = ["reported_on", "percent_complete", "text", "next_steps", "visibility"]


@pytest.fixture
def member_and_agreement(department):
    agreement = make_agreement(department=department, status=Agreement.Status.IN_PROGRESS)
    member = MembershipFactory(
        cso=agreement.current_version.parties.get().cso, role=Membership.Role.MEMBER
    ).user
    return member, agreement


@given(case=hostile_case([*REPORT_FIELDS, "public_summary"]))
def test_progress_report_form(member_and_agreement, case):
    field, value = case
    member, agreement = member_and_agreement
    client = Client()
    client.force_login(member)
    data = {
        "reported_on": "2026-10-01",
        "percent_complete": "40",
        "text": "見守り訪問を続けています。",
        "next_steps": "",
        "visibility": "parties",
        "public_summary": "",
    }

    response, pages = post_hostile(
        client, reverse("proposals:my_agreement_report", args=[agreement.pk]), data, field, value
    )

    check(response, pages, form_names=("report_form",))


@pytest.fixture
def member_and_evaluation(department, promoter):
    agreement = make_agreement(department=department)
    evaluation = evaluation_services.evaluation_start(agreement=agreement, by=promoter)
    member = MembershipFactory(
        cso=agreement.current_version.parties.get().cso, role=Membership.Role.MEMBER
    ).user
    return member, evaluation


@given(case=hostile_case([*FULL_PART, "edit_version"]))
def test_evaluation_part_form(member_and_evaluation, case):
    field, value = case
    member, evaluation = member_and_evaluation
    client = Client()
    client.force_login(member)
    data = {f"part-{name}": value for name, value in FULL_PART.items()}

    response, pages = post_hostile(
        client,
        reverse("evaluations:my_part", args=[evaluation.pk]),
        data,
        f"part-{field}",
        value,
    )

    check(response, pages, form_names=("part_form",))
