"""The kernel's part of "download my data": the account, its sessions and its recorded logins
(and, for staff, their own record of opening personal data). One query each."""

from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.personal_data import Section, register_export_section
from kyodo_portal.models import AccountSession, PersonalDataAccess

User = get_user_model()


def account(user):
    user = User.objects.select_related("department__parent").get(pk=user.pk)
    return Section(
        key="account",
        title=_("アカウント"),
        columns={
            "email": _("メールアドレス"),
            "full_name": _("氏名"),
            "date_joined": _("登録した日時"),
            "email_verified_at": _("メールアドレスを確認した日時"),
            "last_login": _("最後にログインした日時"),
            "second_factor": _("二段階認証（認証アプリ）"),
            "department": _("所属（県の職員）"),
        },
        rows=[
            {
                "email": user.email,
                "full_name": user.full_name,
                "date_joined": user.date_joined,
                "email_verified_at": user.email_verified_at,
                "last_login": user.last_login,
                "second_factor": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
                "department": user.department.full_name if user.department_id else "",
            }
        ],
    )


def sessions(user):
    return Section(
        key="sessions",
        title=_("ログイン中の端末"),
        note=_("ログインしたときに記録し、ログアウトしたとき・終了したときに消します。"),
        columns={
            "created_at": _("ログインした日時"),
            "ip_address": _("IP アドレス"),
            "user_agent": _("ブラウザー"),
        },
        rows=list(
            AccountSession.objects.filter(user=user).values(
                "created_at", "ip_address", "user_agent"
            )
        ),
    )


def logins(user):
    return Section(
        key="logins",
        title=_("ログインの記録"),
        note=_(
            "ログインに成功したときの記録です（不正なアクセスを調べるために使います）。"
            "メールアドレスで記録しているため、いまのメールアドレスでのものだけです。"
        ),
        columns={
            "attempt_time": _("ログインした日時"),
            "logout_time": _("ログアウトした日時"),
            "ip_address": _("IP アドレス"),
            "user_agent": _("ブラウザー"),
        },
        rows=list(
            AccessLog.objects.filter(username__iexact=user.email)
            .order_by("-attempt_time", "-id")
            .values("attempt_time", "logout_time", "ip_address", "user_agent")
        ),
    )


def staff_access(user):
    if not user.is_staff:
        return None
    return Section(
        key="staff_access",
        title=_("個人情報の閲覧・出力の記録（職員）"),
        note=_("職員として個人情報を含む一覧を開いたり出力したりした記録です。"),
        columns={
            "at": _("日時"),
            "what": _("内容"),
            "rows": _("件数"),
            "path": _("画面"),
        },
        rows=list(
            PersonalDataAccess.objects.filter(user=user).values("at", "what", "rows", "path")
        ),
    )


def register():
    for section in (account, sessions, logins, staff_access):
        register_export_section(section)
