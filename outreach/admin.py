from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo_portal import page_cache, personal_data_log
from kyodo_portal.access import staff_units
from outreach import exports, services
from outreach.models import Event, MunicipalContact, NewsItem, PromoterContact, Registration


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "status",
            "organiser",
            "starts_at",
            "ends_at",
            "venue",
            "venue_address",
            "municipality",
            "capacity",
            "registration_closes_at",
            "audience",
            "fee",
            "contact",
            "description",
        ]

    def clean_status(self):
        status = self.cleaned_data["status"]
        previous = self.instance.status if self.instance.pk else None
        if previous == Event.Status.CANCELLED and status != Event.Status.CANCELLED:
            raise forms.ValidationError(_("中止した催しは元に戻せません。新しく作成してください。"))
        if status == Event.Status.CANCELLED and previous != Event.Status.CANCELLED:
            raise forms.ValidationError(
                _("中止は一覧の操作「開催を中止する」で行ってください（申込者に連絡されます）。")
            )
        return status


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    can_delete = False
    fields = ["status", "name", "organisation", "email", "note", "created_at", "waitlisted_at"]
    readonly_fields = fields
    ordering = ["status", "waitlisted_at", "created_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False  # cancel (開催を中止する) instead: registrations refer to it

    form = EventAdminForm
    list_display = [
        "title",
        "kind",
        "starts_at",
        "venue",
        "capacity",
        "confirmed_display",
        "waitlist_display",
        "status",
    ]
    list_filter = ["status", "kind", "organiser"]
    search_fields = ["title", "venue", "description"]
    date_hierarchy = "starts_at"
    list_select_related = ["organiser__parent"]
    autocomplete_fields = ["municipality"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "status", "organiser"]}),
        (
            gettext_lazy("日時と会場"),
            {"fields": ["starts_at", "ends_at", "venue", "venue_address", "municipality"]},
        ),
        (
            gettext_lazy("申込"),
            {"fields": ["capacity", "registration_closes_at", "audience", "fee", "contact"]},
        ),
        (gettext_lazy("内容"), {"fields": ["description"]}),
        (gettext_lazy("記録"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]
    inlines = [RegistrationInline]
    actions = ["export_participants", "cancel_events", "fill_from_waiting_list"]

    def get_queryset(self, request):
        return super().get_queryset(request).managed_by(request.user).with_seat_counts()

    @admin.display(description=gettext_lazy("参加確定"), ordering="confirmed_count")
    def confirmed_display(self, event):
        return event.confirmed_count

    @admin.display(description=gettext_lazy("キャンセル待ち"), ordering="waitlist_count")
    def waitlist_display(self, event):
        return event.waitlist_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organiser":
            kwargs["queryset"] = staff_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("organiser", request.user.department_id)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = services.event_fill_from_waiting_list(event=obj)
            if promoted:
                self.message_user(
                    request,
                    _("定員の変更により、キャンセル待ちの %(count)d 人が繰り上がりました。")
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )

    @admin.action(
        description=gettext_lazy("参加者名簿をCSVで出力する"), permissions=["view_registration"]
    )
    def export_participants(self, request, queryset):
        personal_data_log.record(
            request,
            _("参加者名簿（CSV）"),
            exports.participants(queryset).count(),
            subject="、".join(event.title for event in queryset),
        )
        response = HttpResponse(
            exports.participants_csv(queryset), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="participants-{stamp}.csv"'
        return response

    def has_view_registration_permission(self, request):
        return request.user.has_perm("outreach.view_registration")

    @admin.action(description=gettext_lazy("開催を中止する（申込者にメールで連絡）"))
    def cancel_events(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        for event in queryset:
            try:
                services.event_cancel(event=event, by=request.user)
            except services.DomainError as error:
                self.message_user(request, f"{event}: {error}", messages.ERROR)
            else:
                self.log_change(request, event, [{"changed": {"fields": ["状態（中止）"]}}])
                self.message_user(
                    request, _("%(event)s を中止にしました。") % {"event": event}, messages.SUCCESS
                )

    @admin.action(description=gettext_lazy("空いている席にキャンセル待ちの人を繰り上げる"))
    def fill_from_waiting_list(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        total = 0
        for event in queryset:
            total += len(services.event_fill_from_waiting_list(event=event))
        self.message_user(
            request, _("%(count)d 人が繰り上がりました。") % {"count": total}, messages.SUCCESS
        )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "status", "organisation", "created_at", "waitlisted_at"]
    list_filter = ["status", "event__kind"]
    search_fields = ["name", "email", "organisation", "event__title"]
    list_select_related = ["event"]
    readonly_fields = [
        "event",
        "user",
        "name",
        "email",
        "organisation",
        "note",
        "status",
        "created_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
    ]
    actions = ["cancel_registrations"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(event__in=Event.objects.managed_by(request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=gettext_lazy("選択した申込を取り消す（キャンセル待ちは自動で繰り上げ）"),
        permissions=["change"],
    )
    def cancel_registrations(self, request, queryset):
        for registration in queryset:
            try:
                services.registration_cancel(registration=registration, by=request.user)
            except services.DomainError as error:
                self.message_user(request, f"{registration}: {error}", messages.ERROR)
            else:
                self.log_change(request, registration, [{"changed": {"fields": ["状態（取消）"]}}])
                self.message_user(
                    request,
                    _("%(registration)s を取り消しました。") % {"registration": registration},
                    messages.SUCCESS,
                )


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False  # unpublish (下書きに戻す) instead

    list_display = ["title", "category", "published_at", "is_published_display"]
    list_filter = ["category"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    readonly_fields = ["created_by", "created_at", "updated_at"]
    actions = ["unpublish"]

    @admin.display(description=gettext_lazy("公開中"), boolean=True)
    def is_published_display(self, item):
        return item.is_published

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(
        description=gettext_lazy("公開を取りやめる（下書きに戻す）"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        items = list(queryset)
        count = queryset.update(published_at=None, updated_at=timezone.now())
        page_cache.public_data_changed()  # update() sends no signal
        for item in items:
            self.log_change(request, item, [{"changed": {"fields": ["公開日時（下書きに戻す）"]}}])
        self.message_user(
            request, _("%(count)d 件を下書きに戻しました。") % {"count": count}, messages.SUCCESS
        )


@admin.register(PromoterContact)
class PromoterContactAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False  # untick 掲載する (is_listed) instead

    list_display = ["department", "title", "public_name", "phone", "email", "is_listed"]
    list_filter = ["is_listed", "department__parent"]
    list_select_related = ["department__parent"]
    search_fields = ["department__name", "department__parent__name", "public_name"]
    autocomplete_fields = ["department"]


@admin.register(MunicipalContact)
class MunicipalContactAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False  # edit it instead: one contact per municipality

    list_display = ["municipality", "section", "phone", "email", "website"]
    list_select_related = ["municipality"]
    search_fields = ["municipality__name", "section"]
    autocomplete_fields = ["municipality"]
