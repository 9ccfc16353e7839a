"""Japanese era dates (和暦) and fiscal years (年度, April to March)."""

import datetime
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.expressions import RawSQL


class Era(NamedTuple):
    name: str
    first_day: datetime.date


# Newest first; each era runs until the day before the next one starts.
ERAS = (
    Era("令和", datetime.date(2019, 5, 1)),
    Era("平成", datetime.date(1989, 1, 8)),
    Era("昭和", datetime.date(1926, 12, 25)),
)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def era_year(value):
    """Return (era name, year in the era) for a date; the era follows from the full date."""
    day = _as_date(value)
    for era in ERAS:
        if day >= era.first_day:
            return era.name, day.year - era.first_day.year + 1
    raise ValueError(f"{day} は昭和より前の日付です。")


def format_era_year(era_name, year):
    return f"{era_name}{'元' if year == 1 else year}年"


def wareki_date(value):
    """2025-04-01 → 令和7年4月1日."""
    day = _as_date(value)
    era_name, year = era_year(day)
    return f"{format_era_year(era_name, year)}{day.month}月{day.day}日"


def fiscal_year(value):
    """The fiscal year (西暦) a date falls in: 2026-03-31 → 2025, 2026-04-01 → 2026."""
    day = _as_date(value)
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(year):
    """A fiscal year (西暦) in the era style: 2025 → 令和7年度. The era is that of 1 April."""
    era_name, era_year_number = era_year(datetime.date(year, 4, 1))
    return f"{format_era_year(era_name, era_year_number)[:-1]}年度"


def fiscal_year_choices(queryset, field="fiscal_year"):
    """The fiscal years the rows of ``queryset`` hold in ``field`` (a path such as
    ``"agreement__fiscal_year"``), newest first, as choices: ``("2025", "令和7年度")``."""
    years = distinct_years(queryset.exclude(**{field: None}), field)
    return [(str(year), fiscal_year_label(year)) for year in years]


def distinct_years(queryset, field):
    """The distinct values of ``field`` in ``queryset``, newest first.

    On PostgreSQL, one index probe per year (a loose index scan: the newest year, then the
    newest one below it, and so on, in a recursive query) instead of reading every row for a
    DISTINCT: 20 probes rather than a million rows for 県民協働課's list of proposals.
    """
    newest = queryset.order_by(f"-{field}").values_list(field, flat=True)
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(newest.distinct())
    below = newest.filter(**{f"{field}__lt": RawSQL('"years"."year"', [])})
    try:
        first_sql, first_params = newest[:1].query.get_compiler(queryset.db).as_sql()
        next_sql, next_params = below[:1].query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a queryset that cannot hold a row (``none()``)
        return []
    sql = (
        f'WITH RECURSIVE "years"("year") AS (({first_sql}) UNION ALL '
        f'SELECT ({next_sql}) FROM "years" WHERE "years"."year" IS NOT NULL) '
        'SELECT "year" FROM "years" WHERE "year" IS NOT NULL'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*first_params, *next_params])
        return [row[0] for row in cursor.fetchall()]


def fiscal_year_range(year):
    """First and last day of a fiscal year (西暦)."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
