"""How long the portal keeps each kind of personal data, and what happens to it afterwards:
the rules ``manage.py purge_personal_data`` applies (run daily) and the privacy notice lists
(個人情報保護法 61条: hold only what the purpose of use needs).

A rule names what goes, what is done to it (deleted or made anonymous), the setting that holds
its period in days, and the rows due at a cut-off. The rules of the account itself (unverified
accounts, sessions, login logs, the staff access log) are declared here; an app above registers
its own in ``AppConfig.ready()``, so that this module imports no app above it::

    from accounts import retention

    retention.register(retention.Rule(key="...", label=..., ...))
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import CharField, ProtectedError, RestrictedError, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

# An address that stands for an erased one: the .invalid top-level domain never receives mail
# (RFC 2606), and the row's number keeps it unique.
ERASED_DOMAIN = "erased.invalid"
ERASED_NAME = _("（消去済み）")

DELETE = _("削除")
ANONYMISE = _("匿名化")


def erased_email(pk):
    return f"erased-{pk}@{ERASED_DOMAIN}"


def erased_email_expression():
    """``erased_email(pk)`` in SQL, for ``QuerySet.update()``."""
    return Concat(
        Value("erased-"),
        Cast("pk", output_field=CharField()),
        Value(f"@{ERASED_DOMAIN}"),
        output_field=CharField(),
    )


def is_erased_email(address):
    return address.endswith(f"@{ERASED_DOMAIN}")


def delete_rows(rows):
    """Delete the rows; return how many of them (not of the rows deleted with them)."""
    _total, per_model = rows.delete()
    return per_model.get(rows.model._meta.label, 0)


@dataclass(frozen=True)
class Rule:
    key: str
    label: str  # what goes, as the command prints it and the privacy notice lists it
    action: str  # DELETE or ANONYMISE
    due: Callable  # due(cutoff) -> the QuerySet of rows older than the cut-off
    apply: Callable = delete_rows  # apply(rows) -> how many rows it deleted or changed
    period_setting: str = ""  # days, a setting; none: the rows say themselves (sessions)
    counted_from: str = ""  # 申込から, 催しの終了から …
    # Never sooner than this, whatever the setting (a confirmation link still valid).
    shortest: Callable = field(default=lambda: datetime.timedelta(0))

    def period(self):
        if not self.period_setting:
            return None
        days = datetime.timedelta(days=getattr(settings, self.period_setting))
        return max(days, self.shortest())

    def days(self):
        period = self.period()
        return None if period is None else -(-period // datetime.timedelta(days=1))

    def period_display(self):
        """``申込から7日``, ``催しの終了から1年``: for the command and the privacy notice."""
        days = self.days()
        if days is None:
            return str(self.counted_from)
        length = _("%(years)d年") % {"years": days // 365} if days % 365 == 0 else None
        length = length or _("%(days)d日") % {"days": days}
        return f"{self.counted_from}{length}"

    def due_rows(self, now):
        period = self.period()
        return self.due(now if period is None else now - period)

    def run(self, *, now, dry_run):
        rows = self.due_rows(now)
        if dry_run:
            return rows.count()
        with transaction.atomic():
            return self.apply(rows)


_rules = {}


def register(rule):
    _rules[rule.key] = rule
    return rule


def rules():
    """Every rule: those of the account first, then the apps' in the order they registered."""
    return [*ACCOUNT_RULES, *_rules.values()]


def purge(*, now, dry_run=False):
    """Apply every rule at ``now``: [(rule, rows deleted or made anonymous)]. A dry run counts
    the rows due and changes nothing."""
    return [(rule, rule.run(now=now, dry_run=dry_run)) for rule in rules()]


# --- the account's own rules ------------------------------------------------------------------


def _unverified_accounts(cutoff):
    from kyodo_portal.models import User

    return User.objects.filter(
        email_verified_at__isnull=True,
        last_login__isnull=True,
        date_joined__lt=cutoff,
        is_staff=False,
        is_superuser=False,
        closed_at__isnull=True,
    ).exclude(email__endswith=f"@{ERASED_DOMAIN}")


def _delete_or_anonymise_accounts(users):
    """An unverified account has no records; if one refers to it all the same (PROTECT), the
    account is deactivated and anonymised instead of deleted."""
    handled = 0
    for user in users.order_by("pk"):
        try:
            with transaction.atomic():
                user.delete()
        except (ProtectedError, RestrictedError):
            type(user).objects.filter(pk=user.pk).update(
                email=erased_email(user.pk),
                full_name="",
                is_active=False,
                password=make_password(None),
            )
        handled += 1
    return handled


def _session_model():
    """Django's Session model where the session engine keeps sessions in the database."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    get_model_class = getattr(store, "get_model_class", None)
    return get_model_class() if get_model_class else None


def _expired_sessions(now):
    from kyodo_portal.models import AccountSession

    model = _session_model()
    if model is None:
        return AccountSession.objects.none()
    return model.objects.filter(expire_date__lt=now)


def _clear_sessions(rows):
    """What ``manage.py clearsessions`` does."""
    count = rows.count()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return count


def _stale_account_sessions(now):
    """The records of signed-in sessions whose session ended or expired."""
    from kyodo_portal.models import AccountSession

    model = _session_model()
    if model is None:
        return AccountSession.objects.none()
    live = model.objects.filter(expire_date__gte=now).values("session_key")
    return AccountSession.objects.exclude(session_key__in=live)


def _axes(model_name):
    def due(cutoff):
        from axes import models

        return getattr(models, model_name).objects.filter(attempt_time__lt=cutoff)

    return due


def _staff_access_log(cutoff):
    from kyodo_portal.models import PersonalDataAccess

    return PersonalDataAccess.objects.filter(at__lt=cutoff)


def _outgoing_mail(cutoff):
    from kyodo_portal.models import OutgoingMail

    return OutgoingMail.objects.filter(created_at__lt=cutoff)


def _background_jobs(cutoff):
    from kyodo_portal.models import BackgroundJob

    return BackgroundJob.objects.filter(created_at__lt=cutoff)


ACCOUNT_RULES = [
    Rule(
        key="unverified_accounts",
        label=_("メールアドレスが確認されなかったアカウント（一度もログインしていないもの）"),
        action=DELETE,
        due=_unverified_accounts,
        apply=_delete_or_anonymise_accounts,
        period_setting="RETENTION_UNVERIFIED_ACCOUNT_DAYS",
        counted_from=_("登録から"),
        shortest=lambda: datetime.timedelta(seconds=settings.EMAIL_CONFIRMATION_MAX_AGE),
    ),
    Rule(
        key="expired_sessions",
        label=_("期限の切れたログイン（セッション）"),
        action=DELETE,
        due=_expired_sessions,
        apply=_clear_sessions,
        counted_from=_("有効期限が切れたとき"),
    ),
    Rule(
        key="account_sessions",
        label=_("終わったログインの端末の記録（IP アドレス・ブラウザー）"),
        action=DELETE,
        due=_stale_account_sessions,
        counted_from=_("ログインが終わったとき"),
    ),
    Rule(
        key="login_attempts",
        label=_("ログイン失敗の回数の記録（一時停止の判定用）"),
        action=DELETE,
        due=_axes("AccessAttempt"),
        period_setting="RETENTION_LOGIN_LOG_DAYS",
        counted_from=_("記録から"),
        shortest=lambda: settings.AXES_COOLOFF_TIME,
    ),
    Rule(
        key="login_log",
        label=_("ログインの記録（日時・IP アドレス・ブラウザー）"),
        action=DELETE,
        due=_axes("AccessLog"),
        period_setting="RETENTION_LOGIN_LOG_DAYS",
        counted_from=_("記録から"),
    ),
    Rule(
        key="login_failure_log",
        label=_("ログイン失敗の記録"),
        action=DELETE,
        due=_axes("AccessFailureLog"),
        period_setting="RETENTION_LOGIN_LOG_DAYS",
        counted_from=_("記録から"),
    ),
    Rule(
        key="staff_access_log",
        label=_("職員による個人情報の閲覧・出力の記録"),
        action=DELETE,
        due=_staff_access_log,
        period_setting="RETENTION_STAFF_ACCESS_LOG_DAYS",
        counted_from=_("記録から"),
    ),
    Rule(
        key="outgoing_mail",
        label=_("お送りしたメールの控え（宛先・件名・本文・送信の結果）"),
        action=DELETE,
        due=_outgoing_mail,
        period_setting="RETENTION_OUTGOING_MAIL_DAYS",
        counted_from=_("送信の手続きから"),
    ),
    Rule(
        key="background_jobs",
        label=_("職員が取り込んだファイル（実態調査・進捗表）とその結果"),
        action=DELETE,
        due=_background_jobs,
        period_setting="RETENTION_BACKGROUND_JOB_DAYS",
        counted_from=_("取り込みから"),
    ),
]
