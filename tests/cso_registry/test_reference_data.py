import csv
from pathlib import Path

import pytest
from django.conf import settings

from cso_registry.models import ActivityField, Municipality

REFERENCE = Path(settings.BASE_DIR) / "docs" / "reference"


def local_government_code_is_valid(code):
    """6 digits; the last is a check digit: weights 6,5,4,3,2, (11 - sum mod 11) mod 10."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(code[:5], (6, 5, 4, 3, 2), strict=True)
    )
    return (11 - total % 11) % 10 == int(code[5])


def test_the_check_digit_rule_refuses_a_wrong_code():
    assert local_government_code_is_valid("412015")
    assert not local_government_code_is_valid("412016")


@pytest.mark.django_db
def test_twenty_municipalities_of_saga_are_loaded_with_valid_codes():
    municipalities = list(Municipality.objects.all())

    assert len(municipalities) == 20
    assert sum(m.kind == "市" for m in municipalities) == 10
    assert sum(m.kind == "町" for m in municipalities) == 10
    assert all(m.code.startswith("41") for m in municipalities)
    assert all(local_government_code_is_valid(m.code) for m in municipalities)


@pytest.mark.django_db
def test_municipalities_match_the_reference_list():
    with open(REFERENCE / "saga-municipalities.csv", encoding="utf-8") as f:
        expected = {(r["code"], r["name"], r["county"], r["kana"]) for r in csv.DictReader(f)}

    loaded = set(Municipality.objects.values_list("code", "name", "county", "kana"))
    assert loaded == expected


@pytest.mark.django_db
def test_twenty_activity_fields_are_loaded_in_the_order_of_the_act():
    with open(REFERENCE / "npo-activity-fields.csv", encoding="utf-8") as f:
        expected = [(int(r["number"]), r["name"]) for r in csv.DictReader(f)]

    assert list(ActivityField.objects.values_list("number", "name")) == expected
    assert len(expected) == 20
    assert ActivityField.objects.get(number=1).name == "保健、医療又は福祉の増進を図る活動"
