import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from cso_registry import services
from cso_registry.models import CSO, CSOHistoryEntry, Membership
from tests.cso_registry.conftest import SurveyAnswerFactory, activity_field, municipality
from tests.factories import CSOFactory, MembershipFactory

TODAY = datetime.date(2026, 11, 28)


def complete_cso(**overrides):
    values = {
        "description": "有明海の干潟で、毎月の清掃と、地域の子どもたちに向けた生き物観察会を二十年近く続けている団体です。",
        "founded_on": datetime.date(2005, 4, 1),
        "member_count": 40,
        "website": "https://example.jp/",
        "contact_public": True,
        "phone": "0954-00-0000",
    }
    values.update(overrides)
    cso = CSOFactory(**values)
    cso.activity_fields.set([activity_field(7)])
    cso.areas.set([municipality("鹿島市")])
    return cso


@pytest.mark.django_db
def test_a_complete_profile_with_a_recent_survey_answer_is_level_three():
    cso = complete_cso()
    SurveyAnswerFactory(cso=cso, fiscal_year=2026)

    disclosure = cso.disclosure(TODAY)

    assert disclosure.level == 3
    assert disclosure.missing == []


@pytest.mark.django_db
def test_without_a_recent_survey_answer_the_level_stays_below_three():
    cso = complete_cso()
    SurveyAnswerFactory(cso=cso, fiscal_year=2020)

    disclosure = cso.disclosure(TODAY)

    assert disclosure.level == 2
    assert disclosure.missing == ["直近の実態調査への回答"]


@pytest.mark.django_db
def test_a_bare_profile_is_level_one_and_contact_counts_only_when_public():
    cso = CSOFactory(description="短い紹介", phone="0952-00-0000", contact_public=False)

    disclosure = cso.disclosure(TODAY)

    assert disclosure.level == 1
    assert "連絡先の公開" in disclosure.missing


@pytest.mark.django_db
def test_the_badge_is_shown_in_the_directory_and_on_the_detail_page(client):
    cso = complete_cso()
    SurveyAnswerFactory(cso=cso, fiscal_year=2026)

    for url in (reverse("cso_registry:list"), reverse("cso_registry:detail", args=[cso.pk])):
        assert "情報開示レベル" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_verification_older_than_one_year_shows_needs_update(client):
    fresh = CSOFactory(name="確認済みの会", verified_on=datetime.date.today())
    stale = CSOFactory(
        name="古い会", verified_on=datetime.date.today() - datetime.timedelta(days=400)
    )

    assert not fresh.needs_update() and stale.needs_update()
    html = client.get(reverse("cso_registry:detail", args=[stale.pk])).content.decode()
    assert "要更新" in html
    html = client.get(reverse("cso_registry:detail", args=[fresh.pk])).content.decode()
    assert "要更新" not in html


def test_exactly_one_year_is_still_current_and_a_day_more_is_due():
    cso = CSO(verified_on=datetime.date(2025, 11, 28))

    assert not cso.needs_update(TODAY)
    assert cso.needs_update(TODAY + datetime.timedelta(days=1))


@pytest.mark.django_db(transaction=True)
def test_the_reminder_goes_to_the_admins_once_per_overdue_period():
    stale = CSOFactory(verified_on=datetime.date(2025, 6, 1))
    admin_user = MembershipFactory(cso=stale, role=Membership.Role.ADMIN).user
    MembershipFactory(cso=stale, role=Membership.Role.MEMBER)
    CSOFactory(verified_on=datetime.date(2026, 6, 1))  # current: no reminder
    hidden = CSOFactory(verified_on=datetime.date(2024, 1, 1), status=CSO.Status.HIDDEN)
    MembershipFactory(cso=hidden, role=Membership.Role.ADMIN)

    call_command("remind_cso_verification", "--today", "2026-11-28")
    call_command("remind_cso_verification", "--today", "2026-11-29")

    assert [message.to for message in mail.outbox] == [[admin_user.email]]
    assert "確認をお願いします" in mail.outbox[0].subject
    stale.refresh_from_db()
    assert stale.verification_reminded_on == TODAY
    assert stale.history.filter(action=CSOHistoryEntry.Action.REMINDED).count() == 1


@pytest.mark.django_db
def test_after_confirming_a_new_period_starts_and_a_later_reminder_goes_out():
    stale = CSOFactory(verified_on=datetime.date(2024, 6, 1))
    admin_user = MembershipFactory(cso=stale, role=Membership.Role.ADMIN).user
    assert services.cso_remind_verification(cso=stale, today=datetime.date(2025, 7, 1))
    stale.verified_on = datetime.date(2025, 8, 1)  # confirmed after the reminder
    stale.save()

    assert not services.cso_remind_verification(cso=stale, today=datetime.date(2026, 7, 1))
    assert services.cso_remind_verification(cso=stale, today=datetime.date(2026, 8, 2))
    assert admin_user


@pytest.mark.django_db
def test_the_command_lists_overdue_csos_without_an_admin(capsys):
    CSOFactory(name="管理者のいない自治会", verified_on=datetime.date(2024, 1, 1))

    call_command("remind_cso_verification", "--today", "2026-11-28")

    assert "管理者のいない自治会" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_admin_confirms_the_profile_and_the_date_moves_to_today(client, cso_admin, cso):
    cso.verified_on = datetime.date(2024, 1, 1)
    cso.save()
    client.force_login(cso_admin)

    client.post(reverse("account:cso_confirm", args=[cso.pk]))

    cso.refresh_from_db()
    assert cso.verified_on == datetime.date.today()
    assert cso.history.get().action == CSOHistoryEntry.Action.CONFIRMED


@pytest.mark.django_db
def test_a_plain_member_cannot_confirm(client, cso_member, cso):
    cso.verified_on = datetime.date(2024, 1, 1)
    cso.save()
    client.force_login(cso_member)

    assert client.post(reverse("account:cso_confirm", args=[cso.pk])).status_code == 404
    cso.refresh_from_db()
    assert cso.verified_on == datetime.date(2024, 1, 1)


@pytest.mark.django_db
def test_a_pending_cso_cannot_be_confirmed(cso_admin, cso):
    cso.status = CSO.Status.PENDING
    cso.save()

    with pytest.raises(services.DomainError):
        services.cso_confirm(cso=cso, by=cso_admin)
