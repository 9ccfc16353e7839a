"""A person's event registrations in "download my data" and in closing their account
(accounts/personal_data.py; registered in OutreachConfig.ready()).

Closing cancels the registrations of events that have not started, through
``registration_cancel`` so that the waiting list moves up as for any cancellation, and clears
the contact data of every registration of the person (the address, organisation and 配慮
note); the name stays on past ones, the organiser's record of who took part.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.personal_data import (
    ClosingStep,
    Section,
    register_closing_step,
    register_export_section,
    shown,
)
from kyodo_portal.errors import DomainError
from outreach.models import Registration
from outreach.services import registration_cancel


def cancel_and_clear_registrations(user, placeholder_email):
    done = []
    upcoming = (
        Registration.objects.filter(
            user=user,
            status__in=Registration.ACTIVE_STATUSES,
            event__starts_at__gt=timezone.now(),
        )
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )
    for registration in upcoming:
        try:
            registration_cancel(registration=registration, by=user)
        except DomainError:
            continue  # it started meanwhile: kept as a past registration
        done.append(
            _("「%(event)s」（%(date)s）の申込を取り消しました。")
            % {
                "event": registration.event.title,
                "date": timezone.localtime(registration.event.starts_at).strftime("%Y-%m-%d"),
            }
        )
    # The placeholder, not an empty address: an active registration of a past event keeps its
    # place in the unique (event, email) constraint.
    Registration.objects.filter(user=user).update(email=placeholder_email, organisation="", note="")
    return done


REGISTRATIONS = ClosingStep(
    key="outreach.registrations",
    does=(
        (
            gettext_lazy("これからの催しの申込"),
            gettext_lazy(
                "取り消します。キャンセル待ちの方がいれば、ふつうの取消と同じように繰り上がります。"
            ),
        ),
        (
            gettext_lazy("催しの申込の連絡先"),
            gettext_lazy(
                "終わった催しのものを含むすべての申込から、メールアドレス・所属・"
                "配慮が必要なことの記入を消します。"
            ),
        ),
    ),
    keeps=(
        (
            gettext_lazy("催しの参加の記録"),
            gettext_lazy("終わった催しの申込は、主催部署の参加の記録として氏名だけが残ります。"),
        ),
    ),
    run=cancel_and_clear_registrations,
)


def registrations(user):
    return Section.of(
        key="registrations",
        title=_("催しの申込"),
        note=_("ログインして申し込んだものです。ログインせずに申し込んだものは含みません。"),
        objects=Registration.objects.filter(user=user)
        .select_related("event")
        .order_by("event__starts_at", "pk"),
        columns={
            "event": (_("催し"), "event.title"),
            "starts_at": (_("開始日時"), "event.starts_at"),
            "status": (_("状態"), shown("status")),
            "name": (_("氏名"), "name"),
            "email": (_("メールアドレス"), "email"),
            "organisation": (_("所属（団体名など）"), "organisation"),
            "note": (_("配慮が必要なことなど"), "note"),
            "created_at": (_("申し込んだ日時"), "created_at"),
            "cancelled_at": (_("取り消した日時"), "cancelled_at"),
        },
    )


def register():
    register_closing_step(REGISTRATIONS)
    register_export_section(registrations)
