import threading
import time

import pytest
from django.db import connection, connections

from cso_registry import services
from cso_registry.models import CSOHistoryEntry, Membership
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL")


def run_together(*actions):
    """Run each (name, callable) in its own thread and connection; collect ok or the refusal."""
    barrier = threading.Barrier(len(actions))
    outcomes = {}

    def act(name, function):
        try:
            barrier.wait()
            function()
            outcomes[name] = "ok"
        except services.DomainError as refused:
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
def test_two_admins_deciding_one_request_at_once_one_wins_the_other_is_refused(
    postgres_only, cso, monkeypatch
):
    first = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
    second = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
    request_ = MembershipFactory(cso=cso, status=Membership.Status.REQUESTED)
    real_record = services._record

    def slow_record(**kwargs):
        time.sleep(0.3)  # hold the row lock so that the other thread surely waits on it
        return real_record(**kwargs)

    monkeypatch.setattr(services, "_record", slow_record)

    outcomes = run_together(
        ("approve", lambda: services.membership_approve(membership=request_, by=first)),
        ("decline", lambda: services.membership_decline(membership=request_, by=second)),
    )

    assert sorted(outcomes) == ["approve", "decline"]
    assert list(outcomes.values()).count("ok") == 1
    assert "承認待ちの申し込みではありません" in "".join(outcomes.values())
    assert CSOHistoryEntry.objects.filter(cso=cso).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_admins_stepping_down_at_once_leave_one_admin(postgres_only, cso, monkeypatch):
    first = MembershipFactory(cso=cso, role=Membership.Role.ADMIN)
    second = MembershipFactory(cso=cso, role=Membership.Role.ADMIN)
    real_record = services._record

    def slow_record(**kwargs):
        time.sleep(0.3)
        return real_record(**kwargs)

    monkeypatch.setattr(services, "_record", slow_record)

    outcomes = run_together(
        ("first", lambda: services.membership_leave(membership=first, by=first.user)),
        ("second", lambda: services.membership_leave(membership=second, by=second.user)),
    )

    assert list(outcomes.values()).count("ok") == 1
    assert Membership.objects.admins().filter(cso=cso).count() == 1
