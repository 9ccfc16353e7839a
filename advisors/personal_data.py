"""A person's advisor requests in "download my data", and what closing their account keeps of
them (accounts/personal_data.py; registered in AdvisorsConfig.ready()). Closing changes
nothing here: a request is the CSO's, and its other 管理者 carry it on."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.personal_data import (
    ClosingStep,
    Section,
    register_closing_step,
    register_export_section,
)
from advisors.models import AdvisorRequest, AdvisorRequestTransition

KEPT = ClosingStep(
    key="advisors.requests",
    keeps=(
        (
            gettext_lazy("専門アドバイザー派遣の申込"),
            gettext_lazy(
                "団体の申込として残り、申込者として氏名を表示します。団体のほかの管理者が"
                "引き続き扱えます。"
            ),
        ),
    ),
)


def advisor_requests(user):
    rows = (
        AdvisorRequest.objects.filter(requested_by=user)
        .select_related("cso")
        .order_by("created_at", "pk")
    )
    return Section(
        key="advisor_requests",
        title=_("専門アドバイザー派遣の申込"),
        columns={
            "created_at": _("申し込んだ日時"),
            "cso": _("団体"),
            "topic": _("相談の分野"),
            "details": _("相談したい内容"),
            "preferred_dates": _("希望日"),
            "preferred_time": _("希望の時間帯など"),
            "place": _("希望の場所"),
            "status": _("状態"),
        },
        rows=[
            {
                "created_at": request.created_at,
                "cso": request.cso.name,
                "topic": request.get_topic_display(),
                "details": request.details,
                "preferred_dates": "、".join(day.isoformat() for day in request.preferred_dates),
                "preferred_time": request.preferred_time,
                "place": request.place,
                "status": request.get_status_display(),
            }
            for request in rows
        ],
    )


def advisor_request_steps(user):
    rows = (
        AdvisorRequestTransition.objects.filter(by=user)
        .select_related("request__cso")
        .order_by("at", "pk")
    )
    return Section(
        key="advisor_request_steps",
        title=_("専門アドバイザー派遣の申込の操作"),
        columns={
            "at": _("日時"),
            "request": _("申込"),
            "from_status": _("変更前"),
            "to_status": _("変更後"),
            "comment": _("コメント"),
        },
        rows=[
            {
                "at": step.at,
                "request": f"{step.request.cso.name} / {step.request.get_topic_display()}",
                "from_status": step.get_from_status_display(),
                "to_status": step.get_to_status_display(),
                "comment": step.comment,
            }
            for step in rows
        ],
    )


def register():
    register_closing_step(KEPT)
    register_export_section(advisor_requests)
    register_export_section(advisor_request_steps)
