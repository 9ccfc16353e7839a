"""Finding 6 of the trust issue: cached public pages are retired only by a change of something a
public page shows — so no anonymous request, no draft and no daily job can flush the cache of
every worker. A row leaving public view (hidden, withdrawn) still retires pages."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cso_registry import services as cso_services
from cso_registry.models import CSO, Membership
from evaluations import services as evaluation_services
from kyodo_portal.page_cache import current_version
from outreach.models import Registration
from proposals.models import Agreement, AgreementVersion
from tests.evaluations.conftest import complete, make_agreement
from tests.factories import CSOFactory, MembershipFactory
from tests.outreach.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def retired(django_capture_on_commit_callbacks):
    """Run a change and say whether it retired the cached pages (the version moved on). What
    the test set up before is committed first, as it would be in production."""

    def run(change):
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in pending:
            callback()
        before = current_version()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        return current_version() != before

    return run


def test_an_anonymous_guest_registration_retires_nothing(client, retired):
    event = EventFactory()

    def register():
        client.post(
            reverse("outreach:event_register", args=[event.pk]),
            {"name": "佐賀 花子", "email": "hanako@example.jp", "consent": "on"},
        )

    assert not retired(register)
    assert Registration.objects.get().status == Registration.Status.PENDING


def test_a_confirmed_place_at_a_public_event_retires_pages_for_its_seat_count(client, retired):
    event = EventFactory()
    registration = Registration.objects.create(
        event=event,
        name="佐賀 花子",
        email="hanako@example.jp",
        status=Registration.Status.PENDING,
    )
    from outreach.services import confirmation_token

    def confirm():
        client.post(
            reverse("outreach:registration_confirm", args=[confirmation_token(registration)])
        )

    assert retired(confirm)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_editing_an_unpublished_cso_retires_nothing(retired):
    cso = CSOFactory(status=CSO.Status.PENDING)
    member = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user

    def edit():
        cso_services.cso_update(
            cso=cso,
            by=member,
            data={"description": "申請中の団体の紹介を書き直しました。"},
            expected_version=cso.version,
        )

    assert not retired(edit)


def test_editing_a_published_cso_retires_pages(retired):
    cso = CSOFactory()
    member = MembershipFactory(cso=cso, role=Membership.Role.ADMIN).user

    def edit():
        cso_services.cso_update(
            cso=cso,
            by=member,
            data={"description": "公開中の団体の紹介を書き直しました。"},
            expected_version=cso.version,
        )

    assert retired(edit)


def test_hiding_a_published_cso_retires_pages(retired, coordinator):
    cso = CSOFactory()

    assert retired(lambda: cso_services.cso_hide(cso=cso, by=coordinator, reason="誤登録"))


def test_the_daily_verification_reminder_retires_nothing(retired):
    cso = CSOFactory(verified_on=datetime.date(2020, 4, 1))
    MembershipFactory(cso=cso, role=Membership.Role.ADMIN)

    def remind():
        assert cso_services.cso_remind_verification(cso=cso, today=timezone.localdate())

    assert not retired(remind)


def test_editing_a_draft_agreement_retires_nothing(retired, department):
    agreement = make_agreement(department=department, status=Agreement.Status.DRAFT)
    version = agreement.current_version

    def edit():
        version.title = "下書きの事業名を直しました"
        version.save()
        version.parties.update(contact_name="担当を替えました")
        version.parties.first().save()

    assert not retired(edit)


def test_editing_an_amendment_of_a_public_agreement_retires_nothing(retired, department, promoter):
    from proposals.agreements import services as agreement_services

    agreement = make_agreement(department=department, status=Agreement.Status.IN_PROGRESS)
    amendment = agreement_services.agreement_start_amendment(
        agreement=agreement, by=promoter, reason="期間の延長"
    )

    def edit():
        amendment.title = "変更協定の案の事業名"
        amendment.save()

    assert not retired(edit)
    assert AgreementVersion.objects.get(pk=amendment.pk).status == AgreementVersion.Status.DRAFT


def test_publishing_and_withdrawing_an_evaluation_retire_pages(
    retired, department, promoter, coordinator
):
    agreement = make_agreement(department=department)
    member = MembershipFactory(
        cso=agreement.current_version.parties.get().cso, role=Membership.Role.ADMIN
    ).user
    evaluation = complete(
        evaluation_services.evaluation_start(agreement=agreement, by=promoter), member, promoter
    )

    assert retired(
        lambda: evaluation_services.evaluation_publish(evaluation=evaluation, by=coordinator)
    )
    assert retired(
        lambda: evaluation_services.evaluation_withdraw(
            evaluation=evaluation, by=coordinator, reason="確認のため"
        )
    )
