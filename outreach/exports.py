"""Participant lists for the organiser (CSV, UTF-8 with BOM so that Excel opens it)."""

import csv
import io

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.models import Registration

# Cells starting with these are formulas to a spreadsheet; a leading quote keeps them text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def participants_csv(events):
    """Every registration of ``events`` except unconfirmed guest applications."""
    registrations = (
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
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
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
    )
    for registration in registrations:
        writer.writerow(
            [
                _cell(registration.event.title),
                _local(registration.event.starts_at),
                registration.get_status_display(),
                _cell(registration.name),
                _cell(registration.organisation),
                _cell(registration.email),
                _cell(registration.note),
                _local(registration.created_at),
                _local(registration.confirmed_at),
                _local(registration.cancelled_at),
                _("メール確認") if registration.is_guest else _("ログイン"),
            ]
        )
    return buffer.getvalue()
