"""State transitions lock their row: two people acting on one advisor request at the same
moment on PostgreSQL — one wins, the other is refused, and exactly one transition is logged."""

import pytest
from django.contrib.auth.models import Group

from advisors import services
from advisors.models import AdvisorRequest, AdvisorRequestTransition
from kyodo_portal.roles import Role
from tests.concurrency import require_postgres, run_together, slow_down
from tests.factories import DepartmentFactory, UserFactory
from tests.outreach.factories import AdvisorRequestFactory, npo_admin

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_withdrawal_and_decline_at_once_one_wins_and_one_transition(monkeypatch):
    require_postgres()
    admin, cso = npo_admin()
    coordinator = UserFactory(is_staff=True, department=DepartmentFactory(name="県民協働課"))
    coordinator.groups.add(Group.objects.get(name=Role.COORDINATOR))
    advisor_request = AdvisorRequestFactory(cso=cso, requested_by=admin)
    slow_down(monkeypatch, services, "_move")  # holds the row lock: the other one waits

    outcomes = run_together(
        (
            "withdraw",
            lambda: services.advisor_request_withdraw(advisor_request=advisor_request, by=admin),
        ),
        (
            "decline",
            lambda: services.advisor_request_decline(
                advisor_request=advisor_request, by=coordinator, reason="日程が合いません。"
            ),
        ),
    )

    assert list(outcomes.values()).count("ok") == 1, outcomes
    advisor_request.refresh_from_db()
    winner = "withdraw" if outcomes["withdraw"] == "ok" else "decline"
    expected = (
        AdvisorRequest.Status.WITHDRAWN if winner == "withdraw" else AdvisorRequest.Status.DECLINED
    )
    assert advisor_request.status == expected
    assert AdvisorRequestTransition.objects.filter(request=advisor_request).count() == 1
