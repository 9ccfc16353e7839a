import datetime

import pytest
from django.template import Context, Template

from kyodo_portal.wareki import fiscal_year, fiscal_year_choices, fiscal_year_label, wareki_date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2020, 1, 1), "令和2年1月1日"),
        (datetime.date(2025, 4, 1), "令和7年4月1日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
        (datetime.date(1926, 12, 25), "昭和元年12月25日"),
    ],
)
def test_wareki_date_follows_the_full_date_across_era_boundaries(day, expected):
    assert wareki_date(day) == expected


def test_a_date_before_showa_is_refused():
    with pytest.raises(ValueError, match="昭和より前"):
        wareki_date(datetime.date(1926, 12, 24))


@pytest.mark.parametrize(
    ("day", "year", "label"),
    [
        (datetime.date(2026, 3, 31), 2025, "令和7年度"),
        (datetime.date(2026, 4, 1), 2026, "令和8年度"),
        (datetime.date(2020, 3, 31), 2019, "平成31年度"),
        (datetime.date(2020, 4, 1), 2020, "令和2年度"),
    ],
)
def test_fiscal_year_runs_april_to_march(day, year, label):
    assert fiscal_year(day) == year
    assert fiscal_year_label(year) == label


def test_an_aware_datetime_is_read_in_japan_time():
    late_evening_utc = datetime.datetime(2019, 4, 30, 15, 30, tzinfo=datetime.UTC)
    assert wareki_date(late_evening_utc) == "令和元年5月1日"


def test_template_filters_render_era_and_seireki():
    template = Template(
        "{% load wareki %}{{ day|wareki }} / {{ day|wareki:'seireki' }} / {{ 2025|nendo }} / "
        "{{ 2025|nendo:'seireki' }} / {{ day|nendo }}"
    )
    rendered = template.render(Context({"day": datetime.date(2025, 4, 1)}))
    assert rendered == (
        '令和7年4月1日 / <time datetime="2025-04-01">令和7年4月1日（2025年）</time> / '
        "令和7年度 / 令和7年度（2025年度） / 令和7年度"
    )


@pytest.mark.django_db
def test_fiscal_year_choices_are_the_years_held_newest_first_in_the_era_style():
    from proposals.models import Proposal
    from tests.factories import ProposalFactory

    for year in (2018, 2025, 2018):
        ProposalFactory(fiscal_year=year)

    assert fiscal_year_choices(Proposal.objects.all()) == [
        ("2025", "令和7年度"),
        ("2018", "平成30年度"),
    ]
    assert fiscal_year_choices(Proposal.objects.filter(fiscal_year=2018)) == [
        ("2018", "平成30年度")
    ]
