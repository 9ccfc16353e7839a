import pytest

from proposals.agreements import services
from proposals.models import Agreement, AgreementVersion
from tests.concurrency import require_postgres, run_together, slow_down

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def postgres_only():
    require_postgres()


@pytest.fixture
def slow_log(monkeypatch):
    slow_down(monkeypatch, services, "_log")


@pytest.mark.django_db(transaction=True)
def test_two_amendments_started_at_once_make_one_version(
    postgres_only, agreement_in, promoter, coordinator, slow_log
):
    agreement = agreement_in(Agreement.Status.IN_PROGRESS)

    def amend(by):
        return lambda: services.agreement_start_amendment(
            agreement=Agreement.objects.get(pk=agreement.pk), by=by, reason="変更します。"
        )

    outcomes = run_together(("promoter", amend(promoter)), ("coordinator", amend(coordinator)))

    assert list(outcomes.values()).count("ok") == 1
    assert agreement.versions.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_party_admins_confirming_at_once_complete_the_confirmation(
    postgres_only, agreement, promoter, cso_member, slow_log
):
    """Without the lock each would see the other still unconfirmed, and the version would
    stay 作成中 with both confirmations in."""
    from cso_registry.models import Membership
    from proposals.models import AgreementParty, RoleAssignment
    from tests.factories import CSOFactory, MembershipFactory
    from tests.proposals.conftest import complete_draft

    version = complete_draft(agreement)
    second = CSOFactory()
    second_admin = MembershipFactory(cso=second, role=Membership.Role.ADMIN).user
    AgreementParty.objects.create(version=version, cso=second, contact_name="担当")
    RoleAssignment.objects.create(version=version, task="広報", carried_by="cso", cso=second)
    services.agreement_request_confirmation(version=version, by=promoter)
    version.refresh_from_db()

    def confirm(by):
        return lambda: services.agreement_confirm(
            version=AgreementVersion.objects.get(pk=version.pk), by=by, revision=version.revision
        )

    outcomes = run_together(("first", confirm(cso_member)), ("second", confirm(second_admin)))

    assert outcomes == {"first": "ok", "second": "ok"}
    version.refresh_from_db()
    agreement.refresh_from_db()
    assert (version.status, agreement.status) == ("confirmed", "confirmed")
    assert agreement.transitions.filter(action="confirmed", to_status="confirmed").count() == 1
