import pytest
from django.core.management import call_command
from django.utils import timezone

from proposals.models import ConsultationEntry, Proposal, ReviewScore, Theme


@pytest.mark.django_db
def test_seed_demo_shows_every_state_and_both_kinds_of_theme(settings):
    settings.DEBUG = True

    call_command("seed_demo")

    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    assert set(Theme.objects.values_list("kind", flat=True)) == set(Theme.Kind.values)
    assert Theme.objects.open_on(timezone.localdate()).count() >= 2
    assert Theme.objects.listed().exclude(pk__in=Theme.objects.open_on()).exists()
    assert Theme.objects.values("department").distinct().count() >= 4
    assert set(ConsultationEntry.objects.values_list("visibility", flat=True)) == {
        "shared",
        "internal",
    }
    assert ReviewScore.objects.exists()
    for proposal in Proposal.objects.all():
        proposal.full_clean()
        assert proposal.transitions.last().to_status == proposal.status
