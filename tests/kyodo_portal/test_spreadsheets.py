import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import Form
from openpyxl import Workbook

from cso_registry.models import CSO
from cso_registry.survey_import import import_survey
from kyodo_portal.errors import DomainError
from kyodo_portal.spreadsheets import (
    RowError,
    SpreadsheetField,
    SpreadsheetFileError,
    read_spreadsheet,
)

COLUMNS = {"団体名": "name", "人数": "count", "報告日": "reported_on"}


def read(data, filename="sheet.csv", **options):
    options.setdefault("columns", COLUMNS)
    options.setdefault("required", ["団体名"])
    return read_spreadsheet(data, filename, **options)


def xlsx(*rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_shift_jis_csv_saved_by_excel_is_read():
    data = "団体名,人数\r\n唐津の会,12\r\n".encode("cp932")

    assert read(data).rows == [(2, {"name": "唐津の会", "count": "12"})]


def test_a_utf8_csv_with_a_byte_order_mark_keeps_its_first_header():
    data = "\ufeff団体名,人数\r\n鳥栖の会,3\r\n".encode()

    spreadsheet = read(data)

    assert spreadsheet.headers == ["団体名", "人数"]
    assert spreadsheet.rows == [(2, {"name": "鳥栖の会", "count": "3"})]


def test_a_csv_in_neither_encoding_is_refused():
    with pytest.raises(SpreadsheetFileError, match="文字コードを読み取れません"):
        read("団体名\r\n".encode() + b"\x81\r\n")


def test_an_xlsx_cell_reads_as_the_text_it_shows():
    data = xlsx(
        ["団体名", "人数", "報告日"],
        ["  武雄の会 ", 12.0, datetime.datetime(2026, 4, 1, 9, 30)],
        ["嬉野の会", None, datetime.date(2026, 5, 2)],
    )

    rows = read(data, "sheet.xlsx").rows

    assert rows == [
        (2, {"name": "武雄の会", "count": "12", "reported_on": "2026-04-01"}),
        (3, {"name": "嬉野の会", "reported_on": "2026-05-02"}),
    ]


def test_a_broken_xlsx_is_refused_with_a_message():
    with pytest.raises(SpreadsheetFileError, match="Excel ファイルを読めません"):
        read(b"PK\x03\x04 not really a workbook", "sheet.xlsx")


@pytest.mark.parametrize("filename", ["sheet.txt", "sheet.xls", "", None])
def test_a_file_neither_csv_nor_xlsx_is_refused(filename):
    with pytest.raises(SpreadsheetFileError) as refused:
        read("団体名\r\n会\r\n".encode(), filename)

    assert refused.value.message == "CSV（.csv）か Excel（.xlsx）のファイルを指定してください。"


def test_an_empty_file_is_refused():
    with pytest.raises(SpreadsheetFileError, match="ファイルが空です"):
        read(b"")


def test_a_missing_required_header_is_named_in_the_message():
    with pytest.raises(SpreadsheetFileError) as refused:
        read("人数\r\n3\r\n".encode(), required=["団体名", "人数", "報告日"])

    assert refused.value.message == "1行目に必要な項目名がありません: 団体名、報告日。"
    assert str(refused.value) == refused.value.message
    assert isinstance(refused.value, DomainError)


def test_an_import_words_the_missing_header_message_itself():
    with pytest.raises(SpreadsheetFileError) as refused:
        read(
            "団体名\r\n".encode(), required=["報告日"], missing_message="進捗表ではない: %(names)s"
        )

    assert refused.value.message == "進捗表ではない: 報告日"


def test_blank_rows_are_skipped_and_row_numbers_count_the_header_as_row_1():
    data = "団体名,人数\r\n,\r\n小城の会,\r\n\r\n多久の会,4\r\n".encode()

    assert read(data).rows == [(3, {"name": "小城の会"}), (5, {"name": "多久の会", "count": "4"})]


def test_unknown_headers_are_not_read_but_listed():
    spreadsheet = read("団体名,備考\r\n伊万里の会,メモ\r\n".encode())

    assert spreadsheet.rows == [(2, {"name": "伊万里の会"})]
    assert spreadsheet.unknown_headers() == ["備考"]


def test_full_width_headers_match_only_when_asked():
    data = "団体名,ＩＤ\r\n鹿島の会,7\r\n".encode()
    columns = {"団体名": "name", "ID": "id"}

    assert read(data, columns=columns).rows == [(2, {"name": "鹿島の会"})]
    assert read(data, columns=columns, nfkc_headers=True).rows == [
        (2, {"name": "鹿島の会", "id": "7"})
    ]


def test_the_apostrophe_the_export_put_before_a_formula_comes_off_only_when_asked():
    data = "団体名,人数\r\n'=HYPERLINK(\"x\"),'-5\r\n'佐賀の会,'5\r\n".encode()

    plain = read(data).rows
    unquoted = read(data, unquote_formulas=True).rows

    assert plain[0][1] == {"name": '\'=HYPERLINK("x")', "count": "'-5"}
    assert unquoted[0][1] == {"name": '=HYPERLINK("x")', "count": "-5"}
    assert unquoted[1][1] == {"name": "'佐賀の会", "count": "'5"}  # not a formula: kept


def test_a_row_error_names_the_row_and_every_reason():
    error = RowError(7, ["報告日が空です。", "進捗率は 0 から 100 までです。"])

    assert str(error) == "7行目: 報告日が空です。 / 進捗率は 0 から 100 までです。"


def test_a_row_error_of_an_import_may_join_its_reasons_otherwise():
    class SentenceRowError(RowError):
        separator = " "

    assert str(SentenceRowError(3, ["一つ目。", "二つ目。"])) == "3行目: 一つ目。 二つ目。"


SURVEY_HEADER = "団体名,フリガナ,団体の種類,所在地の市町,回答年度"
SURVEY_ROW = "神埼の会,カンザキノカイ,市民活動団体,神埼市,"


@pytest.mark.django_db
def test_a_bad_row_in_an_import_is_a_row_error_and_the_good_rows_are_not_saved():
    bad_row = "基山の会,キヤマノカイ,市民活動団体,博多市,"
    data = f"{SURVEY_HEADER}\r\n{SURVEY_ROW}\r\n{bad_row}\r\n".encode()

    result = import_survey(data, "survey.csv", dry_run=False)

    assert [(type(error), error.row_number) for error in result.errors] == [(RowError, 3)]
    assert "博多市" in str(result.errors[0])
    assert not CSO.objects.exists()


@pytest.mark.django_db
def test_nothing_is_saved_when_the_file_as_a_whole_is_refused():
    good = f"{SURVEY_HEADER}\r\n{SURVEY_ROW}\r\n"
    assert import_survey(good.encode(), "survey.csv").ok  # a dry run: these rows would do

    with pytest.raises(SpreadsheetFileError, match="回答年度"):
        import_survey(good.replace(",回答年度", ",回答日").encode(), "survey.csv", dry_run=False)

    assert not CSO.objects.exists()


class UploadForm(Form):
    file = SpreadsheetField(max_bytes=1024 * 1024)


@pytest.mark.parametrize(
    ("name", "size", "code"),
    [
        ("sheet.csv", 10, None),
        ("SHEET.XLSX", 10, None),
        ("sheet.xls", 10, "extension"),
        ("sheet.csv", 1024 * 1024 + 1, "too_large"),
    ],
)
def test_the_upload_field_takes_csv_and_xlsx_up_to_its_size(name, size, code):
    form = UploadForm(files={"file": SimpleUploadedFile(name, b"x" * size)})

    assert form.is_valid() is (code is None)
    if code:
        assert form.errors.as_data()["file"][0].code == code
    if code == "too_large":
        assert form.errors["file"] == ["ファイルが大きすぎます（1MB まで）。"]
