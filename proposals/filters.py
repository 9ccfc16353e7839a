import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cso_registry.models import ActivityField
from kyodo_portal.models import Department
from proposals.models import Theme


def departments_with_themes(request):
    return (
        Department.objects.filter(themes__status=Theme.Status.PUBLISHED)
        .select_related("parent")
        .distinct()
        .order_by("parent__sort_order", "sort_order", "name")
    )


class ThemeFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("担当部署"), queryset=departments_with_themes, empty_label=_("すべての部署")
    )
    field = django_filters.ModelChoiceFilter(
        label=_("活動分野"),
        field_name="activity_fields",
        queryset=ActivityField.objects.all(),
        empty_label=_("すべての分野"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("種類"), choices=Theme.Kind.choices, empty_label=_("すべての種類")
    )
    open_now = django_filters.BooleanFilter(
        label=_("いま募集中のものだけ"),
        method="filter_open_now",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Theme
        fields = ["department", "field", "kind", "open_now"]

    def filter_open_now(self, queryset, name, value):
        if value:
            return queryset.open_on(timezone.localdate())
        return queryset
