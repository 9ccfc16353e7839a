from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisors import services
from advisors.models import Advisor, AdvisorRequest, AdvisorRequestTransition
from kyodo_portal.admin_site import HistoryInline


@admin.register(Advisor)
class AdvisorAdmin(admin.ModelAdmin):
    list_display = ["name", "qualification", "main_topic", "organisation", "is_active"]
    list_filter = ["main_topic", "is_active"]
    search_fields = ["name", "qualification", "organisation", "expertise"]

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(HistoryInline):
    model = AdvisorRequestTransition
    fields = ["at", "from_status", "to_status", "by", "comment"]
    verbose_name_plural = AdvisorRequestTransition._meta.verbose_name_plural


@admin.register(AdvisorRequest)
class AdvisorRequestAdmin(admin.ModelAdmin):
    """県民協働課 reviews requests here; each step is a button that calls the service."""

    change_form_template = "advisors/admin/change_form.html"
    list_display = [
        "cso",
        "topic",
        "status",
        "preferred_date_1",
        "advisor",
        "visit_at",
        "created_at",
    ]
    list_filter = ["status", "topic"]
    search_fields = ["cso__name", "details"]
    list_select_related = ["cso", "advisor"]
    date_hierarchy = "created_at"
    inlines = [TransitionInline]
    fieldsets = [
        (
            gettext_lazy("申込"),
            {
                "fields": [
                    "cso",
                    "requested_by",
                    "topic",
                    "details",
                    "preferred_date_1",
                    "preferred_date_2",
                    "preferred_date_3",
                    "preferred_time",
                    "place",
                    "status",
                    "created_at",
                ]
            },
        ),
        (
            gettext_lazy("派遣"),
            {"fields": ["advisor", "visit_at", "visit_place", "message_to_cso", "decline_reason"]},
        ),
        (gettext_lazy("実施報告"), {"fields": ["report"]}),
        (gettext_lazy("県の内部メモ"), {"fields": ["internal_note"]}),
    ]
    readonly_fields = [
        "cso",
        "requested_by",
        "topic",
        "details",
        "preferred_date_1",
        "preferred_date_2",
        "preferred_date_3",
        "preferred_time",
        "place",
        "status",
        "created_at",
        "advisor",
        "visit_at",
        "visit_place",
        "message_to_cso",
        "decline_reason",
        "report",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/step/<slug:name>/",
                self.admin_site.admin_view(self.step_view),
                name="{}_{}_step".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"steps": [], **(extra_context or {})}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["steps"] = [
                (reverse("admin:advisors_advisorrequest_step", args=[obj.pk, step.name]), step)
                for step in services.STAFF_STEPS.available(obj, request.user)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, object_id, name):
        advisor_request = get_object_or_404(
            AdvisorRequest.objects.select_related("cso"), pk=object_id
        )
        if name not in services.STAFF_STEPS:
            raise Http404
        step = services.STAFF_STEPS[name]
        if not (
            self.has_change_permission(request, advisor_request)
            and step.may(request.user, advisor_request)
        ):
            raise PermissionDenied
        title = step.label
        initial = {}
        if step.name == "schedule" and advisor_request.advisor_id:
            initial = {
                "advisor": advisor_request.advisor_id,
                "visit_at": advisor_request.visit_at,
                "visit_place": advisor_request.visit_place,
                "message_to_cso": advisor_request.message_to_cso,
            }
        form = step.form(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                step.take(advisor_request, by=request.user, **form.cleaned_data)
            except services.DomainError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, _("%(title)s: 完了しました。") % {"title": title}, messages.SUCCESS
                )
                return redirect("admin:advisors_advisorrequest_change", advisor_request.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "subtitle": str(advisor_request),
            "original": advisor_request,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "advisors/admin/step_form.html", context)
