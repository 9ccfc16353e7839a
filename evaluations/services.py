"""Everything that changes an evaluation: one function per operation.

Each checks the state and the actor, runs in one transaction with the evaluation's row locked,
writes the history entry and notifies the other side after commit. Emails never carry the
content of a part: they only say that something happened and link to the page, where the
hidden-until-both-submitted rule applies.
"""

from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cso_registry.access import member_addresses
from evaluations.access import can_publish, is_prefecture_side, member_csos_of, side_of
from evaluations.forms import DecisionForm, ReasonForm, ReopenForm
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
from kyodo_portal.steps import Rule, Step, Steps, check
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


# A part is written until it is submitted, and never while the evaluation is published (both
# parts are submitted then; this holds even if one is not).
PART_OPEN = (
    Rule(lambda part, by: not part.is_submitted, _lazy("提出済みの記入は変更できません。")),
    Rule(
        lambda part, by: not part.evaluation.is_published,
        _lazy("公開中の振り返りは変更できません。"),
    ),
)


def _locked_part(part, by):
    evaluation = _lock(part.evaluation)
    part = EvaluationPart.objects.select_for_update().get(pk=part.pk)
    part.evaluation = evaluation
    _require_side(by, evaluation, part.side)
    return evaluation, part


def part_save(*, part, by, data, expected_version=None):
    """Save a side's draft (fields in ``EvaluationPart.CONTENT_FIELDS``).

    ``expected_version`` is the part's version when the form was opened: when someone of the
    same side saved in between, nothing is written and EditConflict is raised (checked
    under the row lock)."""
    with transaction.atomic():
        _evaluation, locked = _locked_part(part, by)
        check(PART_OPEN, locked)
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
        STAFF_STEPS.require("submit", locked)
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
        STAFF_STEPS.require("decision", locked)
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
        STAFF_STEPS.require("confirm", locked, by=by)
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
        STAFF_STEPS.require("publish", locked)
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
        STAFF_STEPS.require("withdraw", locked)
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
        STAFF_STEPS.require("reopen", locked)
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


# --- the steps the prefecture takes in the admin ----------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EvaluationStep(Step):
    """A step on an evaluation, with its own page in the admin: ``title`` (the label unless
    given), ``text`` above the form (``shows_decision``: the decision under discussion instead),
    the ``button``, ``done`` (said once it is taken) and ``danger`` (a button that undoes)."""

    title: str | None = None
    text: str = ""
    shows_decision: bool = False
    button: str = ""
    done: str = ""
    danger: bool = False


def _on_prefecture_side(user, evaluation):
    return is_prefecture_side(user, evaluation.agreement)


def _publisher(user, evaluation):
    return can_publish(user)


def _not_yet_publishable(evaluation):
    return _("まだ公開できません。足りないもの: %(items)s") % {
        "items": "、".join(str(item) for item in evaluation.missing_for_publication())
    }


_DECISION_AFTER_BOTH_PARTS = Rule(
    lambda evaluation, by: evaluation.parts_revealed,
    _lazy("今後の方針は、両者が振り返りを提出してから話し合います。"),
)
# An interim evaluation is published without an agreed decision; a proposal left pending then
# stays as it was published.
_DECISION_NOT_PUBLISHED = Rule(
    lambda evaluation, by: not evaluation.is_published,
    _lazy("公開中の振り返りの方針は変えられません。"),
)

# Each declared once: the guard of its service above (the CSO's pages take submit, decision and
# confirm through the same services), the admin's buttons, step URLs and pages, and the change
# page's template read it.
_PrefectureStep = partial(EvaluationStep, keyword="evaluation", who=_on_prefecture_side)
_PublisherStep = partial(EvaluationStep, keyword="evaluation", who=_publisher)
STAFF_STEPS = Steps(
    EvaluationStep(
        name="submit",
        label=_lazy("県の記入を提出する"),
        service=part_submit,
        target=attrgetter("prefecture_part"),
        keyword="part",
        who=_on_prefecture_side,
        rules=PART_OPEN,
        text=_lazy(
            "提出すると変更できません。団体も提出すると、互いの記入が読めるようになります。"
        ),
        button=_lazy("提出する"),
        done=_lazy("県の記入を提出しました。"),
    ),
    _PrefectureStep(
        name="decision",
        label=_lazy("今後の方針を提案する"),
        service=decision_propose,
        rules=(
            _DECISION_AFTER_BOTH_PARTS,
            Rule(
                lambda evaluation, by: not evaluation.decision_agreed,
                _lazy("今後の方針はすでに合意しています。"),
            ),
            _DECISION_NOT_PUBLISHED,
        ),
        form=DecisionForm,
        text=_lazy("団体が確認すると合意になります。「見直して継続」では見直す点を書きます。"),
        button=_lazy("提案する"),
        done=_lazy("今後の方針を提案しました。団体の確認を待ちます。"),
    ),
    _PrefectureStep(
        name="confirm",
        label=_lazy("団体が提案した方針に合意する"),
        service=decision_confirm,
        rules=(
            Rule(
                lambda evaluation, by: evaluation.decision and not evaluation.decision_agreed,
                _lazy("合意を待っている方針はありません。"),
            ),
            _DECISION_NOT_PUBLISHED,
            _DECISION_AFTER_BOTH_PARTS,
            Rule(
                lambda evaluation, by: (
                    side_of(by, evaluation.agreement) != evaluation.decision_proposed_by_side
                ),
                _lazy("方針を提案した側は、自分で合意できません。相手の確認を待ちます。"),
                ActorNotAllowed,
            ),
        ),
        shows_decision=True,
        button=_lazy("合意する"),
        done=_lazy("今後の方針に合意しました。"),
    ),
    _PublisherStep(
        name="publish",
        label=_lazy("公開する"),
        service=evaluation_publish,
        allowed_from=(Status.DRAFT,),
        refused=_lazy("この振り返りはすでに公開されています。"),
        rules=(
            Rule(
                lambda evaluation, by: not evaluation.missing_for_publication(),
                _not_yet_publishable,
            ),
        ),
        title=_lazy("振り返りを公開する"),
        text=_lazy("両者の記入と今後の方針が、公開ページ・フィード・オープンデータに載ります。"),
        button=_lazy("公開する"),
        done=_lazy("振り返りを公開しました。"),
    ),
    _PublisherStep(
        name="withdraw",
        label=_lazy("公開を取り下げる"),
        service=evaluation_withdraw,
        allowed_from=(Status.PUBLISHED,),
        refused=_lazy("公開されていない振り返りは取り下げられません。"),
        form=ReasonForm,
        text=_lazy("理由は履歴に残り、当事者にメールで知らせます。"),
        button=_lazy("取り下げる"),
        done=_lazy("公開を取り下げました。"),
        danger=True,
    ),
    _PublisherStep(
        name="reopen",
        label=_lazy("記入をやり直せるようにする"),
        service=evaluation_reopen,
        rules=(
            Rule(
                lambda evaluation, by: evaluation.is_withdrawn,
                _lazy("記入のやり直しは、公開を取り下げた振り返りだけで始められます。"),
            ),
        ),
        form=ReopenForm,
        text=_lazy(
            "公開を取り下げた振り返りの、団体と県の記入を下書きに戻します。両者が直して"
            "提出すると、もう一度公開できます。今後の方針は合意したままです。"
            "理由は履歴に残り、当事者にメールで知らせます。"
        ),
        button=_lazy("やり直せるようにする"),
        done=_lazy("記入をやり直せるようにしました。両者の記入は下書きに戻りました。"),
    ),
)


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
