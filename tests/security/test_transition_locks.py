"""State transitions lock their row: two people acting on one advisor request at the same
moment on PostgreSQL — one wins, the other is refused, and exactly one transition is logged."""

import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections

from advisors import services
from advisors.models import AdvisorRequest, AdvisorRequestTransition
from kyodo_portal.roles import Role
from tests.factories import DepartmentFactory, UserFactory
from tests.outreach.factories import AdvisorRequestFactory, npo_admin

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def run_together(*actions, refusal=services.DomainError):
    barrier = threading.Barrier(len(actions))
    outcomes = {}

    def act(name, function):
        try:
            barrier.wait()
            function()
            outcomes[name] = "ok"
        except refusal as refused:
            outcomes[name] = str(refused)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=action) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_withdrawal_and_decline_at_once_one_wins_and_one_transition(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL")
    admin, cso = npo_admin()
    coordinator = UserFactory(is_staff=True, department=DepartmentFactory(name="県民協働課"))
    coordinator.groups.add(Group.objects.get(name=Role.COORDINATOR))
    advisor_request = AdvisorRequestFactory(cso=cso, requested_by=admin)
    real_move = services._move

    def slow_move(*args, **kwargs):
        time.sleep(0.3)  # hold the row lock so the other transition surely waits on it
        return real_move(*args, **kwargs)

    monkeypatch.setattr(services, "_move", slow_move)

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
