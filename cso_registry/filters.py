import django_filters
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import Exists, F, Func, OuterRef, Q, TextField, Value
from django.utils.translation import gettext_lazy as _

from cso_registry.models import CSO, ActivityField, Municipality
from cso_registry.normalize import search_variants


class Bigrams(Func):
    """The set of upper-cased two-character substrings (PostgreSQL function created by migration
    cso_registry 0007, which indexes it per column for published CSOs)."""

    function = "cso_registry_bigrams"
    output_field = ArrayField(TextField())


def keyword_condition(field, value, *, use_bigrams):
    """``field`` contains ``value`` (case-insensitive). On PostgreSQL the bigram index finds the
    candidates; for a two-character keyword it is exact on its own, so no LIKE is added (which
    would also make the planner expect almost no rows and sort every match)."""
    contains = Q(**{f"{field}__icontains": value})
    if not use_bigrams or len(value) < 2:
        return contains
    indexed = Q(**{f"{field}_bigrams__contains": Bigrams(Value(value))})
    return indexed if len(value) == 2 else indexed & contains


class CSOFilter(django_filters.FilterSet):
    """The public directory's search, shared by the page and both open-data exports."""

    q = django_filters.CharFilter(
        label=_("キーワード"),
        method="filter_keyword",
        help_text=_("団体名・ふりがな・団体の紹介から探します。"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("団体の種類"), choices=CSO.Kind.choices, empty_label=_("すべて")
    )
    field = django_filters.ModelChoiceFilter(
        label=_("活動分野"),
        queryset=ActivityField.objects.all(),
        method="filter_field",
        empty_label=_("すべて"),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("市町"),
        queryset=Municipality.objects.all(),
        method="filter_municipality",
        empty_label=_("すべて"),
        help_text=_("所在地か活動地域がその市町の団体です。"),
    )

    class Meta:
        model = CSO
        fields = ["q", "kind", "field", "municipality"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["field"].label_from_instance = lambda field: (
            f"{field.number}. {field.short_name}"
        )
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        self.form.fields["q"].max_length = 100

    def filter_keyword(self, queryset, name, value):
        text, katakana = search_variants(value)
        if not text:
            return queryset
        use_bigrams = connections[queryset.db].vendor == "postgresql"
        if use_bigrams:
            queryset = queryset.alias(
                name_bigrams=Bigrams(F("name")),
                furigana_bigrams=Bigrams(F("furigana")),
                description_bigrams=Bigrams(F("description")),
            )
        return queryset.filter(
            keyword_condition("name", text, use_bigrams=use_bigrams)
            | keyword_condition("furigana", katakana, use_bigrams=use_bigrams)
            | keyword_condition("description", text, use_bigrams=use_bigrams)
        )

    def filter_field(self, queryset, name, value):
        # EXISTS rather than a join: no duplicate rows, no DISTINCT.
        has_field = CSO.activity_fields.through.objects.filter(
            cso=OuterRef("pk"), activityfield=value
        )
        return queryset.filter(Exists(has_field))

    def filter_municipality(self, queryset, name, value):
        works_there = CSO.areas.through.objects.filter(cso=OuterRef("pk"), municipality=value)
        return queryset.filter(Q(municipality=value) | Exists(works_there))
