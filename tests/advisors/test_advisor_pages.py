import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from advisors.models import AdvisorRequest, Topic
from cso_registry.models import CSO, Membership
from tests.factories import MembershipFactory
from tests.outreach.factories import AdvisorFactory, AdvisorRequestFactory, npo_admin


def request_data(cso, **extra):
    return {
        "cso": cso.pk,
        "topic": Topic.ACCOUNTING,
        "details": "NPO法人会計基準への移行について相談したいです。",
        "preferred_date_1": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        "preferred_date_2": "",
        "preferred_date_3": "",
        "preferred_time": "平日の午後",
        "place": "団体の事務所",
        **extra,
    }


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client):
    for url in (reverse("advisors:list"), reverse("advisors:create")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_npo_admin_requests_an_advisor_from_the_my_pages(client):
    user, cso = npo_admin()
    client.force_login(user)

    response = client.post(reverse("advisors:create"), request_data(cso))

    advisor_request = AdvisorRequest.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == advisor_request.get_absolute_url()
    )
    assert advisor_request.requested_by == user and advisor_request.status == "submitted"
    page = client.get(advisor_request.get_absolute_url()).content.decode()
    assert "申込受付" in page and "NPO法人会計基準" in page


@pytest.mark.django_db
def test_bad_input_gets_a_message_beside_the_field_and_saves_nothing(client):
    user, cso = npo_admin()
    client.force_login(user)

    response = client.post(
        reverse("advisors:create"),
        request_data(cso, details="", preferred_date_1=timezone.localdate().isoformat()),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "希望日は明日以降の日付にしてください。" in html
    assert "error-summary" in html
    assert not AdvisorRequest.objects.exists()


@pytest.mark.django_db
def test_admin_of_a_non_npo_cso_gets_a_clear_refusal(client):
    user, _ = npo_admin(kind=CSO.Kind.NEIGHBOURHOOD_ASSOCIATION)
    client.force_login(user)

    response = client.get(reverse("advisors:create"))

    assert response.status_code == 403
    assert "NPO法人 を対象とした制度です" in response.content.decode()


@pytest.mark.django_db
def test_a_cso_cannot_post_a_request_for_a_cso_it_does_not_manage(client):
    user, _ = npo_admin()
    _, other = npo_admin()
    client.force_login(user)

    response = client.post(reverse("advisors:create"), request_data(other))

    assert response.status_code == 400
    assert not AdvisorRequest.objects.exists()


@pytest.mark.django_db
def test_another_csos_request_answers_404(client):
    advisor_request = AdvisorRequestFactory(internal_note="内部のメモ")
    user, _ = npo_admin()
    client.force_login(user)

    assert client.get(advisor_request.get_absolute_url()).status_code == 404
    assert client.post(reverse("advisors:withdraw", args=[advisor_request.pk])).status_code == 404
    assert str(advisor_request.cso) not in client.get(reverse("advisors:list")).content.decode()


@pytest.mark.django_db
def test_members_see_status_report_but_not_the_internal_note_and_cannot_withdraw(client):
    user, cso = npo_admin()
    member = MembershipFactory(cso=cso, role=Membership.Role.MEMBER).user
    advisor_request = AdvisorRequestFactory(
        cso=cso,
        requested_by=user,
        status=AdvisorRequest.Status.COMPLETED,
        advisor=AdvisorFactory(name="税理 一郎", qualification="税理士"),
        visit_at=timezone.now() - datetime.timedelta(days=1),
        report="会計ソフトの設定を見直しました。",
        internal_note="県の内部のメモ",
    )
    client.force_login(member)

    html = client.get(advisor_request.get_absolute_url()).content.decode()

    assert "実施済み" in html and "税理 一郎" in html and "会計ソフトの設定を見直しました。" in html
    assert "県の内部のメモ" not in html
    assert "取り下げる" not in html


@pytest.mark.django_db
def test_admin_withdraws_from_the_detail_page(client):
    user, cso = npo_admin()
    advisor_request = AdvisorRequestFactory(cso=cso, requested_by=user)
    client.force_login(user)

    client.post(
        reverse("advisors:withdraw", args=[advisor_request.pk]), {"comment": "解決しました。"}
    )

    advisor_request.refresh_from_db()
    assert advisor_request.status == AdvisorRequest.Status.WITHDRAWN
    assert advisor_request.transitions.get().comment == "解決しました。"


@pytest.mark.django_db
def test_my_request_list_query_count_is_fixed(client, django_assert_max_num_queries):
    user, cso = npo_admin()
    AdvisorRequestFactory.create_batch(15, cso=cso, requested_by=user)
    client.force_login(user)

    with django_assert_max_num_queries(6):
        assert client.get(reverse("advisors:list")).status_code == 200


# Admin: 県民協働課 reviews ------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_schedules_in_the_admin_through_the_service(client, coordinator):
    advisor_request = AdvisorRequestFactory()
    advisor = AdvisorFactory()
    client.force_login(coordinator)
    change_url = reverse("admin:advisors_advisorrequest_change", args=[advisor_request.pk])
    step_url = reverse("admin:advisors_advisorrequest_step", args=[advisor_request.pk, "schedule"])

    assert step_url in client.get(change_url).content.decode()
    visit = timezone.localtime() + datetime.timedelta(days=5)
    response = client.post(
        step_url,
        {
            "advisor": advisor.pk,
            "visit_at": visit.strftime("%Y-%m-%dT%H:%M"),
            "visit_place": "オンライン",
            "message_to_cso": "",
        },
    )

    assert response.status_code == 302
    advisor_request.refresh_from_db()
    assert advisor_request.status == AdvisorRequest.Status.SCHEDULED
    assert advisor_request.advisor == advisor
    assert advisor_request.transitions.get().by == coordinator


@pytest.mark.django_db
def test_admin_step_not_allowed_now_is_refused_with_a_message(client, coordinator):
    advisor_request = AdvisorRequestFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:advisors_advisorrequest_step", args=[advisor_request.pk, "complete"]),
        {"report": "報告"},
    )

    assert response.status_code == 200
    assert "派遣決定の状態のときだけ" in response.content.decode()
    advisor_request.refresh_from_db()
    assert advisor_request.status == AdvisorRequest.Status.SUBMITTED


@pytest.mark.django_db
def test_promoters_have_no_access_to_advisor_dispatch_in_the_admin(client, promoter):
    advisor_request = AdvisorRequestFactory()
    client.force_login(promoter)

    assert client.get(reverse("admin:advisors_advisorrequest_changelist")).status_code == 403
    assert (
        client.post(
            reverse("admin:advisors_advisorrequest_step", args=[advisor_request.pk, "decline"]),
            {"reason": "x"},
        ).status_code
        == 403
    )
    advisor_request.refresh_from_db()
    assert advisor_request.status == AdvisorRequest.Status.SUBMITTED
