"""Everything that changes a proposal: one function per operation.

Each checks the current state and the actor, runs in one transaction with the proposal's
row locked (so two people acting at once cannot both succeed), writes the history entry and
notifies the other side once the transaction commits. Views and admin actions call these and
never set ``status`` themselves.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cso_registry.access import member_addresses
from kyodo_portal.access import is_department_staff_account
from kyodo_portal.errors import ActorNotAllowed, DomainError, EditConflict, TransitionNotAllowed
from kyodo_portal.notifications import notify_after_commit
from kyodo_portal.recipients import department_addresses
from kyodo_portal.steps import Step, Steps, state_refusal
from kyodo_portal.wareki import fiscal_year
from proposals.access import can_handle_proposal, is_proposal_member
from proposals.models import (
    Attachment,
    ConsultationEntry,
    Proposal,
    ProposalTransition,
    ReviewAssignment,
    ReviewScore,
)

Status = Proposal.Status


EDIT_CONFLICT_MESSAGE = _(
    "この提案は、あなたが編集画面を開いたあとに別の人が保存しました。"
    "上書きしないよう、今回の変更は保存していません。"
    "画面を開き直して最新の内容を確かめてから、もう一度変更してください。"
)


# --- helpers ---------------------------------------------------------------------------------


def _lock(proposal):
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("cso", "department")
        .get(pk=proposal.pk)
    )


def _status_refusal(action):
    """What the person is told when ``action`` is not possible from the proposal's state."""
    return state_refusal(
        _lazy("この提案は「%(status)s」のため、%(action)sできません。"), action=action
    )


def _require_status(proposal, allowed, action):
    if proposal.status not in allowed:
        raise TransitionNotAllowed(_status_refusal(action)(proposal))


def _require_verified_cso(proposal, action):
    if not proposal.cso.can_collaborate:
        raise TransitionNotAllowed(
            proposal.cso.not_verified_message(action)
            + _("下書きは保存できます。確認の状況は県民協働課にお問い合わせください。")
        )


def _require_cso_member(user, proposal):
    if not is_proposal_member(user, proposal):
        raise ActorNotAllowed(_("この提案の団体のメンバーだけが操作できます。"))


def _require_staff(user, proposal):
    if not can_handle_proposal(user, proposal):
        raise ActorNotAllowed(
            _("この提案の提案先部署の県民協働推進員、または県民協働課だけが操作できます。")
        )


def _require_comment(comment, action):
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("%(action)sには理由（コメント）が必要です。") % {"action": action})
    return comment


def record_transition(*, proposal, from_status, by, comment="", by_prefecture=False):
    return ProposalTransition.objects.create(
        proposal=proposal,
        from_status=from_status,
        to_status=proposal.status,
        by=by,
        by_prefecture=by_prefecture,
        comment=comment,
    )


def _context(proposal, **extra):
    return {
        "proposal": proposal,
        "cso_name": proposal.cso.name,
        "department_name": proposal.department.full_name,
        "status_label": proposal.get_status_display(),
        **extra,
    }


def _transition(*, proposal, by, to, by_prefecture, comment="", fields=()):
    from_status = proposal.status
    proposal.status = to
    proposal.save(update_fields=["status", "updated_at", *fields])
    record_transition(
        proposal=proposal,
        from_status=from_status,
        by=by,
        comment=comment,
        by_prefecture=by_prefecture,
    )
    return proposal


def _notify_cso(proposal, *, template, **extra):
    notify_after_commit(
        to=member_addresses([proposal.cso_id]),
        template=template,
        context=_context(proposal, **extra),
    )


def _notify_department(proposal, *, template, **extra):
    notify_after_commit(
        to=department_addresses(proposal.department),
        template=template,
        context=_context(proposal, **extra),
    )


# --- the CSO side ----------------------------------------------------------------------------


def proposal_create(*, proposal, by):
    """Save a new draft written by a member of its CSO, with the first history entry."""
    if not is_proposal_member(by, proposal):
        raise ActorNotAllowed(_("この団体のメンバーだけが提案を作成できます。"))
    if proposal.theme_id and not proposal.theme.is_open():
        raise TransitionNotAllowed(_("このテーマは募集期間外のため、提案を作成できません。"))
    with transaction.atomic():
        proposal.status = Status.DRAFT
        proposal.created_by = by
        if proposal.theme_id:
            proposal.department_id = proposal.theme.department_id
        proposal.full_clean()
        proposal.save()
        record_transition(proposal=proposal, from_status="", by=by)
    return proposal


def proposal_update(*, proposal, by, fields, expected_version=None):
    """Save the CSO's edits of a draft, or of a proposal returned for revision.

    ``expected_version`` is the version the editing form was opened on: when another member
    saved in between, nothing is written and EditConflict is raised (checked under the
    row lock, so two saves at the same moment cannot both pass)."""
    with transaction.atomic():
        locked = _lock(proposal)
        _require_cso_member(by, locked)
        _require_status(locked, Proposal.EDITABLE_STATUSES, _("編集"))
        if expected_version is not None and expected_version != locked.version:
            raise EditConflict(EDIT_CONFLICT_MESSAGE)
        for name in fields:
            setattr(locked, name, getattr(proposal, name))
        if locked.theme_id:
            locked.department_id = locked.theme.department_id
        locked.full_clean()
        updates = [*fields, "department", "updated_at"]
        if fields:
            locked.version += 1
            updates.append("version")
        locked.save(update_fields=updates)
    return locked


REQUIRED_FOR_SUBMISSION = (
    "title",
    "purpose",
    "shared_goal",
    "content",
    "expected_effect",
    "zone",
    "form",
    "project_type",
    "cso_role",
    "prefecture_role",
)


def _require_complete(proposal):
    missing = [
        str(Proposal._meta.get_field(name).verbose_name)
        for name in REQUIRED_FOR_SUBMISSION
        if not str(getattr(proposal, name) or "").strip()
    ]
    if missing:
        raise DomainError(
            _("提出の前に次の項目を入力してください: %(fields)s") % {"fields": "、".join(missing)}
        )


def proposal_submit(*, proposal, by):
    """下書き → 提出済. On a theme, only within its application period."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_cso_member(by, proposal)
        _require_status(proposal, [Status.DRAFT], _("提出"))
        _require_verified_cso(proposal, _("提案を提出"))
        _require_complete(proposal)
        if proposal.theme_id and not proposal.theme.is_open():
            raise TransitionNotAllowed(
                _("テーマ「%(theme)s」の募集期間外のため提出できません。")
                % {"theme": proposal.theme.title}
            )
        now = timezone.now()
        proposal.submitted_at = now
        proposal.fiscal_year = fiscal_year(now)
        _transition(
            proposal=proposal,
            by=by,
            to=Status.SUBMITTED,
            by_prefecture=False,
            fields=["submitted_at", "fiscal_year"],
        )
        _notify_department(proposal, template="proposal_submitted", resubmitted=False)
    return proposal


def proposal_resubmit(*, proposal, by, comment=""):
    """差戻し → 提出済, after the CSO revised it."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_cso_member(by, proposal)
        _require_status(proposal, [Status.RETURNED], _("再提出"))
        _require_verified_cso(proposal, _("提案を再提出"))
        _require_complete(proposal)
        proposal.submitted_at = timezone.now()
        _transition(
            proposal=proposal,
            by=by,
            to=Status.SUBMITTED,
            by_prefecture=False,
            comment=(comment or "").strip(),
            fields=["submitted_at"],
        )
        _notify_department(
            proposal, template="proposal_submitted", resubmitted=True, comment=comment
        )
    return proposal


def proposal_withdraw(*, proposal, by, comment=""):
    """Any state before 合意 → 取下げ, by the CSO. Nothing is deleted."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_cso_member(by, proposal)
        _require_status(proposal, Proposal.WITHDRAWABLE_STATUSES, _("取下げ"))
        seen_by_prefecture = proposal.is_seen_by_prefecture
        _transition(
            proposal=proposal,
            by=by,
            to=Status.WITHDRAWN,
            by_prefecture=False,
            comment=(comment or "").strip(),
        )
        if seen_by_prefecture:
            _notify_department(proposal, template="proposal_withdrawn", comment=comment)
    return proposal


def proposal_open_pre_consultation(*, proposal, by, text, kind=ConsultationEntry.Kind.MESSAGE):
    """事前相談: the CSO lets the department see its draft and asks its first question."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("相談したい内容を書いてください。"))
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_cso_member(by, proposal)
        _require_status(proposal, [Status.DRAFT], _("事前相談の開始"))
        _require_verified_cso(proposal, _("事前相談を開始"))
        if proposal.pre_consultation_opened_at is not None:
            raise TransitionNotAllowed(_("事前相談はすでに始まっています。"))
        proposal.pre_consultation_opened_at = timezone.now()
        proposal.save(update_fields=["pre_consultation_opened_at", "updated_at"])
        entry = ConsultationEntry.objects.create(
            proposal=proposal, kind=kind, text=text, author=by, by_prefecture=False
        )
        _notify_department(proposal, template="proposal_pre_consultation", entry=entry)
    return proposal


def proposal_attach(*, proposal, by, file):
    """Add a file to a proposal the CSO can still edit (the file is already validated)."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_cso_member(by, proposal)
        _require_status(proposal, Proposal.EDITABLE_STATUSES, _("ファイルの添付"))
        return Attachment.create_from_upload(file=file, by=by, proposal=proposal)


def proposal_remove_attachment(*, attachment, by):
    """Take a file off an editable proposal; the record is kept (is_removed), not deleted."""
    with transaction.atomic():
        proposal = _lock(attachment.proposal)
        _require_cso_member(by, proposal)
        _require_status(proposal, Proposal.EDITABLE_STATUSES, _("添付ファイルの取り消し"))
        if attachment.entry_id is not None:
            raise ActorNotAllowed(_("協議の記録の添付ファイルは取り消せません。"))
        attachment.is_removed = True
        attachment.save(update_fields=["is_removed"])
    return attachment


# --- the prefecture side ---------------------------------------------------------------------


def proposal_start_consultation(*, proposal, by, comment=""):
    """提出済 → 協議中."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_staff(by, proposal)
        STAFF_STEPS.require("start_consultation", proposal)
        _transition(
            proposal=proposal,
            by=by,
            to=Status.IN_CONSULTATION,
            by_prefecture=True,
            comment=(comment or "").strip(),
        )
        _notify_cso(proposal, template="proposal_status_changed", comment=comment)
    return proposal


def proposal_agree(*, proposal, by, comment=""):
    """協議中 → 合意: the agreement (協定書) starts from here (``Proposal.objects.agreed()``)."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_staff(by, proposal)
        STAFF_STEPS.require("agree", proposal)
        proposal.agreed_at = timezone.now()
        _transition(
            proposal=proposal,
            by=by,
            to=Status.AGREED,
            by_prefecture=True,
            comment=(comment or "").strip(),
            fields=["agreed_at"],
        )
        _notify_cso(proposal, template="proposal_status_changed", comment=comment)
    return proposal


def proposal_return(*, proposal, by, comment):
    """提出済 or 協議中 → 差戻し: back to the CSO for revision; the reason is required."""
    comment = _require_comment(comment, _("差戻し"))
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_staff(by, proposal)
        STAFF_STEPS.require("return", proposal)
        _transition(
            proposal=proposal, by=by, to=Status.RETURNED, by_prefecture=True, comment=comment
        )
        _notify_cso(proposal, template="proposal_status_changed", comment=comment)
    return proposal


def proposal_reject(*, proposal, by, comment):
    """提出済 or 協議中 → 不採択; the reason is required."""
    comment = _require_comment(comment, _("不採択"))
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_staff(by, proposal)
        STAFF_STEPS.require("reject", proposal)
        _transition(
            proposal=proposal, by=by, to=Status.REJECTED, by_prefecture=True, comment=comment
        )
        _notify_cso(proposal, template="proposal_status_changed", comment=comment)
    return proposal


# The staff's steps on a proposal, each declared once: the guard of its service above, the
# admin's buttons, bulk actions and transition page, and the change page's template read it.
DECIDABLE = (Status.SUBMITTED, Status.IN_CONSULTATION)
_ProposalStep = partial(Step, keyword="proposal")
STAFF_STEPS = Steps(
    _ProposalStep(
        name="start_consultation",
        label=_lazy("協議を開始する"),
        service=proposal_start_consultation,
        allowed_from=(Status.SUBMITTED,),
        refused=_status_refusal(_lazy("協議の開始")),
    ),
    _ProposalStep(
        name="agree",
        label=_lazy("合意する"),
        service=proposal_agree,
        allowed_from=(Status.IN_CONSULTATION,),
        refused=_status_refusal(_lazy("合意")),
    ),
    _ProposalStep(
        name="return",
        label=_lazy("差し戻す"),
        service=proposal_return,
        allowed_from=DECIDABLE,
        refused=_status_refusal(_lazy("差戻し")),
        comment_required=True,
    ),
    _ProposalStep(
        name="reject",
        label=_lazy("不採択にする"),
        service=proposal_reject,
        allowed_from=DECIDABLE,
        refused=_status_refusal(_lazy("不採択の決定")),
        comment_required=True,
    ),
)


# --- consultation ----------------------------------------------------------------------------


def consultation_post(
    *,
    proposal,
    by,
    text,
    kind=ConsultationEntry.Kind.MESSAGE,
    visibility=ConsultationEntry.Visibility.SHARED,
    occurred_on=None,
    files=(),
):
    """Add an entry to the consultation thread. A 県内部のみ entry can only come from the
    prefecture and is never sent to the CSO; a shared one is mailed to the other side."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("内容を書いてください。"))
    with transaction.atomic():
        proposal = _lock(proposal)
        by_prefecture = can_handle_proposal(by, proposal)
        if not by_prefecture:
            _require_cso_member(by, proposal)
            if visibility != ConsultationEntry.Visibility.SHARED:
                raise ActorNotAllowed(_("団体からの記入は県と共有されます。"))
        if not proposal.consultation_open:
            if proposal.status == Status.DRAFT:
                raise TransitionNotAllowed(
                    _("下書きの段階では、事前相談を始めてから書き込めます。")
                )
            raise TransitionNotAllowed(
                _("この提案は「%(status)s」のため、協議は終わっています。")
                % {"status": proposal.get_status_display()}
            )
        entry = ConsultationEntry.objects.create(
            proposal=proposal,
            kind=kind,
            text=text,
            visibility=visibility,
            occurred_on=occurred_on or timezone.localdate(),
            author=by,
            by_prefecture=by_prefecture,
        )
        for file in files:
            Attachment.create_from_upload(file=file, by=by, proposal=proposal, entry=entry)
        if entry.visibility == ConsultationEntry.Visibility.SHARED:
            if by_prefecture:
                _notify_cso(proposal, template="proposal_consultation_entry", entry=entry)
            else:
                _notify_department(proposal, template="proposal_consultation_entry", entry=entry)
    return entry


# --- review ----------------------------------------------------------------------------------

REVIEWABLE_STATUSES = DECIDABLE


def review_assign(*, proposal, reviewer, by):
    """Ask a staff member of the department (or of 県民協働課) to score a proposal."""
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_staff(by, proposal)
        _require_status(proposal, REVIEWABLE_STATUSES, _("審査員の割り当て"))
        if not is_department_staff_account(reviewer, proposal.department_id):
            raise ActorNotAllowed(
                _("審査員には提案先部署の推進員か県民協働課の職員を選んでください。")
            )
        if ReviewAssignment.objects.filter(proposal=proposal, reviewer=reviewer).exists():
            raise DomainError(_("この審査員はすでに割り当てられています。"))
        return ReviewAssignment.objects.create(proposal=proposal, reviewer=reviewer, assigned_by=by)


def review_submit_scores(*, assignment, by, scores):
    """A reviewer's scores for every criterion at once: ``{criterion_id: (value, comment)}``.
    Once in, they are final, and the reviewer may see the others' scores."""
    with transaction.atomic():
        assignment = (
            ReviewAssignment.objects.select_for_update(of=("self",))
            .select_related("proposal")
            .get(pk=assignment.pk)
        )
        if assignment.reviewer_id != by.pk:
            raise ActorNotAllowed(_("割り当てられた審査員だけが採点できます。"))
        if assignment.completed_at is not None:
            raise TransitionNotAllowed(_("採点はすでに提出されています。"))
        proposal = _lock(assignment.proposal)
        _require_status(proposal, REVIEWABLE_STATUSES, _("採点"))
        criteria = list(proposal.review_criteria())
        if not criteria or sum(c.weight for c in criteria) != 100:
            raise DomainError(
                _(
                    "審査項目の配点の合計が 100 になっていません。担当部署で審査項目を整えてください。"
                )
            )
        missing = [c.name for c in criteria if c.pk not in scores]
        if missing:
            raise DomainError(
                _("すべての審査項目を採点してください: %(names)s") % {"names": "、".join(missing)}
            )
        for criterion in criteria:
            value, comment = scores[criterion.pk]
            if not 1 <= int(value) <= ReviewScore.MAX_VALUE:
                raise DomainError(_("評点は 1 から 5 で付けてください。"))
            ReviewScore.objects.create(
                assignment=assignment,
                criterion=criterion,
                value=int(value),
                comment=(comment or "").strip(),
            )
        assignment.completed_at = timezone.now()
        assignment.save(update_fields=["completed_at"])
    return assignment


def may_see_all_scores(user, proposal):
    """A reviewer sees the others' scores only once their own are in."""
    own = ReviewAssignment.objects.filter(proposal=proposal, reviewer=user).first()
    return own is None or own.completed_at is not None
