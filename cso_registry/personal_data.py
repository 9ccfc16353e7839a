"""A person's memberships and CSO history in "download my data" and in closing their account
(accounts/personal_data.py; registered in CsoRegistryConfig.ready()).

Closing is refused while the person is a CSO's last active 管理者: the CSO would be left with
nobody to manage it. Closing ends every 承認済み membership through ``membership_leave`` (the
same rules and history entry as leaving by hand) and withdraws every request still 承認待ち.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.personal_data import (
    ACTION,
    Blocker,
    ClosingRefused,
    ClosingStep,
    Link,
    Section,
    register_closing_blocker,
    register_closing_step,
    register_export_section,
    shown,
)
from cso_registry import services
from cso_registry.models import CSOHistoryEntry, Membership


def sole_admin_memberships(user):
    """The person's 管理者 memberships of CSOs that have no other active 管理者."""
    others = Membership.objects.admins().filter(cso=OuterRef("cso")).exclude(user=user)
    return (
        Membership.objects.admins()
        .filter(user=user)
        .exclude(Exists(others))
        .select_related("cso")
        .order_by("cso__furigana", "cso_id")
    )


def _hand_over_first(membership):
    cso = membership.cso
    return Blocker(
        _(
            "「%(cso)s」の管理者は、いまあなただけです。先にメンバーのページで、ほかのメンバーを"
            "「管理者にする」で管理者にしてください。ほかにメンバーがいないときは、"
            "県民協働課にご相談ください。"
        )
        % {"cso": cso.name},
        links=(
            Link(
                _("「%(cso)s」のメンバー") % {"cso": cso.name},
                reverse("account:cso_members", args=[cso.pk]),
            ),
        ),
    )


def last_admin(user):
    return [_hand_over_first(membership) for membership in sole_admin_memberships(user)]


def _withdraw_request(membership, by):
    """A request still 承認待ち ends as 退会, in the CSO's history like a leave."""
    with transaction.atomic():
        membership = services._lock_membership(membership)
        if membership.status != Membership.Status.REQUESTED:
            return
        membership.status = Membership.Status.LEFT
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "decided_at"])
        services._record(
            cso=membership.cso,
            by=by,
            action=CSOHistoryEntry.Action.MEMBERSHIP,
            changes=[
                services._membership_change(
                    membership.user,
                    Membership.Status.REQUESTED.label,
                    Membership.Status.LEFT.label,
                )
            ],
        )


def end_memberships(user, placeholder_email):
    done = []
    memberships = (
        Membership.objects.filter(
            user=user, status__in=[Membership.Status.ACTIVE, Membership.Status.REQUESTED]
        )
        .select_related("cso")
        .order_by("pk")
    )
    for membership in memberships:
        try:
            if membership.status == Membership.Status.ACTIVE:
                services.membership_leave(membership=membership, by=user)
            else:
                _withdraw_request(membership, user)
        except services.DomainError as error:
            raise ClosingRefused([_hand_over_first(membership)]) from error
        done.append(_("「%(cso)s」を退会しました。") % {"cso": membership.cso.name})
    return done


MEMBERSHIPS = ClosingStep(
    key="cso_registry.memberships",
    does=(
        (
            gettext_lazy("団体のメンバー登録"),
            gettext_lazy(
                "承認済みのものも承認待ちのものも、すべて「退会」にします。それぞれの団体の"
                "変更履歴に、ふつうの退会と同じように記録されます。"
            ),
        ),
    ),
    keeps=(
        (
            gettext_lazy("団体の変更履歴"),
            gettext_lazy("あなたが行った変更と退会の記録は、氏名とともに団体の履歴に残ります。"),
        ),
        (
            gettext_lazy("団体の情報"),
            gettext_lazy(
                "団体のものなので変わりません。団体の代表者名や連絡先にあなたの情報があれば、"
                "閉じる前に団体の管理者に変えてもらってください。"
            ),
        ),
    ),
    run=end_memberships,
)


# --- download my data ---------------------------------------------------------------------


def memberships(user):
    return Section.of(
        key="memberships",
        title=_("団体のメンバー登録"),
        objects=Membership.objects.filter(user=user)
        .select_related("cso")
        .order_by("created_at", "pk"),
        columns={
            "cso": (_("団体"), "cso.name"),
            "role": (_("役割"), shown("role")),
            "status": (_("状態"), shown("status")),
            "created_at": (_("申し込んだ日時"), "created_at"),
            "decided_at": (_("承認・見送り・退会の日時"), "decided_at"),
        },
    )


def cso_history(user):
    """The person's own entries; for a change of members only the action (the entry names
    another member), for other changes the items changed, not their values (old contact data
    of the CSO is not the person's)."""
    return Section.of(
        key="cso_history",
        title=_("団体の変更履歴（あなたの操作）"),
        note=_("変更した項目の名前だけを載せています。変更の前後の値は団体の情報です。"),
        objects=CSOHistoryEntry.objects.filter(by=user).select_related("cso").order_by("at", "pk"),
        columns={
            "created_at": (_("日時"), "at"),
            "cso": (_("団体"), "cso.name"),
            **ACTION,
            "fields": (_("変更した項目"), _changed_items),
            "comment": (_("理由・メモ"), "comment"),
        },
    )


def _changed_items(entry):
    if entry.action == CSOHistoryEntry.Action.MEMBERSHIP:
        return ""
    labels = (change.get("label", "") for change in entry.changes or [])
    return "、".join(str(label) for label in labels if label)


def register():
    register_closing_blocker(last_admin)
    register_closing_step(MEMBERSHIPS)
    register_export_section(memberships)
    register_export_section(cso_history)
