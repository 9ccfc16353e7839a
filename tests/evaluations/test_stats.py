import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cso_registry.models import ActivityField
from evaluations import stats
from proposals.models import Agreement, Proposal
from tests.evaluations.conftest import make_agreement
from tests.evaluations.test_public_pages import published_evaluation
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(department, promoter, coordinator):
    """3 public agreements (事業協力 ×2, 共催 ×1), 1 draft; 2 published evaluations; proposals:
    those 4 agreed, 1 rejected (2024), 1 submitted; one unpublished evaluation."""
    welfare = ActivityField.objects.get(number=1)
    published_evaluation(department, promoter, coordinator, title="A", fields=[welfare])
    published_evaluation(
        department,
        promoter,
        coordinator,
        title="B",
        form="co_hosting",
        concluded_on=datetime.date(2025, 6, 1),
        completed_on=datetime.date(2026, 3, 1),
    )
    make_agreement(
        department=department, title="C", status=Agreement.Status.IN_PROGRESS, fields=[welfare]
    )
    make_agreement(department=department, title="D", status=Agreement.Status.DRAFT)
    Proposal.objects.update(fiscal_year=2024)
    ProposalFactory(department=department, status=Proposal.Status.REJECTED, fiscal_year=2024)
    ProposalFactory(
        department=department, status=Proposal.Status.SUBMITTED, submitted_at=timezone.now()
    )


def test_counts_and_rates_on_a_known_fixture(known, department):
    figures = stats.collect()
    counts = figures["counts"]
    assert figures["total"] == 3
    assert dict(counts["form"])["事業協力"] == 2 and dict(counts["form"])["共催"] == 1
    assert dict(counts["zone"])["C 対等に協力"] == 3
    assert counts["year"] == [("令和6年度", 2), ("令和7年度", 1)]
    assert counts["field"] == [(ActivityField.objects.get(number=1).name, 2)]
    [(label, count)] = counts["department"]
    assert count == 3 and label.endswith(department.name)
    adoption = figures["adoption"]
    # 4 agreed (the draft agreement's proposal included), 1 rejected: 80%
    assert (adoption["agreed"], adoption["rejected"], adoption["rate"]) == (4, 1, 80.0)
    ratings = {row["label"]: row for row in figures["ratings"]}
    assert ratings["対等な関係"]["cso"] == 4.0 and ratings["相互理解"]["prefecture"] == 5.0
    assert figures["evaluation_count"] == 2


def test_the_page_shows_charts_with_tables(client, known):
    response = client.get(reverse("evaluations:stats"))
    page = response.content.decode()
    assert page.count('role="img"') == 7
    assert page.count("<title id=") == 7
    assert "80.0%" in page and "合意 ÷（合意した提案 ＋ 不採択の提案）" not in page
    assert "採択率 = 合意した提案 ÷（合意した提案 ＋ 不採択の提案）" in page


@pytest.mark.parametrize("extra", [0, 6])
def test_the_page_runs_a_fixed_number_of_queries(
    client, known, department, django_assert_max_num_queries, extra
):
    for number in range(extra):
        make_agreement(department=department, title=f"追加{number}")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("evaluations:stats")).status_code == 200


def test_figures_are_counted_once_per_period_and_the_page_says_when(
    client, known, department, settings, django_assert_max_num_queries
):
    settings.STATS_CACHE_SECONDS = 600
    first = client.get(reverse("evaluations:stats"))
    make_agreement(department=department, title="集計のあとに締結")

    with django_assert_max_num_queries(0):
        figures = stats.figures()
    second = client.get(reverse("evaluations:stats"))

    assert figures["total"] == 3  # counted before the new agreement, until the period ends
    assert "時点の集計です（10 分ごとに集計し直します）" in second.content.decode()
    assert first.context["counted_at"] == second.context["counted_at"]
    settings.STATS_CACHE_SECONDS = 0
    assert stats.figures()["total"] == 4
