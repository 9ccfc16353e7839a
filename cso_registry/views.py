"""Public pages of the CSO directory and its open data: only 公開 CSOs, everywhere."""

import json

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from cso_registry import opendata
from cso_registry.filters import CSOFilter
from cso_registry.models import CSO
from cso_registry.sections import render_detail_sections
from kyodo_portal.csv_export import streaming_csv_response

PAGE_SIZE = 20
EXPORT_CHUNK_SIZE = 500
# A search counts its matches up to this many; beyond it the page says "1,000 件以上" and offers
# the first 50 pages. Counting every one of 80,000 matches of 福祉 over 350,000 CSOs reads most of
# the table (about 280 ms); counting to 1,001 reads a few hundred rows (about 30 ms).
SEARCH_COUNT_CAP = 1000


class SearchPaginator(Paginator):
    """A paginator whose count stops at ``cap`` (``is_capped`` then says there are more);
    with ``cap=None`` it counts everything (the unfiltered directory, whose last pages are
    linked)."""

    def __init__(self, object_list, per_page, *, cap=None):
        super().__init__(object_list, per_page)
        self.cap = cap
        self.is_capped = False

    @cached_property
    def count(self):
        if self.cap is None:
            return super().count
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.is_capped = counted > self.cap
        return min(counted, self.cap)


def public_filter(request):
    return CSOFilter(request.GET, queryset=CSO.objects.public().for_listing())


def query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
def cso_list(request):
    cso_filter = public_filter(request)
    is_filtered = any(request.GET.get(name) for name in cso_filter.form.fields if name != "page")
    paginator = SearchPaginator(
        cso_filter.qs, PAGE_SIZE, cap=SEARCH_COUNT_CAP if is_filtered else None
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "cso_registry/cso_list.html",
        {
            "filter": cso_filter,
            "page_obj": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            "query": query_without_page(request),
            "is_filtered": is_filtered,
            "today": timezone.localdate(),
        },
    )


@require_safe
def cso_detail(request, pk):
    cso = get_object_or_404(CSO.objects.public().for_listing(), pk=pk)
    return render(
        request,
        "cso_registry/cso_detail.html",
        {
            "cso": cso,
            "disclosure": cso.disclosure(),
            "today": timezone.localdate(),
            "sections": render_detail_sections(request, cso),
        },
    )


@require_safe
def export_columns(request):
    return render(
        request,
        "cso_registry/export_columns.html",
        {"columns": opendata.COLUMNS, "query": query_without_page(request)},
    )


def _export_rows(request):
    cso_filter = public_filter(request)
    if not cso_filter.is_valid():
        return CSO.objects.none(), {}
    context = {"today": timezone.localdate()}
    return cso_filter.qs.iterator(chunk_size=EXPORT_CHUNK_SIZE), context


def _filename(extension):
    return f"cso-{timezone.localdate():%Y%m%d}.{extension}"


@require_safe
def export_csv(request):
    csos, context = _export_rows(request)
    return streaming_csv_response(
        [column.label for column in opendata.COLUMNS],
        (opendata.row_values(cso, context) for cso in csos),
        filename=_filename("csv"),
    )


@require_safe
def export_json(request):
    csos, context = _export_rows(request)
    keys = [column.key for column in opendata.COLUMNS]

    def chunks():
        yield '{"columns": '
        yield json.dumps(
            [
                {
                    "key": column.key,
                    "label": str(column.label),
                    "description": str(column.description),
                }
                for column in opendata.COLUMNS
            ],
            ensure_ascii=False,
        )
        yield ', "items": ['
        for index, cso in enumerate(csos):
            item = dict(zip(keys, opendata.row_values(cso, context), strict=True))
            yield ("," if index else "") + json.dumps(item, ensure_ascii=False)
        yield "]}\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_filename("json")}"'
    return response
