"""State rules that live on the model: the pages, the admin, the progress sheet and the services
ask these properties and queryset methods, so each is checked here against every state."""

import contextlib
import datetime

import pytest

from proposals.agreements import services
from proposals.models import Agreement, ProgressReport

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
