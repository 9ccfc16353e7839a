"""The directory's keyword search on PostgreSQL adds the bigram-index condition of migration
cso_registry 0007 and still finds exactly what a plain case-insensitive substring search finds
(the index's use at scale is shown by `make bench` and EXPLAIN on the bench database)."""

import pytest
from django.db import connection
from django.db.models import Q

from cso_registry.filters import CSOFilter
from cso_registry.models import CSO
from tests.factories import CSOFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

KEYWORDS = ["福祉", "ふくし", "フク", "子育て", "NPO", "npo", "ab", "福", "まちづくり協議会", "%_"]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (bigram indexes)")


@pytest.fixture
def directory():
    descriptions = [
        "高齢者福祉の相談会を開いています。",
        "子育てサロンと学習支援。",
        "NPO の中間支援。ABC 会議。",
        "まちづくり協議会の事務局です。",
        "割引 100%_off の表記。",
        "",
    ]
    for number, description in enumerate(descriptions * 3):
        CSOFactory(
            name=["さが福祉ネット", "みどり子育て応援団", "npo サポート", "本町自治会"][number % 4],
            furigana=["サガフクシネット", "ミドリコソダテ", "エヌピーオー", "ホンマチジチカイ"][
                number % 4
            ],
            description=description,
            status=CSO.Status.PUBLISHED if number % 5 else CSO.Status.HIDDEN,
        )


def plain_search(keyword, katakana):
    return set(
        CSO.objects.public()
        .filter(
            Q(name__icontains=keyword)
            | Q(furigana__icontains=katakana)
            | Q(description__icontains=keyword)
        )
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_bigram_search_finds_exactly_what_a_substring_search_finds(directory, keyword):
    from cso_registry.normalize import search_variants

    text, katakana = search_variants(keyword)
    found = set(
        CSOFilter({"q": keyword}, queryset=CSO.objects.public()).qs.values_list("pk", flat=True)
    )

    assert found == plain_search(text, katakana)
