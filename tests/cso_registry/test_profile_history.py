import pytest
from django.urls import reverse

from cso_registry import services
from cso_registry.models import CSOHistoryEntry
from tests.cso_registry.conftest import activity_field, valid_profile


def edit_data(cso, **overrides):
    data = valid_profile(
        name=cso.name,
        furigana="サガシミンカツドウダンタイ",
        kind=cso.kind,
        corporate_number="",
        municipality=cso.municipality_id,
        # The version the edit page carries (as a browser sends it): the one saved now.
        edit_version=type(cso).objects.values_list("version", flat=True).get(pk=cso.pk),
    )
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_member_edits_the_profile_and_each_change_is_recorded(client, cso, cso_member):
    client.force_login(cso_member)
    client.post(reverse("account:cso_edit", args=[cso.pk]), edit_data(cso))
    cso.refresh_from_db()
    before = cso.history.count()

    response = client.post(
        reverse("account:cso_edit", args=[cso.pk]),
        edit_data(cso, phone="0952-11-2222", activity_fields=[activity_field(1).pk]),
    )

    assert response.status_code == 302
    cso.refresh_from_db()
    assert cso.phone == "0952-11-2222"
    entry = cso.history.first()
    assert cso.history.count() == before + 1
    assert entry.by == cso_member and not entry.assisted
    changes = {change["field"]: change for change in entry.changes}
    assert set(changes) == {"phone", "activity_fields"}
    assert changes["phone"]["old"] == "0952-25-7374"
    assert changes["phone"]["new"] == "0952-11-2222"
    assert changes["phone"]["label"] == "電話番号"
    assert changes["activity_fields"]["new"] == activity_field(1).name


@pytest.mark.django_db
def test_saving_without_changes_records_nothing(client, cso, cso_member):
    client.force_login(cso_member)
    client.post(reverse("account:cso_edit", args=[cso.pk]), edit_data(cso))
    count = cso.history.count()

    client.post(reverse("account:cso_edit", args=[cso.pk]), edit_data(cso))

    assert cso.history.count() == count


@pytest.mark.django_db
def test_a_bad_field_in_an_edit_saves_no_field_at_all(client, cso, cso_member):
    client.force_login(cso_member)
    old_name = cso.name

    response = client.post(
        reverse("account:cso_edit", args=[cso.pk]),
        edit_data(cso, name="新しい名前", phone="12345"),
    )

    assert response.status_code == 200
    cso.refresh_from_db()
    assert cso.name == old_name
    assert not cso.history.exists()


@pytest.mark.django_db
def test_staff_entry_for_a_group_is_marked_assisted(cso, promoter):
    services.cso_update(cso=cso, by=promoter, data={"member_count": 42})

    entry = cso.history.get()
    assert entry.assisted
    assert entry.by == promoter
    assert entry.changes[0]["new"] == "42"


@pytest.mark.django_db
def test_the_admin_sees_the_history_with_old_and_new_values(client, cso, cso_admin, promoter):
    services.cso_update(cso=cso, by=promoter, data={"representative_name": "鹿島 一郎"})
    client.force_login(cso_admin)

    html = client.get(reverse("account:cso_history", args=[cso.pk])).content.decode()

    assert "代理入力" in html
    assert "鹿島 一郎" in html
    assert "代表者名" in html


@pytest.mark.django_db
def test_a_member_records_a_survey_answer_and_it_is_logged(client, cso, cso_member):
    client.force_login(cso_member)

    client.post(
        reverse("account:cso_survey", args=[cso.pk]),
        {"fiscal_year": "2026", "budget_band": "under_5m", "paid_staff": "2", "volunteers": "30"},
    )

    answer = cso.survey_answers.get()
    assert (answer.fiscal_year, answer.paid_staff, answer.volunteers) == (2026, 2, 30)
    assert cso.history.get().action == CSOHistoryEntry.Action.SURVEY


@pytest.mark.django_db
def test_a_survey_answer_with_a_negative_count_is_refused(client, cso, cso_member):
    client.force_login(cso_member)

    response = client.post(
        reverse("account:cso_survey", args=[cso.pk]),
        {"fiscal_year": "2026", "budget_band": "under_5m", "paid_staff": "-1", "volunteers": "3"},
    )

    assert "paid_staff" in response.context["form"].errors
    assert not cso.survey_answers.exists()


@pytest.mark.django_db
def test_the_profile_sheet_shows_what_is_recorded_including_private_contact(
    client, cso, cso_member
):
    services.cso_update(cso=cso, by=cso_member, data={"phone": "0952-99-0000"})
    client.force_login(cso_member)

    response = client.get(reverse("account:cso_sheet", args=[cso.pk]))

    html = response.content.decode()
    assert "0952-99-0000" in html
    assert "確認シート" in html
    assert "window.print()" in html
