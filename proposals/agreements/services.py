"""Everything that changes an agreement (協定書): one function per step.

Each checks the current state and the actor, runs in one transaction with the agreement's row
locked (two people acting at once cannot both succeed), writes the history entry and notifies
the other side once the transaction commits. Views, the admin and the progress sheet call
these and never set a status themselves.

Who does what: the department's 県民協働推進員 (or 県民協働課) drafts, asks for confirmation,
records 締結, starts and completes the work and drafts amendments; the 管理者 of every party
CSO confirms (or asks for changes); both sides report progress.
"""

from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cso_registry.access import member_addresses
from kyodo_portal.access import is_department_staff, is_promoter
from kyodo_portal.errors import ActorNotAllowed, DomainError, EditConflict, TransitionNotAllowed
from kyodo_portal.notifications import notify_after_commit
from kyodo_portal.recipients import department_addresses
from kyodo_portal.steps import Rule, Step, Steps, state_refusal
from kyodo_portal.wareki import fiscal_year
from proposals.access import (
    admin_party,
    can_handle_agreement,
    is_agreement_party,
    party_csos,
)
from proposals.models import (
    Agreement,
    AgreementParty,
    AgreementTransition,
    AgreementVersion,
    ProgressAttachment,
    ProgressReport,
    Proposal,
    RoleAssignment,
)

Status = Agreement.Status
VStatus = AgreementVersion.Status
Action = AgreementTransition.Action

__all__ = [
    "ActorNotAllowed",
    "DomainError",
    "TransitionNotAllowed",
]


EDIT_CONFLICT_MESSAGE = _(
    "この画面を開いた後に、ほかの人が先に保存しました。保存していません。"
    "画面を開き直して、最新の内容に変更を加えてください。"
)


class IncompleteAgreement(DomainError):
    """Items the agreement must contain are missing; ``items`` names them."""

    def __init__(self, items):
        super().__init__(_("協定書に次の項目が足りません: %(items)s") % {"items": "、".join(items)})
        self.items = items


# --- checks ----------------------------------------------------------------------------------


def _require_staff(user, agreement):
    if not can_handle_agreement(user, agreement):
        raise ActorNotAllowed(
            _("この協定の担当部署の県民協働推進員、または県民協働課だけが操作できます。")
        )


def _status_refusal(action):
    """What the person is told when ``action`` is not possible from the agreement's state."""
    return state_refusal(
        _lazy("この協定は「%(status)s」のため、%(action)sできません。"), action=action
    )


def _version_status_refusal(action):
    """The same for a version of the 協定書."""
    return state_refusal(
        _lazy("協定書（第%(number)s版）は「%(status)s」のため、%(action)sできません。"),
        action=action,
        number=attrgetter("number"),
    )


def _require_status(agreement, allowed, action):
    if agreement.status not in allowed:
        raise TransitionNotAllowed(_status_refusal(action)(agreement))


def _require_version_status(version, allowed, action):
    if version.status not in allowed:
        raise TransitionNotAllowed(_version_status_refusal(action)(version))


def _require_comment(comment, action):
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("%(action)sには理由（コメント）が必要です。") % {"action": action})
    return comment


def _require_verified_parties(version):
    """Every party is a CSO 県民協働課 verified and published (a CSO 申請中 or 非公開 cannot
    become, or stay on the way to being, a party)."""
    for party in version.parties.select_related("cso"):
        if not party.cso.can_collaborate:
            raise TransitionNotAllowed(
                _(
                    "当事者の「%(name)s」は「%(status)s」で、県民協働課の確認（公開）が済んで"
                    "いないため、協定の当事者にできません。"
                )
                % {"name": party.cso.name, "status": party.cso.get_status_display()}
            )


def _require_complete(version):
    missing = version.missing_items()
    if missing:
        raise IncompleteAgreement(missing)


# --- locking, history, mail --------------------------------------------------------------------


def _lock(agreement):
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("department", "proposal")
        .get(pk=agreement.pk)
    )


def _lock_version(version):
    """Lock the agreement first (always the same order), then read the version afresh."""
    agreement = _lock(version.agreement)
    version = AgreementVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    version.agreement = agreement
    return agreement, version


def _log(*, agreement, action, by, version=None, from_status="", to_status="", comment=""):
    return AgreementTransition.objects.create(
        agreement=agreement,
        version=version,
        action=action,
        from_status=from_status,
        to_status=to_status,
        by=by,
        by_prefecture=can_handle_agreement(by, agreement),
        comment=(comment or "").strip(),
    )


def cso_addresses(agreement, *, version=None, admins_only=False):
    """Active members (or only 管理者) of the CSOs of ``version`` (an amendment names its
    proposed parties), or of the agreement's parties (the version in force)."""
    if version is not None:
        csos = version.parties.values("cso_id")
    else:
        csos = party_csos(agreement).values("pk")
    return member_addresses(csos, admins_only=admins_only)


def _context(agreement, version=None, **extra):
    version = version or agreement.current_version
    return {
        "agreement": agreement,
        "version": version,
        "title": version.title if version else str(agreement.proposal),
        "department_name": agreement.department.full_name,
        "status_label": agreement.get_status_display(),
        **extra,
    }


def _notify_cso(agreement, *, template, version=None, admins_only=False, **extra):
    notify_after_commit(
        to=cso_addresses(agreement, version=version, admins_only=admins_only),
        template=template,
        context=_context(agreement, version, **extra),
    )


def _notify_department(agreement, *, template, version=None, **extra):
    notify_after_commit(
        to=department_addresses(agreement.department),
        template=template,
        context=_context(agreement, version, **extra),
    )


# --- creation from a proposal at 合意 ------------------------------------------------------------


def _default_contact(by):
    title = str(_("県民協働推進員")) if is_promoter(by) else ""
    return {
        "prefecture_contact_name": by.full_name,
        "prefecture_contact_title": title,
        "prefecture_contact_email": by.email,
    }


def agreement_create(*, proposal, by):
    """Start the agreement of a proposal at 合意, prefilled from it: title, form, zone, purpose,
    shared goal, period, budget, the proposing CSO as party (its 管理者 as contact), the
    activity fields (of the theme, or else of the CSO), a default confidentiality clause and
    a first role table from the roles the proposal described."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("cso", "department", "theme")
            .get(pk=proposal.pk)
        )
        if not is_department_staff(by, proposal.department_id):
            raise ActorNotAllowed(
                _("提案先部署の県民協働推進員、または県民協働課だけが協定書を作成できます。")
            )
        if proposal.status != Proposal.Status.AGREED:
            raise TransitionNotAllowed(
                _("協定書は「合意」の提案からだけ作成できます（この提案は「%(status)s」です）。")
                % {"status": proposal.get_status_display()}
            )
        if not proposal.cso.can_collaborate:
            raise TransitionNotAllowed(proposal.cso.not_verified_message(_("協定書を作成")))
        if Agreement.objects.filter(proposal=proposal).exists():
            raise TransitionNotAllowed(_("この提案の協定書はすでにあります。"))
        agreement = Agreement.objects.create(
            proposal=proposal, department=proposal.department, created_by=by
        )
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=1,
            zone=proposal.zone,
            form=proposal.form,
            title=proposal.title,
            purpose=proposal.purpose,
            shared_goal=proposal.shared_goal,
            starts_on=proposal.starts_on,
            ends_on=proposal.ends_on,
            budget_amount=proposal.budget_estimate,
            budget_note=proposal.budget_note,
            created_by=by,
            **_default_contact(by),
        )
        version.activity_fields.set(
            proposal.theme.activity_fields.all()
            if proposal.theme_id
            else proposal.cso.activity_fields.all()
        )
        lead_admin = proposal.cso.admins().order_by("pk").first()
        AgreementParty.objects.create(
            version=version,
            cso=proposal.cso,
            is_lead=True,
            contact_name=lead_admin.full_name if lead_admin else "",
            contact_email=lead_admin.email if lead_admin else "",
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    version=version,
                    order=1,
                    task=_first_line(proposal.cso_role) or str(_("事業の実施")),
                    responsibility=proposal.cso_role,
                    carried_by=RoleAssignment.CarriedBy.CSO,
                    cso=proposal.cso,
                    due_on=proposal.ends_on,
                ),
                RoleAssignment(
                    version=version,
                    order=2,
                    task=_first_line(proposal.prefecture_role) or str(_("事業への協力")),
                    responsibility=proposal.prefecture_role,
                    carried_by=RoleAssignment.CarriedBy.PREFECTURE,
                    due_on=proposal.ends_on,
                ),
            ]
        )
        agreement.current_version = version
        agreement.save(update_fields=["current_version", "updated_at"])
        _log(
            agreement=agreement,
            version=version,
            action=Action.CREATED,
            by=by,
            to_status=Status.DRAFT,
        )
    return agreement


def _first_line(text, limit=60):
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    line = line.split("。")[0]
    return line[:limit]


# --- drafting ---------------------------------------------------------------------------------


def version_lock_for_edit(*, version, by, expected_revision=None):
    """Called by the admin before it saves a draft (inside its transaction, which holds the lock
    until the activity fields, parties and roles are saved too): the version must still be
    作成中, the user on the department's side, and the revision the editing page was opened on
    (``expected_revision``) still the version's — a save on top of someone else's is refused."""
    agreement, version = _lock_version(version)
    _require_staff(by, agreement)
    _require_version_status(version, [VStatus.DRAFT], _("編集"))
    if expected_revision is not None and expected_revision != version.revision:
        raise EditConflict(EDIT_CONFLICT_MESSAGE)
    return agreement, version


def agreement_lock_for_edit(*, agreement, by):
    """Called by the admin before it saves the agreement's internal note: the department's
    side only. The agreement's terms live on its versions (edited while a version is 作成中)."""
    locked = _lock(agreement)
    _require_staff(by, locked)
    return locked


def version_after_edit(*, version, by, changed):
    """After the admin saved a draft (any term: text, zone, form, activity fields, budget,
    parties, roles): bump the revision (a CSO confirming an older page is refused) and clear
    confirmations that no longer match."""
    if not changed:
        return version
    AgreementVersion.objects.filter(pk=version.pk).update(
        revision=version.revision + 1, updated_at=timezone.now()
    )
    version.revision += 1
    cleared = version.parties.filter(confirmed_at__isnull=False).update(
        confirmed_at=None, confirmed_by=None
    )
    if cleared:
        _log(
            agreement=version.agreement,
            version=version,
            action=Action.EDITED,
            by=by,
            from_status=VStatus.DRAFT,
            to_status=VStatus.DRAFT,
            comment=_("内容を変更したため、団体の確認をやり直します。"),
        )
    return version


def agreement_request_confirmation(*, version, by, comment=""):
    """Ask the 管理者 of every party CSO to confirm the draft (or the amendment). Refused, with
    the items named, while anything the agreement must contain is missing."""
    with transaction.atomic():
        agreement, version = _lock_version(version)
        _require_staff(by, agreement)
        STAFF_STEPS.require("request_confirmation", version)
        _require_verified_parties(version)
        _require_complete(version)
        version.confirmation_requested_at = timezone.now()
        version.save(update_fields=["confirmation_requested_at", "updated_at"])
        _log(
            agreement=agreement,
            version=version,
            action=Action.CONFIRMATION_REQUESTED,
            by=by,
            from_status=VStatus.DRAFT,
            to_status=VStatus.DRAFT,
            comment=comment,
        )
        _notify_cso(
            agreement,
            template="agreement_confirmation_requested",
            version=version,
            admins_only=True,
            comment=comment,
        )
    return version


# --- the CSO side ------------------------------------------------------------------------------


def agreement_confirm(*, version, by, revision, comment=""):
    """A party CSO's 管理者 confirms the text they read (``revision``). When every party CSO
    has confirmed, the version is CSO確認済 (and so is the agreement, for version 1)."""
    with transaction.atomic():
        agreement, version = _lock_version(version)
        party = admin_party(by, version)
        if party is None:
            raise ActorNotAllowed(_("協定の当事者である団体の管理者だけが確認できます。"))
        _require_version_status(version, [VStatus.DRAFT], _("確認"))
        if version.confirmation_requested_at is None:
            raise TransitionNotAllowed(_("県からの確認の依頼がまだありません。"))
        if int(revision) != version.revision:
            raise TransitionNotAllowed(
                _(
                    "確認している間に協定書の内容が変わりました。もう一度読んでから確認してください。"
                )
            )
        if party.is_confirmed:
            raise TransitionNotAllowed(
                _("%(cso)s はすでに確認しています。") % {"cso": party.cso.name}
            )
        _require_complete(version)
        party.confirmed_at = timezone.now()
        party.confirmed_by = by
        party.save(update_fields=["confirmed_at", "confirmed_by"])
        all_confirmed = not version.parties.filter(confirmed_at__isnull=True).exists()
        to_status = VStatus.CONFIRMED if all_confirmed else VStatus.DRAFT
        if all_confirmed:
            version.status = VStatus.CONFIRMED
            version.save(update_fields=["status", "updated_at"])
            if version.number == 1:
                agreement.status = Status.CONFIRMED
                agreement.save(update_fields=["status", "updated_at"])
        _log(
            agreement=agreement,
            version=version,
            action=Action.CONFIRMED,
            by=by,
            from_status=VStatus.DRAFT,
            to_status=to_status,
            comment=_("%(cso)s が確認しました。") % {"cso": party.cso.name}
            + (f"\n{comment.strip()}" if (comment or "").strip() else ""),
        )
        _notify_department(
            agreement,
            template="agreement_confirmed",
            version=version,
            cso_name=party.cso.name,
            all_confirmed=all_confirmed,
            comment=comment,
        )
    return version


def agreement_request_changes(*, version, by, comment):
    """A party CSO's 管理者 asks the department to change the draft, saying what and why."""
    comment = _require_comment(comment, _("修正の依頼"))
    with transaction.atomic():
        agreement, version = _lock_version(version)
        party = admin_party(by, version)
        if party is None:
            raise ActorNotAllowed(_("協定の当事者である団体の管理者だけが修正を依頼できます。"))
        _require_version_status(version, AgreementVersion.OPEN_STATUSES, _("修正の依頼"))
        _log(
            agreement=agreement,
            version=version,
            action=Action.CHANGES_REQUESTED,
            by=by,
            from_status=version.status,
            to_status=version.status,
            comment=comment,
        )
        _notify_department(
            agreement,
            template="agreement_changes_requested",
            version=version,
            cso_name=party.cso.name,
            comment=comment,
        )
    return version


# --- the prefecture side -------------------------------------------------------------------------


def agreement_reopen(*, version, by, comment):
    """CSO確認済 → 作成中, to change the text after the CSOs confirmed it: every
    confirmation is cleared and has to be given again. The reason is required."""
    comment = _require_comment(comment, _("作成中に戻す"))
    with transaction.atomic():
        agreement, version = _lock_version(version)
        _require_staff(by, agreement)
        STAFF_STEPS.require("reopen", version)
        version.parties.update(confirmed_at=None, confirmed_by=None)
        version.status = VStatus.DRAFT
        version.confirmation_requested_at = None
        version.save(update_fields=["status", "confirmation_requested_at", "updated_at"])
        if version.number == 1:
            agreement.status = Status.DRAFT
            agreement.save(update_fields=["status", "updated_at"])
        _log(
            agreement=agreement,
            version=version,
            action=Action.REOPENED,
            by=by,
            from_status=VStatus.CONFIRMED,
            to_status=VStatus.DRAFT,
            comment=comment,
        )
        _notify_cso(
            agreement, template="agreement_status_changed", version=version, comment=comment
        )
    return version


def agreement_conclude(*, version, by, concluded_on, comment=""):
    """Record 締結 of a version every party CSO confirmed, with the day it was signed.

    Version 1: the agreement becomes 締結 (and public). An amendment: the new version comes
    into force and the one it replaces is kept as 変更前; the agreement's state is unchanged.
    """
    if concluded_on is None:
        raise DomainError(_("締結日を入力してください。"))
    if concluded_on > timezone.localdate():
        raise DomainError(_("締結日に未来の日付は入力できません。"))
    with transaction.atomic():
        agreement, version = _lock_version(version)
        _require_staff(by, agreement)
        STAFF_STEPS.require("conclude", version)
        _require_verified_parties(version)
        _require_complete(version)
        previous = agreement.current_version
        if (
            version.is_amendment
            and previous
            and previous.concluded_on
            and concluded_on < previous.concluded_on
        ):
            raise DomainError(_("変更協定の締結日は、前の版の締結日より後にしてください。"))
        version.status = VStatus.CONCLUDED
        version.concluded_on = concluded_on
        version.concluded_by = by
        version.save(update_fields=["status", "concluded_on", "concluded_by", "updated_at"])
        from_status = agreement.status
        if version.is_amendment:
            if previous is not None and previous.pk != version.pk:
                previous.status = VStatus.SUPERSEDED
                previous.save(update_fields=["status", "updated_at"])
        else:
            agreement.status = Status.CONCLUDED
            agreement.concluded_on = concluded_on
            agreement.fiscal_year = fiscal_year(concluded_on)
        agreement.current_version = version
        agreement.save(
            update_fields=[
                "status",
                "concluded_on",
                "fiscal_year",
                "current_version",
                "updated_at",
            ]
        )
        _log(
            agreement=agreement,
            version=version,
            action=Action.CONCLUDED,
            by=by,
            from_status=from_status if not version.is_amendment else VStatus.CONFIRMED,
            to_status=agreement.status if not version.is_amendment else VStatus.CONCLUDED,
            comment=comment,
        )
        # An amendment that drops a party tells it this once; later mail reaches the new parties.
        addresses = cso_addresses(agreement, version=version)
        if version.is_amendment and previous is not None:
            addresses += cso_addresses(agreement, version=previous)
        notify_after_commit(
            to=addresses,
            template="agreement_status_changed",
            context=_context(agreement, version, comment=comment),
        )
    return version


def agreement_start(*, agreement, by, comment=""):
    """締結 → 実施中: progress reports open."""
    with transaction.atomic():
        agreement = _lock(agreement)
        _require_staff(by, agreement)
        STAFF_STEPS.require("start", agreement)
        agreement.status = Status.IN_PROGRESS
        agreement.started_on = timezone.localdate()
        agreement.save(update_fields=["status", "started_on", "updated_at"])
        _log(
            agreement=agreement,
            action=Action.STARTED,
            by=by,
            from_status=Status.CONCLUDED,
            to_status=Status.IN_PROGRESS,
            comment=comment,
        )
        _notify_cso(agreement, template="agreement_status_changed", comment=comment)
    return agreement


def agreement_complete(*, agreement, by, comment=""):
    """実施中 → 完了: the evaluation (振り返り) starts from here. Refused while an amendment
    is still open (conclude or withdraw it first)."""
    with transaction.atomic():
        agreement = _lock(agreement)
        _require_staff(by, agreement)
        STAFF_STEPS.require("complete", agreement)
        agreement.status = Status.COMPLETED
        agreement.completed_on = timezone.localdate()
        agreement.save(update_fields=["status", "completed_on", "updated_at"])
        _log(
            agreement=agreement,
            action=Action.COMPLETED,
            by=by,
            from_status=Status.IN_PROGRESS,
            to_status=Status.COMPLETED,
            comment=comment,
        )
        _notify_cso(agreement, template="agreement_status_changed", comment=comment)
    return agreement


def agreement_start_amendment(*, agreement, by, reason):
    """A change after 締結 (変更協定): a new version drafted from the one in force, with its
    parties and role table; the version in force stays in force until the new one is
    confirmed by every party CSO and concluded."""
    reason = _require_comment(reason, _("変更協定の作成"))
    with transaction.atomic():
        agreement = _lock(agreement)
        _require_staff(by, agreement)
        STAFF_STEPS.require("amend", agreement)
        current = agreement.current_version
        number = agreement.versions.order_by("-number").values_list("number", flat=True)[0] + 1
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=number,
            amendment_reason=reason,
            created_by=by,
            **{name: getattr(current, name) for name in AgreementVersion.CONTENT_FIELDS},
        )
        version.activity_fields.set(current.activity_fields.all())
        AgreementParty.objects.bulk_create(
            [
                AgreementParty(
                    version=version,
                    cso_id=party.cso_id,
                    is_lead=party.is_lead,
                    contact_name=party.contact_name,
                    contact_phone=party.contact_phone,
                    contact_email=party.contact_email,
                )
                for party in current.parties.all()
            ]
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    version=version,
                    order=role.order,
                    task=role.task,
                    carried_by=role.carried_by,
                    cso_id=role.cso_id,
                    responsibility=role.responsibility,
                    due_on=role.due_on,
                )
                for role in current.roles.all()
            ]
        )
        _log(
            agreement=agreement,
            version=version,
            action=Action.AMENDMENT_STARTED,
            by=by,
            to_status=VStatus.DRAFT,
            comment=reason,
        )
        _notify_cso(
            agreement, template="agreement_amendment_started", version=version, comment=reason
        )
    return version


def agreement_withdraw_amendment(*, version, by, comment):
    """Give up an amendment that was not concluded; it is kept as 取りやめ."""
    comment = _require_comment(comment, _("変更協定の取りやめ"))
    with transaction.atomic():
        agreement, version = _lock_version(version)
        _require_staff(by, agreement)
        STAFF_STEPS.require("withdraw_amendment", version)
        from_status = version.status
        version.status = VStatus.WITHDRAWN
        version.save(update_fields=["status", "updated_at"])
        _log(
            agreement=agreement,
            version=version,
            action=Action.AMENDMENT_WITHDRAWN,
            by=by,
            from_status=from_status,
            to_status=VStatus.WITHDRAWN,
            comment=comment,
        )
        _notify_cso(
            agreement, template="agreement_status_changed", version=version, comment=comment
        )
    return version


# --- progress (実施中) --------------------------------------------------------------------------


def progress_report(
    *,
    agreement,
    by,
    reported_on,
    percent_complete,
    text,
    next_steps="",
    visibility=ProgressReport.Visibility.PARTIES,
    public_summary="",
    files=(),
    notify=True,
):
    """A progress report by either side during 実施中 (files already validated). Both parties
    read it; only the public summary of a 公開 report reaches the public page."""
    text = (text or "").strip()
    public_summary = (public_summary or "").strip()
    if not text:
        raise DomainError(_("報告の内容を書いてください。"))
    if percent_complete is None or not 0 <= int(percent_complete) <= 100:
        raise DomainError(_("進捗率は 0 から 100 までの整数で入力してください。"))
    if visibility not in ProgressReport.Visibility.values:
        raise DomainError(_("公開範囲の値が正しくありません。"))
    if visibility == ProgressReport.Visibility.PUBLIC and not public_summary:
        raise DomainError(_("公開する報告には公開用の要約を書いてください。"))
    if reported_on is None or reported_on > timezone.localdate():
        raise DomainError(_("報告日に未来の日付は入力できません。"))
    with transaction.atomic():
        agreement = _lock(agreement)
        by_prefecture = can_handle_agreement(by, agreement)
        if not by_prefecture and not is_agreement_party(by, agreement):
            raise ActorNotAllowed(
                _("協定の当事者（団体のメンバーと県の担当部署）だけが報告できます。")
            )
        _require_status(agreement, Agreement.PROGRESS_REPORT_STATUSES, _("進捗の報告"))
        report = ProgressReport.objects.create(
            agreement=agreement,
            reported_on=reported_on,
            percent_complete=int(percent_complete),
            text=text,
            next_steps=(next_steps or "").strip(),
            visibility=visibility,
            public_summary=public_summary,
            author=by,
            by_prefecture=by_prefecture,
        )
        for file in files:
            ProgressAttachment.create_from_upload(file=file, by=by, report=report)
        if notify:
            if by_prefecture:
                _notify_cso(agreement, template="agreement_progress_reported", report=report)
            else:
                _notify_department(agreement, template="agreement_progress_reported", report=report)
    return report


# --- the staff's steps ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AgreementStep(Step):
    """A staff step on an agreement, or on its open version (``target=Agreement.open_version``).
    ``needs_date``: the step asks for the 締結日; the comment goes to the service as
    ``comment_keyword``, asked for as ``comment_label``; ``opens_version``: the step drafts a new
    version, whose page comes next."""

    needs_date: bool = False
    comment_label: str | None = None
    comment_keyword: str = "comment"
    opens_version: bool = False


def _no_open_amendment(message):
    return Rule(lambda agreement, by: agreement.pending_version() is None, message)


# Each declared once: the guard of its service above, the admin's buttons, step URL and page,
# and the change page's template read it.
_VersionStep = partial(AgreementStep, target=Agreement.open_version, keyword="version")
_AgreementStep = partial(AgreementStep, keyword="agreement")
STAFF_STEPS = Steps(
    _VersionStep(
        name="request_confirmation",
        label=_lazy("団体に確認を依頼する"),
        service=agreement_request_confirmation,
        allowed_from=(VStatus.DRAFT,),
        refused=_version_status_refusal(_lazy("確認の依頼")),
    ),
    _VersionStep(
        name="conclude",
        label=_lazy("締結を記録する"),
        service=agreement_conclude,
        allowed_from=(VStatus.CONFIRMED,),
        refused=_version_status_refusal(_lazy("締結")),
        needs_date=True,
    ),
    _VersionStep(
        name="reopen",
        label=_lazy("作成中に戻す"),
        service=agreement_reopen,
        allowed_from=(VStatus.CONFIRMED,),
        refused=_version_status_refusal(_lazy("作成中に戻すこと")),
        comment_required=True,
    ),
    _VersionStep(
        name="withdraw_amendment",
        label=_lazy("変更協定を取りやめる"),
        service=agreement_withdraw_amendment,
        rules=(
            Rule(
                lambda version, by: version.is_amendment,
                _lazy("取りやめられるのは変更協定（第2版以降）だけです。"),
            ),
            Rule(
                lambda version, by: version.status in AgreementVersion.OPEN_STATUSES,
                _version_status_refusal(_lazy("取りやめ")),
            ),
        ),
        comment_required=True,
    ),
    _AgreementStep(
        name="start",
        label=_lazy("実施を開始する"),
        service=agreement_start,
        allowed_from=(Status.CONCLUDED,),
        refused=_status_refusal(_lazy("実施の開始")),
    ),
    _AgreementStep(
        name="complete",
        label=_lazy("完了にする"),
        service=agreement_complete,
        allowed_from=(Status.IN_PROGRESS,),
        refused=_status_refusal(_lazy("完了")),
        rules=(
            _no_open_amendment(
                _lazy("変更協定が作成中です。締結するか取りやめてから完了にしてください。")
            ),
        ),
    ),
    _AgreementStep(
        name="amend",
        label=_lazy("変更協定を作成する"),
        service=agreement_start_amendment,
        allowed_from=Agreement.AMENDABLE_STATUSES,
        refused=_status_refusal(_lazy("変更協定の作成")),
        rules=(_no_open_amendment(_lazy("作成中の変更協定がすでにあります。")),),
        comment_required=True,
        comment_label=_lazy("変更の理由"),
        comment_keyword="reason",
        opens_version=True,
    ),
)
