"""Template filters for dates as the public reads them: {{ date|wareki }}, {{ year|nendo }}."""

import datetime

from django import template
from django.utils.html import format_html

from kyodo_portal import wareki as w

register = template.Library()


@register.filter
def wareki(value, style=""):
    """令和7年4月1日; with "seireki", 令和7年4月1日 (2025年) in a <time> element."""
    if not value:
        return ""
    text = w.wareki_date(value)
    if style == "seireki":
        day = w._as_date(value)
        return format_html('<time datetime="{}">{}（{}年）</time>', day.isoformat(), text, day.year)
    return text


@register.filter
def nendo(value, style=""):
    """A fiscal year (int, 西暦) or a date → 令和7年度; with "seireki", 令和7年度（2025年度）."""
    if value in (None, ""):
        return ""
    year = w.fiscal_year(value) if isinstance(value, datetime.date) else int(value)
    label = w.fiscal_year_label(year)
    if style == "seireki":
        return f"{label}（{year}年度）"
    return label
