import datetime

import pytest
from django.core import mail
from django.utils import timezone

from advisors import services
from advisors.models import AdvisorRequest, Topic
from cso_registry.models import CSO, Membership
from tests.factories import MembershipFactory, UserFactory
from tests.outreach.factories import AdvisorFactory, AdvisorRequestFactory, npo_admin

Status = AdvisorRequest.Status


def soon(days=10):
    return timezone.localdate() + datetime.timedelta(days=days)


def submit(user, cso, **extra):
    return services.advisor_request_submit(
        cso=cso,
        by=user,
        topic=extra.pop("topic", Topic.LABOUR),
        details="職員を初めて雇うので、就業規則と社会保険の手続きを知りたいです。",
        preferred_date_1=soon(),
        **extra,
    )


def statuses(advisor_request):
    return list(advisor_request.transitions.values_list("from_status", "to_status"))


@pytest.mark.django_db(transaction=True)
def test_npo_admin_submits_and_coordinators_are_told(coordinator):
    user, cso = npo_admin()

    advisor_request = submit(user, cso, preferred_date_2=soon(12))

    assert advisor_request.status == Status.SUBMITTED
    assert statuses(advisor_request) == [("", Status.SUBMITTED)]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, user.email])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind",
    [CSO.Kind.CIVIC_GROUP, CSO.Kind.NEIGHBOURHOOD_ASSOCIATION, CSO.Kind.GENERAL_INCORPORATED],
)
def test_only_an_npo_corporation_may_request_an_advisor(kind):
    user, cso = npo_admin(kind=kind)

    with pytest.raises(services.DomainError, match="NPO法人 を対象"):
        submit(user, cso)
    assert not AdvisorRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Membership.Role.MEMBER, Membership.Status.ACTIVE),
        (Membership.Role.ADMIN, Membership.Status.REQUESTED),
        (Membership.Role.ADMIN, Membership.Status.LEFT),
    ],
)
def test_only_an_active_admin_of_the_cso_may_request(role, status):
    _, cso = npo_admin()
    member = MembershipFactory(cso=cso, role=role, status=status).user

    with pytest.raises(services.DomainError, match="管理者だけ"):
        submit(member, cso)
    assert not AdvisorRequest.objects.exists()


@pytest.mark.django_db
def test_preferred_dates_must_lie_ahead():
    user, cso = npo_admin()

    with pytest.raises(services.DomainError, match="明日以降"):
        services.advisor_request_submit(
            cso=cso,
            by=user,
            topic=Topic.ACCOUNTING,
            details="決算",
            preferred_date_1=timezone.localdate(),
        )


@pytest.mark.django_db(transaction=True)
def test_full_lifecycle_submit_schedule_complete_is_logged(coordinator):
    user, cso = npo_admin()
    advisor = AdvisorFactory()
    advisor_request = submit(user, cso)
    visit = timezone.now() + datetime.timedelta(days=7)
    mail.outbox.clear()

    services.advisor_request_schedule(
        advisor_request=advisor_request,
        by=coordinator,
        advisor=advisor,
        visit_at=visit,
        visit_place="団体の事務所",
        message_to_cso="当日は決算書をご用意ください。",
    )
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "派遣が決まりました" in mail.outbox[0].subject
    assert advisor.name in mail.outbox[0].body

    AdvisorRequest.objects.filter(pk=advisor_request.pk).update(
        visit_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services.advisor_request_complete(
        advisor_request=advisor_request, by=coordinator, report="就業規則のひな形を説明しました。"
    )

    advisor_request.refresh_from_db()
    assert advisor_request.status == Status.COMPLETED
    assert advisor_request.report == "就業規則のひな形を説明しました。"
    assert statuses(advisor_request) == [
        ("", Status.SUBMITTED),
        (Status.SUBMITTED, Status.SCHEDULED),
        (Status.SCHEDULED, Status.COMPLETED),
    ]
    assert advisor_request.transitions.last().by == coordinator


@pytest.mark.django_db
def test_report_cannot_be_entered_before_the_visit(coordinator):
    advisor_request = AdvisorRequestFactory(
        status=Status.SCHEDULED,
        advisor=AdvisorFactory(),
        visit_at=timezone.now() + datetime.timedelta(days=2),
    )

    with pytest.raises(services.DomainError, match="訪問日時より前"):
        services.advisor_request_complete(
            advisor_request=advisor_request, by=coordinator, report="済"
        )
    advisor_request.refresh_from_db()
    assert advisor_request.status == Status.SCHEDULED and advisor_request.report == ""


@pytest.mark.django_db
def test_only_coordinators_review_requests(promoter):
    user, cso = npo_admin()
    advisor_request = submit(user, cso)

    for actor in (promoter, user):
        with pytest.raises(services.DomainError, match="県民協働課"):
            services.advisor_request_schedule(
                advisor_request=advisor_request,
                by=actor,
                advisor=AdvisorFactory(),
                visit_at=timezone.now() + datetime.timedelta(days=3),
            )
        with pytest.raises(services.DomainError, match="県民協働課"):
            services.advisor_request_decline(advisor_request=advisor_request, by=actor, reason="x")
    advisor_request.refresh_from_db()
    assert advisor_request.status == Status.SUBMITTED
    assert advisor_request.transitions.count() == 1


@pytest.mark.django_db
def test_decline_needs_a_reason_and_only_from_submitted(coordinator):
    user, cso = npo_admin()
    advisor_request = submit(user, cso)

    with pytest.raises(services.DomainError, match="理由"):
        services.advisor_request_decline(
            advisor_request=advisor_request, by=coordinator, reason="  "
        )
    services.advisor_request_decline(
        advisor_request=advisor_request, by=coordinator, reason="今年度の予算の上限に達しました。"
    )
    advisor_request.refresh_from_db()
    assert advisor_request.status == Status.DECLINED

    with pytest.raises(services.DomainError):
        services.advisor_request_schedule(
            advisor_request=advisor_request,
            by=coordinator,
            advisor=AdvisorFactory(),
            visit_at=timezone.now() + datetime.timedelta(days=3),
        )
    with pytest.raises(services.DomainError):
        services.advisor_request_withdraw(advisor_request=advisor_request, by=user)
    advisor_request.refresh_from_db()
    assert advisor_request.status == Status.DECLINED
    assert advisor_request.transitions.count() == 2


@pytest.mark.django_db
def test_cso_admin_withdraws_before_the_visit_but_an_ordinary_member_cannot(coordinator):
    user, cso = npo_admin()
    member = MembershipFactory(cso=cso, role=Membership.Role.MEMBER).user
    advisor_request = submit(user, cso)
    services.advisor_request_schedule(
        advisor_request=advisor_request,
        by=coordinator,
        advisor=AdvisorFactory(),
        visit_at=timezone.now() + datetime.timedelta(days=3),
    )

    with pytest.raises(services.DomainError, match="管理者だけ"):
        services.advisor_request_withdraw(advisor_request=advisor_request, by=member)
    services.advisor_request_withdraw(
        advisor_request=advisor_request, by=user, comment="日程が合わなくなりました。"
    )

    advisor_request.refresh_from_db()
    assert advisor_request.status == Status.WITHDRAWN
    with pytest.raises(services.DomainError, match="取り下げられません"):
        services.advisor_request_withdraw(advisor_request=advisor_request, by=user)


@pytest.mark.django_db
def test_scheduling_needs_an_active_advisor_and_a_future_visit(coordinator):
    user, cso = npo_admin()
    advisor_request = submit(user, cso)

    with pytest.raises(services.DomainError, match="アドバイザー"):
        services.advisor_request_schedule(
            advisor_request=advisor_request,
            by=coordinator,
            advisor=AdvisorFactory(is_active=False),
            visit_at=timezone.now() + datetime.timedelta(days=3),
        )
    with pytest.raises(services.DomainError, match="これから先"):
        services.advisor_request_schedule(
            advisor_request=advisor_request,
            by=coordinator,
            advisor=AdvisorFactory(),
            visit_at=timezone.now() - datetime.timedelta(days=1),
        )
    advisor_request.refresh_from_db()
    assert advisor_request.status == Status.SUBMITTED and advisor_request.advisor is None


@pytest.mark.django_db
def test_database_refuses_a_scheduled_request_without_advisor():
    from django.db import IntegrityError, transaction

    advisor_request = AdvisorRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AdvisorRequest.objects.filter(pk=advisor_request.pk).update(status=Status.SCHEDULED)


@pytest.mark.django_db
def test_eligible_csos_are_the_npo_corporations_a_person_manages():
    user, npo = npo_admin()
    MembershipFactory(
        user=user, cso=npo_admin(kind=CSO.Kind.CIVIC_GROUP)[1], role=Membership.Role.ADMIN
    )
    MembershipFactory(user=user, role=Membership.Role.MEMBER, cso=npo_admin()[1])

    assert list(services.eligible_csos(user)) == [npo]
    assert not services.eligible_csos(UserFactory()).exists()
