"""/stats/: collaboration statistics, each figure as a server-rendered SVG bar chart with the
same numbers in a table beside it.

Only public-safe aggregates: collaborations count agreements at 締結 or later (public anyway);
the adoption rate counts proposals by outcome only (合意 and 不採択, never a title or a CSO);
principle ratings average published evaluations only. One query per figure, so the page runs
a fixed number of queries however much data there is.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cso_registry.models import ActivityField
from evaluations.models import PRINCIPLES, Evaluation, EvaluationPart, Side
from kyodo_portal.wareki import fiscal_year_label
from proposals.models import (
    Agreement,
    AgreementVersion,
    CollaborationForm,
    CollaborationZone,
    Proposal,
)

CACHE_KEY = "evaluations:stats"
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 230
CHART_WIDTH = 560


def bar_chart(key, title, rows, *, maximum=None, unit="", decimals=0):
    """Layout of a horizontal bar chart: rows of (label, value)."""
    values = [value for _label, value in rows if value is not None]
    top = maximum or max(values, default=0) or 1
    bar_space = CHART_WIDTH - LABEL_WIDTH - 60
    bars = []
    for index, (label, value) in enumerate(rows):
        width = 0 if value is None else round(bar_space * value / top, 1)
        shown = "—" if value is None else (f"{value:.{decimals}f}" if decimals else str(value))
        bars.append(
            {
                "label": label,
                "value": value,
                "shown": shown,
                "y": index * (BAR_HEIGHT + GAP),
                "text_y": index * (BAR_HEIGHT + GAP) + BAR_HEIGHT * 0.7,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "key": key,
        "title": title,
        "bars": bars,
        "unit": unit,
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * (BAR_HEIGHT + GAP),
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "summary": "、".join(f"{bar['label']} {bar['shown']}{unit}" for bar in bars),
    }


def collaboration_counts():
    public = Agreement.objects.public()
    by_form = dict(public.values_list("current_version__form").annotate(n=Count("id")).order_by())
    by_zone = dict(public.values_list("current_version__zone").annotate(n=Count("id")).order_by())
    by_year = dict(public.values_list("fiscal_year").annotate(n=Count("id")).order_by())
    # A public agreement's version in force is its one 締結 version (変更前 ones are superseded).
    in_force = AgreementVersion.Status.CONCLUDED
    by_field = dict(
        ActivityField.objects.annotate(
            n=Count("agreement_versions", filter=Q(agreement_versions__status=in_force))
        ).values_list("name", "n")
    )
    by_department = (
        public.values("department__name", "department__parent__name")
        .annotate(n=Count("id"))
        .order_by("-n", "department__parent__name", "department__name")
    )
    return {
        "form": [(label, by_form.get(value, 0)) for value, label in CollaborationForm.choices],
        "zone": [(label, by_zone.get(value, 0)) for value, label in CollaborationZone.choices],
        "year": [(fiscal_year_label(year), by_year[year]) for year in sorted(by_year)],
        "field": [(name, count) for name, count in by_field.items() if count],
        "department": [
            (
                " ".join(
                    name
                    for name in (row["department__parent__name"], row["department__name"])
                    if name
                ),
                row["n"],
            )
            for row in by_department
        ],
    }


def adoption():
    """採択率 = 合意 ÷ (合意 + 不採択), per fiscal year of the proposal and overall."""
    rows = (
        Proposal.objects.filter(status__in=[Proposal.Status.AGREED, Proposal.Status.REJECTED])
        .values("fiscal_year")
        .annotate(
            agreed=Count("id", filter=Q(status=Proposal.Status.AGREED)),
            rejected=Count("id", filter=Q(status=Proposal.Status.REJECTED)),
        )
        .order_by("fiscal_year")
    )
    years = []
    for row in rows:
        decided = row["agreed"] + row["rejected"]
        years.append(
            {
                "year": row["fiscal_year"],
                "label": fiscal_year_label(row["fiscal_year"]),
                "agreed": row["agreed"],
                "rejected": row["rejected"],
                "decided": decided,
                "rate": round(100 * row["agreed"] / decided, 1) if decided else None,
            }
        )
    agreed = sum(year["agreed"] for year in years)
    decided = sum(year["decided"] for year in years)
    return {
        "years": years,
        "agreed": agreed,
        "rejected": decided - agreed,
        "decided": decided,
        "rate": round(100 * agreed / decided, 1) if decided else None,
    }


def principle_averages():
    """Average rating (1–5) of each principle by side, over published evaluations."""
    aggregates = {}
    for side in Side:
        for key, _label in PRINCIPLES:
            aggregates[f"{side}_{key}"] = Avg(f"{key}_rating", filter=Q(side=side))
    aggregates["count"] = Count("evaluation", distinct=True)
    result = EvaluationPart.objects.filter(
        evaluation__status=Evaluation.Status.PUBLISHED, submitted_at__isnull=False
    ).aggregate(**aggregates)
    rows = []
    for key, label in PRINCIPLES:
        cso = result[f"{Side.CSO}_{key}"]
        prefecture = result[f"{Side.PREFECTURE}_{key}"]
        rows.append(
            {
                "label": label,
                "cso": None if cso is None else round(float(cso), 2),
                "prefecture": None if prefecture is None else round(float(prefecture), 2),
            }
        )
    return rows, result["count"]


def collect():
    counts = collaboration_counts()
    adoption_figures = adoption()
    ratings, evaluation_count = principle_averages()
    rating_rows = []
    for row in ratings:
        rating_rows.append((f"{row['label']}（{Side.CSO.label}）", row["cso"]))
        rating_rows.append((f"{row['label']}（{Side.PREFECTURE.label}）", row["prefecture"]))
    charts = {
        "form": bar_chart("form", _("協働の形態別の件数"), counts["form"], unit="件"),
        "zone": bar_chart("zone", _("協働の領域別の件数"), counts["zone"], unit="件"),
        "field": bar_chart("field", _("活動分野別の件数"), counts["field"], unit="件"),
        "department": bar_chart(
            "department", _("県の担当部署別の件数"), counts["department"], unit="件"
        ),
        "year": bar_chart("year", _("締結年度別の件数"), counts["year"], unit="件"),
        "adoption": bar_chart(
            "adoption",
            _("年度別の採択率"),
            [(year["label"], year["rate"]) for year in adoption_figures["years"]],
            maximum=100,
            unit="%",
            decimals=1,
        ),
        "ratings": bar_chart(
            "ratings",
            _("協働の基本原則の平均評価（5段階）"),
            rating_rows,
            maximum=5,
            decimals=2,
        ),
    }
    return {
        "counts": counts,
        "total": sum(count for _label, count in counts["form"]),
        "adoption": adoption_figures,
        "ratings": ratings,
        "evaluation_count": evaluation_count,
        "charts": charts,
    }


def figures():
    """collect(), computed at most once every STATS_CACHE_SECONDS per process.

    Over a national database the aggregates take seconds (they read every decided proposal);
    statistics a few minutes old are fine, and the page says when they were counted.
    """
    timeout = settings.STATS_CACHE_SECONDS
    result = cache.get(CACHE_KEY) if timeout else None
    if result is None:
        result = {**collect(), "counted_at": timezone.now()}
        if timeout:
            cache.set(CACHE_KEY, result, timeout)
    return result


@require_safe
def stats_page(request):
    return render(
        request,
        "evaluations/stats.html",
        {**figures(), "refresh_minutes": max(1, settings.STATS_CACHE_SECONDS // 60)},
    )
