"""CSV files people open in Excel: UTF-8 with a byte-order mark, CRLF, and no cell that a
spreadsheet would run as a formula (CSV injection)."""

import csv
import io
import unicodedata

from django.http import StreamingHttpResponse

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe — the
    full-width and small forms of the signs too (＝, ＋, －, ＠, ﹦), which a Japanese
    spreadsheet reads like their ASCII forms. Numbers stay numbers; None becomes an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, str) and (
        value.startswith(FORMULA_PREFIXES)
        or unicodedata.normalize("NFKC", value[:1]).startswith(FORMULA_PREFIXES)
    ):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a stream."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    """Yield the encoded lines of a CSV file: BOM, header, then each row, cells made safe."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield BOM + writer.writerow([str(label) for label in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_text(header, rows):
    """The whole CSV file as one string (for small files such as an admin export)."""
    buffer = io.StringIO()
    buffer.writelines(csv_lines(header, rows))
    return buffer.getvalue()


def streaming_csv_response(header, rows, *, filename):
    """Stream a CSV download row by row, so memory stays flat however many rows there are."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
