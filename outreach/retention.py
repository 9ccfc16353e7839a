"""The retention rules of event registrations (accounts/retention.py), registered in
OutreachConfig.ready(): a guest's request that was never confirmed is deleted; after an event,
its participants' personal data is made anonymous, the registrations (and so the counts) stay."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import retention
from outreach.models import Registration


def _unconfirmed(cutoff):
    return Registration.objects.filter(status=Registration.Status.PENDING, created_at__lt=cutoff)


def _past_participants(cutoff):
    """Registrations of events that ended before ``cutoff`` that still hold personal data: a
    guest's name and address, anyone's 配慮 note (it may hold 要配慮個人情報)."""
    guests = Q(user__isnull=True) & ~Q(email__endswith=f"@{retention.ERASED_DOMAIN}")
    members_with_note = Q(user__isnull=False) & ~Q(note="")
    return (
        Registration.objects.filter(event__ends_at__lt=cutoff)
        .exclude(status=Registration.Status.PENDING)
        .filter(guests | members_with_note)
    )


def _anonymise(rows):
    """A guest's name becomes a placeholder and the address an undeliverable one; the
    organisation and the note are cleared. A signed-in person's registration stays theirs (the
    name and address are their account's), only the note is cleared."""
    guests = rows.filter(user__isnull=True).update(
        name=str(retention.ERASED_NAME),
        email=retention.erased_email_expression(),
        organisation="",
        note="",
    )
    members = rows.filter(user__isnull=False).update(note="")
    return guests + members


RULES = [
    retention.Rule(
        key="unconfirmed_registrations",
        label=_("メールで確認されなかった催しの申込"),
        action=retention.DELETE,
        due=_unconfirmed,
        period_setting="RETENTION_UNCONFIRMED_REGISTRATION_DAYS",
        counted_from=_("申込から"),
        shortest=lambda: Registration.CONFIRMATION_MAX_AGE,
    ),
    retention.Rule(
        key="event_participants",
        label=_(
            "催しの参加者の氏名・メールアドレス・所属・配慮が必要なこと"
            "（ログインして申し込んだ方は配慮が必要なことだけ。人数は残します）"
        ),
        action=retention.ANONYMISE,
        due=_past_participants,
        apply=_anonymise,
        period_setting="RETENTION_EVENT_PARTICIPANT_DAYS",
        counted_from=_("催しの終了から"),
    ),
]


def register():
    for rule in RULES:
        retention.register(rule)
