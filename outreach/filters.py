import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cso_registry.models import Municipality
from kyodo_portal.access import is_verified_staff
from outreach.models import Event


class EventFilter(django_filters.FilterSet):
    """Filters of the public event list; 職員研修 is offered only to staff."""

    WHEN_CHOICES = [("upcoming", _("これからの催し")), ("past", _("終了した催し"))]

    when = django_filters.ChoiceFilter(
        label=_("時期"), choices=WHEN_CHOICES, method="filter_when", empty_label=None
    )
    kind = django_filters.ChoiceFilter(
        label=_("種類"), choices=Event.Kind.choices, empty_label=_("すべて")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("開催する市町"), queryset=Municipality.objects.all(), empty_label=_("すべて")
    )
    q = django_filters.CharFilter(label=_("キーワード"), method="filter_keyword")

    class Meta:
        model = Event
        fields = ["when", "kind", "municipality", "q"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("when") not in dict(self.WHEN_CHOICES):  # missing or unknown: upcoming
            data["when"] = "upcoming"
        super().__init__(data, *args, **kwargs)
        # Before the form is built from the filters: 職員研修 is offered to verified staff only.
        if not is_verified_staff(user):
            self.filters["kind"].extra["choices"] = [
                choice for choice in Event.Kind.choices if choice[0] != Event.Kind.STAFF_TRAINING
            ]
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "past":
            return queryset.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        return queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")

    def filter_keyword(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(description__icontains=word) | Q(venue__icontains=word)
            )
        return queryset
