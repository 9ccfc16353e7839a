"""要更新 is one rule on the model (CSO.is_update_due): the pages, the admin column and the
reminder ask it, and it agrees with the queryset the reminder command walks."""

import datetime

import pytest
from django.utils import timezone

from cso_registry.models import CSO
from tests.factories import CSOFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", list(CSO.Status))
@pytest.mark.parametrize("days_ago, stale", [(None, True), (400, True), (30, False)])
def test_an_update_is_due_only_for_a_published_cso_confirmed_over_a_year_ago(
    status, days_ago, stale
):
    today = timezone.localdate()
    verified_on = None if days_ago is None else today - datetime.timedelta(days=days_ago)
    cso = CSOFactory(status=status, verified_on=verified_on)
    due = stale and status == CSO.Status.PUBLISHED

    assert cso.needs_update(today) is stale
    assert cso.is_update_due(today) is due
    assert CSO.objects.needing_update(today).filter(pk=cso.pk).exists() is due
