"""Operations on CSOs and memberships: one function each, one transaction, row locked, history
written, mail sent after commit. Views, the admin and the management commands all call these."""

import datetime
from contextlib import contextmanager

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cso_registry.access import is_cso_admin, is_cso_member, member_addresses
from cso_registry.models import (
    CSO,
    CSOHistoryEntry,
    Membership,
    SurveyAnswer,
    one_year_after,
)
from kyodo_portal.access import is_coordinator, is_verified_staff
from kyodo_portal.errors import DomainError, EditConflict
from kyodo_portal.models import OutgoingMail
from kyodo_portal.notifications import notify_after_commit
from kyodo_portal.recipients import coordinator_addresses
from kyodo_portal.roles import Role

PROFILE_FIELDS = [
    "name",
    "furigana",
    "kind",
    "corporate_number",
    "representative_name",
    "postal_code",
    "municipality",
    "address",
    "phone",
    "email",
    "website",
    "founded_on",
    "member_count",
    "description",
    "contact_public",
]
PROFILE_M2M_FIELDS = ["activity_fields", "areas"]
SURVEY_FIELDS = ["budget_band", "paid_staff", "volunteers", "answered_on"]


DUPLICATE_CORPORATE_NUMBER_MESSAGE = _(
    "この法人番号の団体はすでに登録されています。"
    "参加を申し込む場合は「登録済みの団体に参加する」から探してください。"
)
EDIT_CONFLICT_MESSAGE = _(
    "この団体の情報は、あなたが編集画面を開いたあとに別の人が保存しました。"
    "上書きしないよう、今回の変更は保存していません。"
    "画面を開き直して最新の内容を確かめてから、もう一度変更してください。"
)


def _display(model_field, value):
    """A value as a person reads it in the history (labels, not codes)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, (list, tuple, set, QuerySet)):
        return "、".join(sorted(str(item) for item in value))
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _changes(instance, data, fields, m2m_fields=()):
    """[{field, label, old, new}] for each field whose value differs, and the values to set."""
    changes, updates, m2m_updates = [], {}, {}
    meta = type(instance)._meta
    for name in fields:
        if name not in data:
            continue
        model_field = meta.get_field(name)
        new = data[name]
        if model_field.many_to_one:
            old_id = getattr(instance, model_field.attname)
            differs = old_id != (new.pk if new is not None else None)
            old = getattr(instance, name) if old_id is not None else None
        else:
            old = getattr(instance, name)
            differs = old != new
        if differs:
            changes.append(
                {
                    "field": name,
                    "label": str(model_field.verbose_name),
                    "old": _display(model_field, old),
                    "new": _display(model_field, new),
                }
            )
            updates[name] = new
    for name in m2m_fields:
        if name not in data:
            continue
        model_field = meta.get_field(name)
        old = set(getattr(instance, name).all()) if instance.pk else set()
        new = set(data[name])
        if old != new:
            changes.append(
                {
                    "field": name,
                    "label": str(model_field.verbose_name),
                    "old": _display(model_field, old),
                    "new": _display(model_field, new),
                }
            )
            m2m_updates[name] = new
    return changes, updates, m2m_updates


def is_assisted(by, cso=None):
    """代理入力: a staff member entering data for a group they are not a member of."""
    if not is_verified_staff(by):
        return False
    if cso is None or cso.pk is None:
        return True
    return not is_cso_member(by, cso)


def _record(*, cso, by, action, changes=(), comment="", assisted=False):
    return CSOHistoryEntry.objects.create(
        cso=cso,
        by=by,
        action=action,
        changes=list(changes),
        comment=comment,
        assisted=assisted,
    )


def _admin_emails(cso):
    return member_addresses([cso], admins_only=True)


def _ensure_can_edit(cso, by):
    if by is None or is_verified_staff(by):
        return
    if not is_cso_member(by, cso):
        raise DomainError(_("この団体の情報を変更できるのは、団体のメンバーだけです。"))


def _taken(field, message):
    return ValidationError({field: ValidationError(message, code="unique")})


@contextmanager
def _refused_when_taken(*, field, others, message):
    """The block inserts a row with a unique value that was checked and found free. Two people
    may send the same value at the same moment: the second insert is then refused by the
    database's unique constraint, and that refusal becomes ``message`` on ``field``, as the form
    gives it, with nothing written. ``others`` are the rows holding the value; the savepoint
    keeps the surrounding transaction usable after the refused insert."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        if not others.exists():
            raise
        raise _taken(field, message) from None


def _full_clean_changed(instance, updates):
    """Validate what changes (and the constraints): an old oddity elsewhere does not block."""
    names = {field.name for field in instance._meta.concrete_fields}
    instance.full_clean(exclude=names - set(updates))


def _holding_corporate_number(number):
    # Groups without a 法人番号 share the empty value; it is unique only when given.
    return CSO.objects.filter(corporate_number=number) if number else CSO.objects.none()


def cso_register(*, by, data, comment="", action=CSOHistoryEntry.Action.REGISTERED, notify=True):
    """Register a CSO: it starts 申請中 and 県民協働課 is told to verify it.

    When a member registers their own group they become its 管理者; when staff register
    a group on its behalf (代理入力) nobody does until someone asks to join.

    Raises ValidationError on ``corporate_number`` when a CSO with that 法人番号 is registered,
    also after the form checked it (a moment ago, or by a request sent at the same moment).
    """
    assisted = is_assisted(by)
    with transaction.atomic():
        cso = CSO(status=CSO.Status.PENDING)
        changes, updates, m2m_updates = _changes(cso, data, PROFILE_FIELDS, PROFILE_M2M_FIELDS)
        for name, value in updates.items():
            setattr(cso, name, value)
        same_number = _holding_corporate_number(cso.corporate_number)
        if same_number.exists():
            raise _taken("corporate_number", DUPLICATE_CORPORATE_NUMBER_MESSAGE)
        _full_clean_changed(cso, updates)
        with _refused_when_taken(
            field="corporate_number", others=same_number, message=DUPLICATE_CORPORATE_NUMBER_MESSAGE
        ):
            cso.save()
        for name, values in m2m_updates.items():
            getattr(cso, name).set(values)
        if by is not None and not is_verified_staff(by):
            Membership.objects.create(
                user=by,
                cso=cso,
                role=Membership.Role.ADMIN,
                status=Membership.Status.ACTIVE,
                decided_at=timezone.now(),
            )
            by.groups.add(Group.objects.get(name=Role.CSO_MEMBER))
        _record(cso=cso, by=by, action=action, changes=changes, comment=comment, assisted=assisted)
        if not notify:
            return cso
        notify_after_commit(
            to=coordinator_addresses(),
            template="cso_registered",
            context={"cso": cso, "by": by, "assisted": assisted},
        )
        if by is not None and not is_verified_staff(by):
            notify_after_commit(
                to=[by.email], template="cso_registration_received", context={"cso": cso}
            )
    return cso


def cso_update(
    *,
    cso,
    by,
    data,
    action=CSOHistoryEntry.Action.UPDATED,
    comment="",
    expected_version=None,
):
    """Change the profile; each changed field is recorded with its old and new value.

    ``expected_version`` is the version the editing form was opened on: when someone saved in
    between, nothing is written and EditConflict is raised (checked under the row lock).
    Returns the list of changes (empty when nothing changed: then nothing is recorded).
    Raises ValidationError on ``corporate_number`` when another CSO took that 法人番号 after
    the form checked it.
    """
    with transaction.atomic():
        cso = CSO.objects.select_for_update().get(pk=cso.pk)
        _ensure_can_edit(cso, by)
        if expected_version is not None and expected_version != cso.version:
            raise EditConflict(EDIT_CONFLICT_MESSAGE)
        changes, updates, m2m_updates = _changes(cso, data, PROFILE_FIELDS, PROFILE_M2M_FIELDS)
        if not changes:
            return []
        for name, value in updates.items():
            setattr(cso, name, value)
        _full_clean_changed(cso, updates)
        cso.version += 1
        with _refused_when_taken(
            field="corporate_number",
            others=_holding_corporate_number(cso.corporate_number).exclude(pk=cso.pk),
            message=DUPLICATE_CORPORATE_NUMBER_MESSAGE,
        ):
            cso.save(update_fields=[*updates, "updated_at", "version"])
        for name, values in m2m_updates.items():
            getattr(cso, name).set(values)
        _record(
            cso=cso,
            by=by,
            action=action,
            changes=changes,
            comment=comment,
            assisted=is_assisted(by, cso),
        )
    return changes


def survey_answer_record(
    *, cso, by, fiscal_year, data, action=CSOHistoryEntry.Action.SURVEY, comment=""
):
    """Create or update the CSO's 実態調査 answer for one fiscal year."""
    with transaction.atomic():
        cso = CSO.objects.select_for_update().get(pk=cso.pk)
        _ensure_can_edit(cso, by)
        answer = SurveyAnswer.objects.filter(cso=cso, fiscal_year=fiscal_year).first()
        if answer is None:
            answer = SurveyAnswer(cso=cso, fiscal_year=fiscal_year)
        changes, updates, _m2m = _changes(answer, data, SURVEY_FIELDS)
        if answer.pk and not changes:
            return answer, []
        for name, value in updates.items():
            setattr(answer, name, value)
        answer.full_clean()
        answer.save()
        for change in changes:
            change["label"] = f"{fiscal_year}年度 {change['label']}"
        _record(
            cso=cso,
            by=by,
            action=action,
            changes=changes,
            comment=comment,
            assisted=is_assisted(by, cso),
        )
    return answer, changes


def _ensure_coordinator(by):
    if not is_coordinator(by):
        raise DomainError(_("公開・非公開を決められるのは県民協働課だけです。"))


def cso_publish(*, cso, by, reason=""):
    """県民協働課 verified the CSO: it appears in the directory and open data from now on."""
    _ensure_coordinator(by)
    with transaction.atomic():
        cso = CSO.objects.select_for_update().get(pk=cso.pk)
        if cso.status == CSO.Status.PUBLISHED:
            raise DomainError(_("「%(name)s」はすでに公開されています。") % {"name": cso})
        old_status = cso.get_status_display()
        cso.status = CSO.Status.PUBLISHED
        cso.verified_on = timezone.localdate()
        cso.save(update_fields=["status", "verified_on", "updated_at"])
        _record(
            cso=cso,
            by=by,
            action=CSOHistoryEntry.Action.PUBLISHED,
            changes=[
                {"field": "status", "label": _("公開状態"), "old": old_status, "new": _("公開")}
            ],
            comment=reason,
        )
        notify_after_commit(
            to=_admin_emails(cso), template="cso_published", context={"cso": cso, "reason": reason}
        )
    return cso


def cso_hide(*, cso, by, reason):
    """Take a CSO off every public page and export; the reason is kept and sent to its 管理者."""
    _ensure_coordinator(by)
    if not reason or not reason.strip():
        raise DomainError(_("非公開にする理由を書いてください。"))
    with transaction.atomic():
        cso = CSO.objects.select_for_update().get(pk=cso.pk)
        if cso.status == CSO.Status.HIDDEN:
            raise DomainError(_("「%(name)s」はすでに非公開です。") % {"name": cso})
        old_status = cso.get_status_display()
        cso.status = CSO.Status.HIDDEN
        cso.save(update_fields=["status", "updated_at"])
        _record(
            cso=cso,
            by=by,
            action=CSOHistoryEntry.Action.HIDDEN,
            changes=[
                {"field": "status", "label": _("公開状態"), "old": old_status, "new": _("非公開")}
            ],
            comment=reason.strip(),
        )
        notify_after_commit(
            to=_admin_emails(cso), template="cso_hidden", context={"cso": cso, "reason": reason}
        )
    return cso


def cso_confirm(*, cso, by):
    """The CSO's 管理者 (or staff) confirms the published profile is still right: 最終確認日 = today."""
    with transaction.atomic():
        cso = CSO.objects.select_for_update().get(pk=cso.pk)
        if not (is_verified_staff(by) or is_cso_admin(by, cso)):
            raise DomainError(_("内容を確認できるのは、団体の管理者か県の担当者です。"))
        if cso.status != CSO.Status.PUBLISHED:
            raise DomainError(
                _("公開中の団体だけが確認できます。いまは「%(status)s」です。")
                % {"status": cso.get_status_display()}
            )
        old = cso.verified_on
        cso.verified_on = timezone.localdate()
        cso.save(update_fields=["verified_on", "updated_at"])
        _record(
            cso=cso,
            by=by,
            action=CSOHistoryEntry.Action.CONFIRMED,
            changes=[
                {
                    "field": "verified_on",
                    "label": str(CSO._meta.get_field("verified_on").verbose_name),
                    "old": old.isoformat() if old else "",
                    "new": cso.verified_on.isoformat(),
                }
            ],
            assisted=is_assisted(by, cso),
        )
    return cso


REMINDER_TEMPLATE = "cso_verification_reminder"


def _reminder_reference(cso, due, today):
    return f"cso:{cso.pk}:{due.isoformat() if due else '-'}:{today.isoformat()}"


def cso_remind_verification(*, cso, today):
    """Ask the 管理者 to confirm a profile that shows 要更新; once per overdue period.

    The mail is queued (kyodo_portal/outbox.py); the CSO counts as reminded, with its history
    entry, only once a reminder has really gone out (``cso_reminder_sent``). Until then a later
    run does not queue another while one waits for its next try, and queues a new one when
    the last ended 送信失敗. Returns True when a reminder was queued; False when one was
    already sent or is waiting for this period, or the CSO has no 管理者 to send it to (staff
    then follow up by phone).
    """
    with transaction.atomic():
        cso = CSO.objects.select_for_update().get(pk=cso.pk)
        if not cso.is_update_due(today):
            return False
        due = cso.verification_due_on()
        already = cso.verification_reminded_on is not None and (
            due is None or cso.verification_reminded_on >= due
        )
        if already:
            return False
        period = _reminder_reference(cso, due, today).rpartition(":")[0] + ":"
        waiting = OutgoingMail.objects.filter(
            template=REMINDER_TEMPLATE,
            reference__startswith=period,
            status__in=[OutgoingMail.Status.PENDING, OutgoingMail.Status.SENDING],
        )
        if waiting.exists():
            return False
        recipients = _admin_emails(cso)
        if not recipients:
            return False
        notify_after_commit(
            to=recipients,
            template=REMINDER_TEMPLATE,
            context={"cso": cso, "next_due": one_year_after(today)},
            reference=_reminder_reference(cso, due, today),
        )
    return True


def cso_reminder_sent(mail):
    """A verification reminder went out (an ``outbox.when_sent`` callback): the CSO is reminded
    on the day the reminder was queued for, once per period, with its history entry."""
    _kind, pk, _due, queued_on = mail.reference.split(":")
    with transaction.atomic():
        cso = CSO.objects.select_for_update().filter(pk=pk).first()
        if cso is None:
            return
        today = datetime.date.fromisoformat(queued_on)
        due = cso.verification_due_on()
        if cso.verification_reminded_on is not None and (
            due is None or cso.verification_reminded_on >= due
        ):
            return
        cso.verification_reminded_on = today
        cso.save(update_fields=["verification_reminded_on"])
        _record(cso=cso, by=None, action=CSOHistoryEntry.Action.REMINDED)


def remind_due_verifications(today):
    """Queue the reminder of every CSO that shows 要更新 (the daily job and
    ``manage.py remind_cso_verification``): (how many were queued, the CSOs without a 管理者)."""
    queued, without_admin = 0, []
    for cso in CSO.objects.needing_update(today).order_by("pk").iterator():
        if cso_remind_verification(cso=cso, today=today):
            queued += 1
        elif not cso.admins().exists():
            without_admin.append(cso)
    return queued, without_admin


def membership_request(*, cso, user):
    """Ask to join a published CSO; its 管理者 approve or decline."""
    with transaction.atomic():
        cso = CSO.objects.select_for_update().get(pk=cso.pk)
        if not cso.is_public:
            raise DomainError(_("公開されている団体にだけ参加を申し込めます。"))
        membership = Membership.objects.filter(cso=cso, user=user).first()
        if membership is not None and membership.status == Membership.Status.ACTIVE:
            raise DomainError(_("すでにこの団体のメンバーです。"))
        if membership is not None and membership.status == Membership.Status.REQUESTED:
            raise DomainError(_("この団体への参加はすでに申し込んでいます。"))
        if membership is None:
            membership = Membership.objects.create(
                cso=cso, user=user, role=Membership.Role.MEMBER, status=Membership.Status.REQUESTED
            )
        else:
            membership.role = Membership.Role.MEMBER
            membership.status = Membership.Status.REQUESTED
            membership.decided_at = None
            membership.save(update_fields=["role", "status", "decided_at"])
        user.groups.add(Group.objects.get(name=Role.CSO_MEMBER))
        _record(
            cso=cso,
            by=user,
            action=CSOHistoryEntry.Action.MEMBERSHIP,
            changes=[_membership_change(user, "", Membership.Status.REQUESTED.label)],
        )
        notify_after_commit(
            to=_admin_emails(cso) or coordinator_addresses(),
            template="cso_join_requested",
            context={"cso": cso, "applicant": user},
        )
    return membership


def _membership_change(user, old, new):
    return {
        "field": "membership",
        "label": _("メンバー: %(name)s") % {"name": user},
        "old": str(old),
        "new": str(new),
    }


def _lock_membership(membership):
    """Lock the CSO first: rules such as "one 管理者 remains" span all its memberships."""
    CSO.objects.select_for_update().get(pk=membership.cso_id)
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("cso", "user")
        .get(pk=membership.pk)
    )


def _ensure_can_manage_members(cso, by):
    """A CSO's 管理者 manage its members; 県民協働課 step in for a group without one."""
    if is_coordinator(by) or is_cso_admin(by, cso):
        return
    raise DomainError(_("メンバーを承認・変更できるのは、団体の管理者だけです。"))


def membership_approve(*, membership, by, role=Membership.Role.MEMBER):
    with transaction.atomic():
        membership = _lock_membership(membership)
        _ensure_can_manage_members(membership.cso, by)
        if membership.status != Membership.Status.REQUESTED:
            raise DomainError(_("承認待ちの申し込みではありません。"))
        membership.status = Membership.Status.ACTIVE
        membership.role = role
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "role", "decided_at"])
        _record(
            cso=membership.cso,
            by=by,
            action=CSOHistoryEntry.Action.MEMBERSHIP,
            changes=[
                _membership_change(
                    membership.user,
                    Membership.Status.REQUESTED.label,
                    f"{Membership.Status.ACTIVE.label}（{membership.get_role_display()}）",
                )
            ],
            assisted=is_assisted(by, membership.cso),
        )
        notify_after_commit(
            to=[membership.user.email],
            template="cso_join_approved",
            context={"cso": membership.cso, "membership": membership},
        )
    return membership


def membership_decline(*, membership, by):
    with transaction.atomic():
        membership = _lock_membership(membership)
        _ensure_can_manage_members(membership.cso, by)
        if membership.status != Membership.Status.REQUESTED:
            raise DomainError(_("承認待ちの申し込みではありません。"))
        membership.status = Membership.Status.DECLINED
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "decided_at"])
        _record(
            cso=membership.cso,
            by=by,
            action=CSOHistoryEntry.Action.MEMBERSHIP,
            changes=[
                _membership_change(
                    membership.user,
                    Membership.Status.REQUESTED.label,
                    Membership.Status.DECLINED.label,
                )
            ],
            assisted=is_assisted(by, membership.cso),
        )
        notify_after_commit(
            to=[membership.user.email],
            template="cso_join_declined",
            context={"cso": membership.cso},
        )
    return membership


def _ensure_another_admin_remains(membership):
    others = Membership.objects.admins().filter(cso_id=membership.cso_id).exclude(pk=membership.pk)
    if not others.exists():
        raise DomainError(
            _("管理者が一人もいなくなってしまいます。先に別のメンバーを管理者にしてください。")
        )


def membership_change_role(*, membership, by, role):
    with transaction.atomic():
        membership = _lock_membership(membership)
        _ensure_can_manage_members(membership.cso, by)
        if membership.status != Membership.Status.ACTIVE:
            raise DomainError(_("承認済みのメンバーだけ役割を変えられます。"))
        if membership.role == role:
            return membership
        if membership.role == Membership.Role.ADMIN:
            _ensure_another_admin_remains(membership)
        old = membership.get_role_display()
        membership.role = role
        membership.save(update_fields=["role"])
        _record(
            cso=membership.cso,
            by=by,
            action=CSOHistoryEntry.Action.MEMBERSHIP,
            changes=[_membership_change(membership.user, old, membership.get_role_display())],
            assisted=is_assisted(by, membership.cso),
        )
    return membership


def membership_leave(*, membership, by):
    """A member leaves (or a 管理者 removes them); the row is kept as 退会, never deleted."""
    with transaction.atomic():
        membership = _lock_membership(membership)
        if membership.user_id != by.pk:
            _ensure_can_manage_members(membership.cso, by)
        if membership.status != Membership.Status.ACTIVE:
            raise DomainError(_("承認済みのメンバーではありません。"))
        if membership.role == Membership.Role.ADMIN:
            _ensure_another_admin_remains(membership)
        membership.status = Membership.Status.LEFT
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "decided_at"])
        _record(
            cso=membership.cso,
            by=by,
            action=CSOHistoryEntry.Action.MEMBERSHIP,
            changes=[
                _membership_change(
                    membership.user, Membership.Status.ACTIVE.label, Membership.Status.LEFT.label
                )
            ],
            assisted=is_assisted(by, membership.cso),
        )
    return membership
