"""A staff step on an agreement is declared once (proposals.agreements.services.STAFF_STEPS):
in every state of the agreement and of its open version, the steps the admin offers are exactly
the steps whose service takes the call."""

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.agreements import services
from proposals.agreements.services import STAFF_STEPS
from proposals.models import Agreement, AgreementVersion
from tests.steps import accepted_steps

pytestmark = pytest.mark.django_db
S = Agreement.Status


def amendment(agreement, promoter, cso_member, *, confirmed):
    version = services.agreement_start_amendment(
        agreement=agreement, by=promoter, reason="事業期間を延ばします。"
    )
    if confirmed:
        services.agreement_request_confirmation(version=version, by=promoter)
        version.refresh_from_db()
        services.agreement_confirm(version=version, by=cso_member, revision=version.revision)
    agreement.refresh_from_db()
    return agreement


SITUATIONS = {
    "first draft": (S.DRAFT, None),
    "first draft confirmed": (S.CONFIRMED, None),
    "concluded": (S.CONCLUDED, None),
    "in progress": (S.IN_PROGRESS, None),
    "completed": (S.COMPLETED, None),
    "concluded, amendment drafted": (S.CONCLUDED, "draft"),
    "in progress, amendment drafted": (S.IN_PROGRESS, "draft"),
    "in progress, amendment confirmed": (S.IN_PROGRESS, "confirmed"),
}


def inputs(step):
    given = {step.comment_keyword: "理由です。"}
    if step.needs_date:
        given["concluded_on"] = timezone.localdate()
    return given


@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_admin_offers_exactly_the_steps_the_services_take(
    client, agreement_in, promoter, cso_member, situation
):
    status, open_amendment = SITUATIONS[situation]
    agreement = agreement_in(status, concluded_on=timezone.localdate())
    if open_amendment:
        agreement = amendment(
            agreement, promoter, cso_member, confirmed=open_amendment == "confirmed"
        )
    before = list(AgreementVersion.objects.filter(agreement=agreement).values("pk", "status"))
    client.force_login(promoter)

    page = client.get(reverse("admin:proposals_agreement_change", args=[agreement.pk]))
    offered = {step.name for step in page.context["steps"]}
    accepted = accepted_steps(STAFF_STEPS, agreement, by=promoter, inputs=inputs)

    assert offered == accepted
    for name in STAFF_STEPS:
        url = reverse("admin:proposals_agreement_step", args=[agreement.pk, name])
        assert (url in page.content.decode()) is (name in offered)
    assert Agreement.objects.get(pk=agreement.pk).status == status
    assert list(AgreementVersion.objects.filter(agreement=agreement).values("pk", "status")) == (
        before
    )
