import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from cso_registry.models import Municipality
from outreach.models import Event, Registration
from tests.factories import UserFactory
from tests.outreach.factories import EventFactory, RegistrationFactory


@pytest.mark.django_db
def test_event_list_shows_upcoming_public_events_with_seats_left(client):
    event = EventFactory(title="協働推進セミナー 春", capacity=3)
    RegistrationFactory(event=event)
    EventFactory(title="準備中の講座", status=Event.Status.DRAFT)
    EventFactory(
        title="去年のセミナー",
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )

    response = client.get(reverse("outreach:event_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "協働推進セミナー 春" in html and "残り 2 席" in html
    assert "準備中の講座" not in html
    assert "去年のセミナー" not in html
    assert "<title>催し・講座 | 協働ポータル</title>" in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_event_list_filters_by_kind_period_place_and_keyword(client):
    saga = Municipality.objects.get(name="佐賀市")
    EventFactory(title="CSO基礎講座 入門", kind=Event.Kind.CSO_BASICS, municipality=saga)
    EventFactory(title="インターンシップ説明会", kind=Event.Kind.INTERNSHIP)
    EventFactory(
        title="昨年の基礎講座",
        kind=Event.Kind.CSO_BASICS,
        starts_at=timezone.now() - datetime.timedelta(days=60),
    )
    url = reverse("outreach:event_list")

    by_kind = client.get(url, {"kind": Event.Kind.CSO_BASICS}).content.decode()
    past = client.get(url, {"when": "past"}).content.decode()
    by_place = client.get(url, {"municipality": saga.pk}).content.decode()
    by_word = client.get(url, {"q": "インターン"}).content.decode()

    assert "CSO基礎講座 入門" in by_kind and "インターンシップ説明会" not in by_kind
    assert "昨年の基礎講座" in past and "CSO基礎講座 入門" not in past
    assert "CSO基礎講座 入門" in by_place and "インターンシップ説明会" not in by_place
    assert "インターンシップ説明会" in by_word and "CSO基礎講座 入門" not in by_word


@pytest.mark.django_db
def test_event_list_query_count_does_not_grow_with_events(client, django_assert_max_num_queries):
    for _ in range(25):
        event = EventFactory(municipality=Municipality.objects.get(name="唐津市"))
        RegistrationFactory(event=event)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("outreach:event_list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_staff_training_is_hidden_from_the_public_everywhere(client):
    training = EventFactory(title="職員向け協働研修", kind=Event.Kind.STAFF_TRAINING)

    assert "職員向け協働研修" not in client.get(reverse("outreach:event_list")).content.decode()
    assert (
        "職員向け協働研修"
        not in client.get(
            reverse("outreach:event_list"), {"kind": "staff_training"}
        ).content.decode()
    )
    assert client.get(reverse("outreach:event_detail", args=[training.pk])).status_code == 404
    assert client.get(reverse("outreach:event_ics", args=[training.pk])).status_code == 404
    assert client.post(reverse("outreach:event_register", args=[training.pk])).status_code == 404
    assert "職員向け協働研修" not in client.get(reverse("outreach:event_calendar")).content.decode()
    assert "職員向け協働研修" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_staff_see_and_can_register_for_staff_training(client):
    training = EventFactory(title="職員向け協働研修", kind=Event.Kind.STAFF_TRAINING)
    client.force_login(UserFactory(is_staff=True))

    assert "職員向け協働研修" in client.get(reverse("outreach:event_list")).content.decode()
    response = client.get(reverse("outreach:event_detail", args=[training.pk]))
    assert response.status_code == 200
    assert "申し込む" in response.content.decode()


@pytest.mark.django_db
def test_a_cso_member_cannot_see_staff_training_either(client):
    training = EventFactory(kind=Event.Kind.STAFF_TRAINING)
    client.force_login(UserFactory())

    assert client.get(reverse("outreach:event_detail", args=[training.pk])).status_code == 404


@pytest.mark.django_db
def test_event_page_never_shows_participants_personal_data(client):
    event = EventFactory()
    RegistrationFactory(
        event=event,
        name="秘密 一郎",
        email="secret@example.jp",
        organisation="非公開の会",
        note="車いす席希望",
    )

    html = client.get(reverse("outreach:event_detail", args=[event.pk])).content.decode()

    for private in ("秘密 一郎", "secret@example.jp", "非公開の会", "車いす席希望"):
        assert private not in html


@pytest.mark.django_db
def test_logged_in_person_registers_and_cancels_from_the_event_page(client):
    event = EventFactory(capacity=1)
    user = UserFactory()
    client.force_login(user)

    client.post(
        reverse("outreach:event_register", args=[event.pk]),
        {"organisation": "さがの会", "note": ""},
    )
    page = client.get(reverse("outreach:event_detail", args=[event.pk])).content.decode()
    assert "参加確定" in page
    client.post(reverse("outreach:event_cancel_mine", args=[event.pk]))

    assert event.registrations.get().status == Registration.Status.CANCELLED


@pytest.mark.django_db
def test_full_event_page_offers_the_waiting_list(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)

    html = client.get(reverse("outreach:event_detail", args=[event.pk])).content.decode()

    assert "キャンセル待ちで申し込む" in html


# iCalendar ----------------------------------------------------------------------------------


def parse(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    return icalendar.Calendar.from_ical(body)


@pytest.mark.django_db
def test_event_ics_is_valid_icalendar_with_utc_times_and_escaped_text(client):
    starts = datetime.datetime(
        2030, 6, 13, 13, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=9))
    )
    event = EventFactory(
        title="協働推進セミナー; 子ども食堂と県, ともに",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2, minutes=30),
        venue="アバンセ（佐賀県立生涯学習センター）",
        venue_address="佐賀市天神三丁目2-11",
        description="第1部: 基調講演\n第2部: 事例発表。" + "協働の進め方を学びます。" * 10,
    )

    response = client.get(reverse("outreach:event_ics", args=[event.pk]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"SUMMARY:\xe5" in response.content  # UTF-8, not escaped away
    assert "\\;" in response.content.decode() and "\\," in response.content.decode()
    calendar = parse(response)
    assert calendar["VERSION"] == "2.0"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "協働推進セミナー; 子ども食堂と県, ともに"
    assert vevent.decoded("DTSTART") == datetime.datetime(2030, 6, 13, 4, 30, tzinfo=datetime.UTC)
    assert vevent.decoded("DTEND") == datetime.datetime(2030, 6, 13, 7, 0, tzinfo=datetime.UTC)
    assert "第1部: 基調講演\n第2部" in str(vevent["DESCRIPTION"])
    assert str(vevent["LOCATION"]) == "アバンセ（佐賀県立生涯学習センター）, 佐賀市天神三丁目2-11"
    assert str(vevent["UID"]) == f"event-{event.pk}@testserver"
    assert str(vevent["URL"]) == f"http://testserver/events/{event.pk}/"
    assert str(vevent["STATUS"]) == "CONFIRMED"


@pytest.mark.django_db
def test_calendar_feed_holds_every_public_upcoming_event_and_marks_cancelled_ones(client):
    EventFactory(title="これからのセミナー")
    EventFactory(title="中止の講座", status=Event.Status.CANCELLED)
    EventFactory(title="準備中", status=Event.Status.DRAFT)
    EventFactory(title="終わった講座", starts_at=timezone.now() - datetime.timedelta(days=3))

    calendar = parse(client.get(reverse("outreach:event_calendar")))

    events = {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert events == {"これからのセミナー": "CONFIRMED", "中止の講座": "CANCELLED"}
