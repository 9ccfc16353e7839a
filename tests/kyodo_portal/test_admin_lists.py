"""The admin's change lists stay cheap at national scale (issue 18): each row's action checkbox
written directly, a count that stops reading at 10,000 rows, and the 年度 choices read one
year at a time from an index."""

import pytest
from django.contrib import admin
from django.contrib.admin.options import ModelAdmin
from django.db import connection
from django.urls import reverse

from cso_registry.models import CSO
from kyodo_portal import pagination
from kyodo_portal.wareki import distinct_years, fiscal_year_choices
from proposals.models import Proposal
from tests.factories import CSOFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_the_action_checkbox_is_the_one_django_renders():
    cso = CSOFactory(name='"あ" & <い>')
    model_admin = admin.site._registry[CSO]

    assert model_admin.action_checkbox(cso) == ModelAdmin.action_checkbox(model_admin, cso)


def test_the_changelist_shows_the_checkboxes_and_the_exact_count(client, coordinator):
    CSOFactory.create_batch(3)
    client.force_login(coordinator)

    response = client.get(reverse("admin:cso_registry_cso_changelist"))

    assert response.status_code == 200
    assert response.text.count('class="action-select"') == 3
    assert not response.context["cl"].paginator.is_approximate
    assert "約" not in response.text.split('class="paginator"')[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimate of the rows")
def test_a_changelist_beyond_the_threshold_shows_the_estimate_labelled_about(
    client, coordinator, monkeypatch
):
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 2)
    CSOFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cso_registry_cso")
    client.force_login(coordinator)

    response = client.get(reverse("admin:cso_registry_cso_changelist"))

    assert response.context["cl"].paginator.is_approximate
    assert "約" in response.text.split('class="paginator"')[1]


def test_the_years_offered_are_the_distinct_years_newest_first():
    for year in (2019, 2024, 2024, 2021):
        ProposalFactory(fiscal_year=year)
    queryset = Proposal.objects.exclude(fiscal_year=None)

    assert distinct_years(queryset, "fiscal_year") == [2024, 2021, 2019]
    assert distinct_years(queryset.filter(fiscal_year__lt=2024), "fiscal_year") == [2021, 2019]
    assert distinct_years(queryset.none(), "fiscal_year") == []
    assert [value for value, _label in fiscal_year_choices(Proposal.objects.all())] == [
        "2024",
        "2021",
        "2019",
    ]


def test_the_years_follow_a_path_through_a_relation():
    proposal = ProposalFactory(fiscal_year=2023)
    ProposalFactory(fiscal_year=2020)

    queryset = Proposal.objects.filter(cso=proposal.cso)

    assert distinct_years(queryset.exclude(fiscal_year=None), "fiscal_year") == [2023]
    assert distinct_years(
        CSO.objects.filter(pk=proposal.cso_id).exclude(proposals__fiscal_year=None),
        "proposals__fiscal_year",
    ) == [2023]
