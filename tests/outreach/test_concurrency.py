import threading
import time

import pytest
from django.db import connection, connections

from outreach import services
from outreach.models import Registration
from tests.factories import UserFactory
from tests.outreach.factories import EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_seat_at_once_one_gets_it_the_other_waits(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL")
    event = EventFactory(capacity=1)
    people = [UserFactory(), UserFactory()]
    real_count = services._confirmed_count

    def slow_count(event):
        # Count, then pause while holding the lock: without it both would see a free seat.
        count = real_count(event)
        time.sleep(0.3)
        return count

    monkeypatch.setattr(services, "_confirmed_count", slow_count)
    barrier = threading.Barrier(2)
    errors = []

    def register(user):
        try:
            barrier.wait()
            services.registration_create(event=event, user=user)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert errors == []
    assert sorted(event.registrations.values_list("status", flat=True)) == [
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
    ]
