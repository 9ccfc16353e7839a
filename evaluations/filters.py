import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cso_registry.models import ActivityField
from evaluations.models import Decision, Evaluation
from kyodo_portal.models import Department
from kyodo_portal.wareki import fiscal_year_choices
from proposals.models import CollaborationForm, CollaborationZone


def published_fiscal_years():
    return fiscal_year_choices(Evaluation.objects.published())


def departments_with_evaluations(request):
    # EXISTS per department, not a join with DISTINCT over every published evaluation.
    published = Evaluation.objects.published().filter(agreement__department=OuterRef("pk"))
    return (
        Department.objects.filter(Exists(published))
        .select_related("parent")
        .order_by("parent__sort_order", "sort_order", "name")
    )


class EvaluationFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label=_("年度"),
        field_name="fiscal_year",
        choices=published_fiscal_years,
        empty_label=_("すべての年度"),
    )
    form = django_filters.ChoiceFilter(
        label=_("協働の形態"),
        field_name="agreement__current_version__form",
        choices=CollaborationForm.choices,
        empty_label=_("すべての形態"),
    )
    zone = django_filters.ChoiceFilter(
        label=_("協働の領域"),
        field_name="agreement__current_version__zone",
        choices=CollaborationZone.choices,
        empty_label=_("すべての領域"),
    )
    field = django_filters.ModelChoiceFilter(
        label=_("活動分野"),
        field_name="agreement__current_version__activity_fields",
        queryset=ActivityField.objects.all(),
        empty_label=_("すべての分野"),
        distinct=True,
    )
    department = django_filters.ModelChoiceFilter(
        label=_("県の担当部署"),
        field_name="agreement__department",
        queryset=departments_with_evaluations,
        empty_label=_("すべての部署"),
    )
    decision = django_filters.ChoiceFilter(
        label=_("今後の方針"), choices=Decision.choices, empty_label=_("すべての方針")
    )

    class Meta:
        model = Evaluation
        fields = ["year", "form", "zone", "field", "department", "decision"]
