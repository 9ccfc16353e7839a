import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cso_registry.models import CSO, CSOHistoryEntry, SurveyAnswer
from cso_registry.survey_import import import_survey
from tests.cso_registry.conftest import municipality
from tests.factories import CSOFactory

HEADER = "法人番号,団体名,フリガナ,団体の種類,所在地の市町,電話番号,活動分野,活動地域,回答年度,年間予算規模,有給職員数,ボランティア数"


def good_rows(count):
    return [
        f",伊万里の会{number},イマリノカイ,市民活動団体,伊万里市,0955-23-{1000 + number},"
        f"3、13,伊万里市、有田町,令和8年度,10万円以上100万円未満,0,{number}"
        for number in range(count)
    ]


def csv_bytes(rows, encoding="utf-8"):
    return ("\n".join([HEADER, *rows]) + "\n").encode(encoding)


@pytest.mark.django_db
def test_a_good_file_creates_new_csos_as_pending_with_their_survey_answers():
    result = import_survey(csv_bytes(good_rows(3)), "survey.csv", dry_run=False)

    assert result.ok and (result.created, result.updated) == (3, 0)
    cso = CSO.objects.get(name="伊万里の会1")
    assert cso.status == CSO.Status.PENDING
    assert cso.phone == "0955-23-1001"
    assert sorted(a.number for a in cso.activity_fields.all()) == [3, 13]
    assert {m.name for m in cso.areas.all()} == {"有田町", "伊万里市"}
    answer = cso.survey_answers.get()
    assert (answer.fiscal_year, answer.budget_band, answer.volunteers) == (2026, "under_1m", 1)
    assert set(cso.history.values_list("action", flat=True)) == {CSOHistoryEntry.Action.IMPORTED}


@pytest.mark.django_db
def test_one_bad_row_among_many_imports_nothing_and_names_the_row_and_why():
    rows = good_rows(30)
    rows[16] = rows[16].replace("イマリノカイ", "いまり会", 1).replace(",伊万里市,", ",博多市,", 1)
    rows[16] = rows[16].replace("0955-23-1016", "0955-23-101")

    result = import_survey(csv_bytes(rows), "survey.csv", dry_run=False)

    assert not CSO.objects.exists()
    assert not SurveyAnswer.objects.exists()
    assert not CSOHistoryEntry.objects.exists()
    assert [error.row_number for error in result.errors] == [18]  # header is row 1
    message = str(result.errors[0])
    assert message.startswith("18行目")
    assert "博多市" in message and "電話番号" in message


@pytest.mark.django_db
def test_wrong_check_digit_in_a_row_is_reported():
    rows = [
        "6123456789012,NPO法人テスト,テスト,NPO法人,佐賀市,,1,,2026,予算なし,0,1",
    ]

    result = import_survey(csv_bytes(rows), "survey.csv", dry_run=False)

    assert "チェックデジット" in str(result.errors[0])
    assert not CSO.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_checks_everything_and_writes_nothing():
    result = import_survey(csv_bytes(good_rows(5)), "survey.csv", dry_run=True)

    assert result.ok and result.dry_run
    assert result.created == 5
    assert not CSO.objects.exists()


@pytest.mark.django_db
def test_existing_csos_are_matched_by_corporate_number_or_name_and_municipality():
    by_number = CSOFactory(name="旧名称のNPO", corporate_number="7123456789012")
    by_name = CSOFactory(
        name="伊万里の会0",
        municipality=municipality("伊万里市"),
    )
    rows = [
        "7123456789012,新名称のNPO,シンメイショウ,NPO法人,佐賀市,,,,2026,予算なし,1,2",
        good_rows(1)[0],
    ]

    result = import_survey(csv_bytes(rows), "survey.csv", dry_run=False)

    assert (result.created, result.updated) == (0, 2)
    by_number.refresh_from_db()
    assert by_number.name == "新名称のNPO"
    by_name.refresh_from_db()
    assert by_name.phone == "0955-23-1000"
    assert by_name.description == "地域の課題に取り組む団体です。"  # blank cell keeps what is there
    assert CSO.objects.count() == 2


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    import_survey(csv_bytes(good_rows(3)), "survey.csv", dry_run=False)
    history = CSOHistoryEntry.objects.count()

    result = import_survey(csv_bytes(good_rows(3)), "survey.csv", dry_run=False)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert CSOHistoryEntry.objects.count() == history


@pytest.mark.django_db
def test_the_same_cso_twice_in_one_file_is_an_error():
    rows = [*good_rows(2), good_rows(1)[0]]

    result = import_survey(csv_bytes(rows), "survey.csv", dry_run=False)

    assert [error.row_number for error in result.errors] == [4]
    assert not CSO.objects.exists()


@pytest.mark.django_db
def test_shift_jis_csv_from_excel_is_read():
    result = import_survey(csv_bytes(good_rows(2), "cp932"), "survey.csv", dry_run=False)

    assert result.created == 2


@pytest.mark.django_db
def test_an_xlsx_file_is_imported():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "",
            "多久の会",
            "タクノカイ",
            "老人クラブ",
            "多久市",
            "0952-75-0000",
            1,
            "多久市",
            2026,
            "予算なし",
            0,
            25,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_survey(buffer.getvalue(), "survey.xlsx", dry_run=False)

    assert result.ok, result.errors
    cso = CSO.objects.get(name="多久の会")
    assert cso.kind == CSO.Kind.SENIORS_CLUB
    assert cso.survey_answers.get().volunteers == 25


@pytest.mark.django_db
def test_the_command_imports_and_reports_counts(tmp_path, capsys):
    path = tmp_path / "survey.csv"
    path.write_bytes(csv_bytes(good_rows(4)))

    call_command("import_cso_survey", str(path), "--no-progress")

    assert "新規 4 団体" in capsys.readouterr().out
    assert CSO.objects.count() == 4


@pytest.mark.django_db
def test_the_command_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "survey.csv"
    path.write_bytes(csv_bytes(good_rows(4)))

    call_command("import_cso_survey", str(path), "--dry-run", "--no-progress")

    assert "書き込んでいません" in capsys.readouterr().out
    assert not CSO.objects.exists()


@pytest.mark.django_db
def test_the_command_fails_on_a_bad_file_and_lists_each_bad_row(tmp_path, capsys):
    rows = good_rows(5)
    rows[1] = rows[1].replace("令和8年度", "来年")
    rows[3] = rows[3].replace("市民活動団体", "株式会社")
    path = tmp_path / "survey.csv"
    path.write_bytes(csv_bytes(rows))

    with pytest.raises(CommandError, match="2 行に誤り"):
        call_command("import_cso_survey", str(path), "--no-progress")

    err = capsys.readouterr().err
    assert "3行目" in err and "回答年度" in err
    assert "5行目" in err and "株式会社" in err
    assert not CSO.objects.exists()


@pytest.mark.django_db
def test_a_file_without_the_required_columns_is_refused(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("団体名,電話番号\n会,0952-00-0000\n", encoding="utf-8")

    with pytest.raises(CommandError, match="所在地の市町"):
        call_command("import_cso_survey", str(path), "--no-progress")
