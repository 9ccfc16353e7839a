import pytest

from cso_registry import services
from cso_registry.models import CSOHistoryEntry, Membership
from tests.concurrency import require_postgres, run_together, slow_down
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def postgres_only():
    require_postgres()


@pytest.mark.django_db(transaction=True)
def test_two_admins_deciding_one_request_at_once_one_wins_the_other_is_refused(
    postgres_only, cso, monkeypatch
):
    first = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
    second = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user
    request_ = MembershipFactory(cso=cso, status=Membership.Status.REQUESTED)
    slow_down(monkeypatch, services, "_record")

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
    slow_down(monkeypatch, services, "_record")

    outcomes = run_together(
        ("first", lambda: services.membership_leave(membership=first, by=first.user)),
        ("second", lambda: services.membership_leave(membership=second, by=second.user)),
    )

    assert list(outcomes.values()).count("ok") == 1
    assert Membership.objects.admins().filter(cso=cso).count() == 1
