"""A directory search counts its matches only up to a cap, so that a common two-character
keyword over 350,000 CSOs does not read most of the table just to print the total."""

import pytest
from django.urls import reverse

from cso_registry import views
from cso_registry.models import CSO
from tests.factories import CSOFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def welfare_csos():
    return CSOFactory.create_batch(
        8, description="地域福祉の相談会を開いています。", status=CSO.Status.PUBLISHED
    )


def test_a_search_with_more_matches_than_the_cap_says_so_and_pages_through_them(
    client, welfare_csos, monkeypatch
):
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 5)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)

    first = client.get(reverse("cso_registry:list"), {"q": "福祉"})
    third = client.get(reverse("cso_registry:list"), {"q": "福祉", "page": 3})

    assert "条件に合う団体は 5 件以上あります。" in first.text
    assert first.context["page_obj"].paginator.num_pages == 3
    assert len(third.context["page_obj"]) == 1


def test_a_search_below_the_cap_gives_the_exact_count(client, welfare_csos, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 8)

    response = client.get(reverse("cso_registry:list"), {"q": "福祉"})

    assert "条件に合う団体は 8 件です。" in response.text


def test_the_unfiltered_directory_counts_every_published_cso(client, welfare_csos, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 5)

    response = client.get(reverse("cso_registry:list"))

    assert "8 団体が公開されています。" in response.text
