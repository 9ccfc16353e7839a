"""The progress sheet (進捗表): staff download their agreements at 実施中 as CSV or Excel, fill
in a line per agreement, and upload the same file to report progress on many at once.

All or nothing: every row is checked first; one bad row and nothing is recorded, and each bad
row is named with its reasons. Rows whose input columns are left blank are skipped.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo_portal import spreadsheets
from kyodo_portal.csv_export import csv_text, safe_cell
from proposals.agreements import services
from proposals.models import Agreement, ProgressReport

ID = "協定ID"
INPUT_COLUMNS = ["報告日", "進捗率", "報告の内容", "次の予定", "公開範囲", "公開用の要約"]
REQUIRED_COLUMNS = [ID, "報告日", "進捗率", "報告の内容"]
REFERENCE_COLUMNS = ["事業名", "団体", "担当部署", "最新の進捗率", "最新の報告日"]
HEADER = [ID, *REFERENCE_COLUMNS, *INPUT_COLUMNS]
VISIBILITY_WORDS = {
    "公開": ProgressReport.Visibility.PUBLIC,
    "関係者のみ": ProgressReport.Visibility.PARTIES,
    "": ProgressReport.Visibility.PARTIES,
}
COLUMN_HELP = [
    (ID, gettext_lazy("変えないでください。担当の「実施中」の協定だけを受け付けます。")),
    (
        "事業名・団体・担当部署・最新の進捗率・最新の報告日",
        gettext_lazy("確認用です。取り込みでは読みません。"),
    ),
    ("報告日", gettext_lazy("2026-04-01 の形。未来の日付は不可。")),
    ("進捗率", gettext_lazy("0 から 100 までの整数（% は付けても付けなくても可）。")),
    ("報告の内容", gettext_lazy("必須。")),
    ("次の予定", gettext_lazy("任意。")),
    ("公開範囲", gettext_lazy("「公開」か「関係者のみ」。空欄は関係者のみ。")),
    ("公開用の要約", gettext_lazy("「公開」のときに必須。公開ページに載ります。")),
]


class RowError(spreadsheets.RowError):
    separator = " "  # each reason is a sentence


@dataclass
class PlannedReport:
    number: int
    agreement: Agreement
    values: dict


@dataclass
class SheetResult:
    planned: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    skipped: int = 0
    applied: bool = False


# --- export --------------------------------------------------------------------------------------


def sheet_agreements(user):
    """The agreements a staff member reports on: theirs (or all for 県民協働課) at 実施中."""
    latest = ProgressReport.objects.filter(agreement=OuterRef("pk")).order_by("-reported_on", "-id")
    return (
        Agreement.objects.for_staff(user)
        .accepting_progress_reports()
        .for_listing()
        .annotate(
            latest_percent=Subquery(latest.values("percent_complete")[:1]),
            latest_on=Subquery(latest.values("reported_on")[:1]),
        )
        .order_by("pk")
    )


def sheet_rows(user):
    for agreement in sheet_agreements(user):
        parties = "、".join(p.cso.name for p in agreement.current_version.parties.all())
        yield [
            agreement.pk,
            agreement.title,
            parties,
            agreement.department.full_name,
            agreement.latest_percent if agreement.latest_percent is not None else "",
            agreement.latest_on.isoformat() if agreement.latest_on else "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]


def export_csv(user):
    return csv_text(HEADER, sheet_rows(user))


def export_xlsx(user):
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "進捗表"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    input_fill = PatternFill("solid", fgColor="FFF8DC")
    for row in sheet_rows(user):
        sheet.append([safe_cell(value) for value in row])
        for cell in sheet[sheet.max_row][len(HEADER) - len(INPUT_COLUMNS) :]:
            cell.fill = input_fill
            cell.number_format = "@"
    widths = [8, 40, 30, 28, 10, 12, 12, 8, 50, 30, 12, 40]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import --------------------------------------------------------------------------------------


def read_sheet(data, filename):
    """[(row number, {column: text})] of the filled-in sheet: the ID and the input columns."""
    return spreadsheets.read_spreadsheet(
        data,
        filename,
        columns={name: name for name in [ID, *INPUT_COLUMNS]},
        required=REQUIRED_COLUMNS,
        missing_message=_(
            "1行目に必要な項目名がありません: %(names)s。この画面でダウンロードした進捗表を使ってください。"
        ),
        unquote_formulas=True,  # the export's apostrophe before a cell a spreadsheet would run
    ).rows


def _parse_date(text):
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _parse_percent(text):
    text = text.replace("%", "").replace("％", "").strip()
    if not re.fullmatch(r"\d{1,3}", text):
        return None
    value = int(text)
    return value if 0 <= value <= 100 else None


def plan(rows, user, progress=None):
    """Check every row; nothing is written. ``progress(items, label)`` wraps the loop to tell
    someone how far it is."""
    result = SheetResult()
    allowed = {a.pk: a for a in Agreement.objects.for_staff(user).select_related("department")}
    seen = {}
    today = timezone.localdate()
    for number, row in progress(rows, _("確認中")) if progress else rows:
        if not any(row.get(column, "") for column in INPUT_COLUMNS):
            result.skipped += 1
            continue
        messages = []
        agreement = None
        raw_id = row.get(ID, "")
        if not raw_id.isdigit() or int(raw_id) not in allowed:
            messages.append(
                _("協定ID「%(id)s」は担当の協定にありません。") % {"id": raw_id or "（空欄）"}
            )
        else:
            agreement = allowed[int(raw_id)]
            if agreement.pk in seen:
                messages.append(
                    _("協定ID %(id)s は %(row)s行目にもあります。1協定につき1行にしてください。")
                    % {"id": agreement.pk, "row": seen[agreement.pk]}
                )
            seen.setdefault(agreement.pk, number)
            if not agreement.accepts_progress_reports:
                messages.append(
                    _("協定ID %(id)s は「%(status)s」のため報告できません（実施中のみ）。")
                    % {"id": agreement.pk, "status": agreement.get_status_display()}
                )
        reported_on = _parse_date(row.get("報告日", ""))
        if reported_on is None:
            messages.append(_("報告日は 2026-04-01 の形で入力してください。"))
        elif reported_on > today:
            messages.append(_("報告日に未来の日付は入力できません。"))
        percent = _parse_percent(row.get("進捗率", ""))
        if percent is None:
            messages.append(_("進捗率は 0 から 100 までの整数で入力してください。"))
        text = row.get("報告の内容", "")
        if not text:
            messages.append(_("報告の内容を書いてください。"))
        visibility_word = row.get("公開範囲", "")
        visibility = VISIBILITY_WORDS.get(visibility_word)
        summary = row.get("公開用の要約", "")
        if visibility is None:
            messages.append(_("公開範囲は「公開」か「関係者のみ」にしてください。"))
        elif visibility == ProgressReport.Visibility.PUBLIC and not summary:
            messages.append(_("公開する報告には公開用の要約を書いてください。"))
        if messages:
            result.errors.append(RowError(number, messages))
            continue
        result.planned.append(
            PlannedReport(
                number,
                agreement,
                {
                    "reported_on": reported_on,
                    "percent_complete": percent,
                    "text": text,
                    "next_steps": row.get("次の予定", ""),
                    "visibility": visibility,
                    "public_summary": summary,
                },
            )
        )
    return result


def import_sheet(data, filename, *, by, progress=None):
    """Check the whole file, then record every report in one transaction, or none."""
    result = plan(read_sheet(data, filename), by, progress=progress)
    if result.errors or not result.planned:
        return result
    try:
        with transaction.atomic():
            planned = result.planned
            for item in progress(planned, _("書き込み中")) if progress else planned:
                try:
                    services.progress_report(agreement=item.agreement, by=by, **item.values)
                except services.DomainError as error:
                    result.errors.append(RowError(item.number, [error.message]))
                    raise
    except services.DomainError:
        return result
    result.applied = True
    return result
