"""Retention: ``manage.py purge_personal_data`` removes or anonymises what has passed its period
(each a setting), keeps what has not, and with --dry-run only counts."""

import datetime
import io

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from accounts import retention
from kyodo_portal.models import AccountSession, PersonalDataAccess, User
from outreach.models import Registration
from tests.factories import UserFactory
from tests.outreach.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def purge(*args):
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def ago(days, hours=0):
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


def line_of(output, rule_key):
    label = str(next(rule.label for rule in retention.rules() if rule.key == rule_key))
    return next(line for line in output.splitlines() if label in line)


def pending(created_at, **kwargs):
    registration = RegistrationFactory(
        status=Registration.Status.PENDING, confirmed_at=None, **kwargs
    )
    Registration.objects.filter(pk=registration.pk).update(created_at=created_at)
    return registration


def unverified(date_joined, **kwargs):
    return UserFactory(email_verified_at=None, date_joined=date_joined, **kwargs)


def axes_row(model, attempt_time, **extra):
    row = model.objects.create(
        user_agent="Mozilla/5.0",
        ip_address="192.0.2.1",
        username=f"someone-{attempt_time:%Y%m%d}@example.jp",
        http_accept="text/html",
        path_info="/login/",
        **extra,
    )
    model.objects.filter(pk=row.pk).update(attempt_time=attempt_time)
    return row


def session(expire_date):
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expire_date)
    return store.session_key


def access_entry(at):
    staff = UserFactory(is_staff=True)
    return PersonalDataAccess.objects.create(user=staff, what="参加者名簿（CSV）", rows=3, at=at)


def ended_event(days_ago):
    return EventFactory(starts_at=ago(days_ago, hours=3), ends_at=ago(days_ago, hours=1))


@pytest.fixture
def one_expired_of_each_kind(db):
    """One row past its period for every rule, and one fresh row of each."""
    expired = {
        "unconfirmed": pending(ago(8)),
        "unverified": unverified(ago(15)),
        "attempt": axes_row(
            AccessAttempt, ago(181), get_data="", post_data="", failures_since_start=1
        ),
        "log": axes_row(AccessLog, ago(181)),
        "failure": axes_row(AccessFailureLog, ago(181)),
        "access": access_entry(ago(5 * 365 + 1)),
        "participant": RegistrationFactory(event=ended_event(366), user=None),
    }
    dead_session = session(ago(0, hours=1))
    expired["account_session"] = AccountSession.objects.create(
        user=UserFactory(), session_key=dead_session
    )
    fresh = {
        "unconfirmed": pending(ago(6)),
        "unverified": unverified(ago(13)),
        "attempt": axes_row(
            AccessAttempt, ago(179), get_data="", post_data="", failures_since_start=1
        ),
        "log": axes_row(AccessLog, ago(179)),
        "failure": axes_row(AccessFailureLog, ago(179)),
        "access": access_entry(ago(5 * 365 - 1)),
        "participant": RegistrationFactory(event=ended_event(364), user=None),
    }
    fresh["account_session"] = AccountSession.objects.create(
        user=UserFactory(), session_key=session(timezone.now() + DAY)
    )
    return expired, fresh


def test_a_dry_run_prints_the_counts_and_changes_nothing(one_expired_of_each_kind):
    expired, _fresh = one_expired_of_each_kind
    before = {
        model: model.objects.count()
        for model in (
            Registration,
            User,
            AccessAttempt,
            AccessLog,
            AccessFailureLog,
            PersonalDataAccess,
            Session,
            AccountSession,
        )
    }

    output = purge("--dry-run")

    assert "何も変えていません" in output
    for key in (
        "unconfirmed_registrations",
        "unverified_accounts",
        "expired_sessions",
        "account_sessions",
        "login_attempts",
        "login_log",
        "login_failure_log",
        "staff_access_log",
    ):
        assert "削除するもの 1 件" in line_of(output, key), key
    assert "匿名化するもの 1 件" in line_of(output, "event_participants")
    assert {model: model.objects.count() for model in before} == before
    participant = Registration.objects.get(pk=expired["participant"].pk)
    assert participant.email == expired["participant"].email


def test_a_real_run_prints_the_same_counts_as_the_dry_run(one_expired_of_each_kind):
    dry = purge("--dry-run")

    real = purge()

    def counts(output):
        return [line.rsplit("もの", 1)[1] for line in output.splitlines() if "もの" in line]

    assert counts(real) == counts(dry)
    assert "削除したもの 1 件" in line_of(real, "unverified_accounts")
    assert counts(purge()) == [" 0 件"] * len(retention.rules())  # nothing left to do


def test_a_real_run_removes_exactly_the_expired_rows_of_each_kind(one_expired_of_each_kind):
    expired, fresh = one_expired_of_each_kind

    purge()

    for key in ("unconfirmed", "unverified", "attempt", "log", "failure", "access"):
        model = type(expired[key])
        assert not model.objects.filter(pk=expired[key].pk).exists(), key
        assert model.objects.filter(pk=fresh[key].pk).exists(), key
    assert not AccountSession.objects.filter(pk=expired["account_session"].pk).exists()
    assert AccountSession.objects.filter(pk=fresh["account_session"].pk).exists()
    assert not Session.objects.filter(session_key=expired["account_session"].session_key).exists()
    assert Session.objects.filter(session_key=fresh["account_session"].session_key).exists()


def test_a_confirmed_registration_is_not_an_unconfirmed_one(db):
    confirmed = RegistrationFactory()
    Registration.objects.filter(pk=confirmed.pk).update(created_at=ago(30))

    purge()

    assert Registration.objects.filter(pk=confirmed.pk).exists()


def test_an_account_that_signed_in_or_is_staff_or_confirmed_is_never_purged(db):
    signed_in = unverified(ago(100), last_login=ago(99))
    staff = unverified(ago(100), is_staff=True)
    confirmed = UserFactory(date_joined=ago(100))

    purge()

    assert User.objects.filter(pk__in=[signed_in.pk, staff.pk, confirmed.pk]).count() == 3


def test_an_unverified_account_a_record_protects_is_deactivated_and_anonymised(db):
    user = unverified(ago(15), full_name="守られ 太郎")
    RegistrationFactory(user=user)  # Registration.user is PROTECT

    output = purge()

    user.refresh_from_db()
    assert not user.is_active
    assert user.email == retention.erased_email(user.pk)
    assert user.full_name == ""
    assert not user.has_usable_password()
    assert "削除したもの 1 件" in line_of(output, "unverified_accounts")
    assert "削除したもの 0 件" in line_of(purge(), "unverified_accounts")  # counted once


def test_an_account_session_whose_session_is_gone_is_removed(db):
    gone = AccountSession.objects.create(user=UserFactory(), session_key="x" * 32)

    purge()

    assert not AccountSession.objects.filter(pk=gone.pk).exists()


def test_participants_of_an_event_past_the_period_are_anonymised_and_still_counted(db):
    event = ended_event(400)
    guest = RegistrationFactory(
        event=event, user=None, name="参加 花子", organisation="さがNPO", note="車いす席を希望"
    )
    member_user = UserFactory()
    member = RegistrationFactory(
        event=event,
        user=member_user,
        name=member_user.full_name,
        email=member_user.email,
        note="手話通訳を希望",
    )
    cancelled = RegistrationFactory(
        event=event, user=None, status=Registration.Status.CANCELLED, cancelled_at=ago(410)
    )

    purge()

    guest.refresh_from_db()
    assert guest.name == "（消去済み）"
    assert guest.email == retention.erased_email(guest.pk)
    assert (guest.organisation, guest.note) == ("", "")
    assert guest.status == Registration.Status.CONFIRMED
    member.refresh_from_db()
    assert member.note == ""
    assert (member.name, member.email) == (member_user.full_name, member_user.email)
    cancelled.refresh_from_db()
    assert retention.is_erased_email(cancelled.email)
    assert event.registrations.count() == 3
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 2


def test_a_registration_of_a_recent_event_keeps_its_data(db):
    recent = RegistrationFactory(
        event=ended_event(30), user=None, name="参加 花子", note="託児を希望"
    )
    upcoming = RegistrationFactory(user=None, name="参加 次郎", note="車いす席を希望")

    purge()

    for registration in (recent, upcoming):
        kept = Registration.objects.get(pk=registration.pk)
        assert (kept.name, kept.email, kept.note) == (
            registration.name,
            registration.email,
            registration.note,
        )


def test_each_period_is_a_setting(db, settings):
    settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS = 30
    settings.RETENTION_EVENT_PARTICIPANT_DAYS = 30
    registration = pending(ago(8))
    participant = RegistrationFactory(event=ended_event(31), user=None)

    purge()

    assert Registration.objects.filter(pk=registration.pk).exists()
    participant.refresh_from_db()
    assert retention.is_erased_email(participant.email)
