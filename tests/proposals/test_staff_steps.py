"""A staff step on a proposal is declared once (proposals.services.STAFF_STEPS): in every
state, the steps the admin offers are exactly the steps whose service takes the call."""

import pytest
from django.urls import reverse

from proposals.models import Proposal
from proposals.services import STAFF_STEPS
from tests.steps import accepted_steps, service_accepts

pytestmark = pytest.mark.django_db


def offered(client, proposal):
    response = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    if response.status_code == 404:  # a draft the CSO has not shown the prefecture
        return set()
    html = response.content.decode()
    names = {step.name for step in response.context["transitions"]}
    for name in STAFF_STEPS:
        url = reverse("admin:proposals_proposal_transition", args=[proposal.pk, name])
        assert (url in html) is (name in names)
    return names


@pytest.mark.parametrize("status", list(Proposal.Status))
def test_the_admin_offers_exactly_the_steps_the_services_take(
    client, proposal_in, promoter, status
):
    proposal = proposal_in(status)
    client.force_login(promoter)

    accepted = accepted_steps(
        STAFF_STEPS, proposal, by=promoter, inputs=lambda step: {"comment": "理由です。"}
    )

    assert offered(client, proposal) == accepted
    assert Proposal.objects.get(pk=proposal.pk).status == status


@pytest.mark.parametrize("name", list(STAFF_STEPS))
def test_a_step_asks_for_a_comment_exactly_when_declared(proposal_in, promoter, name):
    step = STAFF_STEPS[name]
    status = step.allowed_from[0]
    proposal = proposal_in(status)

    takes_no_comment = service_accepts(lambda: step.take(proposal, by=promoter, comment=""))

    assert takes_no_comment is not step.comment_required
