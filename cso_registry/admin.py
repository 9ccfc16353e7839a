from django.contrib import admin

from cso_registry.models import CSO, ActivityField, Membership, Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kana", "county", "kind"]
    search_fields = ["name", "kana", "code"]


@admin.register(ActivityField)
class ActivityFieldAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(CSO)
class CSOAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "status", "verified_on"]
    list_filter = ["status", "kind", "activity_fields", "municipality"]
    search_fields = ["name", "furigana", "corporate_number"]
    list_select_related = ["municipality"]
    filter_horizontal = ["activity_fields", "areas"]
    inlines = [MembershipInline]
