"""Staff access to personal data is recorded (kyodo_portal/personal_data_log.py): who, when,
what and how many rows, for every staff export or print that carries personal data; 県民協働課
alone reads the log in the admin, exports it as CSV, and nobody deletes an entry."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from kyodo_portal.models import PersonalDataAccess
from outreach.models import Registration
from tests.factories import CSOFactory, MembershipFactory, UserFactory
from tests.outreach.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
LOG_LIST = "admin:kyodo_portal_personaldataaccess_changelist"
LOG_EXPORT = "admin:kyodo_portal_personaldataaccess_export"


def export_participants(client, events):
    return client.post(
        reverse("admin:outreach_event_changelist"),
        {"action": "export_participants", "_selected_action": [e.pk for e in events]},
    )


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# --- what is recorded -----------------------------------------------------------------------


def test_exporting_participants_records_who_what_and_how_many(client, coordinator):
    event = EventFactory(title="協働推進セミナー 第9回")
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, status=Registration.Status.PENDING, confirmed_at=None)
    client.force_login(coordinator)

    response = export_participants(client, [event])

    assert response.status_code == 200
    entry = PersonalDataAccess.objects.get()
    assert entry.user == coordinator
    assert entry.rows == 3  # the rows of the file: unconfirmed guest requests are not in it
    assert entry.what == "参加者名簿（CSV）: 協働推進セミナー 第9回"
    assert entry.path == reverse("admin:outreach_event_changelist")
    assert timezone.now() - entry.at < datetime.timedelta(minutes=1)


def test_a_promoter_exporting_their_departments_participants_is_recorded(client, promoter):
    event = EventFactory(organiser=promoter.department)
    RegistrationFactory.create_batch(2, event=event)
    client.force_login(promoter)

    export_participants(client, [event])

    assert PersonalDataAccess.objects.get().rows == 2


def test_staff_opening_the_sheet_of_a_cso_whose_contact_is_not_public_is_recorded(client, promoter):
    cso = CSOFactory(name="さが子ども食堂ネット", contact_public=False, phone="0952-99-0000")
    client.force_login(promoter)

    response = client.get(reverse("account:cso_sheet", args=[cso.pk]))

    assert "0952-99-0000" in response.content.decode()
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.rows) == (promoter, 1)
    assert entry.what == "CSO 確認シート（非公開の連絡先）: さが子ども食堂ネット"
    assert entry.path == reverse("account:cso_sheet", args=[cso.pk])


def test_the_sheet_of_a_cso_whose_contact_is_public_is_not_recorded(client, promoter):
    cso = CSOFactory(contact_public=True)
    client.force_login(promoter)

    assert client.get(reverse("account:cso_sheet", args=[cso.pk])).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_a_member_opening_their_own_csos_sheet_is_not_recorded(client):
    cso = CSOFactory(contact_public=False)
    member = MembershipFactory(cso=cso).user
    client.force_login(member)

    assert client.get(reverse("account:cso_sheet", args=[cso.pk])).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_staff_who_did_not_pass_the_second_factor_see_no_sheet_and_nothing_is_recorded(
    client, promoter, settings
):
    settings.OTP_REQUIRED_FOR_STAFF = True
    cso = CSOFactory(contact_public=False)
    client.force_login(promoter)

    assert client.get(reverse("account:cso_sheet", args=[cso.pk])).status_code == 404
    assert not PersonalDataAccess.objects.exists()


# --- the log in the admin -----------------------------------------------------------------


@pytest.fixture
def entries(promoter, coordinator):
    return [
        PersonalDataAccess.objects.create(
            user=promoter, what="参加者名簿（CSV）: セミナーA", rows=12, path="/admin/"
        ),
        PersonalDataAccess.objects.create(
            user=coordinator, what="CSO 確認シート（非公開の連絡先）: =団体", rows=1
        ),
    ]


def test_the_coordinating_division_reads_the_log(client, coordinator, entries):
    client.force_login(coordinator)

    response = client.get(reverse(LOG_LIST))

    html = response.content.decode()
    assert response.status_code == 200
    assert "セミナーA" in html and "=団体" in html
    assert reverse(LOG_EXPORT) in html
    assert client.get(reverse(LOG_LIST) + "?at__year=2026").status_code == 200


def test_the_log_filters_by_member_of_staff_and_by_kind(client, coordinator, promoter, entries):
    client.force_login(coordinator)

    by_user = client.get(reverse(LOG_LIST), {"user": promoter.pk}).context["cl"].result_list
    by_kind = client.get(reverse(LOG_LIST), {"kind": "CSO 確認シート（非公開の連絡先）"})

    assert list(by_user) == [entries[0]]
    assert list(by_kind.context["cl"].result_list) == [entries[1]]
    assert client.get(reverse(LOG_LIST), {"kind": "ない種類"})["Location"].endswith("?e=1")


@pytest.mark.parametrize("url", [LOG_LIST, LOG_EXPORT])
def test_a_promoter_cannot_read_or_export_the_log(client, promoter, entries, url):
    client.force_login(promoter)

    assert client.get(reverse(url)).status_code == 403


def test_the_log_is_not_on_a_promoters_admin_index(client, promoter):
    client.force_login(promoter)

    assert reverse(LOG_LIST) not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("url", [LOG_LIST, LOG_EXPORT])
def test_someone_signed_out_or_not_staff_is_sent_to_the_admin_login(client, url):
    assert client.get(reverse(url)).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse(url)).status_code == 302


def test_nobody_adds_changes_or_deletes_an_entry(client, coordinator, entries):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry[PersonalDataAccess]
    entry = entries[0]

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert "delete_selected" not in model_admin.get_actions(request)
    client.force_login(superuser)
    delete_url = reverse("admin:kyodo_portal_personaldataaccess_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert (
        client.post(
            reverse("admin:kyodo_portal_personaldataaccess_change", args=[entry.pk]),
            {"what": "書き換え", "rows": 0},
        ).status_code
        == 403
    )
    entry.refresh_from_db()
    assert (entry.what, entry.rows) == ("参加者名簿（CSV）: セミナーA", 12)
    assert PersonalDataAccess.objects.filter(pk=entry.pk).exists()


def test_the_log_exports_as_a_formula_safe_csv_with_the_lists_filters(
    client, coordinator, promoter, entries
):
    client.force_login(coordinator)

    everything = read_csv(client.get(reverse(LOG_EXPORT)))
    promoters_only = read_csv(client.get(reverse(LOG_EXPORT), {"user": promoter.pk}))

    assert everything[0] == ["日時", "職員", "メールアドレス", "内容", "件数", "画面"]
    assert [row[3] for row in everything[1:]] == [
        "参加者名簿（CSV）: セミナーA",
        "CSO 確認シート（非公開の連絡先）: =団体",
    ]
    assert everything[1][1:3] == [promoter.full_name, promoter.email]
    assert everything[1][4] == "12"
    assert [row[3] for row in promoters_only[1:]] == ["参加者名簿（CSV）: セミナーA"]


def test_exporting_the_log_is_itself_recorded(client, coordinator, entries):
    client.force_login(coordinator)

    client.get(reverse(LOG_EXPORT))

    latest = PersonalDataAccess.objects.order_by("-pk").first()
    assert (latest.user, latest.what, latest.rows) == (
        coordinator,
        "個人情報の閲覧・出力の記録（CSV）",
        2,
    )


def test_a_cell_that_looks_like_a_formula_is_neutralised(client, coordinator, promoter):
    PersonalDataAccess.objects.create(user=promoter, what="=HYPERLINK(1)", rows=1)
    client.force_login(coordinator)

    rows = read_csv(client.get(reverse(LOG_EXPORT)))

    assert rows[1][3] == "'=HYPERLINK(1)"
