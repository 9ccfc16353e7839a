from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_portal.models import Department, User


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
