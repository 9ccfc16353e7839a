"""The open-data columns of published evaluations (CSV and JSON share them), documented on
/evaluations/export/ from the same list."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations.models import PRINCIPLES, Side
from kyodo_portal.wareki import fiscal_year_label

SITE_PATH = "/evaluations/{pk}/"

COLUMNS = [
    ("id", _("振り返りID"), _("このポータルでの番号。公開ページは /evaluations/<ID>/ です。")),
    ("agreement_id", _("協働事業ID"), _("協働事業の番号。公開ページは /projects/<ID>/ です。")),
    ("title", _("事業名"), _("協定書（現在の版）の事業名。")),
    ("kind", _("種類"), _("完了時の振り返り、または年度ごとの中間の振り返り。")),
    ("fiscal_year", _("年度（西暦）"), _("振り返りの対象年度。4月から翌年3月まで。例: 2024")),
    ("fiscal_year_label", _("年度（和暦）"), _("例: 令和6年度")),
    ("department", _("県の担当部署"), _("部と課（または現地機関）。")),
    ("form", _("協働の形態"), _("協働型委託・共催・補助・後援・事業協力。")),
    ("zone", _("協働の領域"), _("B・C・D のどれか（協働指針の領域区分）。")),
    ("activity_fields", _("活動分野"), _("特定非営利活動促進法の別表の分野。複数は「;」区切り。")),
    ("csos", _("団体"), _("協定の当事者の団体名。複数は「;」区切り。")),
    ("concluded_on", _("締結日"), _("西暦の年月日（YYYY-MM-DD）。")),
    ("completed_on", _("完了日"), _("西暦の年月日。実施中の中間の振り返りでは空欄。")),
    (
        "decision",
        _("今後の方針"),
        _("継続・見直して継続・終了。中間の振り返りでは空欄のことがあります。"),
    ),
    ("change_content", _("見直す点（内容）"), _("両者が合意した見直しの内容。")),
    ("change_partner", _("見直す点（相手）"), ""),
    ("change_form", _("見直す点（形態）"), ""),
    ("published_at", _("公開日"), _("西暦の年月日。")),
]
PART_TEXTS = [
    ("outcomes", _("成果")),
    ("went_well", _("うまくいったこと")),
    ("problems", _("課題")),
    ("lessons", _("次に生かすこと")),
]
SIDE_KEYS = [(Side.CSO, "cso", _("団体")), (Side.PREFECTURE, "pref", _("県"))]
PRINCIPLE_COLUMNS = [
    (f"{prefix}_{key}_rating", f"{side_label}・{label}（1〜5）")
    for _side, prefix, side_label in SIDE_KEYS
    for key, label in PRINCIPLES
] + [
    (f"{prefix}_{key}", f"{side_label}・{label}")
    for _side, prefix, side_label in SIDE_KEYS
    for key, label in PART_TEXTS
]


def column_keys():
    return [key for key, _label, _note in COLUMNS] + [key for key, _label in PRINCIPLE_COLUMNS]


def header():
    return [str(label) for _key, label, _note in COLUMNS] + [
        str(label) for _key, label in PRINCIPLE_COLUMNS
    ]


def _date(value):
    return value.isoformat() if value else ""


def row(evaluation):
    """One published evaluation as a list of cells in ``column_keys()`` order."""
    agreement = evaluation.agreement
    version = agreement.current_version
    parties = version.parties.all() if version else []
    values = [
        evaluation.pk,
        agreement.pk,
        agreement.title,
        str(evaluation.get_kind_display()),
        evaluation.fiscal_year,
        fiscal_year_label(evaluation.fiscal_year),
        agreement.department.full_name,
        str(agreement.get_form_display()),
        agreement.zone,
        ";".join(field.name for field in agreement.activity_fields.all()),
        ";".join(party.cso.name for party in parties),
        _date(agreement.concluded_on),
        _date(agreement.completed_on),
        str(evaluation.get_decision_display()) if evaluation.decision else "",
        evaluation.change_content,
        evaluation.change_partner,
        evaluation.change_form,
        _date(timezone.localdate(evaluation.published_at) if evaluation.published_at else None),
    ]
    parts = {part.side: part for part in evaluation.parts.all()}
    for side, _prefix, _label in SIDE_KEYS:
        for key, _principle in PRINCIPLES:
            values.append(getattr(parts[side], f"{key}_rating"))
    for side, _prefix, _label in SIDE_KEYS:
        for key, _text in PART_TEXTS:
            values.append(getattr(parts[side], key))
    return values
