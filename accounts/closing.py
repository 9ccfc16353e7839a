"""Closing one's own account (/my/account/close/).

What closing keeps, removes or anonymises, model by model (the closing page says the same, from
the ``ClosingStep`` each app registers in ``accounts.personal_data``):

============================  ===================================================================
kyodo_portal.User             the login ends: ``is_active`` False, the password unusable, groups
                              and permissions cleared, ``closed_at`` set, ``last_login`` cleared;
                              ``email`` replaced by a placeholder that cannot receive mail and is
                              unique to the account (``closed-<id>-<random>@account-closed.invalid``)
                              so the address can sign up anew; ``full_name`` kept (records show
                              it; an empty one becomes 退会した利用者); ``date_joined`` and
                              ``email_verified_at`` kept (dates, no address)
AccountSession + sessions     every session ended and its record deleted
django_otp TOTPDevice         deleted
axes AccessLog                kept for the log's retention (security), the address replaced by
                              the placeholder; AccessAttempt / AccessFailureLog of the address
                              deleted
PersonalDataAccess            staff only (staff do not close here, see below)
cso_registry.Membership       承認済み and 承認待ち become 退会, each written in the CSO's history
                              like a normal leave (``membership_leave``); older rows kept
CSOHistoryEntry               kept, the actor shown by name
proposals, agreements,        kept with the name only: who created / submitted a proposal,
evaluations, advisors         wrote a consultation entry or progress report, uploaded a file,
                              confirmed an agreement, submitted an evaluation part, asked for an
                              advisor; the contacts written in an agreement version are part of
                              the document both sides confirmed and are not changed
outreach.Registration         those of events not started yet cancelled (``registration_cancel``:
                              the waiting list moves up); on every one of the person's
                              registrations the email becomes the placeholder and organisation and
                              the 配慮 note are cleared; the name is kept (the attendance record)
============================  ===================================================================

Staff accounts are not closed here: what a member of staff did in the portal is the
prefecture's record, and their account follows their post (異動・退職), so 県民協働課 deactivates it
in the admin. The page says so and offers no form.

A CSO's last active 管理者 must hand over first (cso_registry's blocker); nothing changes.
"""

import secrets

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.personal_data import (
    Blocker,
    ClosingRefused,
    ClosingStep,
    closing_blockers,
    closing_steps,
    register_closing_blocker,
    register_closing_step,
)
from kyodo_portal.notifications import notify_after_commit
from kyodo_portal.security import end_sessions_of

User = get_user_model()

CLOSED_EMAIL_DOMAIN = "account-closed.invalid"  # .invalid never resolves (RFC 6761)


def placeholder_email(user):
    """An address that cannot receive mail, unique to the account (User.email is unique); the
    random part keeps anyone from taking it first by signing up with it."""
    return f"closed-{user.pk}-{secrets.token_hex(6)}@{CLOSED_EMAIL_DOMAIN}"


def is_placeholder_email(address):
    return address.endswith("@" + CLOSED_EMAIL_DOMAIN)


def account_close(*, user):
    """Close ``user``'s account: every app's step, then the account itself, in one transaction;
    the last notice goes to the address before it was replaced, once committed.

    Raises ``ClosingRefused`` (nothing changed) when a blocker stands in the way, checked with
    the account locked; a step that finds one under its own lock raises it too."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_closed or not user.is_active:
            raise ClosingRefused([Blocker(_("このアカウントは、すでに閉じています。"))])
        blockers = closing_blockers(user)
        if blockers:
            raise ClosingRefused(blockers)
        address = user.email
        placeholder = placeholder_email(user)
        done = []
        for step in closing_steps():
            if step.run is not None:
                done += step.run(user, placeholder) or []
        user.email = placeholder
        user.set_unusable_password()
        user.is_active = False
        user.is_superuser = False
        user.closed_at = timezone.now()
        user.last_login = None
        if not user.full_name.strip():
            user.full_name = _("退会した利用者")
        user.save(
            update_fields=[
                "email",
                "password",
                "is_active",
                "is_superuser",
                "closed_at",
                "last_login",
                "full_name",
            ]
        )
        user.groups.clear()
        user.user_permissions.clear()
        notify_after_commit(
            to=[address],
            template="account_closed",
            context={"name": user.get_full_name(), "closed_at": user.closed_at, "done": done},
        )
    return user


# --- what the kernel and accounts register ------------------------------------------------


def staff_close_through_the_coordinating_division(user):
    if not (user.is_staff or user.is_superuser):
        return []
    return [
        Blocker(
            _(
                "県の職員のアカウントは、この画面では閉じられません。職員のアカウントで行った操作は"
                "県の記録として残す必要があり、アカウントは職務（異動・退職）に合わせて管理します。"
                "所属から県民協働課に連絡して、アカウントを無効にしてもらってください。"
            )
        )
    ]


def _remove_devices(user, placeholder):
    TOTPDevice.objects.filter(user=user).delete()
    return []


def _end_sessions(user, placeholder):
    end_sessions_of(user)
    return []


def _anonymise_login_records(user, placeholder):
    AccessLog.objects.filter(username__iexact=user.email).update(username=placeholder)
    AccessAttempt.objects.filter(username__iexact=user.email).delete()
    AccessFailureLog.objects.filter(username__iexact=user.email).delete()
    return []


ACCOUNT = ClosingStep(
    key="accounts.account",
    does=(
        (
            gettext_lazy("ログイン"),
            gettext_lazy(
                "できなくなります。パスワードは使えないものにし、アカウントを無効にします。"
                "閉じたアカウントは元に戻せません。"
            ),
        ),
        (
            gettext_lazy("メールアドレス"),
            gettext_lazy(
                "消して、メールの届かない仮のアドレス（closed-番号-記号@account-closed.invalid）"
                "に置き換えます。同じメールアドレスで、あらためて新しく登録できます。"
            ),
        ),
        (gettext_lazy("最後にログインした日時"), gettext_lazy("消します。")),
    ),
    keeps=(
        (
            gettext_lazy("氏名"),
            gettext_lazy(
                "残します。下の記録に「だれが行ったか」として表示します"
                "（メールアドレスなどの連絡先は表示しません）。"
            ),
        ),
        (gettext_lazy("登録した日時と閉じた日時"), gettext_lazy("残します。")),
    ),
)
DEVICES = ClosingStep(
    key="accounts.devices",
    does=((gettext_lazy("二段階認証の認証アプリ"), gettext_lazy("登録を消します。")),),
    run=_remove_devices,
)
SESSIONS = ClosingStep(
    key="accounts.sessions",
    does=(
        (
            gettext_lazy("ログイン中の端末"),
            gettext_lazy("この端末を含め、すべてのログインを終わらせ、その記録を消します。"),
        ),
    ),
    run=_end_sessions,
)
LOGIN_RECORDS = ClosingStep(
    key="accounts.login_records",
    does=(
        (
            gettext_lazy("ログインの失敗の記録"),
            gettext_lazy("あなたのメールアドレスあての記録を消します。"),
        ),
    ),
    keeps=(
        (
            gettext_lazy("ログインの記録"),
            gettext_lazy(
                "日時・IP アドレス・ブラウザーの記録は、不正なアクセスを調べるため保存期間のあいだ"
                "残します。メールアドレスは仮のアドレスに置き換えます。"
            ),
        ),
    ),
    run=_anonymise_login_records,
)


def register():
    register_closing_blocker(staff_close_through_the_coordinating_division)
    for step in (ACCOUNT, DEVICES, SESSIONS, LOGIN_RECORDS):
        register_closing_step(step)
