"""A person's advisor requests in "download my data", and what closing their account keeps of
them (accounts/personal_data.py; registered in AdvisorsConfig.ready()). Closing changes
nothing here: a request is the CSO's, and its other 管理者 carry it on."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.personal_data import (
    STATUS_CHANGE,
    ClosingStep,
    Section,
    history_section,
    register_closing_step,
    register_export_section,
    shown,
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
    return Section.of(
        key="advisor_requests",
        title=_("専門アドバイザー派遣の申込"),
        objects=AdvisorRequest.objects.filter(requested_by=user)
        .select_related("cso")
        .order_by("created_at", "pk"),
        columns={
            "created_at": (_("申し込んだ日時"), "created_at"),
            "cso": (_("団体"), "cso.name"),
            "topic": (_("相談の分野"), shown("topic")),
            "details": (_("相談したい内容"), "details"),
            "preferred_dates": (
                _("希望日"),
                lambda request: "、".join(day.isoformat() for day in request.preferred_dates),
            ),
            "preferred_time": (_("希望の時間帯など"), "preferred_time"),
            "place": (_("希望の場所"), "place"),
            "status": (_("状態"), shown("status")),
        },
    )


def advisor_request_steps(user):
    return history_section(
        AdvisorRequestTransition.objects.filter(by=user).select_related("request__cso"),
        key="advisor_request_steps",
        title=_("専門アドバイザー派遣の申込の操作"),
        columns={
            "request": (
                _("申込"),
                lambda step: f"{step.request.cso.name} / {step.request.get_topic_display()}",
            ),
            **STATUS_CHANGE,
        },
    )


def register():
    register_closing_step(KEPT)
    register_export_section(advisor_requests)
    register_export_section(advisor_request_steps)
