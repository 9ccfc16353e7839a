"""The staff's side of agreements (imported by proposals/admin.py).

A 県民協働推進員 sees and handles only their department's agreements (lists, every object URL,
each step, the progress sheet); 県民協働課 sees every department. The agreement page holds the
collaboration (form, zone, fields, internal note), its versions, progress and history; a
version's own page edits the draft text, parties and role table while it is 作成中 and is
read-only afterwards. Every step goes through proposals/agreements/services.py.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cso_registry.display import cso_names_with_state, cso_states
from cso_registry.models import CSO
from kyodo_portal import jobs
from kyodo_portal.admin_site import (
    HistoryInline,
    ScopedObjectMixin,
    department_filter,
    fiscal_year_filter,
)
from kyodo_portal.errors import refuse
from kyodo_portal.request_input import object_id
from kyodo_portal.wareki import fiscal_year_label
from proposals.agreements import services
from proposals.agreements import sheet as progress_sheet
from proposals.agreements.forms import (
    AgreementAdminForm,
    CreateFromProposalForm,
    ProgressSheetUploadForm,
    StepForm,
    VersionAdminForm,
)
from proposals.agreements.tasks import PROGRESS_SHEET_IMPORT, import_progress_sheet_job
from proposals.agreements.views import render_document
from proposals.forms import attachment_field
from proposals.models import (
    Agreement,
    AgreementParty,
    AgreementTransition,
    AgreementVersion,
    ProgressReport,
    Proposal,
    RoleAssignment,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- the agreement ---------------------------------------------------------------------------


class VersionListInline(ReadOnlyInline):
    model = AgreementVersion
    fields = ["number_link", "status", "title", "concluded_on", "amendment_reason", "document"]
    readonly_fields = fields
    verbose_name_plural = _("協定書の版（変更協定を含む）")

    @admin.display(description=_("版"))
    def number_link(self, version):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:proposals_agreementversion_change", args=[version.pk]),
            gettext("第%(number)s版を開く") % {"number": version.number},
        )

    @admin.display(description=_("協定書"))
    def document(self, version):
        return format_html(
            '<a href="{}">{}</a>',
            reverse(
                "admin:proposals_agreement_document", args=[version.agreement_id, version.number]
            ),
            gettext("印刷用の協定書"),
        )


class ProgressTimelineInline(ReadOnlyInline):
    model = ProgressReport
    fields = [
        "reported_on",
        "percent_complete",
        "text",
        "next_steps",
        "visibility",
        "public_summary",
        "author",
        "by_prefecture",
        "files",
    ]
    readonly_fields = fields
    verbose_name_plural = _("進捗報告（両者が読めます。公開は要約だけ）")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("author").prefetch_related("attachments")
        )

    @admin.display(description=_("添付ファイル"))
    def files(self, report):
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((a.get_download_url(), a.original_name) for a in report.attachments.all()),
        )
        return links or "-"


class NewProgressForm(forms.ModelForm):
    attachment = attachment_field()

    class Meta:
        model = ProgressReport
        fields = [
            "reported_on",
            "percent_complete",
            "text",
            "next_steps",
            "visibility",
            "public_summary",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "cols": 60}),
            "next_steps": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "public_summary": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def clean(self):
        data = super().clean()
        percent = data.get("percent_complete")
        if percent is not None and not 0 <= percent <= 100:
            self.add_error("percent_complete", _("0 から 100 までの整数で入力してください。"))
        if data.get("reported_on") and data["reported_on"] > timezone.localdate():
            self.add_error("reported_on", _("未来の日付は入力できません。"))
        if (
            data.get("visibility") == ProgressReport.Visibility.PUBLIC
            and not (data.get("public_summary") or "").strip()
        ):
            self.add_error("public_summary", _("公開する報告には公開用の要約を書いてください。"))
        return data

    def _post_clean(self):
        """Saved through the service, which sets the agreement and the author."""


class NewProgressInline(admin.StackedInline):
    """A report by the prefecture, saved through ``progress_report`` (only while 実施中)."""

    model = ProgressReport
    form = NewProgressForm
    extra = 1
    max_num = 1
    fields = [
        "reported_on",
        "percent_complete",
        "text",
        "next_steps",
        "visibility",
        "public_summary",
        "attachment",
    ]
    verbose_name = _("進捗を報告する")
    verbose_name_plural = _("進捗を報告する")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None):
        return (
            super().has_add_permission(request, obj)
            and obj is not None
            and obj.accepts_progress_reports
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(HistoryInline):
    model = AgreementTransition
    fields = [
        "at",
        "version",
        "action",
        "from_status",
        "to_status",
        "by",
        "by_prefecture",
        "comment",
    ]
    select_related = ("by", "version")


@admin.register(Agreement)
class AgreementAdmin(ScopedObjectMixin, admin.ModelAdmin):
    change_form_template = "admin/proposals/agreement/change_form.html"
    change_list_template = "admin/proposals/agreement/change_list.html"
    form = AgreementAdminForm
    list_display = [
        "title_display",
        "parties_display",
        "department",
        "form_display",
        "status",
        "fiscal_year_display",
    ]
    list_filter = [
        "status",
        "current_version__form",
        "current_version__zone",
        department_filter(title=_("県の担当部署")),
        fiscal_year_filter(title=_("締結年度")),
    ]
    list_select_related = ["current_version", "department__parent"]
    search_fields = ["versions__title", "versions__parties__cso__name"]
    show_full_result_count = False
    list_per_page = 50
    view_on_site = False
    inlines = [VersionListInline, ProgressTimelineInline, NewProgressInline, TransitionInline]
    readonly_fields = [
        "proposal_link",
        "department",
        "status",
        "parties_state",
        "terms_display",
        "fiscal_year",
        "concluded_on",
        "started_on",
        "completed_on",
        "created_by",
    ]
    fieldsets = [
        (None, {"fields": ["proposal_link", "department", "status", "parties_state"]}),
        (_("協働の領域・形態と分野（現在の版）"), {"fields": ["terms_display"]}),
        (
            _("日付"),
            {"fields": ["fiscal_year", "concluded_on", "started_on", "completed_on", "created_by"]},
        ),
        (_("県内部のメモ（団体・公開ページには出ません）"), {"fields": ["internal_note"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .for_staff(request.user)
            .prefetch_related("current_version__parties__cso")
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Only the internal note is edited here; the terms are a version's (its own page)."""
        try:
            services.agreement_lock_for_edit(agreement=obj, by=request.user)
        except services.DomainError as error:
            raise PermissionDenied(error.message) from error
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Only the new progress report is saved here, through the service."""
        created = []
        if formset.model is ProgressReport:
            for new_form in formset.extra_forms:
                if not new_form.has_changed():
                    continue
                data = new_form.cleaned_data
                try:
                    created.append(
                        services.progress_report(
                            agreement=form.instance,
                            by=request.user,
                            reported_on=data["reported_on"],
                            percent_complete=data["percent_complete"],
                            text=data["text"],
                            next_steps=data.get("next_steps", ""),
                            visibility=data["visibility"],
                            public_summary=data.get("public_summary", ""),
                            files=[data["attachment"]] if data.get("attachment") else [],
                        )
                    )
                except services.DomainError as error:
                    refuse(request, error)
        formset.new_objects = created
        formset.changed_objects = []
        formset.deleted_objects = []

    @admin.display(description=_("事業名"), ordering="current_version__title")
    def title_display(self, obj):
        return obj.title

    @admin.display(description=_("当事者の団体（状態）"))
    def parties_state(self, obj):
        return cso_states(p.cso for p in obj.current_version.parties.all())

    @admin.display(description=_("協働の形態"), ordering="current_version__form")
    def form_display(self, obj):
        return obj.get_form_display()

    @admin.display(description=_("協働の領域・形態と分野"))
    def terms_display(self, obj):
        version = obj.current_version
        fields = "、".join(field.name for field in version.activity_fields.all()) or "-"
        return format_html(
            '{} / {}<br>{}: {}<br><span class="help">{}</span>',
            version.get_form_display(),
            version.get_zone_display(),
            gettext("活動分野"),
            fields,
            gettext("協定書の版のページで、作成中の版だけ変更できます（締結の後は変更協定で）。"),
        )

    @admin.display(description=_("団体"))
    def parties_display(self, obj):
        return cso_names_with_state(p.cso for p in obj.current_version.parties.all())

    @admin.display(description=_("締結年度"), ordering="fiscal_year")
    def fiscal_year_display(self, obj):
        return fiscal_year_label(obj.fiscal_year) if obj.fiscal_year else "-"

    @admin.display(description=_("もとの提案"))
    def proposal_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>（{}）',
            reverse("admin:proposals_proposal_change", args=[obj.proposal_id]),
            obj.proposal.title,
            obj.proposal.cso.name,
        )

    # --- creation from a proposal at 合意 ------------------------------------------------------

    def candidate_proposals(self, request):
        return (
            Proposal.objects.for_staff(request.user)
            .agreed()
            .filter(agreement__isnull=True)
            .select_related("cso")
            .order_by("-agreed_at")
        )

    def add_view(self, request, form_url="", extra_context=None):
        """An agreement starts from a proposal at 合意: choose it, the rest is prefilled."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        proposals = self.candidate_proposals(request)
        wanted = request.GET.get("proposal")
        wanted_id = object_id(wanted)
        existing = (
            self.get_queryset(request).filter(proposal_id=wanted_id).first()
            if wanted_id is not None
            else None
        )
        if existing is not None:
            return HttpResponseRedirect(
                reverse("admin:proposals_agreement_change", args=[existing.pk])
            )
        initial = {"proposal": wanted} if wanted else {}
        form = CreateFromProposalForm(request.POST or None, proposals=proposals, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                agreement = services.agreement_create(
                    proposal=form.cleaned_data["proposal"], by=request.user
                )
            except services.DomainError as error:
                refuse(request, error)
            else:
                self.message_user(
                    request,
                    gettext(
                        "協定書の案を作成しました。内容と役割分担を整えてから、団体に確認を依頼してください。"
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse(
                        "admin:proposals_agreementversion_change",
                        args=[agreement.current_version_id],
                    )
                )
        return TemplateResponse(
            request,
            "admin/proposals/agreement/create.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("合意した提案から協定書を作成する"),
                "form": form,
                "has_candidates": proposals.exists(),
            },
        )

    # --- the page, steps, print, progress sheet --------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        open_version = obj.open_version()
        extra_context = {
            **(extra_context or {}),
            "steps": services.STAFF_STEPS.available(obj, request.user),
            "open_version": open_version,
            "open_missing": open_version.missing_items() if open_version else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "progress-sheet/",
                self.admin_site.admin_view(self.progress_sheet_view),
                name="proposals_agreement_progress_sheet",
            ),
            path(
                "progress-sheet/<uuid:job_id>/",
                self.admin_site.admin_view(self.progress_sheet_job_view),
                name="proposals_agreement_progress_sheet_job",
            ),
            path(
                "progress-sheet/<uuid:job_id>/status/",
                self.admin_site.admin_view(self.progress_sheet_job_status),
                name="proposals_agreement_progress_sheet_job_status",
            ),
            path(
                "progress-sheet/download.<str:kind>",
                self.admin_site.admin_view(self.progress_sheet_download),
                name="proposals_agreement_progress_sheet_download",
            ),
            path(
                "<path:object_id>/step/<str:name>/",
                self.admin_site.admin_view(self.step_view),
                name="proposals_agreement_step",
            ),
            path(
                "<path:object_id>/document/<int:number>/",
                self.admin_site.admin_view(self.document_view),
                name="proposals_agreement_document",
            ),
            *super().get_urls(),
        ]

    def document_view(self, request, object_id, number):
        return render_document(request, self.get_object(request, object_id), number)

    def step_view(self, request, object_id, name):
        if name not in services.STAFF_STEPS:
            raise Http404
        agreement = self.get_object(request, object_id)
        if not self.has_change_permission(request, agreement):
            raise PermissionDenied
        step = services.STAFF_STEPS[name]
        label = step.label
        target = step.target_of(agreement)
        version = target if step.keyword == "version" else None
        change_url = reverse("admin:proposals_agreement_change", args=[agreement.pk])
        if target is None:
            self.message_user(request, gettext("作成中の版がありません。"), messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = StepForm(
            request.POST or None,
            comment_required=step.comment_required,
            needs_date=step.needs_date,
            comment_label=step.comment_label,
        )
        if request.method == "POST" and form.is_valid():
            inputs = {step.comment_keyword: form.cleaned_data["comment"]}
            if step.needs_date:
                inputs["concluded_on"] = form.cleaned_data["concluded_on"]
            try:
                result = step.take(agreement, by=request.user, **inputs)
            except services.DomainError as error:
                refuse(request, error)
            else:
                self.message_user(
                    request,
                    gettext("「%(label)s」を行いました。") % {"label": label},
                    messages.SUCCESS,
                )
                if step.opens_version:
                    return HttpResponseRedirect(
                        reverse("admin:proposals_agreementversion_change", args=[result.pk])
                    )
                return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/proposals/agreement/step.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": str(label),
                "label": label,
                "agreement": agreement,
                "version": version,
                "missing": version.missing_items() if version else [],
                "form": form,
                "original": agreement,
            },
        )

    def progress_sheet_download(self, request, kind):
        stamp = timezone.localdate().strftime("%Y%m%d")
        if kind == "csv":
            response = HttpResponse(
                progress_sheet.export_csv(request.user), content_type="text/csv; charset=utf-8"
            )
        elif kind == "xlsx":
            response = HttpResponse(
                progress_sheet.export_xlsx(request.user),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            raise Http404
        response["Content-Disposition"] = f'attachment; filename="progress-{stamp}.{kind}"'
        return response

    def progress_sheet_view(self, request, job=None):
        """Download the sheet of the user's agreements at 実施中; upload it filled in. The
        import runs as a task (kyodo_portal/jobs.py); this page, at the job's address, shows
        its progress and then its result."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ProgressSheetUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            job = jobs.start(
                kind=PROGRESS_SHEET_IMPORT,
                task=import_progress_sheet_job,
                by=request.user,
                data=upload.read(),
                name=upload.name,
            )
            return HttpResponseRedirect(
                reverse("admin:proposals_agreement_progress_sheet_job", args=[job.pk])
            )
        result = job.result if job is not None and job.is_finished else None
        return TemplateResponse(
            request,
            "admin/proposals/agreement/progress_sheet.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("進捗表で一括報告する"),
                "form": form,
                "job": job,
                "job_status": jobs.status(job) if job is not None else None,
                "status_url": (
                    reverse("admin:proposals_agreement_progress_sheet_job_status", args=[job.pk])
                    if job is not None
                    else ""
                ),
                "result": result,
                "file_error": (result or {}).get("file_error"),
                "count": progress_sheet.sheet_agreements(request.user).count(),
                "column_help": progress_sheet.COLUMN_HELP,
            },
        )

    def _progress_sheet_job(self, request, job_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = jobs.for_person(request, job_id, PROGRESS_SHEET_IMPORT)
        if job is None:
            raise Http404
        return job

    def progress_sheet_job_view(self, request, job_id):
        job = self._progress_sheet_job(request, job_id)
        if request.method == "POST":
            return self.progress_sheet_view(request)
        return self.progress_sheet_view(request, job=job)

    def progress_sheet_job_status(self, request, job_id):
        return JsonResponse(jobs.status(self._progress_sheet_job(request, job_id)))


# --- a version: the draft text, parties and role table ------------------------------------------


class PartyFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if form.instance.pk and form.instance.is_lead and form.cleaned_data.get("DELETE"):
                raise ValidationError(_("提案団体は当事者から外せません。"))


class PartyInline(admin.TabularInline):
    model = AgreementParty
    formset = PartyFormSet
    fields = ["cso", "is_lead", "contact_name", "contact_phone", "contact_email", "confirmed_at"]
    readonly_fields = ["is_lead", "confirmed_at"]
    autocomplete_fields = ["cso"]
    extra = 0
    verbose_name_plural = _(
        "当事者（団体）と団体の担当者 — 団体を加えて保存すると、役割分担で選べるようになります"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cso")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cso" and self.model is AgreementParty:
            # Only a CSO 県民協働課 verified and published can become a party.
            kwargs["queryset"] = CSO.objects.public()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _editable(self, obj):
        return obj is not None and obj.is_editable

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)


class RoleInline(PartyInline):
    model = RoleAssignment
    formset = forms.BaseInlineFormSet
    fields = ["order", "task", "carried_by", "cso", "responsibility", "due_on"]
    readonly_fields = []
    autocomplete_fields = []
    extra = 1
    verbose_name_plural = _("役割分担（各当事者に少なくとも一つの作業）")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "responsibility":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "cso" in formset.form.base_fields:
            formset.form.base_fields["cso"].queryset = CSO.objects.filter(
                agreement_parties__version=obj
            )
        return formset


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ScopedObjectMixin, admin.ModelAdmin):
    form = VersionAdminForm
    change_form_template = "admin/proposals/agreementversion/change_form.html"
    inlines = [PartyInline, RoleInline]
    filter_horizontal = ["activity_fields"]
    view_on_site = False
    list_display = ["__str__", "status"]

    def get_model_perms(self, request):
        """Versions are opened from their agreement, not from the admin index."""
        return {}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(agreement__in=Agreement.objects.for_staff(request.user))
            .select_related("agreement__department__parent")
        )

    def get_fieldsets(self, request, obj=None):
        form_fields = list(obj.required_form_fields()) if obj is not None else []
        fieldsets = [
            (None, {"fields": ["agreement_link", "version_status", "edit_version"]}),
            (
                _("協働の領域・形態と分野"),
                {"fields": ["zone", "form", "activity_fields"]},
            ),
            (
                _("目的の共有と明確化"),
                {"fields": ["title", "purpose", "shared_goal", "starts_on", "ends_on"]},
            ),
            (
                _("予算（任意）"),
                {"fields": ["budget_amount", "budget_request_needed", "budget_note"]},
            ),
        ]
        if form_fields:
            fieldsets.append(
                (
                    _("形態「%(form)s」で必要な項目") % {"form": obj.agreement.get_form_display()},
                    {"fields": form_fields},
                )
            )
        fieldsets += [
            (_("取り決め"), {"fields": ["confidentiality_clause", "other_clauses"]}),
            (
                _("県の担当者"),
                {
                    "fields": [
                        "prefecture_contact_name",
                        "prefecture_contact_title",
                        "prefecture_contact_phone",
                        "prefecture_contact_email",
                    ]
                },
            ),
        ]
        if obj is not None and obj.is_amendment:
            fieldsets.insert(1, (_("変更協定"), {"fields": ["amendment_reason"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        base = ["agreement_link", "version_status"]
        if obj is None or obj.is_editable:
            return base
        return base + list(VersionAdminForm.Meta.fields)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("協定"))
    def agreement_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>（{}）',
            reverse("admin:proposals_agreement_change", args=[obj.agreement_id]),
            gettext("協定のページへ"),
            obj.agreement.department.full_name,
        )

    @admin.display(description=_("版と状態"))
    def version_status(self, obj):
        return gettext("第%(number)s版・%(status)s") % {
            "number": obj.number,
            "status": obj.get_status_display(),
        }

    def save_model(self, request, obj, form, change):
        """Lock the agreement and check the version is still a draft, then save; the admin's
        transaction holds the lock until the parties and roles are saved too."""
        try:
            services.version_lock_for_edit(
                version=obj,
                by=request.user,
                expected_revision=form.cleaned_data.get("edit_version"),
            )
        except services.DomainError as error:
            raise PermissionDenied(error.message) from error
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = form.has_changed() or any(f.has_changed() or f.deleted_forms for f in formsets)
        services.version_after_edit(version=form.instance, by=request.user, changed=changed)
        missing = form.instance.missing_items()
        if missing:
            self.message_user(
                request,
                gettext("確認を依頼する前に、次の項目を整えてください: %(items)s")
                % {"items": "、".join(missing)},
                messages.WARNING,
            )

    def response_change(self, request, obj):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, gettext("協定書の案を保存しました。"), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:proposals_agreement_change", args=[obj.agreement_id])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "missing": obj.missing_items(),
            "document_url": reverse(
                "admin:proposals_agreement_document", args=[obj.agreement_id, obj.number]
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("admin:proposals_agreement_changelist"))
