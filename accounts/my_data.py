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
    return Section.of(
        key="account",
        title=_("アカウント"),
        objects=User.objects.select_related("department__parent").filter(pk=user.pk),
        columns={
            "email": (_("メールアドレス"), "email"),
            "full_name": (_("氏名"), "full_name"),
            "date_joined": (_("登録した日時"), "date_joined"),
            "email_verified_at": (_("メールアドレスを確認した日時"), "email_verified_at"),
            "last_login": (_("最後にログインした日時"), "last_login"),
            "second_factor": (
                _("二段階認証（認証アプリ）"),
                lambda u: TOTPDevice.objects.filter(user=u, confirmed=True).exists(),
            ),
            "department": (
                _("所属（県の職員）"),
                lambda u: u.department.full_name if u.department_id else "",
            ),
        },
    )


def sessions(user):
    return Section.of(
        key="sessions",
        title=_("ログイン中の端末"),
        note=_("ログインしたときに記録し、ログアウトしたとき・終了したときに消します。"),
        objects=AccountSession.objects.filter(user=user),
        columns={
            "created_at": (_("ログインした日時"), "created_at"),
            "ip_address": (_("IP アドレス"), "ip_address"),
            "user_agent": (_("ブラウザー"), "user_agent"),
        },
    )


def logins(user):
    return Section.of(
        key="logins",
        title=_("ログインの記録"),
        note=_(
            "ログインに成功したときの記録です（不正なアクセスを調べるために使います）。"
            "メールアドレスで記録しているため、いまのメールアドレスでのものだけです。"
        ),
        objects=AccessLog.objects.filter(username__iexact=user.email).order_by(
            "-attempt_time", "-id"
        ),
        columns={
            "attempt_time": (_("ログインした日時"), "attempt_time"),
            "logout_time": (_("ログアウトした日時"), "logout_time"),
            "ip_address": (_("IP アドレス"), "ip_address"),
            "user_agent": (_("ブラウザー"), "user_agent"),
        },
    )


def staff_access(user):
    if not user.is_staff:
        return None
    return Section.of(
        key="staff_access",
        title=_("個人情報の閲覧・出力の記録（職員）"),
        note=_("職員として個人情報を含む一覧を開いたり出力したりした記録です。"),
        objects=PersonalDataAccess.objects.filter(user=user),
        columns={
            "at": (_("日時"), "at"),
            "what": (_("内容"), "what"),
            "rows": (_("件数"), "rows"),
            "path": (_("画面"), "path"),
        },
    )


def register():
    for section in (account, sessions, logins, staff_access):
        register_export_section(section)
