import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from proposals.agreements import sheet as progress_sheet
from proposals.models import Agreement, ProgressReport
from tests.proposals.test_agreement_pages import make_public_agreement

pytestmark = pytest.mark.django_db
S = Agreement.Status
TODAY = datetime.date.today().isoformat()


@pytest.fixture
def running(agreement_in, promoter):
    first = agreement_in(S.IN_PROGRESS)
    second = make_public_agreement(promoter)
    from proposals.agreements import services as agreement_services

    agreement_services.agreement_start(agreement=second, by=promoter)
    return first, second


def download(client, kind):
    response = client.get(reverse("admin:proposals_agreement_progress_sheet_download", args=[kind]))
    assert response.status_code == 200
    return response.content


def parse_csv(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def to_csv(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def fill(row, header, **values):
    row = list(row)
    for name, value in values.items():
        row[header.index(name)] = value
    return row


def upload(client, content, name):
    """Upload the sheet: the import runs as a task after commit (in the process here) and the
    job's page shows the result."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("admin:proposals_agreement_progress_sheet"),
            {"file": SimpleUploadedFile(name, content)},
        )
    if response.status_code != 302:
        return response  # the form refused the file
    return client.get(response["Location"])


def test_csv_round_trip_records_every_filled_row(client, running, promoter):
    first, second = running
    client.force_login(promoter)
    header, *rows = parse_csv(download(client, "csv"))
    assert header == progress_sheet.HEADER
    assert [int(row[0]) for row in rows] == [first.pk, second.pk]

    rows[0] = fill(
        rows[0],
        header,
        **{
            "報告日": TODAY,
            "進捗率": "45%",
            "報告の内容": "研修を終えました。",
            "公開範囲": "公開",
            "公開用の要約": "研修を終えました。",
        },
    )
    rows[1] = fill(
        rows[1],
        header,
        **{"報告日": TODAY, "進捗率": "10", "報告の内容": "準備中です。", "次の予定": "会場の下見"},
    )
    response = upload(client, to_csv([header, *rows]), "progress.csv")

    assert "2 件の進捗を登録しました" in response.content.decode()
    one = first.progress_reports.get()
    two = second.progress_reports.get()
    assert (one.percent_complete, one.visibility, one.by_prefecture) == (45, "public", True)
    assert (two.percent_complete, two.next_steps, two.visibility) == (10, "会場の下見", "parties")
    again = parse_csv(download(client, "csv"))
    assert again[1][header.index("最新の進捗率")] == "45"


def test_one_bad_row_refuses_the_whole_file(client, running, promoter):
    _first, _second = running
    client.force_login(promoter)
    header, *rows = parse_csv(download(client, "csv"))
    rows[0] = fill(rows[0], header, **{"報告日": TODAY, "進捗率": "30", "報告の内容": "良い行"})
    rows[1] = fill(
        rows[1],
        header,
        **{"報告日": "2026/13/40", "進捗率": "120", "報告の内容": "", "公開範囲": "公開"},
    )

    response = upload(client, to_csv([header, *rows]), "progress.csv")

    text = response.content.decode()
    assert "何も登録していません" in text
    assert "3行目" in text and "報告日" in text and "進捗率" in text and "報告の内容" in text
    assert "要約" in text
    assert "2行目" not in text
    assert not ProgressReport.objects.exists()


def test_an_agreement_outside_ones_department_is_refused(client, running, promoter, other_promoter):
    _first, _second = running
    client.force_login(promoter)
    header, *rows = parse_csv(download(client, "csv"))
    rows[0] = fill(rows[0], header, **{"報告日": TODAY, "進捗率": "30", "報告の内容": "報告"})
    client.force_login(other_promoter)

    response = upload(client, to_csv([header, rows[0]]), "progress.csv")

    assert "担当の協定にありません" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_agreement_not_in_progress_is_refused(client, running, promoter):
    _first, second = running
    from proposals.agreements import services as agreement_services

    agreement_services.agreement_complete(agreement=second, by=promoter)
    client.force_login(promoter)
    header = progress_sheet.HEADER
    row = fill(
        [""] * len(header),
        header,
        **{
            "協定ID": str(second.pk),
            "報告日": TODAY,
            "進捗率": "100",
            "報告の内容": "終わりました",
        },
    )

    response = upload(client, to_csv([header, row]), "progress.csv")

    assert "実施中のみ" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_xlsx_round_trip(client, running, promoter):
    first, _second = running
    client.force_login(promoter)
    workbook = load_workbook(io.BytesIO(download(client, "xlsx")))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header == progress_sheet.HEADER
    sheet.cell(row=2, column=header.index("報告日") + 1, value=datetime.date.today())
    sheet.cell(row=2, column=header.index("進捗率") + 1, value=70)
    sheet.cell(row=2, column=header.index("報告の内容") + 1, value="- 研修を2回終えました")
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(client, buffer.getvalue(), "progress.xlsx")

    assert "1 件の進捗を登録しました" in response.content.decode()
    saved = first.progress_reports.get()
    assert (saved.percent_complete, saved.text) == (70, "- 研修を2回終えました")


def test_wrong_file_is_refused_with_a_message(client, running, promoter):
    client.force_login(promoter)

    response = upload(client, b"name,value\r\na,b\r\n", "other.csv")
    assert "1行目に必要な項目名がありません" in response.content.decode()
    response = upload(client, b"not a spreadsheet", "progress.txt")
    assert "CSV" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_exported_cells_cannot_run_as_formulas(client, agreement_in, promoter):
    agreement = agreement_in(S.IN_PROGRESS)
    version = agreement.current_version
    type(version).objects.filter(pk=version.pk).update(title='=HYPERLINK("http://x")')
    client.force_login(promoter)

    rows = parse_csv(download(client, "csv"))
    assert rows[1][1].startswith("'=")
