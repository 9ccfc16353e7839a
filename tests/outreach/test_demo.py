import pytest
from django.core.management import call_command

from advisors.models import AdvisorRequest
from cso_registry.models import Municipality
from outreach.models import Event, MunicipalContact, NewsItem, PromoterContact, Registration


@pytest.mark.django_db
def test_seed_demo_shows_every_part_of_the_collaboration_environment(settings):
    settings.DEBUG = True

    call_command("seed_demo")

    public = Event.objects.public()
    assert public.upcoming().exists() and public.past().exists()
    full = [
        event
        for event in public.upcoming().with_seat_counts()
        if event.confirmed_count == event.capacity and event.waitlist_count > 0
    ]
    assert full, "one upcoming event is full with a waiting list"
    assert Event.objects.filter(kind=Event.Kind.STAFF_TRAINING).exists()
    assert Event.objects.filter(status=Event.Status.CANCELLED).exists()
    assert Registration.objects.filter(status=Registration.Status.PENDING).exists()
    assert NewsItem.objects.published().count() >= 3
    assert NewsItem.objects.count() > NewsItem.objects.published().count()
    assert set(AdvisorRequest.objects.values_list("status", flat=True)) == set(
        AdvisorRequest.Status.values
    )
    assert MunicipalContact.objects.count() == Municipality.objects.count()
    assert PromoterContact.objects.exists()
