"""Participant lists for the organiser (CSV, UTF-8 with BOM so that Excel opens it)."""

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo_portal.csv_export import csv_text
from outreach.models import Registration


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def participants(events):
    """Every registration of ``events`` except unconfirmed guest applications, in list order."""
    return (
        Registration.objects.filter(event__in=events)
        .exclude(status=Registration.Status.PENDING)
        .select_related("event")
        .annotate(
            status_order=Case(
                When(status=Registration.Status.CONFIRMED, then=Value(0)),
                When(status=Registration.Status.WAITLISTED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by(
            "event__starts_at", "event_id", "status_order", "waitlisted_at", "created_at", "pk"
        )
    )


def participants_csv(events):
    registrations = participants(events)
    header = [
        _("催し"),
        _("開始日時"),
        _("状態"),
        _("氏名"),
        _("所属"),
        _("メールアドレス"),
        _("配慮が必要なことなど"),
        _("申込日時"),
        _("参加確定日時"),
        _("取消日時"),
        _("申込方法"),
    ]
    rows = (
        [
            registration.event.title,
            _local(registration.event.starts_at),
            registration.get_status_display(),
            registration.name,
            registration.organisation,
            registration.email,
            registration.note,
            _local(registration.created_at),
            _local(registration.confirmed_at),
            _local(registration.cancelled_at),
            _("メール確認") if registration.is_guest else _("ログイン"),
        ]
        for registration in registrations
    )
    return csv_text(header, rows)
