"""Public pages of the CSO directory and its open data: only 公開 CSOs, everywhere."""

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cso_registry import opendata
from cso_registry.filters import CSOFilter
from cso_registry.models import CSO
from cso_registry.sections import render_detail_sections
from kyodo_portal import published_files
from kyodo_portal.pagination import PublicListPaginator

PAGE_SIZE = 20
EXPORT_CHUNK_SIZE = 500
# A search counts its matches up to this many; beyond it the page says "1,000 件以上" and offers
# the first 50 pages. Counting every one of 80,000 matches of 福祉 over 350,000 CSOs reads most of
# the table (about 280 ms); counting to 1,001 reads a few hundred rows (about 30 ms). The
# unfiltered directory's count is PostgreSQL's estimate above 10,000 (「約」): see
# kyodo_portal/pagination.py.
SEARCH_COUNT_CAP = 1000


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
    paginator = PublicListPaginator(
        cso_filter.qs,
        PAGE_SIZE,
        request=request,
        name="cso",
        cap=SEARCH_COUNT_CAP if is_filtered else None,
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
            # Rendered only when the page's public part is (kyodo_portal/fragments.py).
            "sections": lambda: render_detail_sections(request, cso),
        },
    )


@require_safe
def export_columns(request):
    return render(
        request,
        "cso_registry/export_columns.html",
        {
            "columns": opendata.COLUMNS,
            "query": query_without_page(request),
            "published": published_files.current(opendata.CSV_FILE),
        },
    )


def _export_rows(request):
    cso_filter = public_filter(request)
    if not cso_filter.is_valid():
        return CSO.objects.none(), {}
    context = {"today": timezone.localdate()}
    return cso_filter.qs.iterator(chunk_size=EXPORT_CHUNK_SIZE), context


def _filename(extension, day=None):
    return f"cso-{day or timezone.localdate():%Y%m%d}.{extension}"


def _published(request, name, extension, content_type, disposition):
    """The whole directory from the file written last night (cso_registry/opendata.py), when
    the request asks for all of it and the file exists; None otherwise."""
    if any(request.GET.get(field) for field in public_filter(request).form.fields):
        return None
    record = published_files.current(name)
    if record is None:
        return None
    return published_files.response(
        request,
        name,
        content_type=content_type,
        filename=_filename(extension, timezone.localdate(record.written_at)),
        disposition=disposition,
    )


@require_safe
def export_csv(request):
    published = _published(
        request, opendata.CSV_FILE, "csv", "text/csv; charset=utf-8", "attachment"
    )
    if published is not None:
        return published
    csos, context = _export_rows(request)
    response = StreamingHttpResponse(
        opendata.csv_chunks(csos, context), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_safe
def export_json(request):
    published = _published(
        request, opendata.JSON_FILE, "json", "application/json; charset=utf-8", "inline"
    )
    if published is not None:
        return published
    csos, context = _export_rows(request)
    response = StreamingHttpResponse(
        opendata.json_chunks(csos, context), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{_filename("json")}"'
    return response
