"""The life of an advisor request: 申込受付 → 派遣決定 → 実施済み, or 見送り / 取下げ.

Each step checks the current state and the person, locks the row, saves, writes a
transition, and mails the other side once the transaction has committed.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from advisors.forms import CompleteForm, DeclineForm, ScheduleForm
from advisors.models import Advisor, AdvisorRequest, AdvisorRequestTransition
from cso_registry.access import admin_csos, is_cso_admin, member_addresses
from cso_registry.models import CSO
from kyodo_portal.access import is_coordinator
from kyodo_portal.errors import DomainError
from kyodo_portal.notifications import notify_after_commit
from kyodo_portal.recipients import coordinator_addresses
from kyodo_portal.steps import Rule, Step, Steps, state_refusal

Status = AdvisorRequest.Status


def eligible_csos(user):
    """CSOs for which this person may request an advisor: verified NPO法人 they manage."""
    return admin_csos(user).public().filter(kind=CSO.Kind.NPO_CORPORATION)


def _cso_admin_emails(cso):
    return member_addresses([cso], admins_only=True)


def _check_coordinator(user):
    if not is_coordinator(user):
        raise DomainError(_("この操作は県民協働課の職員だけが行えます。"))


def _lock(advisor_request):
    return (
        AdvisorRequest.objects.select_for_update().select_related("cso").get(pk=advisor_request.pk)
    )


def _move(advisor_request, to_status, *, by, comment="", fields=()):
    from_status = advisor_request.status
    advisor_request.status = to_status
    advisor_request.save(update_fields=["status", "updated_at", *fields])
    AdvisorRequestTransition.objects.create(
        request=advisor_request,
        from_status=from_status,
        to_status=to_status,
        by=by,
        comment=comment,
    )


def _notify(advisor_request, template, to, **extra):
    notify_after_commit(
        to=to,
        template=template,
        context={"advisor_request": advisor_request, "cso": advisor_request.cso, **extra},
    )


def advisor_request_submit(
    *,
    cso,
    by,
    topic,
    details,
    preferred_date_1,
    preferred_date_2=None,
    preferred_date_3=None,
    preferred_time="",
    place="",
):
    """A CSO's 管理者 asks for an advisor. Only NPO法人 are eligible (guideline: 専門アドバイザー派遣)."""
    if not is_cso_admin(by, cso):
        raise DomainError(_("団体の管理者だけが申し込めます。"))
    if not cso.can_collaborate:
        raise DomainError(cso.not_verified_message(_("専門アドバイザー派遣を申し込み")))
    if cso.kind != CSO.Kind.NPO_CORPORATION:
        raise DomainError(
            _(
                "専門アドバイザー派遣は NPO法人 を対象としています。"
                "%(kind)s の団体の方は、県民協働課の窓口にご相談ください。"
            )
            % {"kind": cso.get_kind_display()}
        )
    today = timezone.localdate()
    for day in (preferred_date_1, preferred_date_2, preferred_date_3):
        if day is not None and day <= today:
            raise DomainError(_("希望日は明日以降の日付にしてください。"))
    with transaction.atomic():
        advisor_request = AdvisorRequest.objects.create(
            cso=cso,
            requested_by=by,
            topic=topic,
            details=details,
            preferred_date_1=preferred_date_1,
            preferred_date_2=preferred_date_2,
            preferred_date_3=preferred_date_3,
            preferred_time=preferred_time,
            place=place,
            status=Status.SUBMITTED,
        )
        AdvisorRequestTransition.objects.create(
            request=advisor_request, from_status="", to_status=Status.SUBMITTED, by=by
        )
        _notify(advisor_request, "advisor_request_submitted", coordinator_addresses())
        _notify(advisor_request, "advisor_request_received", [by.email])
    return advisor_request


def advisor_request_schedule(
    *, advisor_request, by, advisor, visit_at, visit_place="", message_to_cso=""
):
    """県民協働課 assigns an advisor and sets the visit (again, to reschedule)."""
    _check_coordinator(by)
    if not isinstance(advisor, Advisor) or not advisor.is_active:
        raise DomainError(_("派遣を依頼できるアドバイザーを選んでください。"))
    if visit_at is None or visit_at <= timezone.now():
        raise DomainError(_("訪問日時はこれから先の日時にしてください。"))
    with transaction.atomic():
        advisor_request = _lock(advisor_request)
        STAFF_STEPS.require("schedule", advisor_request)
        rescheduled = advisor_request.status == Status.SCHEDULED
        advisor_request.advisor = advisor
        advisor_request.visit_at = visit_at
        advisor_request.visit_place = visit_place
        advisor_request.message_to_cso = message_to_cso
        _move(
            advisor_request,
            Status.SCHEDULED,
            by=by,
            comment=message_to_cso,
            fields=["advisor", "visit_at", "visit_place", "message_to_cso"],
        )
        _notify(
            advisor_request,
            "advisor_request_scheduled",
            _cso_admin_emails(advisor_request.cso),
            rescheduled=rescheduled,
        )
    return advisor_request


def advisor_request_decline(*, advisor_request, by, reason):
    """県民協働課 declines a request that has not been scheduled, with a reason for the CSO."""
    _check_coordinator(by)
    if not reason.strip():
        raise DomainError(_("見送りの理由を書いてください。団体の方に表示されます。"))
    with transaction.atomic():
        advisor_request = _lock(advisor_request)
        STAFF_STEPS.require("decline", advisor_request)
        advisor_request.decline_reason = reason
        _move(advisor_request, Status.DECLINED, by=by, comment=reason, fields=["decline_reason"])
        _notify(advisor_request, "advisor_request_declined", _cso_admin_emails(advisor_request.cso))
    return advisor_request


def advisor_request_withdraw(*, advisor_request, by, comment=""):
    """The CSO's 管理者 withdraws a request before the visit."""
    with transaction.atomic():
        advisor_request = _lock(advisor_request)
        if not is_cso_admin(by, advisor_request.cso):
            raise DomainError(_("団体の管理者だけが取り下げられます。"))
        if not advisor_request.is_open:
            raise DomainError(
                _("「%(status)s」の申込は取り下げられません。")
                % {"status": advisor_request.get_status_display()}
            )
        _move(advisor_request, Status.WITHDRAWN, by=by, comment=comment)
        _notify(advisor_request, "advisor_request_withdrawn", coordinator_addresses())
    return advisor_request


def advisor_request_complete(*, advisor_request, by, report):
    """After the visit, 県民協働課 records a short report; the CSO sees it."""
    _check_coordinator(by)
    if not report.strip():
        raise DomainError(_("実施報告を書いてください。"))
    with transaction.atomic():
        advisor_request = _lock(advisor_request)
        STAFF_STEPS.require("complete", advisor_request)
        advisor_request.report = report
        _move(advisor_request, Status.COMPLETED, by=by, fields=["report"])
        _notify(
            advisor_request, "advisor_request_completed", _cso_admin_emails(advisor_request.cso)
        )
    return advisor_request


# --- the steps 県民協働課 takes in the admin ----------------------------------------------------


def _coordinator(user, advisor_request):
    return is_coordinator(user)


# Each declared once: the guard of its service above, the admin's buttons, step URL and page,
# and the change page's template read it.
_AdvisorStep = partial(Step, keyword="advisor_request", who=_coordinator)
STAFF_STEPS = Steps(
    _AdvisorStep(
        name="schedule",
        label=_lazy("アドバイザーを決めて訪問日時を設定する"),
        service=advisor_request_schedule,
        allowed_from=(Status.SUBMITTED, Status.SCHEDULED),  # again, to reschedule
        refused=state_refusal(_lazy("「%(status)s」の申込には派遣を決められません。")),
        form=ScheduleForm,
    ),
    _AdvisorStep(
        name="decline",
        label=_lazy("見送りにする"),
        service=advisor_request_decline,
        allowed_from=(Status.SUBMITTED,),
        refused=_lazy("申込受付の状態のときだけ見送りにできます。"),
        form=DeclineForm,
    ),
    _AdvisorStep(
        name="complete",
        label=_lazy("実施報告を登録して実施済みにする"),
        service=advisor_request_complete,
        allowed_from=(Status.SCHEDULED,),
        refused=_lazy("派遣決定の状態のときだけ実施済みにできます。"),
        rules=(
            Rule(
                lambda advisor_request, by: advisor_request.visit_at <= timezone.now(),
                _lazy("訪問日時より前には実施報告を登録できません。"),
            ),
        ),
        form=CompleteForm,
    ),
)
