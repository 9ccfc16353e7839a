"""State rules that live on the model: the pages, the admin, the progress sheet and the services
ask these properties and queryset methods, so each is checked here against every state."""

import contextlib
import datetime

import pytest

from proposals import services as proposal_services
from proposals.agreements import services
from proposals.models import Agreement, ProgressReport, Proposal
from tests.proposals.conftest import arrange

pytestmark = pytest.mark.django_db
S = Agreement.Status


@pytest.mark.parametrize("status", list(S))
def test_progress_reports_are_accepted_only_while_in_progress(
    agreement_in, status, cso_member, promoter
):
    agreement = agreement_in(status)
    accepted = status == S.IN_PROGRESS

    assert agreement.accepts_progress_reports is accepted
    assert Agreement.objects.accepting_progress_reports().filter(pk=agreement.pk).exists() is (
        accepted
    )
    assert agreement.will_accept_progress_reports is (status in (S.DRAFT, S.CONFIRMED, S.CONCLUDED))
    with contextlib.suppress(services.TransitionNotAllowed):
        services.progress_report(
            agreement=agreement,
            by=cso_member,
            reported_on=datetime.date.today(),
            percent_complete=30,
            text="見守りの訪問を始めました。",
            visibility=ProgressReport.Visibility.PARTIES,
        )
    assert ProgressReport.objects.filter(agreement=agreement).exists() is accepted


@pytest.mark.parametrize(
    "status, pre_consultation, seen",
    [
        (Proposal.Status.DRAFT, False, False),
        (Proposal.Status.DRAFT, True, True),
        (Proposal.Status.SUBMITTED, False, True),
    ],
)
def test_the_prefecture_sees_a_proposal_once_submitted_or_opened_for_pre_consultation(
    draft, cso_member, promoter, status, pre_consultation, seen
):
    if pre_consultation:
        proposal_services.proposal_open_pre_consultation(
            proposal=draft, by=cso_member, text="対象地域の相談です。"
        )
    arrange(draft, status, member=cso_member, staff=promoter)
    draft.refresh_from_db()

    assert draft.is_seen_by_prefecture is seen
    assert Proposal.objects.seen_by_prefecture().filter(pk=draft.pk).exists() is seen
    assert Proposal.objects.for_staff(promoter).filter(pk=draft.pk).exists() is seen
