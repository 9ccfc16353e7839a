import pytest
from django.core import mail
from django.urls import reverse

from cso_registry import services
from cso_registry.models import CSO, CSOHistoryEntry, Membership
from tests.factories import CSOFactory, MembershipFactory


@pytest.mark.django_db(transaction=True)
def test_a_person_asks_to_join_and_the_admin_is_told(client, cso, cso_admin, outsider):
    client.force_login(outsider)

    response = client.post(reverse("account:cso_join_request", args=[cso.pk]))

    assert response.status_code == 302
    membership = Membership.objects.get(user=outsider)
    assert membership.status == Membership.Status.REQUESTED
    assert membership.role == Membership.Role.MEMBER
    assert [m.to for m in mail.outbox] == [[cso_admin.email]]
    assert outsider.full_name in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize("status", [CSO.Status.PENDING, CSO.Status.HIDDEN])
def test_nobody_can_ask_to_join_a_cso_that_is_not_public(client, outsider, status):
    cso = CSOFactory(status=status)
    client.force_login(outsider)

    assert client.post(reverse("account:cso_join_request", args=[cso.pk])).status_code == 404
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_asking_twice_is_refused_with_a_message(client, cso, outsider):
    client.force_login(outsider)
    client.post(reverse("account:cso_join_request", args=[cso.pk]))

    response = client.post(reverse("account:cso_join_request", args=[cso.pk]), follow=True)

    assert "すでに申し込んでいます" in response.content.decode()
    assert Membership.objects.filter(user=outsider).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("action", "status", "role"),
    [
        ("approve", Membership.Status.ACTIVE, Membership.Role.MEMBER),
        ("approve_admin", Membership.Status.ACTIVE, Membership.Role.ADMIN),
        ("decline", Membership.Status.DECLINED, Membership.Role.MEMBER),
    ],
)
def test_the_admin_approves_or_declines_a_request(client, cso, cso_admin, action, status, role):
    request_ = MembershipFactory(cso=cso, status=Membership.Status.REQUESTED)
    client.force_login(cso_admin)

    client.post(reverse("account:member_action", args=[cso.pk, request_.pk, action]))

    request_.refresh_from_db()
    assert (request_.status, request_.role) == (status, role)
    assert request_.decided_at is not None
    assert [m.to for m in mail.outbox] == [[request_.user.email]]
    entry = cso.history.get(action=CSOHistoryEntry.Action.MEMBERSHIP)
    assert entry.by == cso_admin


@pytest.mark.django_db
def test_a_plain_member_cannot_approve_requests(client, cso, cso_member):
    request_ = MembershipFactory(cso=cso, status=Membership.Status.REQUESTED)
    client.force_login(cso_member)

    response = client.post(reverse("account:member_action", args=[cso.pk, request_.pk, "approve"]))

    assert response.status_code == 404
    request_.refresh_from_db()
    assert request_.status == Membership.Status.REQUESTED


@pytest.mark.django_db
def test_approving_something_that_is_not_a_request_is_refused_and_changes_nothing(
    cso, cso_admin, cso_member
):
    membership = Membership.objects.get(user=cso_member)
    with pytest.raises(services.DomainError):
        services.membership_decline(membership=membership, by=cso_admin)

    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


@pytest.mark.django_db
def test_the_last_admin_can_neither_leave_nor_step_down(client, cso, cso_admin):
    membership = Membership.objects.get(user=cso_admin)
    client.force_login(cso_admin)

    response = client.post(reverse("account:cso_leave", args=[cso.pk]), follow=True)
    assert "管理者が一人もいなくなってしまいます" in response.content.decode()
    with pytest.raises(services.DomainError):
        services.membership_change_role(
            membership=membership, by=cso_admin, role=Membership.Role.MEMBER
        )

    membership.refresh_from_db()
    assert (membership.status, membership.role) == (Membership.Status.ACTIVE, Membership.Role.ADMIN)


@pytest.mark.django_db
def test_a_member_leaves_and_the_row_is_kept_as_left(client, cso, cso_member):
    client.force_login(cso_member)

    client.post(reverse("account:cso_leave", args=[cso.pk]))

    membership = Membership.objects.get(user=cso_member)
    assert membership.status == Membership.Status.LEFT
    assert client.get(reverse("account:cso", args=[cso.pk])).status_code == 404


@pytest.mark.django_db
def test_someone_who_left_may_ask_again(client, cso, cso_member):
    client.force_login(cso_member)
    client.post(reverse("account:cso_leave", args=[cso.pk]))

    client.post(reverse("account:cso_join_request", args=[cso.pk]))

    assert Membership.objects.get(user=cso_member).status == Membership.Status.REQUESTED


@pytest.mark.django_db
def test_the_coordinator_approves_for_a_group_without_an_admin(cso, coordinator):
    request_ = MembershipFactory(cso=cso, status=Membership.Status.REQUESTED)

    services.membership_approve(membership=request_, by=coordinator, role=Membership.Role.ADMIN)

    request_.refresh_from_db()
    assert request_.is_admin
    assert cso.history.get().assisted


@pytest.mark.django_db
def test_a_promoter_cannot_manage_members(cso, promoter):
    request_ = MembershipFactory(cso=cso, status=Membership.Status.REQUESTED)

    with pytest.raises(services.DomainError):
        services.membership_approve(membership=request_, by=promoter)


@pytest.mark.django_db
def test_the_my_page_lists_own_csos_and_pending_requests(client, cso, cso_admin):
    MembershipFactory(cso=cso, status=Membership.Status.REQUESTED)
    client.force_login(cso_admin)

    html = client.get(reverse("account:home")).content.decode()

    assert cso.name in html
    assert "承認待ち 1 件" in html


@pytest.mark.django_db
def test_join_search_finds_public_csos_by_hiragana(client, outsider):
    CSOFactory(name="唐津まちづくり市民の会", furigana="カラツマチヅクリシミンノカイ")
    CSOFactory(
        name="唐津の申請中の会", furigana="カラツノシンセイチュウノカイ", status=CSO.Status.PENDING
    )
    client.force_login(outsider)

    html = client.get(reverse("account:cso_join"), {"q": "からつ"}).content.decode()

    assert "唐津まちづくり市民の会" in html
    assert "唐津の申請中の会" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_member_list_and_my_page_run_a_fixed_number_of_queries(
    client, cso, cso_admin, django_assert_max_num_queries, count
):
    for _ in range(count):
        MembershipFactory(cso=cso)
        MembershipFactory(cso=cso, status=Membership.Status.REQUESTED)
        MembershipFactory(user=cso_admin, cso=CSOFactory())
    client.force_login(cso_admin)

    with django_assert_max_num_queries(6):
        assert client.get(reverse("account:cso_members", args=[cso.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("account:home")).status_code == 200
