"""Import the prefecture's CSO survey (実態調査) from CSV or Excel, all or nothing.

Every row is checked with the same form as the web pages before anything is written; one bad
row and nothing is imported, and each bad row is named with its reasons. A row matches an
existing CSO by 法人番号, or else by 団体名 + 所在地の市町; a match is updated (blank cells
leave the recorded value as it is), anything else is registered as a new CSO (申請中).
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cso_registry import services
from cso_registry.forms import CSOProfileForm
from cso_registry.models import (
    CSO,
    ActivityField,
    CSOHistoryEntry,
    Municipality,
    SurveyAnswer,
)
from cso_registry.normalize import nfkc, normalize_corporate_number
from kyodo_portal.spreadsheets import RowError, read_spreadsheet

# Column name in the file → key. The first ones are the profile, then the survey answer.
COLUMNS = {
    "法人番号": "corporate_number",
    "団体名": "name",
    "フリガナ": "furigana",
    "ふりがな": "furigana",
    "団体の種類": "kind",
    "代表者名": "representative_name",
    "郵便番号": "postal_code",
    "所在地の市町": "municipality",
    "所在地": "address",
    "電話番号": "phone",
    "メールアドレス": "email",
    "ウェブサイト": "website",
    "設立年月日": "founded_on",
    "会員数": "member_count",
    "活動分野": "activity_fields",
    "活動地域": "areas",
    "団体の紹介": "description",
    "連絡先の公開": "contact_public",
    "回答年度": "fiscal_year",
    "年間予算規模": "budget_band",
    "有給職員数": "paid_staff",
    "ボランティア数": "volunteers",
    "回答日": "answered_on",
}
REQUIRED_COLUMNS = ["団体名", "所在地の市町", "回答年度"]
SURVEY_KEYS = ["fiscal_year", "budget_band", "paid_staff", "volunteers", "answered_on"]
COLUMN_HELP = [
    ("法人番号", gettext_lazy("13桁。あれば、この番号で登録済みの団体と照合します。")),
    ("団体名", gettext_lazy("必須。法人番号がないときは、団体名と所在地の市町で照合します。")),
    ("フリガナ", gettext_lazy("新しい団体では必須。カタカナ（ひらがなも可）。")),
    ("団体の種類", gettext_lazy("新しい団体では必須。例: NPO法人、自治会・町内会、老人クラブ。")),
    ("所在地の市町", gettext_lazy("必須。佐賀県の20市町の名称（例: 佐賀市、吉野ヶ里町）。")),
    ("活動分野", gettext_lazy("NPO法の号の番号を「、」区切りで（例: 1、13）。")),
    ("活動地域", gettext_lazy("市町の名称を「、」区切りで。")),
    ("連絡先の公開", gettext_lazy("「はい」で連絡先を公開します。")),
    ("回答年度", gettext_lazy("必須。西暦（2026）か和暦（令和8年度）。")),
    ("年間予算規模", gettext_lazy("例: 10万円以上100万円未満、予算なし。")),
    ("有給職員数・ボランティア数", gettext_lazy("人数（数字）。")),
    (
        "そのほか",
        gettext_lazy(
            "代表者名、郵便番号、所在地、電話番号、メールアドレス、ウェブサイト、設立年月日、会員数、団体の紹介、回答日。"
        ),
    ),
]
ERA_OFFSETS = {"令和": 2018, "平成": 1988, "昭和": 1925, "R": 2018, "H": 1988, "S": 1925}
TRUE_WORDS = {"はい", "公開", "する", "○", "1", "true", "yes", "y"}


@dataclass
class PlannedRow:
    row_number: int
    cso: CSO | None
    profile: dict
    fiscal_year: int | None
    survey: dict


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self):
        return not self.errors


def read_rows(data, filename):
    """The file's Spreadsheet: headers read after NFKC, each row keyed by COLUMNS."""
    return read_spreadsheet(
        data,
        filename,
        columns=COLUMNS,
        required=REQUIRED_COLUMNS,
        missing_message=_("1行目に必須の項目名がありません: %(names)s"),
        nfkc_headers=True,
    )


def _key(value):
    return re.sub(r"\s", "", nfkc(value))


def _split(value):
    return [part for part in re.split(r"[、,，;；/／\s]+", nfkc(value)) if part]


def _parse_fiscal_year(value):
    text = nfkc(value).replace("年度", "").replace("年", "")
    if re.fullmatch(r"[0-9]{4}", text):
        return int(text)
    match = re.fullmatch(r"(令和|平成|昭和|R|H|S)(元|[0-9]{1,2})", text, flags=re.IGNORECASE)
    if match:
        year = 1 if match[2] == "元" else int(match[2])
        return ERA_OFFSETS[match[1].upper() if len(match[1]) == 1 else match[1]] + year
    raise forms.ValidationError(
        _("回答年度「%(value)s」を読み取れません（例: 2026 または 令和8年度）。"),
        params={"value": value},
    )


def _parse_date(value):
    text = nfkc(value).replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text)
    if match:
        return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}"
    return text


class SurveyRowForm(forms.ModelForm):
    class Meta:
        model = SurveyAnswer
        fields = ["fiscal_year", "budget_band", "paid_staff", "volunteers", "answered_on"]


class SurveyImport:
    def __init__(self, rows, *, by=None, source_name=""):
        self.rows = rows
        self.by = by
        self.source_name = source_name
        self.municipalities = {}
        for municipality in Municipality.objects.all():
            self.municipalities[municipality.name] = municipality
            self.municipalities[municipality.code] = municipality
        self.fields = {str(af.number): af for af in ActivityField.objects.all()}
        self.fields.update({af.name: af for af in self.fields.values()})
        self.kinds = {_key(kind.label): kind.value for kind in CSO.Kind} | {
            kind.value: kind.value for kind in CSO.Kind
        }
        self.budget_bands = {_key(band.label): band.value for band in SurveyAnswer.BudgetBand} | {
            band.value: band.value for band in SurveyAnswer.BudgetBand
        }

    def _lookup(self, mapping, value, message, messages):
        key = _key(value)
        if key in mapping:
            return mapping[key]
        messages.append(message % {"value": value})
        return None

    def _match(self, row, municipality):
        number = normalize_corporate_number(row.get("corporate_number", ""))
        if number:
            match = CSO.objects.filter(corporate_number=number).first()
            if match is not None:
                return match
        if municipality is None:
            return None
        return CSO.objects.filter(name=nfkc(row.get("name", "")), municipality=municipality).first()

    def _profile_data(self, cso):
        """The recorded profile, as form data, so that blank cells keep what is there."""
        if cso is None:
            return {}
        data = {name: getattr(cso, name) for name in services.PROFILE_FIELDS}
        data["municipality"] = cso.municipality_id
        data["founded_on"] = cso.founded_on.isoformat() if cso.founded_on else ""
        data["member_count"] = "" if cso.member_count is None else cso.member_count
        data["activity_fields"] = [af.pk for af in cso.activity_fields.all()]
        data["areas"] = [area.pk for area in cso.areas.all()]
        data["contact_public"] = "on" if cso.contact_public else ""
        return data

    def _check_row(self, number, row, seen):
        messages = []
        municipality = self._lookup(
            self.municipalities,
            row.get("municipality", ""),
            _("所在地の市町「%(value)s」は佐賀県の市町にありません。"),
            messages,
        )
        if "name" not in row:
            messages.append(_("団体名: 入力してください。"))
        key = normalize_corporate_number(row.get("corporate_number", "")) or (
            nfkc(row.get("name", "")),
            municipality.pk if municipality else None,
        )
        if key in seen:
            messages.append(
                _("%(row)d行目と同じ団体です（法人番号、または団体名と市町が同じ）。")
                % {"row": seen[key]}
            )
        seen[key] = number
        cso = self._match(row, municipality)

        data = self._profile_data(cso)
        for key_name, value in row.items():
            if key_name in SURVEY_KEYS:
                continue
            if key_name == "municipality":
                data["municipality"] = municipality.pk if municipality else ""
            elif key_name == "kind":
                data["kind"] = self._lookup(
                    self.kinds, value, _("団体の種類「%(value)s」は選べません。"), messages
                )
            elif key_name == "activity_fields":
                data["activity_fields"] = [
                    af.pk
                    for part in _split(value)
                    if (
                        af := self._lookup(
                            self.fields, part, _("活動分野「%(value)s」はありません。"), messages
                        )
                    )
                ]
            elif key_name == "areas":
                data["areas"] = [
                    area.pk
                    for part in _split(value)
                    if (
                        area := self._lookup(
                            self.municipalities,
                            part,
                            _("活動地域「%(value)s」は佐賀県の市町にありません。"),
                            messages,
                        )
                    )
                ]
            elif key_name == "contact_public":
                data["contact_public"] = "on" if nfkc(value).lower() in TRUE_WORDS else ""
            elif key_name == "founded_on":
                data["founded_on"] = _parse_date(value)
            else:
                data[key_name] = value

        form = CSOProfileForm(data=data, instance=cso, check_version=False)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    messages.append(f"{label}: {error}" if label else error)

        fiscal_year, survey = None, {}
        survey_cells = {name: row[name] for name in SURVEY_KEYS if name in row}
        if survey_cells:
            try:
                fiscal_year = _parse_fiscal_year(survey_cells.get("fiscal_year", ""))
            except forms.ValidationError as error:
                messages.extend(error.messages)
            band = survey_cells.get("budget_band", "")
            survey_data = {
                "fiscal_year": fiscal_year or "",
                "budget_band": self.budget_bands.get(_key(band), band),
                "paid_staff": nfkc(survey_cells.get("paid_staff", "")),
                "volunteers": nfkc(survey_cells.get("volunteers", "")),
                "answered_on": _parse_date(survey_cells.get("answered_on", "")),
            }
            survey_form = SurveyRowForm(data=survey_data)
            if survey_form.is_valid():
                survey = {name: survey_form.cleaned_data[name] for name in services.SURVEY_FIELDS}
            elif fiscal_year is not None:
                for name, errors in survey_form.errors.items():
                    label = survey_form.fields[name].label if name in survey_form.fields else ""
                    messages.extend(f"{label}: {error}" for error in errors)
        if messages:
            return RowError(number, messages)
        return PlannedRow(number, cso, form.cleaned_data, fiscal_year, survey)

    def check(self, progress=None):
        """Check every row; returns (plans, errors). ``progress(items, label)``, if given,
        wraps each loop to tell someone how far it is (a progress bar, a job's page)."""
        plans, errors, seen = [], [], {}
        rows = progress(self.rows, _("確認中")) if progress else self.rows
        for number, row in rows:
            outcome = self._check_row(number, row, seen)
            (errors if isinstance(outcome, RowError) else plans).append(outcome)
        return plans, errors

    def run(self, *, dry_run, progress=None):
        result = ImportResult(total=len(self.rows), dry_run=dry_run)
        plans, result.errors = self.check(progress=progress)
        if result.errors or dry_run:
            result.created = sum(plan.cso is None for plan in plans)
            result.updated = len(plans) - result.created
            return result
        comment = _("実態調査の取り込み: %(source)s") % {"source": self.source_name}
        action = CSOHistoryEntry.Action.IMPORTED
        with transaction.atomic():
            for plan in progress(plans, _("書き込み中")) if progress else plans:
                changed = False
                if plan.cso is None:
                    cso = services.cso_register(
                        by=self.by, data=plan.profile, comment=comment, action=action, notify=False
                    )
                    result.created += 1
                else:
                    cso = plan.cso
                    changed = bool(
                        services.cso_update(
                            cso=cso, by=self.by, data=plan.profile, action=action, comment=comment
                        )
                    )
                if plan.fiscal_year is not None:
                    _answer, survey_changes = services.survey_answer_record(
                        cso=cso,
                        by=self.by,
                        fiscal_year=plan.fiscal_year,
                        data=plan.survey,
                        action=action,
                        comment=comment,
                    )
                    changed = changed or bool(survey_changes)
                if plan.cso is not None:
                    if changed:
                        result.updated += 1
                    else:
                        result.unchanged += 1
        return result


def import_survey(data, filename, *, by=None, dry_run=True, progress=None):
    """Read and import a file's bytes. Raises SpreadsheetFileError when the file cannot be
    read."""
    spreadsheet = read_rows(data, filename)
    importer = SurveyImport(spreadsheet.rows, by=by, source_name=filename)
    result = importer.run(dry_run=dry_run, progress=progress)
    unknown = spreadsheet.unknown_headers()
    if unknown:
        result.warnings.append(
            _("次の列は取り込みません: %(names)s") % {"names": "、".join(unknown)}
        )
    return result
