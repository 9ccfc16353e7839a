"""An advisor request is open (the CSO may still withdraw it) while it waits for the visit: one
rule, AdvisorRequest.OPEN_STATUSES, read by is_open (the page and the withdrawal service) and by
the open() queryset."""

import datetime

import pytest
from django.utils import timezone

from advisors.models import AdvisorRequest
from tests.outreach.factories import AdvisorFactory, AdvisorRequestFactory, npo_admin

pytestmark = pytest.mark.django_db
S = AdvisorRequest.Status


@pytest.mark.parametrize("status", list(S))
def test_a_request_is_open_until_it_is_visited_declined_or_withdrawn(status):
    admin, cso = npo_admin()
    visit = {"advisor": AdvisorFactory(), "visit_at": timezone.now() + datetime.timedelta(days=9)}
    advisor_request = AdvisorRequestFactory(
        cso=cso,
        requested_by=admin,
        status=status,
        report="実施しました。" if status == S.COMPLETED else "",
        **(visit if status in (S.SCHEDULED, S.COMPLETED) else {}),
    )
    is_open = status in (S.SUBMITTED, S.SCHEDULED)

    assert advisor_request.is_open is is_open
    assert AdvisorRequest.objects.open().filter(pk=advisor_request.pk).exists() is is_open
