"""Who may open which /my/ page of a CSO: each page × each kind of person → status."""

import pytest
from django.urls import reverse

from cso_registry.models import Membership
from tests.factories import MembershipFactory

MEMBER_PAGES = ["account:cso", "account:cso_edit", "account:cso_survey", "account:cso_members"]
ADMIN_PAGES = ["account:cso_history"]
STAFF_VIEWABLE = ["account:cso_sheet"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", MEMBER_PAGES + ADMIN_PAGES + STAFF_VIEWABLE)
def test_a_member_of_cso_a_gets_404_on_cso_b_pages(client, cso, cso_admin, other_cso, page):
    client.force_login(cso_admin)

    assert client.get(reverse(page, args=[other_cso.pk])).status_code == 404
    assert client.get(reverse(page, args=[cso.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", MEMBER_PAGES + ADMIN_PAGES + STAFF_VIEWABLE)
def test_anonymous_visitors_are_sent_to_login(client, cso, page):
    response = client.get(reverse(page, args=[cso.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "status"),
    [(page, 200) for page in MEMBER_PAGES + STAFF_VIEWABLE] + [(p, 404) for p in ADMIN_PAGES],
)
def test_a_plain_member_sees_the_member_pages_but_not_the_history(
    client, cso, cso_member, page, status
):
    client.force_login(cso_member)

    assert client.get(reverse(page, args=[cso.pk])).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Membership.Status.REQUESTED, Membership.Status.DECLINED, Membership.Status.LEFT]
)
@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_someone_not_yet_or_no_longer_approved_gets_404(client, cso, status, page):
    user = MembershipFactory(cso=cso, status=status).user
    client.force_login(user)

    assert client.get(reverse(page, args=[cso.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page", ADMIN_PAGES + STAFF_VIEWABLE)
def test_staff_may_read_the_history_and_print_the_sheet_of_any_cso(client, promoter, cso, page):
    client.force_login(promoter)

    assert client.get(reverse(page, args=[cso.pk])).status_code == 200


@pytest.mark.django_db
def test_a_member_of_cso_a_cannot_post_an_edit_to_cso_b(client, cso_admin, other_cso):
    client.force_login(cso_admin)
    name = other_cso.name

    response = client.post(reverse("account:cso_edit", args=[other_cso.pk]), {"name": "乗っ取り"})

    assert response.status_code == 404
    other_cso.refresh_from_db()
    assert other_cso.name == name


@pytest.mark.django_db
def test_a_member_of_cso_a_cannot_approve_requests_to_cso_b(client, cso_admin, other_cso):
    request_ = MembershipFactory(cso=other_cso, status=Membership.Status.REQUESTED)
    client.force_login(cso_admin)

    response = client.post(
        reverse("account:member_action", args=[other_cso.pk, request_.pk, "approve"])
    )

    assert response.status_code == 404
    request_.refresh_from_db()
    assert request_.status == Membership.Status.REQUESTED


@pytest.mark.django_db
def test_a_membership_of_another_cso_cannot_be_reached_through_ones_own(
    client, cso, cso_admin, other_cso
):
    request_ = MembershipFactory(cso=other_cso, status=Membership.Status.REQUESTED)
    client.force_login(cso_admin)

    response = client.post(reverse("account:member_action", args=[cso.pk, request_.pk, "approve"]))

    assert response.status_code == 404
    request_.refresh_from_db()
    assert request_.status == Membership.Status.REQUESTED


@pytest.mark.django_db
def test_the_member_list_shows_emails_only_to_the_admin(client, cso, cso_admin, cso_member):
    client.force_login(cso_member)
    html = client.get(reverse("account:cso_members", args=[cso.pk])).content.decode()
    assert cso_admin.full_name in html
    assert cso_admin.email not in html

    client.force_login(cso_admin)
    html = client.get(reverse("account:cso_members", args=[cso.pk])).content.decode()
    assert cso_member.email in html
