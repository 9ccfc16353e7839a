import csv
import io

import pytest

from kyodo_portal.csv_export import csv_text, safe_cell, streaming_csv_response


@pytest.mark.parametrize("value", ["=1+1", "+81", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_as_formulas_become_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["＝1+1", "＋81", "－5", "＠SUM(A1)", "﹦1+1"])
def test_full_width_formula_signs_are_neutralised_too(value):
    """A Japanese spreadsheet reads a cell starting with a full-width ＝ as a formula."""
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "expected"), [("佐賀", "佐賀"), (12, 12), (None, ""), ("a=b", "a=b")]
)
def test_other_cells_are_left_as_they_are(value, expected):
    assert safe_cell(value) == expected


def test_csv_has_a_bom_crlf_and_neutralised_cells():
    text = csv_text(["団体名", "人数"], [['=HYPERLINK("x")', 3], ["さが, 会", None]])

    assert text.startswith("\ufeff団体名,人数\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["団体名", "人数"], ['\'=HYPERLINK("x")', "3"], ["さが, 会", ""]]


def test_streaming_response_is_an_attachment_built_lazily():
    produced = []

    def rows():
        for number in range(3):
            produced.append(number)
            yield [number]

    response = streaming_csv_response(["番号"], rows(), filename="list.csv")

    assert produced == []
    assert response["Content-Disposition"] == 'attachment; filename="list.csv"'
    assert b"".join(response.streaming_content).decode() == "\ufeff番号\r\n0\r\n1\r\n2\r\n"
