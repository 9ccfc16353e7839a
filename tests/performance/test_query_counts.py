"""Query counts of every public page and every admin changelist, pinned at two data sizes.

Each page is requested once over a small world and once after the world grew about tenfold
(seed_bench --append, the same generator as `make bench`). The count must be the same at both
sizes (an N+1 makes it grow with the rows on the page) and, for the public pages, at most
PUBLIC_PAGE_LIMIT (issue 8). A page that the test cannot reach fails with its status.
"""

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cso_registry.models import CSO, ActivityField, Municipality
from evaluations.models import Evaluation
from kyodo_portal.models import Department, User
from outreach.models import Event, NewsItem
from proposals.models import Agreement, Theme
from tests.outreach.factories import EventFactory, NewsItemFactory

PUBLIC_PAGE_LIMIT = 10
SMALL = {"csos": 30, "proposals": 60, "themes": 6, "users": 6}
GROWTH = {"csos": 270, "proposals": 540, "themes": 30, "users": 20}

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def grow(counts, *, append):
    call_command("seed_bench", append=append, verbosity=0, **counts)
    department = Department.objects.filter(parent__isnull=False).first()
    for _ in range(counts["themes"] // 3):
        EventFactory(organiser=department)
        NewsItemFactory()


def public_urls():
    cso = CSO.objects.public().order_by("pk").first()
    theme = Theme.objects.filter(status=Theme.Status.PUBLISHED).order_by("pk").first()
    agreement = Agreement.objects.public().order_by("pk").first()
    evaluation = Evaluation.objects.filter(status=Evaluation.Status.PUBLISHED).order_by("pk")[0]
    field = ActivityField.objects.get(number=1)
    municipality = Municipality.objects.order_by("code").first()
    event = Event.objects.order_by("pk").first()
    news = NewsItem.objects.order_by("pk").first()
    return {
        "home": reverse("home"),
        "cso list": reverse("cso_registry:list"),
        "cso list, 2-character keyword": reverse("cso_registry:list") + "?q=福祉",
        "cso list, field and municipality": reverse("cso_registry:list")
        + f"?field={field.pk}&municipality={municipality.pk}",
        "cso list, last page": reverse("cso_registry:list") + "?page=last",
        "cso detail": cso.get_absolute_url(),
        "cso export columns": reverse("cso_registry:export_columns"),
        "themes": reverse("proposals:theme_list"),
        "theme detail": reverse("proposals:theme_detail", args=[theme.pk]),
        "themes feed": reverse("proposals:theme_feed"),
        "projects": reverse("proposals:project_list"),
        "project detail": reverse("proposals:project_detail", args=[agreement.pk]),
        "evaluations": reverse("evaluations:list"),
        "evaluation detail": reverse("evaluations:detail", args=[evaluation.pk]),
        "evaluations feed": reverse("evaluations:feed"),
        "projects feed": reverse("evaluations:project_feed"),
        "department": reverse("evaluations:department", args=[agreement.department_id]),
        "stats": reverse("evaluations:stats"),
        "events": reverse("outreach:event_list"),
        "event detail": reverse("outreach:event_detail", args=[event.pk]),
        "news": reverse("outreach:news_list"),
        "news detail": reverse("outreach:news_detail", args=[news.pk]),
        "news feed": reverse("outreach:news_feed"),
        "contacts": reverse("outreach:contacts"),
        "guideline": reverse("outreach:guideline"),
    }


def admin_changelists():
    return {
        f"admin {model._meta.label}": reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
        for model in admin.site._registry
    }


def count_queries(client, urls, allowed=(200,)):
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code in allowed, f"{name} ({url}): HTTP {response.status_code}"
        counts[name] = len(queries)
    return counts


def growing(before, after):
    return {name: (before[name], after[name]) for name in before if after[name] != before[name]}


@pytest.mark.page_cache
def test_public_pages_run_a_fixed_number_of_queries_whatever_the_data(client):
    """Counted as the first anonymous reader sees them (page cache missed: the page's own
    queries plus reading the public data version), then as every later reader does."""
    grow(SMALL, append=False)
    urls = public_urls()
    small = count_queries(client, urls)
    grow(GROWTH, append=True)
    cache.clear()  # the test never commits, so its growth does not retire the cached pages
    large = count_queries(client, urls)
    again = count_queries(client, urls)

    assert CSO.objects.public().count() > 200
    assert growing(small, large) == {}, "query count grows with the data (small, large)"
    over = {name: count for name, count in large.items() if count > PUBLIC_PAGE_LIMIT}
    assert over == {}, f"more than {PUBLIC_PAGE_LIMIT} queries"
    # A page with a form (the event's registration) carries a CSRF token and is never kept.
    expected = {**dict.fromkeys(urls, 1), "event detail": large["event detail"]}
    assert again == expected, "a cached page reads only the public data version"


def test_admin_changelists_run_a_fixed_number_of_queries_whatever_the_data(client):
    grow(SMALL, append=False)
    client.force_login(User.objects.create_superuser(email="root@example.jp", password="x"))
    urls = admin_changelists()
    # A few models have no list of their own and send the admin to their parent's (302).
    small = count_queries(client, urls, allowed=(200, 302))
    grow(GROWTH, append=True)
    large = count_queries(client, urls, allowed=(200, 302))

    assert growing(small, large) == {}, "query count grows with the data (small, large)"


def test_a_promoter_sees_the_proposals_changelist_in_a_fixed_number_of_queries(client):
    grow(SMALL, append=False)
    client.force_login(User.objects.get(email="bench-suishin@example.jp"))
    url = {"proposals": reverse("admin:proposals_proposal_changelist")}
    small = count_queries(client, url)
    grow(GROWTH, append=True)
    large = count_queries(client, url)

    assert small == large
