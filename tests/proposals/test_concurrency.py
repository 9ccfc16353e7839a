import threading
import time

import pytest
from django.db import connection, connections

from kyodo_portal.errors import TransitionNotAllowed
from proposals import services
from proposals.models import Proposal, ProposalTransition
from tests.proposals.conftest import arrange

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_staff_acting_at_once_one_succeeds_the_other_is_refused(
    postgres_only, draft, cso_member, promoter, coordinator, monkeypatch
):
    proposal = arrange(draft, Proposal.Status.SUBMITTED, member=cso_member, staff=promoter)
    real_record = services.record_transition

    def slow_record(**kwargs):
        # Hold the row lock a little while, so that the other thread surely waits on it.
        time.sleep(0.3)
        return real_record(**kwargs)

    monkeypatch.setattr(services, "record_transition", slow_record)
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(name, function, by, **kwargs):
        try:
            barrier.wait()
            function(proposal=Proposal.objects.get(pk=proposal.pk), by=by, **kwargs)
            outcomes[name] = "ok"
        except TransitionNotAllowed as refused:
            outcomes[name] = refused.message
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=act,
            args=("return", services.proposal_return, promoter),
            kwargs={"comment": "内容を見直してください。"},
        ),
        threading.Thread(
            target=act,
            args=("reject", services.proposal_reject, coordinator),
            kwargs={"comment": "今回は見送ります。"},
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

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
