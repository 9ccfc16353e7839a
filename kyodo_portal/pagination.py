"""Page counts of public lists that neither scan nor repeat (issue 18).

A list's count is kept per public data version, filter and language (kyodo_portal/fragments.py):
the first reader after a change counts, every later one reads the number. A count that would
read more than ESTIMATE_ABOVE rows (the whole national directory: about 300,000 CSOs, 0.1–0.4 s)
stops there: PostgreSQL's own estimate of the rows is shown instead, rounded and labelled 「約」
by the page (``is_approximate``).
"""

import math

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from kyodo_portal.fragments import cached_public_value

ESTIMATE_ABOVE = 10_000


def address_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return f"{request.path}?{query.urlencode()}"


def is_filtered(request):
    """Whether the list is asked for with any filter (a page number is none)."""
    return any(value for name, value in request.GET.items() if name != "page")


def estimated_rows(queryset):
    """PostgreSQL's estimate of the rows ``queryset`` returns, or None (another database)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.get_compiler(queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])


def rounded(number, digits=3):
    """``number`` to ``digits`` significant figures: 297,496 → 297,000."""
    if number <= 0:
        return 0
    scale = 10 ** max(0, int(math.log10(number)) + 1 - digits)
    return round(number / scale) * scale


def bounded_count(queryset):
    """(count, is_approximate): exact up to ESTIMATE_ABOVE rows (one query reading at most that
    many), PostgreSQL's estimate rounded beyond it (another query, no read of the rows)."""
    counted = queryset.order_by()[: ESTIMATE_ABOVE + 1].count()
    if counted <= ESTIMATE_ABOVE:
        return counted, False
    estimate = estimated_rows(queryset)
    if estimate is None:
        return queryset.count(), False
    return rounded(max(estimate, counted)), True


class AdminListPaginator(Paginator):
    """The admin's change lists (kyodo_portal/admin_site.py): a count that does not read more
    than ESTIMATE_ABOVE rows; beyond, the estimate, which the page labels 約
    (templates/admin/pagination.html)."""

    is_approximate = False

    @cached_property
    def count(self):
        count, self.is_approximate = bounded_count(self.object_list)
        return count


class PublicListPaginator(Paginator):
    """A paginator for a public list: its count is kept per public data version and filter,
    estimated above ESTIMATE_ABOVE rows (``is_approximate``), or — with ``cap`` — counted only up
    to ``cap`` (``is_capped`` then says there are more).

    ``request`` and ``name`` place the count: the same list with the same filters (the page
    number aside) shares it.
    """

    def __init__(self, object_list, per_page, *, request, name, cap=None, estimate=True):
        super().__init__(object_list, per_page)
        self.request = request
        self.name = name
        self.cap = cap
        self.estimate = estimate
        self.is_capped = False
        self.is_approximate = False

    def _count(self):
        """(count, is_capped, is_approximate), worked out from the database."""
        queryset = self.object_list.order_by()
        if self.cap is not None:
            counted = queryset[: self.cap + 1].count()
            return min(counted, self.cap), counted > self.cap, False
        if self.estimate:
            count, approximate = bounded_count(queryset)
            return count, False, approximate
        return queryset.count(), False, False

    @cached_property
    def count(self):
        count, self.is_capped, self.is_approximate = cached_public_value(
            self.request,
            f"count:{self.name}",
            self._count,
            self.cap,
            path=address_without_page(self.request),
        )
        return count
