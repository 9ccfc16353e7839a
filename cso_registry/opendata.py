"""The open data of the CSO directory: one list of columns for the CSV, the JSON and the page
that documents them. Public fields only; contact details only where the CSO opted in."""

import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_portal import published_files
from kyodo_portal.csv_export import csv_lines
from kyodo_portal.site import absolute_url

# The whole directory, written each night (and on demand by 県民協働課) and served as files.
CSV_FILE = "cso.csv"
JSON_FILE = "cso.json"
CHUNK_SIZE = 500


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    description: str
    value: object  # callable(cso, context) -> str | int | None


def _survey(cso, attribute):
    survey = cso.latest_survey
    if survey is None:
        return None
    if attribute == "budget_band":
        return survey.get_budget_band_display()
    return getattr(survey, attribute)


def _contact(name):
    return lambda cso, context: cso.public_contact().get(name, "")


COLUMNS = [
    Column(
        "id",
        _("ID"),
        _("ポータルでの団体の番号。詳細ページのアドレスにも使います。"),
        lambda cso, context: cso.pk,
    ),
    Column("name", _("団体名"), "", lambda cso, context: cso.name),
    Column(
        "furigana",
        _("フリガナ"),
        _("カタカナ。名簿はこの五十音順です。"),
        lambda cso, context: cso.furigana,
    ),
    Column(
        "kind",
        _("団体の種類"),
        _("NPO法人、自治会・町内会など。"),
        lambda cso, context: cso.get_kind_display(),
    ),
    Column(
        "kind_group",
        _("区分"),
        _("志縁組織（関心で集まる団体）か地縁組織（地域の団体）か。"),
        lambda cso, context: str(cso.kind_group_label),
    ),
    Column(
        "corporate_number",
        _("法人番号"),
        _("13桁。法人格のない団体は空欄です。"),
        lambda cso, context: cso.corporate_number,
    ),
    Column(
        "municipality_code",
        _("所在地の市町コード"),
        _("全国地方公共団体コード（6桁）。"),
        lambda cso, context: cso.municipality.code,
    ),
    Column("municipality", _("所在地の市町"), "", lambda cso, context: cso.municipality.name),
    Column(
        "activity_fields",
        _("活動分野"),
        _("NPO法 別表の号の番号と名称。複数あるときは「;」区切り。"),
        lambda cso, context: ";".join(f"{af.number}:{af.name}" for af in cso.activity_fields.all()),
    ),
    Column(
        "areas",
        _("活動地域"),
        _("活動している市町。複数あるときは「;」区切り。"),
        lambda cso, context: ";".join(area.name for area in cso.areas.all()),
    ),
    Column("description", _("団体の紹介"), "", lambda cso, context: cso.description),
    Column(
        "founded_on",
        _("設立年月日"),
        _("YYYY-MM-DD 形式。"),
        lambda cso, context: cso.founded_on.isoformat() if cso.founded_on else "",
    ),
    Column("member_count", _("会員数"), "", lambda cso, context: cso.member_count),
    Column("website", _("ウェブサイト"), "", lambda cso, context: cso.website),
    Column(
        "representative_name",
        _("代表者名"),
        _("団体が公開を選んだときだけ載せます。"),
        _contact("representative_name"),
    ),
    Column(
        "postal_code",
        _("郵便番号"),
        _("団体が公開を選んだときだけ載せます。"),
        _contact("postal_code"),
    ),
    Column(
        "address",
        _("所在地"),
        _("市町より後の住所。団体が公開を選んだときだけ載せます。"),
        _contact("address"),
    ),
    Column("phone", _("電話番号"), _("団体が公開を選んだときだけ載せます。"), _contact("phone")),
    Column(
        "email", _("メールアドレス"), _("団体が公開を選んだときだけ載せます。"), _contact("email")
    ),
    Column(
        "disclosure_level",
        _("情報開示レベル"),
        _("3（充実）・2（標準）・1（基本）。公開情報と直近の実態調査への回答の充実度です。"),
        lambda cso, context: cso.disclosure(context["today"]).level,
    ),
    Column(
        "verified_on",
        _("最終確認日"),
        _("団体の情報を最後に確かめた日（YYYY-MM-DD）。"),
        lambda cso, context: cso.verified_on.isoformat() if cso.verified_on else "",
    ),
    Column(
        "needs_update",
        _("要更新"),
        _("最終確認から1年を過ぎていれば「1」。"),
        lambda cso, context: 1 if cso.needs_update(context["today"]) else 0,
    ),
    Column(
        "survey_fiscal_year",
        _("実態調査の回答年度"),
        _("直近の回答の年度（西暦）。"),
        lambda cso, context: _survey(cso, "fiscal_year"),
    ),
    Column(
        "survey_budget_band",
        _("年間予算規模"),
        _("直近の実態調査の回答。"),
        lambda cso, context: _survey(cso, "budget_band"),
    ),
    Column(
        "survey_paid_staff",
        _("有給職員数"),
        _("直近の実態調査の回答。"),
        lambda cso, context: _survey(cso, "paid_staff"),
    ),
    Column(
        "survey_volunteers",
        _("ボランティア数"),
        _("直近の実態調査の回答。"),
        lambda cso, context: _survey(cso, "volunteers"),
    ),
    Column(
        "url",
        _("詳細ページ"),
        _("ポータルでの団体のページ。"),
        lambda cso, context: absolute_url(cso.get_absolute_url()),
    ),
]


def row_values(cso, context):
    return [column.value(cso, context) for column in COLUMNS]


def csv_chunks(csos, context):
    return csv_lines(
        [column.label for column in COLUMNS], (row_values(cso, context) for cso in csos)
    )


def json_chunks(csos, context):
    keys = [column.key for column in COLUMNS]
    yield '{"columns": '
    yield json.dumps(
        [
            {"key": column.key, "label": str(column.label), "description": str(column.description)}
            for column in COLUMNS
        ],
        ensure_ascii=False,
    )
    yield ', "items": ['
    for index, cso in enumerate(csos):
        item = dict(zip(keys, row_values(cso, context), strict=True))
        yield ("," if index else "") + json.dumps(item, ensure_ascii=False)
    yield "]}\n"


def write_files(progress=None):
    """Write the whole directory's CSV and JSON to storage (kyodo_portal/published_files.py);
    returns {file name: rows}. ``progress`` (kyodo_portal.jobs.Progress) is told how far."""
    from cso_registry.models import CSO

    context = {"today": timezone.localdate()}
    written = {}
    for name, chunks, label in (
        (CSV_FILE, csv_chunks, _("CSV を作成中")),
        (JSON_FILE, json_chunks, _("JSON を作成中")),
    ):
        csos = CSO.objects.public().for_listing()
        total = csos.count()
        if progress is not None:
            progress.stage(label, total)
        counted = _counting(csos.iterator(chunk_size=CHUNK_SIZE), progress)
        record = published_files.write(name, chunks(counted, context), rows=total)
        written[name] = record.rows
    return written


def _counting(csos, progress):
    for index, cso in enumerate(csos, start=1):
        yield cso
        if progress is not None:
            progress.advance(index)
