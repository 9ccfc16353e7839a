from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Left, StrIndex
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kyodo_portal import outbox, personal_data_log
from kyodo_portal.access import is_coordinator
from kyodo_portal.admin_site import ChoiceListFilter
from kyodo_portal.csv_export import streaming_csv_response
from kyodo_portal.models import Department, OutgoingMail, PersonalDataAccess, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "department", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups", "department"]
    list_select_related = ["department__parent"]
    search_fields = ["email", "full_name"]
    autocomplete_fields = ["department"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("個人情報"), {"fields": ["full_name", "department"]}),
        (_("権限"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (
            _("日時"),
            {"fields": ["last_login", "date_joined", "email_verified_at", "closed_at"]},
        ),
    ]
    readonly_fields = ["closed_at"]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate (有効 off) instead: their records keep their author

    def save_model(self, request, obj, form, change):
        """An account made by staff needs no confirmation mail: its address is taken as
        confirmed (people who sign up themselves confirm theirs by the emailed link)."""
        if not change and obj.email_verified_at is None:
            obj.email_verified_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "phone", "is_active"]
    list_filter = ["kind", "is_active", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "parent__name"]
    ordering = ["parent__sort_order", "sort_order", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # turn 有効 off instead: themes, proposals and staff refer to it


# The roles are made by data migrations; they are renamed or emptied, never deleted.
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


# The log of staff access to personal data: 県民協働課 reads and exports it; nobody writes,
# changes or deletes an entry here (kyodo_portal/personal_data_log.py writes them).


class AccessingStaffFilter(ChoiceListFilter):
    title = _("職員")
    parameter_name = "user"

    def lookups(self, request, model_admin):
        staff = User.objects.filter(pk__in=PersonalDataAccess.objects.values("user"))
        return [(user.pk, f"{user} <{user.email}>") for user in staff.order_by("email")]

    def filter(self, queryset, value):
        return queryset.filter(user_id=value)


class AccessKindFilter(ChoiceListFilter):
    """The kind of what was opened or exported: ``what`` up to personal_data_log.SEPARATOR."""

    title = _("内容の種類")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        position = StrIndex("what", Value(personal_data_log.SEPARATOR))
        kinds = (
            PersonalDataAccess.objects.alias(position=position)
            .annotate(
                kind=Case(
                    When(position__gt=0, then=Left("what", F("position") - 1)),
                    default=F("what"),
                )
            )
            .values_list("kind", flat=True)
            .distinct()
            .order_by("kind")
        )
        return [(kind, kind) for kind in kinds]

    def filter(self, queryset, value):
        return queryset.filter(
            Q(what=value) | Q(what__startswith=f"{value}{personal_data_log.SEPARATOR}")
        )


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "what", "rows", "path"]
    list_filter = [AccessingStaffFilter, AccessKindFilter]
    list_select_related = ["user"]
    search_fields = ["what", "user__email", "user__full_name"]
    date_hierarchy = "at"
    fields = ["at", "user", "what", "rows", "path"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # purge_personal_data removes entries after their retention period

    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_view),
            name="kyodo_portal_personaldataaccess_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The entries the list shows with the same filters, search and date, as CSV. The file
        names staff, so exporting it is itself recorded."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            entries = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(request.path.removesuffix("export.csv") + "?e=1")
        logged = personal_data_log.record(
            request, _("個人情報の閲覧・出力の記録（CSV）"), entries.count()
        )
        entries = entries.exclude(pk=logged.pk).select_related("user").order_by("at", "pk")
        header = [_("日時"), _("職員"), _("メールアドレス"), _("内容"), _("件数"), _("画面")]
        rows = (
            [
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.user.full_name,
                entry.user.email,
                entry.what,
                entry.rows,
                entry.path,
            ]
            for entry in entries.iterator(chunk_size=2000)
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        return streaming_csv_response(header, rows, filename=f"personal-data-access-{stamp}.csv")


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Every mail the portal sent or tries to send (kyodo_portal/outbox.py). 県民協働課 finds the
    ones that failed after the last try (状態: 送信失敗) and sends them again."""

    list_display = ["created_at", "to", "subject", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = [
        "to",
        "subject",
        "body_display",
        "template",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    ]
    readonly_fields = fields

    def has_module_permission(self, request):
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # purge_personal_data removes mail after its retention period

    def has_resend_permission(self, request):
        return is_coordinator(request.user)

    @admin.display(description=_("本文"))
    def body_display(self, mail):
        if mail.holds_secret_link:
            return gettext(
                "（ログインやアドレスの確認に使う一度だけのリンクを含むため、表示しません）"
            )
        return mail.body

    @admin.action(description=_("選んだ送信失敗のメールをもう一度送る"), permissions=["resend"])
    def resend(self, request, queryset):
        count = outbox.resend(queryset)
        skipped = queryset.count() - count
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d 通を送り直します。",
                    "%(count)d 通を送り直します。",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                gettext("送信失敗でない %(count)d 通はそのままです。") % {"count": skipped},
                messages.WARNING,
            )
