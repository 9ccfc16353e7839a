import pytest

from kyodo_portal.errors import TransitionNotAllowed
from proposals import services
from proposals.models import Proposal, ProposalTransition
from tests.concurrency import require_postgres, run_together, slow_down
from tests.proposals.conftest import arrange

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def postgres_only():
    require_postgres()


@pytest.mark.django_db(transaction=True)
def test_two_staff_acting_at_once_one_succeeds_the_other_is_refused(
    postgres_only, draft, cso_member, promoter, coordinator, monkeypatch
):
    proposal = arrange(draft, Proposal.Status.SUBMITTED, member=cso_member, staff=promoter)
    # Hold the row lock a little while, so that the other thread surely waits on it.
    slow_down(monkeypatch, services, "record_transition")

    def fresh():
        return Proposal.objects.get(pk=proposal.pk)

    outcomes = run_together(
        (
            "return",
            lambda: services.proposal_return(
                proposal=fresh(), by=promoter, comment="内容を見直してください。"
            ),
        ),
        (
            "reject",
            lambda: services.proposal_reject(
                proposal=fresh(), by=coordinator, comment="今回は見送ります。"
            ),
        ),
        refusal=TransitionNotAllowed,
    )

    assert sorted(outcomes) == ["reject", "return"]
    assert list(outcomes.values()).count("ok") == 1
    refusal = next(message for message in outcomes.values() if message != "ok")
    assert "できません" in refusal
    after_submit = ProposalTransition.objects.filter(
        proposal=proposal, from_status=Proposal.Status.SUBMITTED
    )
    assert after_submit.count() == 1
    proposal.refresh_from_db()
    assert proposal.status == after_submit.get().to_status
