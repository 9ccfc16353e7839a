"""The admin site: Django's, plus two-factor login (django-otp TOTP) for staff, and lists that
answer hostile query strings without a 500.

When ``OTP_REQUIRED_FOR_STAFF`` is on (the default when DEBUG is off) an admin page opens only
for a session verified with a one-time code. A member of staff who signed in with the password
only is sent to ``/account/2fa/`` to enter the code from their authenticator app, or to set one
up the first time (``/account/2fa/setup/``).

A change list's query string is input like any other. A filter value the list does not offer is
an incorrect lookup parameter, which Django's admin answers by reopening the list without
filters (``?e=1``): ``ChoiceListFilter`` says so for the portal's own sidebar filters, and
``PortalChangeList`` for what Django lets through to the database (a date-hierarchy year outside
the calendar, a number beyond 64 bits). Every model admin on this site lists with it.
"""

from datetime import MAXYEAR, MINYEAR
from urllib.parse import urlencode

from django.contrib.admin import (
    AdminSite,
    ModelAdmin,
    SimpleListFilter,
    TabularInline,
    helpers,
)
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kyodo_portal.access import needs_second_factor, staff_units
from kyodo_portal.pagination import AdminListPaginator
from kyodo_portal.request_input import beyond_64_bits
from kyodo_portal.wareki import fiscal_year_choices


class ChoiceListFilter(SimpleListFilter):
    """A sidebar filter that accepts only the values it offers.

    Django hands whatever the query string holds to ``queryset()``: ``?theme=abc``, a year of
    twenty digits or another department's number would reach the database and fail there (a
    500), or filter by something the list never offered this person. Here any value that is not
    one of ``lookups()`` is an incorrect lookup parameter; an empty one filters nothing.
    Subclasses give ``lookups()`` and ``filter(queryset, value)``.
    """

    def queryset(self, request, queryset):
        value = self.value()
        if value is None or value == "":
            return queryset
        offered = {str(choice) for choice, _label in self.lookup_choices}
        if str(value) not in offered:
            raise IncorrectLookupParameters(f"{self.parameter_name}: not one of the lookups")
        return self.filter(queryset, value)

    def filter(self, queryset, value):
        raise NotImplementedError(f"{type(self).__name__} must say how it filters")


def fiscal_year_filter(field="fiscal_year", *, title=None, parameter_name="fiscal_year"):
    """A sidebar filter by the fiscal year in ``field`` (a path such as
    ``"agreement__fiscal_year"``): the years of the rows the list shows, newest first, each
    with its 和暦 label (令和8年度). The title is 年度 unless the list says otherwise."""

    class FiscalYearFilter(ChoiceListFilter):
        def lookups(self, request, model_admin):
            return fiscal_year_choices(model_admin.get_queryset(request), field)

        def filter(self, queryset, value):
            return queryset.filter(**{field: value})

    FiscalYearFilter.title = title or _("年度")
    FiscalYearFilter.parameter_name = parameter_name
    return FiscalYearFilter


def department_filter(field="department", *, title, parameter_name="department"):
    """A sidebar filter by the department in ``field``: the units the member of staff works
    for (every unit for 県民協働課), so no one filters by a number the list never offered."""

    class DepartmentFilter(ChoiceListFilter):
        def lookups(self, request, model_admin):
            return [(unit.pk, unit.full_name) for unit in staff_units(request.user)]

        def filter(self, queryset, value):
            return queryset.filter(**{field: value})

    DepartmentFilter.title = title
    DepartmentFilter.parameter_name = parameter_name
    return DepartmentFilter


class PortalChangeList(ChangeList):
    """Django's change list, refusing as incorrect lookup parameters two kinds of value it lets
    through to the database.

    The date hierarchy turns its year, month and day into dates, catching only ValueError: a
    month of twenty digits raises OverflowError, and a year at the calendar's edge (1 or 9999)
    has no neighbour to bound the range. A number beyond 64 bits, given to a foreign key, cannot
    be bound by SQLite (PostgreSQL compares it and finds nothing): refused on both databases
    alike.
    """

    def get_filters(self, request):
        if self.date_hierarchy:
            year = self.filter_params.get(f"{self.date_hierarchy}__year")
            if year is not None and not _inside_the_calendar(year[-1]):
                raise IncorrectLookupParameters(f"{self.date_hierarchy}__year: out of range")
        try:
            filters = super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error
        remaining_lookups = filters[2]
        for name, values in remaining_lookups.items():
            if any(beyond_64_bits(value) for value in _as_list(values)):
                raise IncorrectLookupParameters(f"{name}: a number beyond 64 bits")
        return filters


def _inside_the_calendar(year):
    try:
        return MINYEAR < int(year) < MAXYEAR
    except ValueError:
        return False


def _as_list(values):
    return values if isinstance(values, (list, tuple)) else [values]


class PortalListMixin:
    """Lists with PortalChangeList; PortalAdminSite mixes it into every model admin.

    Change lists count without reading a big table (``AdminListPaginator``: exact up to 10,000
    rows, PostgreSQL's estimate labelled 約 beyond), and write each row's action checkbox
    directly (Django renders a form widget template per row: a fifth of a 50-row list).
    """

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if self.paginator is not Paginator:  # a model admin that chose its own
            return super().get_paginator(
                request, queryset, per_page, orphans, allow_empty_first_page
            )
        return AdminListPaginator(queryset, per_page, orphans, allow_empty_first_page)

    def action_checkbox(self, obj):
        """What ModelAdmin.action_checkbox renders through CheckboxInput's template
        (tests/kyodo_portal/test_admin_lists.py compares them)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "template_name", None) == "admin/invalid_setup.html":
            # Wrong filters on top of ?e=1: Django's page for it speaks of a broken database
            # installation. The list without filters says what happened instead.
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return response

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if changelist is ChangeList:
            return PortalChangeList
        if not issubclass(changelist, PortalChangeList):
            raise ImproperlyConfigured(
                f"{type(self).__name__}.get_changelist() must return a PortalChangeList subclass"
            )
        return changelist


class PortalAdminSite(AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and not needs_second_factor(request.user)

    def login(self, request, extra_context=None):
        if needs_second_factor(request.user):
            next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return redirect(f"{reverse('two_factor:verify')}?{urlencode({'next': next_url})}")
        return super().login(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin, the portal's and those of the installed packages, lists with
        PortalChangeList."""
        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, PortalListMixin):
            admin_class = type(
                admin_class.__name__,
                (PortalListMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class PortalAdminConfig(AdminConfig):
    default_site = "kyodo_portal.admin_site.PortalAdminSite"


class HistoryInline(TabularInline):
    """The history of the object on its change page (a ``HistoryRecord`` model), read-only:
    only the services write it. ``fields`` lists the columns; ``select_related`` what a row
    reads besides them."""

    extra = 0
    can_delete = False
    verbose_name_plural = _("履歴")
    select_related = ("by",)

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedObjectMixin:
    """Someone else's object answers 404 on every object URL (change, history, delete and
    our own views), rather than the admin's usual redirect to the index."""

    def get_object(self, request, object_id, from_field=None):
        # A change page asks more than once (the page's own context, then Django's view): one
        # read per request for a reading request.
        key = (type(self), str(object_id), from_field)
        read = getattr(request, "_scoped_objects", None)
        if request.method in ("GET", "HEAD") and read is not None and key in read:
            return read[key]
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("見つからないか、担当外です。"))
        if request.method in ("GET", "HEAD"):
            if read is None:
                read = request._scoped_objects = {}
            read[key] = obj
        return obj
