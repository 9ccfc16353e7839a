import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from kyodo_portal.roles import Role
from outreach.models import Event, Registration
from tests.factories import DepartmentFactory
from tests.outreach.factories import EventFactory, RegistrationFactory


def export(client, events):
    return client.post(
        reverse("admin:outreach_event_changelist"),
        {"action": "export_participants", "_selected_action": [e.pk for e in events]},
    )


@pytest.mark.django_db
def test_coordinator_exports_the_participant_list_as_excel_friendly_csv(client, coordinator):
    event = EventFactory(capacity=1)
    RegistrationFactory(
        event=event, name="参加 一郎", email="ichiro@example.jp", organisation="=HYPERLINK(1)"
    )
    RegistrationFactory(
        event=event,
        name="待ち 二郎",
        status=Registration.Status.WAITLISTED,
        waitlisted_at=event.created_at,
        confirmed_at=None,
    )
    RegistrationFactory(
        event=event, name="未確認 三郎", status=Registration.Status.PENDING, confirmed_at=None
    )
    client.force_login(coordinator)

    response = export(client, [event])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["催し", "開始日時", "状態", "氏名"]
    assert [(r[2], r[3]) for r in rows[1:]] == [
        ("参加確定", "参加 一郎"),
        ("キャンセル待ち", "待ち 二郎"),
    ]
    assert rows[1][4] == "'=HYPERLINK(1)"  # a formula stays text in a spreadsheet


@pytest.mark.django_db
def test_promoter_manages_only_their_departments_events(client, promoter):
    own = EventFactory(title="自課のセミナー", organiser=promoter.department)
    other = EventFactory(title="他課のセミナー", organiser=DepartmentFactory())
    RegistrationFactory(event=other, name="他課の参加者")
    client.force_login(promoter)

    listing = client.get(reverse("admin:outreach_event_changelist")).content.decode()
    assert "自課のセミナー" in listing and "他課のセミナー" not in listing
    assert client.get(reverse("admin:outreach_event_change", args=[other.pk])).status_code == 302
    response = export(client, [own, other])
    assert "他課の参加者" not in response.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_event_cannot_be_set_to_cancelled_through_the_form(client, coordinator):
    event = EventFactory()
    client.force_login(coordinator)
    url = reverse("admin:outreach_event_change", args=[event.pk])
    data = {
        "title": event.title,
        "kind": event.kind,
        "status": Event.Status.CANCELLED,
        "organiser": event.organiser_id,
        "starts_at_0": "2030-06-01",
        "starts_at_1": "13:00",
        "ends_at_0": "2030-06-01",
        "ends_at_1": "15:00",
        "venue": "県庁",
        "capacity": 10,
        "audience": "どなたでも",
        "fee": "無料",
        "description": "説明",
        "registrations-TOTAL_FORMS": 0,
        "registrations-INITIAL_FORMS": 0,
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "「開催を中止する」で行ってください" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


@pytest.mark.django_db
def test_roles_get_outreach_and_advisor_permissions_without_delete():
    coordinator = Group.objects.get(name=Role.COORDINATOR)
    promoter = Group.objects.get(name=Role.PROMOTER)
    member = Group.objects.get(name=Role.CSO_MEMBER)

    def codes(group, app):
        return set(
            group.permissions.filter(content_type__app_label=app).values_list("codename", flat=True)
        )

    assert {"add_event", "change_event", "add_newsitem", "change_municipalcontact"} <= codes(
        coordinator, "outreach"
    )
    assert {"change_advisorrequest", "add_advisor"} <= codes(coordinator, "advisors")
    assert {"add_event", "view_registration"} <= codes(promoter, "outreach")
    assert "add_newsitem" not in codes(promoter, "outreach")
    assert codes(promoter, "advisors") == set()
    assert codes(member, "outreach") == set() and codes(member, "advisors") == set()
    for group in (coordinator, promoter):
        assert not {
            c
            for c in codes(group, "outreach") | codes(group, "advisors")
            if c.startswith("delete_")
        }


@pytest.mark.django_db
def test_admin_pages_of_both_apps_open_for_the_coordinator(client, coordinator):
    from tests.outreach.factories import AdvisorRequestFactory, NewsItemFactory

    event = EventFactory()
    RegistrationFactory(event=event)
    advisor_request = AdvisorRequestFactory()
    NewsItemFactory()
    client.force_login(coordinator)

    for name, args in [
        ("admin:outreach_event_changelist", []),
        ("admin:outreach_event_change", [event.pk]),
        ("admin:outreach_event_add", []),
        ("admin:outreach_registration_changelist", []),
        ("admin:outreach_newsitem_changelist", []),
        ("admin:outreach_promotercontact_changelist", []),
        ("admin:outreach_municipalcontact_changelist", []),
        ("admin:advisors_advisor_changelist", []),
        ("admin:advisors_advisorrequest_changelist", []),
        ("admin:advisors_advisorrequest_change", [advisor_request.pk]),
        ("admin:advisors_advisorrequest_step", [advisor_request.pk, "decline"]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
