"""A step of 県民協働課 on an advisor request is declared once (advisors.services.STAFF_STEPS):
in every state, the steps the admin offers are exactly the steps whose service takes the call."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from advisors.models import AdvisorRequest
from advisors.services import STAFF_STEPS
from tests.outreach.factories import AdvisorFactory, AdvisorRequestFactory
from tests.steps import accepted_steps

pytestmark = pytest.mark.django_db
S = AdvisorRequest.Status
DAY = datetime.timedelta(days=1)

SITUATIONS = {
    "submitted": (S.SUBMITTED, None),
    "scheduled, before the visit": (S.SCHEDULED, DAY),
    "scheduled, after the visit": (S.SCHEDULED, -DAY),
    "completed": (S.COMPLETED, -DAY),
    "declined": (S.DECLINED, None),
    "withdrawn": (S.WITHDRAWN, None),
}


def inputs(name):
    return {
        "schedule": {"advisor": AdvisorFactory(), "visit_at": timezone.now() + 3 * DAY},
        "decline": {"reason": "今年度の派遣枠が埋まりました。"},
        "complete": {"report": "決算書の作り方を確認しました。"},
    }[name]


@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_admin_offers_exactly_the_steps_the_services_take(client, coordinator, situation):
    status, visit_in = SITUATIONS[situation]
    visit = {"advisor": AdvisorFactory(), "visit_at": timezone.now() + visit_in} if visit_in else {}
    report = "実施しました。" if status == S.COMPLETED else ""
    advisor_request = AdvisorRequestFactory(status=status, report=report, **visit)
    client.force_login(coordinator)

    page = client.get(reverse("admin:advisors_advisorrequest_change", args=[advisor_request.pk]))
    offered = {step.name for _url, step in page.context["steps"]}
    accepted = accepted_steps(
        STAFF_STEPS, advisor_request, by=coordinator, inputs=lambda step: inputs(step.name)
    )

    assert offered == accepted
    for name in STAFF_STEPS:
        url = reverse("admin:advisors_advisorrequest_step", args=[advisor_request.pk, name])
        assert (url in page.content.decode()) is (name in offered)
    assert AdvisorRequest.objects.get(pk=advisor_request.pk).status == status


def test_no_step_is_offered_to_staff_outside_the_coordinating_division(promoter):
    advisor_request = AdvisorRequestFactory()

    assert STAFF_STEPS.available(advisor_request, promoter) == []
