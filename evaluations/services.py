"""Everything that changes an evaluation: one function per operation.

Each checks the state and the actor, runs in one transaction with the evaluation's row locked,
writes the history entry and notifies the other side after commit. Emails never carry the
content of a part: they only say that something happened and link to the page, where the
hidden-until-both-submitted rule applies.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cso_registry.access import member_addresses
from evaluations.access import can_publish, member_csos_of, side_of
from evaluations.models import (
    FOLLOW_UP_DECISIONS,
    Decision,
    Evaluation,
    EvaluationPart,
    EvaluationTransition,
    Side,
)
from kyodo_portal.errors import ActorNotAllowed, DomainError, EditConflict, TransitionNotAllowed
from kyodo_portal.notifications import notify_after_commit
from kyodo_portal.recipients import coordinator_addresses, department_addresses
from kyodo_portal.wareki import fiscal_year
from proposals.access import party_csos
from proposals.models import Agreement, Proposal
from proposals.services import proposal_create

Status = Evaluation.Status


EDIT_CONFLICT_MESSAGE = _(
    "この記入は、あなたが画面を開いたあとに別の人が保存しました。"
    "上書きしないよう、今回の変更は保存していません。"
    "画面を開き直して最新の内容を確かめてから、もう一度変更してください。"
)


# --- helpers ---------------------------------------------------------------------------------


def _lock(evaluation):
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("agreement__department", "agreement__current_version")
        .get(pk=evaluation.pk)
    )


def _require_side(user, evaluation, side=None):
    actual = side_of(user, evaluation.agreement)
    if actual is None or (side is not None and actual != side):
        raise ActorNotAllowed(_("この振り返りを記入できるのは、協定の当事者だけです。"))
    return actual


def _log(evaluation, *, action, by, side, from_status="", to_status="", comment=""):
    EvaluationTransition.objects.create(
        evaluation=evaluation,
        action=action,
        from_status=from_status,
        to_status=to_status,
        side=side,
        by=by,
        comment=comment,
    )


def cso_addresses(agreement):
    """Active members of the agreement's party CSOs."""
    return member_addresses(party_csos(agreement))


def _notify(evaluation, *, side, template, **extra):
    """Email ``side`` (the CSO's members or the department) about ``evaluation``."""
    agreement = evaluation.agreement
    to = (
        cso_addresses(agreement) if side == Side.CSO else department_addresses(agreement.department)
    )
    notify_after_commit(
        to=to,
        template=template,
        context={
            "evaluation": evaluation,
            "agreement": agreement,
            "side": side,
            **extra,
        },
    )


def _other(side):
    return Side.PREFECTURE if side == Side.CSO else Side.CSO


# --- starting --------------------------------------------------------------------------------


def evaluation_start(*, agreement, by, kind=Evaluation.Kind.FINAL, year=None):
    """Open an evaluation of ``agreement`` with an empty part for each side.

    Final: the agreement is 完了 (one per agreement). Interim: the agreement is 実施中 (one per
    fiscal year, the current one unless ``year`` is given)."""
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("department")
            .get(pk=agreement.pk)
        )
        side = side_of(by, agreement)
        if side is None:
            raise ActorNotAllowed(_("振り返りを始められるのは、協定の当事者だけです。"))
        if kind == Evaluation.Kind.FINAL:
            if Evaluation.kind_to_start(agreement) != kind:
                raise TransitionNotAllowed(
                    _("完了時の振り返りは、協定が「完了」になってから始められます。")
                )
            year = fiscal_year(agreement.completed_on or timezone.localdate())
            if agreement.evaluations.filter(kind=kind).exists():
                raise TransitionNotAllowed(_("この協定の完了時の振り返りは、すでにあります。"))
        else:
            if Evaluation.kind_to_start(agreement) != kind:
                raise TransitionNotAllowed(
                    _("中間の振り返りは、協定が「実施中」のあいだだけ始められます。")
                )
            year = year or fiscal_year(timezone.localdate())
            if agreement.evaluations.filter(kind=kind, fiscal_year=year).exists():
                raise TransitionNotAllowed(_("この年度の中間の振り返りは、すでにあります。"))
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    agreement=agreement, kind=kind, fiscal_year=year, created_by=by
                )
        except IntegrityError as error:
            raise TransitionNotAllowed(_("この振り返りは、すでにあります。")) from error
        EvaluationPart.objects.bulk_create(
            [EvaluationPart(evaluation=evaluation, side=s) for s in Side]
        )
        _log(
            evaluation,
            action=EvaluationTransition.Action.CREATED,
            by=by,
            side=side,
            to_status=Status.DRAFT,
        )
        _notify(evaluation, side=_other(side), template="evaluation_started")
    return evaluation


# --- each side's part ------------------------------------------------------------------------


def _locked_part(part, by):
    evaluation = _lock(part.evaluation)
    part = EvaluationPart.objects.select_for_update().get(pk=part.pk)
    part.evaluation = evaluation
    _require_side(by, evaluation, part.side)
    if part.is_submitted:
        raise TransitionNotAllowed(_("提出済みの記入は変更できません。"))
    if evaluation.is_published:  # both parts are submitted then; this holds even if one is not
        raise TransitionNotAllowed(_("公開中の振り返りは変更できません。"))
    return evaluation, part


def part_save(*, part, by, data, expected_version=None):
    """Save a side's draft (fields in ``EvaluationPart.CONTENT_FIELDS``).

    ``expected_version`` is the part's version when the form was opened: when someone of the
    same side saved in between, nothing is written and EditConflict is raised (checked
    under the row lock)."""
    with transaction.atomic():
        _evaluation, locked = _locked_part(part, by)
        if expected_version is not None and expected_version != locked.version:
            raise EditConflict(EDIT_CONFLICT_MESSAGE)
        changed = False
        for name in EvaluationPart.CONTENT_FIELDS:
            if name in data and getattr(locked, name) != data[name]:
                setattr(locked, name, data[name])
                changed = True
        if changed:
            locked.full_clean()
            locked.version += 1
            locked.save()
    return locked


def part_submit(*, part, by):
    """Submit a side's part. Once both are in, both sides can read each other's."""
    with transaction.atomic():
        evaluation, locked = _locked_part(part, by)
        missing = locked.missing_items()
        if missing:
            raise TransitionNotAllowed(
                _("提出する前に、次の項目を書いてください: %(items)s")
                % {"items": "、".join(missing)}
            )
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        locked.save(update_fields=["submitted_at", "submitted_by", "updated_at"])
        _log(
            evaluation,
            action=EvaluationTransition.Action.PART_SUBMITTED,
            by=by,
            side=locked.side,
        )
        both = not evaluation.parts.filter(submitted_at__isnull=True).exists()
        template = "evaluation_both_submitted" if both else "evaluation_part_submitted"
        _notify(evaluation, side=_other(locked.side), template=template)
        if both:
            _notify(evaluation, side=locked.side, template=template)
    return locked


# --- the continuation decision ---------------------------------------------------------------


def decision_propose(
    *, evaluation, by, decision, change_content="", change_partner="", change_form=""
):
    """One side proposes 継続 / 見直して継続 / 終了 and what to change; the other confirms."""
    if decision not in Decision.values:
        raise DomainError(_("今後の方針を選んでください。"))
    with transaction.atomic():
        locked = _lock(evaluation)
        side = _require_side(by, locked)
        if not locked.parts_revealed:
            raise TransitionNotAllowed(
                _("今後の方針は、両者が振り返りを提出してから話し合います。")
            )
        if locked.decision_agreed:
            raise TransitionNotAllowed(_("今後の方針はすでに合意しています。"))
        if locked.is_published:
            raise TransitionNotAllowed(_("公開中の振り返りの方針は変えられません。"))
        if decision == Decision.REVISE and not any(
            text.strip() for text in (change_content, change_partner, change_form)
        ):
            raise DomainError(
                _("「見直して継続」では、見直す点（内容・相手・形態のどれか）を書いてください。")
            )
        locked.decision = decision
        locked.change_content = change_content
        locked.change_partner = change_partner
        locked.change_form = change_form
        locked.decision_proposed_by_side = side
        locked.decision_proposed_by = by
        locked.decision_proposed_at = timezone.now()
        locked.decision_confirmed_by = None
        locked.decision_confirmed_at = None
        locked.save()
        _log(
            locked,
            action=EvaluationTransition.Action.DECISION_PROPOSED,
            by=by,
            side=side,
            comment=locked.get_decision_display(),
        )
        _notify(locked, side=_other(side), template="evaluation_decision_proposed")
    return locked


def decision_confirm(*, evaluation, by):
    """The other side agrees to the proposed decision."""
    with transaction.atomic():
        locked = _lock(evaluation)
        side = _require_side(by, locked)
        if not locked.decision or locked.decision_agreed:
            raise TransitionNotAllowed(_("合意を待っている方針はありません。"))
        if locked.is_published:
            # An interim evaluation is published without an agreed decision; a proposal left
            # pending then stays as it was published.
            raise TransitionNotAllowed(_("公開中の振り返りの方針は変えられません。"))
        if side == locked.decision_proposed_by_side:
            raise ActorNotAllowed(
                _("方針を提案した側は、自分で合意できません。相手の確認を待ちます。")
            )
        locked.decision_confirmed_by = by
        locked.decision_confirmed_at = timezone.now()
        locked.save()
        _log(
            locked,
            action=EvaluationTransition.Action.DECISION_CONFIRMED,
            by=by,
            side=side,
            comment=locked.get_decision_display(),
        )
        _notify(locked, side=_other(side), template="evaluation_decision_confirmed")
        notify_after_commit(
            to=coordinator_addresses(),
            template="evaluation_ready",
            context={
                "evaluation": locked,
                "agreement": locked.agreement,
            },
        )
    return locked


# --- publication (県民協働課) ----------------------------------------------------------------


def evaluation_publish(*, evaluation, by, comment=""):
    if not can_publish(by):
        raise ActorNotAllowed(_("振り返りを公開できるのは県民協働課だけです。"))
    with transaction.atomic():
        locked = _lock(evaluation)
        if locked.status != Status.DRAFT:
            raise TransitionNotAllowed(_("この振り返りはすでに公開されています。"))
        missing = locked.missing_for_publication()
        if missing:
            raise TransitionNotAllowed(
                _("まだ公開できません。足りないもの: %(items)s")
                % {"items": "、".join(str(item) for item in missing)}
            )
        locked.status = Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.save()
        _log(
            locked,
            action=EvaluationTransition.Action.PUBLISHED,
            by=by,
            side=Side.PREFECTURE,
            from_status=Status.DRAFT,
            to_status=Status.PUBLISHED,
            comment=comment,
        )
        for side in Side:
            _notify(locked, side=side, template="evaluation_published")
    return locked


def evaluation_withdraw(*, evaluation, by, reason):
    if not can_publish(by):
        raise ActorNotAllowed(_("公開を取り下げられるのは県民協働課だけです。"))
    if not (reason or "").strip():
        raise DomainError(_("公開を取り下げる理由を書いてください。"))
    with transaction.atomic():
        locked = _lock(evaluation)
        if locked.status != Status.PUBLISHED:
            raise TransitionNotAllowed(_("公開されていない振り返りは取り下げられません。"))
        locked.status = Status.DRAFT
        locked.published_at = None
        locked.save()
        _log(
            locked,
            action=EvaluationTransition.Action.WITHDRAWN,
            by=by,
            side=Side.PREFECTURE,
            from_status=Status.PUBLISHED,
            to_status=Status.DRAFT,
            comment=reason.strip(),
        )
        for side in Side:
            _notify(locked, side=side, template="evaluation_withdrawn", reason=reason.strip())
    return locked


def evaluation_reopen(*, evaluation, by, reason):
    """After a withdrawal, give both sides their parts back as drafts to correct and resubmit.

    Only 県民協働課, only from 取り下げ (作成中 after a withdrawal, not reopened since), with a
    reason. The parts' versions move on, so a page opened before is refused. The agreed
    continuation decision is kept: it was agreed on the submitted parts and may already have
    led to a follow-up proposal; a withdrawal is about what the parts say. Once both sides have
    resubmitted, 県民協働課 can publish again."""
    if not can_publish(by):
        raise ActorNotAllowed(_("記入のやり直しを始められるのは県民協働課だけです。"))
    if not (reason or "").strip():
        raise DomainError(_("記入をやり直す理由を書いてください。"))
    with transaction.atomic():
        locked = _lock(evaluation)
        if not locked.is_withdrawn:
            raise TransitionNotAllowed(
                _("記入のやり直しは、公開を取り下げた振り返りだけで始められます。")
            )
        for part in EvaluationPart.objects.select_for_update().filter(evaluation=locked):
            part.submitted_at = None
            part.submitted_by = None
            part.version += 1
            part.save(update_fields=["submitted_at", "submitted_by", "version", "updated_at"])
        _log(
            locked,
            action=EvaluationTransition.Action.REOPENED,
            by=by,
            side=Side.PREFECTURE,
            from_status=Status.DRAFT,
            to_status=Status.DRAFT,
            comment=reason.strip(),
        )
        for side in Side:
            _notify(locked, side=side, template="evaluation_reopened", reason=reason.strip())
    return locked


# --- the follow-up proposal ------------------------------------------------------------------


def follow_up_prefill(evaluation, cso):
    """The fields of a new draft proposal from the previous collaboration and the changes."""
    agreement = evaluation.agreement
    version = agreement.current_version
    previous = agreement.proposal
    changes = [
        (_("事業の内容"), evaluation.change_content),
        (_("協働の相手"), evaluation.change_partner),
        (_("協働の形態"), evaluation.change_form),
    ]
    change_lines = "\n".join(f"・{label}: {text}" for label, text in changes if text.strip())
    content = previous.content
    if change_lines:
        content = _("%(content)s\n\n【前回の振り返りで見直すことにした点】\n%(changes)s") % {
            "content": content,
            "changes": change_lines,
        }
    title = (version.title if version else previous.title)[:190]
    return {
        "cso": cso,
        "theme": None,
        "department_id": agreement.department_id,
        "title": _("%(title)s（継続）") % {"title": title},
        "purpose": version.purpose if version else previous.purpose,
        "shared_goal": version.shared_goal if version else previous.shared_goal,
        "content": content,
        "expected_effect": previous.expected_effect,
        "zone": agreement.zone,
        "form": agreement.form,
        "project_type": previous.project_type,
        "budget_note": previous.budget_note,
        "cso_role": previous.cso_role,
        "prefecture_role": previous.prefecture_role,
    }


def follow_up_create(*, evaluation, by, cso=None):
    """Start a new draft proposal for the next collaboration (継続 / 見直して継続), written by
    a member of a party CSO, prefilled and linked both ways."""
    with transaction.atomic():
        locked = _lock(evaluation)
        _require_side(by, locked, Side.CSO)
        if not locked.decision_agreed or locked.decision not in FOLLOW_UP_DECISIONS:
            raise TransitionNotAllowed(
                _("次の提案は、「継続」か「見直して継続」で合意したときに作れます。")
            )
        if locked.follow_up_proposal_id:
            raise TransitionNotAllowed(_("この振り返りからの次の提案は、すでにあります。"))
        csos = member_csos_of(by, locked.agreement)
        if cso is None:
            cso = csos.first()
        elif not csos.filter(pk=cso.pk).exists():
            raise ActorNotAllowed(_("あなたが属していない団体の提案は作れません。"))
        proposal = Proposal(**follow_up_prefill(locked, cso))
        try:
            proposal_create(proposal=proposal, by=by)
        except DomainError as error:
            raise DomainError(error.message) from error
        locked.follow_up_proposal = proposal
        locked.save(update_fields=["follow_up_proposal", "updated_at"])
        _log(
            locked,
            action=EvaluationTransition.Action.FOLLOW_UP_CREATED,
            by=by,
            side=Side.CSO,
            comment=proposal.title,
        )
    return proposal
