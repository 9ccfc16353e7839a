"""Staff work on CSOs in the admin: verify and publish (県民協働課), enter data on a group's behalf
(代理入力, 推進員 too), import the survey. Every write goes through cso_registry.services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cso_registry import opendata, services
from cso_registry.forms import CSOProfileForm, StatusChangeForm, SurveyImportForm
from cso_registry.models import (
    CSO,
    ActivityField,
    CSOHistoryEntry,
    Membership,
    Municipality,
    SurveyAnswer,
    one_year_before,
)
from cso_registry.survey_import import COLUMN_HELP
from cso_registry.tasks import (
    OPEN_DATA_EXPORT,
    SURVEY_IMPORT,
    import_survey_job,
    write_open_data_job,
)
from kyodo_portal import jobs, published_files
from kyodo_portal.access import is_coordinator
from kyodo_portal.admin_site import ChoiceListFilter, HistoryInline


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False  # reference data from migrations; CSOs and histories refer to it

    list_display = ["code", "name", "kana", "county", "kind"]
    search_fields = ["name", "kana", "code"]


@admin.register(ActivityField)
class ActivityFieldAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False  # reference data from migrations; CSOs and histories refer to it

    list_display = ["number", "name"]


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Membership
    fields = ["user", "role", "status", "created_at", "decided_at"]
    readonly_fields = fields
    verbose_name_plural = _("メンバー（承認・見送りは「メンバー」の一覧の操作から）")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


def format_changes(changes):
    if not changes:
        return "—"
    return format_html(
        "<ul class='cso-changes'>{}</ul>",
        format_html_join(
            "",
            "<li>{}: {} → {}</li>",
            ((c["label"], c["old"] or "—", c["new"] or "—") for c in changes),
        ),
    )


class CSOHistoryInline(HistoryInline):
    model = CSOHistoryEntry
    fields = ["at", "action", "by", "assisted", "changes_display", "comment"]
    verbose_name_plural = _("変更履歴（新しい順）")
    classes = ["collapse"]

    @admin.display(description=_("変更内容"))
    def changes_display(self, entry):
        return format_changes(entry.changes)


class SurveyAnswerInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = SurveyAnswer
    fields = ["fiscal_year", "budget_band", "paid_staff", "volunteers", "answered_on"]
    readonly_fields = fields
    verbose_name_plural = _(
        "実態調査の回答（入力は「実態調査の回答」から。取り込みは一覧の右上から）"
    )


class NeedsUpdateFilter(ChoiceListFilter):
    title = _("最終確認")
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("due", _("要更新（1年以上前）")), ("current", _("1年以内に確認済み"))]

    def filter(self, queryset, value):
        cutoff = one_year_before(timezone.localdate())
        stale = Q(verified_on__isnull=True) | Q(verified_on__lt=cutoff)
        return queryset.filter(stale) if value == "due" else queryset.exclude(stale)


class CSOAdminForm(CSOProfileForm):
    class Meta(CSOProfileForm.Meta):
        widgets = {
            **CSOProfileForm.Meta.widgets,
            "activity_fields": admin.widgets.FilteredSelectMultiple(_("活動分野"), False),
            "areas": admin.widgets.FilteredSelectMultiple(_("活動地域"), False),
        }


@admin.register(CSO)
class CSOAdmin(admin.ModelAdmin):
    form = CSOAdminForm
    list_display = [
        "name",
        "furigana",
        "kind",
        "municipality",
        "status",
        "verified_on",
        "needs_update_display",
    ]
    list_filter = ["status", "kind", "activity_fields", "municipality", NeedsUpdateFilter]
    search_fields = ["name", "furigana", "corporate_number"]
    list_select_related = ["municipality"]
    list_per_page = 50
    show_full_result_count = False  # the filtered count is enough (350,000 CSOs nationally)
    readonly_fields = ["status", "verified_on", "created_at", "updated_at", "sheet_link"]
    fieldsets = [
        (
            _("公開の状況"),
            # edit_version: hidden, so a save on top of someone else's newer save is refused.
            {
                "fields": [
                    "status",
                    "verified_on",
                    "created_at",
                    "updated_at",
                    "sheet_link",
                    "edit_version",
                ]
            },
        ),
        (
            _("団体の基本"),
            {
                "fields": [
                    "name",
                    "furigana",
                    "kind",
                    "corporate_number",
                    "founded_on",
                    "member_count",
                ]
            },
        ),
        (_("活動"), {"fields": ["description", "activity_fields", "areas", "website"]}),
        (
            _("所在地と連絡先"),
            {
                "fields": [
                    "municipality",
                    "postal_code",
                    "address",
                    "representative_name",
                    "phone",
                    "email",
                    "contact_public",
                ]
            },
        ),
    ]
    inlines = [SurveyAnswerInline, MembershipInline, CSOHistoryInline]
    actions = ["publish_selected", "hide_selected"]

    def get_search_results(self, request, queryset, search_term):
        # Furigana typed in hiragana or full-width digits in a 法人番号 still find the CSO.
        from cso_registry.normalize import search_variants

        text, katakana = search_variants(search_term)
        if request.GET.get("model_name") == "agreementparty":
            # Choosing a party of an agreement: only CSOs 県民協働課 verified and published.
            queryset = queryset.public()
        filtered = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset, text)
        if katakana != text:
            queryset |= filtered.filter(furigana__icontains=katakana)
        return queryset, may_have_duplicates

    @admin.display(description=_("要更新"), boolean=True)
    def needs_update_display(self, cso):
        return cso.is_update_due()

    @admin.display(description=_("確認シート"))
    def sheet_link(self, cso):
        if not cso.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("account:cso_sheet", args=[cso.pk]),
            gettext("登録内容の確認シート（A4 印刷用）を開く"),
        )

    # Writes go through the services, which record the history (代理入力 for staff).

    def save_model(self, request, obj, form, change):
        data = dict(form.cleaned_data)
        if change:
            # The form refused a missing or older version; the service checks it again under
            # the row lock, so a save that raced past the form is refused (403) too.
            try:
                services.cso_update(
                    cso=obj, by=request.user, data=data, expected_version=data.get("edit_version")
                )
            except services.EditConflict as error:
                raise PermissionDenied(str(error)) from error
        else:
            # A 法人番号 registered since the form checked it is refused the same way.
            try:
                created = services.cso_register(by=request.user, data=data)
            except ValidationError as error:
                raise PermissionDenied(" ".join(error.messages)) from error
            obj.pk = created.pk
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were set by the service; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False  # archive (非公開), never delete

    # Publishing: 県民協働課 only, with a reason kept in the history.

    def has_publish_permission(self, request):
        return is_coordinator(request.user)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "open-data/",
                self.admin_site.admin_view(self.open_data_view),
                name="{}_{}_open_data".format(*info),
            ),
            path(
                "open-data/<uuid:job_id>/",
                self.admin_site.admin_view(self.open_data_job_view),
                name="{}_{}_open_data_job".format(*info),
            ),
            path(
                "open-data/<uuid:job_id>/status/",
                self.admin_site.admin_view(self.open_data_job_status),
                name="{}_{}_open_data_job_status".format(*info),
            ),
            path(
                "import/<uuid:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="{}_{}_import_job".format(*info),
            ),
            path(
                "import/<uuid:job_id>/status/",
                self.admin_site.admin_view(self.import_job_status),
                name="{}_{}_import_job_status".format(*info),
            ),
            path(
                "<int:pk>/status/<str:target>/",
                self.admin_site.admin_view(self.status_view),
                name="{}_{}_status".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_publish": self.has_publish_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def _change_status(self, request, csos, target):
        """Show the reason form for ``csos``; on a valid POST, apply ``target`` to each."""
        hiding = target == CSO.Status.HIDDEN
        form = StatusChangeForm(
            request.POST if "confirm" in request.POST else None, reason_required=hiding
        )
        if form.is_bound and form.is_valid():
            done = 0
            for cso in csos:
                try:
                    if hiding:
                        services.cso_hide(
                            cso=cso, by=request.user, reason=form.cleaned_data["reason"]
                        )
                    else:
                        services.cso_publish(
                            cso=cso, by=request.user, reason=form.cleaned_data["reason"]
                        )
                    done += 1
                except services.DomainError as error:
                    self.message_user(request, str(error), messages.WARNING)
            if done:
                self.message_user(
                    request,
                    (
                        gettext("%(count)d 団体を非公開にしました。")
                        if hiding
                        else gettext("%(count)d 団体を公開しました。")
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/cso_registry/cso/status_change.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("非公開にする") if hiding else gettext("公開する"),
                "hiding": hiding,
                "csos": csos,
                "form": form,
                "action_name": "hide_selected" if hiding else "publish_selected",
                "selected": [cso.pk for cso in csos],
            },
        )

    @admin.action(description=_("選んだ団体を公開する"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        return self._change_status(request, list(queryset), CSO.Status.PUBLISHED)

    @admin.action(description=_("選んだ団体を非公開にする（理由が必要）"), permissions=["publish"])
    def hide_selected(self, request, queryset):
        return self._change_status(request, list(queryset), CSO.Status.HIDDEN)

    def status_view(self, request, pk, target):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        if target not in (CSO.Status.PUBLISHED, CSO.Status.HIDDEN):
            raise PermissionDenied
        cso = self.get_object(request, str(pk))
        if cso is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        response = self._change_status(request, [cso], target)
        if response is None:
            return HttpResponseRedirect(reverse("admin:cso_registry_cso_change", args=[cso.pk]))
        response.context_data["single"] = True
        return response

    # Survey import: the same importer as `manage.py import_cso_survey`.

    def has_import_permission(self, request):
        return is_coordinator(request.user)

    def import_view(self, request, job=None):
        """Upload the file; the import runs as a task (kyodo_portal/jobs.py) and this page,
        at the job's address, shows its progress and then its result."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = SurveyImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            job = jobs.start(
                kind=SURVEY_IMPORT,
                task=import_survey_job,
                by=request.user,
                data=upload.read(),
                name=upload.name,
                options={"dry_run": form.cleaned_data["dry_run"]},
            )
            return HttpResponseRedirect(reverse("admin:cso_registry_cso_import_job", args=[job.pk]))
        result = job.result if job is not None and job.is_finished else None
        return TemplateResponse(
            request,
            "admin/cso_registry/cso/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("実態調査の取り込み"),
                "form": form,
                "job": job,
                "job_status": jobs.status(job) if job is not None else None,
                "status_url": (
                    reverse("admin:cso_registry_cso_import_job_status", args=[job.pk])
                    if job is not None
                    else ""
                ),
                "result": result,
                "file_error": (result or {}).get("file_error"),
                "column_help": COLUMN_HELP,
            },
        )

    def _import_job(self, request, job_id):
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = jobs.for_person(request, job_id, SURVEY_IMPORT)
        if job is None:
            raise Http404
        return job

    def import_job_view(self, request, job_id):
        job = self._import_job(request, job_id)
        if request.method == "POST":
            return self.import_view(request)
        return self.import_view(request, job=job)

    def import_job_status(self, request, job_id):
        return JsonResponse(jobs.status(self._import_job(request, job_id)))

    # The open-data files (cso_registry/opendata.py): written each night by the scheduler;
    # 県民協働課 rewrites them now, e.g. after taking a CSO off the directory.

    def open_data_view(self, request, job=None):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            job = jobs.start(kind=OPEN_DATA_EXPORT, task=write_open_data_job, by=request.user)
            return HttpResponseRedirect(
                reverse("admin:cso_registry_cso_open_data_job", args=[job.pk])
            )
        return TemplateResponse(
            request,
            "admin/cso_registry/cso/open_data.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("オープンデータのファイル"),
                "files": [
                    published_files.current(name)
                    for name in (opendata.CSV_FILE, opendata.JSON_FILE)
                ],
                "job": job,
                "job_status": jobs.status(job) if job is not None else None,
                "status_url": (
                    reverse("admin:cso_registry_cso_open_data_job_status", args=[job.pk])
                    if job is not None
                    else ""
                ),
            },
        )

    def _open_data_job(self, request, job_id):
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = jobs.for_person(request, job_id, OPEN_DATA_EXPORT)
        if job is None:
            raise Http404
        return job

    def open_data_job_view(self, request, job_id):
        job = self._open_data_job(request, job_id)
        return self.open_data_view(request, job=None if request.method == "POST" else job)

    def open_data_job_status(self, request, job_id):
        return JsonResponse(jobs.status(self._open_data_job(request, job_id)))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["cso", "user", "role", "status", "created_at", "decided_at"]
    list_filter = ["status", "role"]
    search_fields = ["cso__name", "cso__furigana", "user__email", "user__full_name"]
    list_select_related = ["cso", "user"]
    show_full_result_count = False
    readonly_fields = ["cso", "user", "role", "status", "created_at", "decided_at"]
    actions = ["approve_as_member", "approve_as_admin", "decline"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, operation, done_message):
        done = 0
        for membership in queryset:
            try:
                operation(membership)
                done += 1
            except services.DomainError as error:
                self.message_user(request, f"{membership}: {error}", messages.WARNING)
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("メンバーとして承認する"), permissions=["change"])
    def approve_as_member(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda m: services.membership_approve(membership=m, by=request.user),
            gettext("%(count)d 件を承認しました。"),
        )

    @admin.action(
        description=_("管理者として承認する（管理者のいない団体に）"), permissions=["change"]
    )
    def approve_as_admin(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda m: services.membership_approve(
                membership=m, by=request.user, role=Membership.Role.ADMIN
            ),
            gettext("%(count)d 件を管理者として承認しました。"),
        )

    @admin.action(description=_("申し込みを見送る"), permissions=["change"])
    def decline(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda m: services.membership_decline(membership=m, by=request.user),
            gettext("%(count)d 件を見送りました。"),
        )


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    """Staff enter a group's survey answer on its behalf (代理入力); recorded in the history."""

    list_display = ["cso", "fiscal_year", "budget_band", "paid_staff", "volunteers"]
    list_filter = ["fiscal_year", "budget_band"]
    search_fields = ["cso__name", "cso__furigana"]
    list_select_related = ["cso"]
    autocomplete_fields = ["cso"]
    fields = ["cso", "fiscal_year", "budget_band", "paid_staff", "volunteers", "answered_on"]

    def get_readonly_fields(self, request, obj=None):
        return ["cso", "fiscal_year"] if obj else []

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.SURVEY_FIELDS}
        answer, _changes = services.survey_answer_record(
            cso=obj.cso, by=request.user, fiscal_year=obj.fiscal_year, data=data
        )
        obj.pk = answer.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CSOHistoryEntry)
class CSOHistoryEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "cso", "action", "by", "assisted"]
    list_filter = ["action", "assisted"]
    search_fields = ["cso__name", "cso__furigana", "comment"]
    list_select_related = ["cso", "by"]
    date_hierarchy = "at"
    fields = ["at", "cso", "action", "by", "assisted", "changes_display", "comment"]
    readonly_fields = fields

    @admin.display(description=_("変更内容"))
    def changes_display(self, entry):
        return format_changes(entry.changes)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
