import pytest
from django.contrib.admin.options import IncorrectLookupParameters

from kyodo_portal.admin_site import department_filter, fiscal_year_filter
from proposals.models import Proposal
from tests.factories import BureauFactory, DepartmentFactory, ProposalFactory

pytestmark = pytest.mark.django_db


class ListedProposals:
    """What a filter asks of its model admin: the rows the list shows."""

    def get_queryset(self, request):
        return Proposal.objects.all()


def sidebar(filter_class, rf, user, **params):
    request = rf.get("/", params)
    request.user = user
    query = {name: [value] for name, value in params.items()}
    return filter_class(request, query, Proposal, ListedProposals()), request


def test_the_fiscal_year_filter_offers_the_listed_years_newest_first_in_the_era_style(
    rf, coordinator
):
    for year in (2024, 2026, 2024):
        ProposalFactory(fiscal_year=year)

    list_filter, _request = sidebar(fiscal_year_filter(title="締結年度"), rf, coordinator)

    assert (list_filter.title, list_filter.parameter_name) == ("締結年度", "fiscal_year")
    assert list_filter.lookup_choices == [("2026", "令和8年度"), ("2024", "令和6年度")]


def test_the_fiscal_year_filter_is_titled_by_default_and_filters_by_its_field(rf, coordinator):
    kept = ProposalFactory(fiscal_year=2025)
    ProposalFactory(fiscal_year=2026)

    list_filter, request = sidebar(fiscal_year_filter(), rf, coordinator, fiscal_year="2025")

    assert list_filter.title == "年度"
    assert list(list_filter.queryset(request, Proposal.objects.all())) == [kept]


def test_the_fiscal_year_filter_refuses_a_year_it_does_not_offer(rf, coordinator):
    ProposalFactory(fiscal_year=2025)

    list_filter, request = sidebar(fiscal_year_filter(), rf, coordinator, fiscal_year="2019")

    with pytest.raises(IncorrectLookupParameters):
        list_filter.queryset(request, Proposal.objects.all())


def test_the_department_filter_offers_only_the_units_of_the_member_of_staff(
    rf, promoter, department
):
    other = DepartmentFactory()
    mine = ProposalFactory(department=department)
    ProposalFactory(department=other)
    filter_class = department_filter(title="提案先の部署")

    offered, request = sidebar(filter_class, rf, promoter, department=str(department.pk))
    refused, refused_request = sidebar(filter_class, rf, promoter, department=str(other.pk))

    assert offered.lookup_choices == [(department.pk, department.full_name)]
    assert list(offered.queryset(request, Proposal.objects.all())) == [mine]
    with pytest.raises(IncorrectLookupParameters):
        refused.queryset(refused_request, Proposal.objects.all())


def test_the_department_filter_follows_a_field_path(rf, coordinator, department):
    mine = ProposalFactory(department=department)
    ProposalFactory(department=DepartmentFactory(parent=BureauFactory(name="県土整備部")))
    filter_class = department_filter("department__parent", title="部局", parameter_name="bureau")

    list_filter, _request = sidebar(filter_class, rf, coordinator)

    assert list_filter.parameter_name == "bureau"
    assert list(list_filter.filter(Proposal.objects.all(), department.parent_id)) == [mine]
