"""Reading the spreadsheets staff upload (CSV or Excel) into rows of text, for the imports that
check every row before writing anything (the CSO survey, the agreements' progress sheet).

A CSV saved from Excel on a Japanese Windows is Shift_JIS (cp932), one saved elsewhere UTF-8,
often with a byte-order mark: both are read. An Excel cell comes back as the text it shows (a
date as 2026-04-01, a whole number without ``.0``). What the file means — which columns, what
a row does — stays with each import; this module answers "which rows, with which cells", or a
``SpreadsheetFileError`` when the file as a whole cannot be read.
"""

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo_portal.csv_export import FORMULA_PREFIXES
from kyodo_portal.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")
ENCODINGS = ("utf-8-sig", "cp932")


class SpreadsheetField(forms.FileField):
    """An upload field for ``read_spreadsheet``: a .csv or .xlsx file of ``max_bytes`` at most,
    refused beside the field before anything reads it."""

    default_error_messages = {
        "extension": gettext_lazy("CSV（.csv）か Excel（.xlsx）のファイルを選んでください。"),
        "too_large": gettext_lazy("ファイルが大きすぎます（%(megabytes)sMB まで）。"),
    }

    def __init__(self, *, max_bytes=MAX_BYTES, **kwargs):
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        if not value.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(self.error_messages["extension"], code="extension")
        if value.size > self.max_bytes:
            raise forms.ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={"megabytes": self.max_bytes // (1024 * 1024)},
            )


class SpreadsheetFileError(DomainError):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


@dataclass
class RowError:
    """One row's reasons for refusal; ``row_number`` counts the header as row 1."""

    row_number: int
    messages: list

    separator = " / "

    def __str__(self):
        return _("%(row)d行目: %(messages)s") % {
            "row": self.row_number,
            "messages": self.separator.join(str(message) for message in self.messages),
        }


@dataclass
class Spreadsheet:
    headers: list
    rows: list  # [(row number, {key: text})]: blank rows left out, blank cells too
    columns: dict

    def unknown_headers(self):
        """The header cells no column of the import is named after (their cells are not read)."""
        return [header for header in self.headers if header and header not in self.columns]


def read_spreadsheet(
    data,
    filename,
    *,
    columns,
    required,
    missing_message=None,
    nfkc_headers=False,
    unquote_formulas=False,
):
    """A ``Spreadsheet`` from the bytes of a .csv or .xlsx file, its first row the headers.

    ``columns`` maps a header to the key its cells take in a row; ``required`` lists the
    headers without which the file is refused (``missing_message`` with ``%(names)s``).
    ``nfkc_headers`` reads ``ＩＤ`` as ``ID``; ``unquote_formulas`` takes off the apostrophe
    that ``csv_export.safe_cell`` put before a cell a spreadsheet would run, for a file the
    portal wrote and the person filled in.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        raw_rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        raw_rows = _csv_rows(data)
    else:
        raise SpreadsheetFileError(_("CSV（.csv）か Excel（.xlsx）のファイルを指定してください。"))
    if not raw_rows:
        raise SpreadsheetFileError(_("ファイルが空です。"))
    raw_rows = [[_text(value, unquote_formulas) for value in row] for row in raw_rows]
    headers = raw_rows[0]
    if nfkc_headers:
        headers = [unicodedata.normalize("NFKC", header).strip() for header in headers]
    missing = [header for header in required if header not in headers]
    if missing:
        message = missing_message or _("1行目に必要な項目名がありません: %(names)s。")
        raise SpreadsheetFileError(message % {"names": "、".join(missing)})
    rows = []
    for number, values in enumerate(raw_rows[1:], start=2):
        if not any(values):
            continue
        row = {}
        for header, value in zip(headers, values, strict=False):
            if header in columns and value != "":
                row[columns[header]] = value
        rows.append((number, row))
    return Spreadsheet(headers=headers, rows=rows, columns=columns)


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a broken file
        raise SpreadsheetFileError(
            _("Excel ファイルを読めません: %(error)s") % {"error": error}
        ) from error
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def _csv_rows(data):
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetFileError(_("文字コードを読み取れません。UTF-8 で保存してください。"))
    return list(csv.reader(io.StringIO(text)))


def _text(value, unquote_formulas):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if unquote_formulas and text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text
