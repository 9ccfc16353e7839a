"""The staff's side: a 県民協働推進員 works on their own department's themes and proposals
only (lists, every object URL and bulk actions); 県民協働課 sees every department.

Proposals are never edited or deleted here: the CSO writes them; staff move them through
the services (with a comment on an intermediate page), add consultation entries, assign
reviewers and score.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cso_registry.display import cso_names_with_state, cso_states
from kyodo_portal.access import is_department_staff, is_department_staff_account, staff_units
from kyodo_portal.admin_site import (
    ChoiceListFilter,
    HistoryInline,
    ScopedObjectMixin,
    department_filter,
    fiscal_year_filter,
)
from kyodo_portal.errors import refuse
from kyodo_portal.request_input import object_id
from proposals import services

# Agreements (協定書) have their own admin module; importing it registers them.
from proposals.agreements import admin as agreement_admin  # noqa: F401
from proposals.forms import ScoreForm, ThemeAdminForm, TransitionCommentForm, attachment_field
from proposals.models import (
    Attachment,
    ConsultationEntry,
    FreeProposalReview,
    Proposal,
    ProposalTransition,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
    Theme,
    weighted_total,
)

# --- review criteria (weights add up to 100) ---------------------------------------------


class CriteriaFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        weights = [
            form.cleaned_data.get("weight") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if weights and sum(weights) != 100:
            raise ValidationError(
                _("審査項目の配点の合計を 100 にしてください（いまは %(total)s です）。"),
                params={"total": sum(weights)},
            )
        # Scores may have arrived after the page was opened: a scored criterion is never
        # deleted (its scores would be lost) nor re-weighted (the totals would change).
        changed = [
            form
            for form in self.initial_forms
            if form.instance.pk
            and (form.cleaned_data.get("DELETE") or "weight" in form.changed_data)
        ]
        scored = set(
            ReviewScore.objects.filter(criterion__in=[form.instance for form in changed])
            .values_list("criterion_id", flat=True)
            .distinct()
        )
        if scored:
            raise ValidationError(SCORED_CRITERIA_MESSAGE)


SCORED_CRITERIA_MESSAGE = _(
    "採点の済んだ審査項目は、削除も配点の変更もできません（評点と順位が変わってしまいます）。"
)


class ThemeCriterionInline(admin.TabularInline):
    """The criteria of a theme (or, below, of a department's free proposals). Once any of them
    has a score, the set is frozen: no row is added, changed or deleted, so no score is lost
    and no total changes after the fact (ReviewScore.criterion is PROTECT as well)."""

    model = ReviewCriterion
    fk_name = "theme"
    formset = CriteriaFormSet
    fields = ["order", "name", "description", "weight"]
    extra = 0

    def _scored(self, obj):
        return (
            obj is not None
            and obj.pk is not None
            and ReviewScore.objects.filter(**{f"criterion__{self.fk_name}": obj}).exists()
        )

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._scored(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._scored(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._scored(obj)


class DepartmentCriterionInline(ThemeCriterionInline):
    fk_name = "department"


@admin.register(Theme)
class ThemeAdmin(ScopedObjectMixin, admin.ModelAdmin):
    form = ThemeAdminForm
    list_display = ["title", "department", "kind", "status", "opens_on", "closes_on"]
    list_filter = ["status", "kind"]
    list_per_page = 50  # as the other lists: 100 rows cost twice the rendering
    list_select_related = ["department__parent"]
    search_fields = ["title"]
    date_hierarchy = "opens_on"
    filter_horizontal = ["activity_fields"]
    inlines = [ThemeCriterionInline]
    readonly_fields = ["ranking_link"]
    fieldsets = [
        (None, {"fields": ["department", "kind", "title", "status"]}),
        (_("内容"), {"fields": ["background", "wanted", "activity_fields", "offered_forms"]}),
        (_("募集期間と予算"), {"fields": ["opens_on", "closes_on", "budget_note"]}),
        (_("審査"), {"fields": ["ranking_link"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).of_department(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = staff_units(request.user)
            kwargs["initial"] = request.user.department_id
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not is_department_staff(request.user, obj.department_id):
            raise PermissionDenied
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("審査結果"))
    def ranking_link(self, obj):
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:proposals_theme_ranking", args=[obj.pk]),
            gettext("このテーマの提案を得点順に見る"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/ranking/",
                self.admin_site.admin_view(self.ranking_view),
                name="proposals_theme_ranking",
            ),
            *super().get_urls(),
        ]

    def ranking_view(self, request, object_id):
        theme = self.get_object(request, object_id)
        proposals = (
            Proposal.objects.for_staff(request.user)
            .filter(theme=theme)
            .exclude(status=Proposal.Status.DRAFT)
            .select_related("cso")
            .with_review_totals()
            .order_by("pk")
        )
        rows = [
            {
                "proposal": proposal,
                "total": weighted_total(proposal.review_points),
                "average": (
                    round(weighted_total(proposal.review_points) / proposal.review_count, 1)
                    if proposal.review_count
                    else None
                ),
            }
            for proposal in proposals
        ]
        rows.sort(key=lambda row: (row["average"] is None, -(row["average"] or 0)))
        return TemplateResponse(
            request,
            "admin/proposals/theme/ranking.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("審査結果: %(title)s") % {"title": theme.title},
                "theme": theme,
                "rows": rows,
                "criteria": theme.criteria.all(),
            },
        )


@admin.register(FreeProposalReview)
class FreeProposalReviewAdmin(ScopedObjectMixin, admin.ModelAdmin):
    """A department's criteria for the free proposals addressed to it."""

    list_display = ["__str__", "criteria_summary"]
    fields = ["full_name_display"]
    readonly_fields = ["full_name_display"]
    inlines = [DepartmentCriterionInline]

    def get_queryset(self, request):
        return staff_units(request.user, FreeProposalReview).prefetch_related("review_criteria")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("部署"))
    def full_name_display(self, obj):
        return obj.full_name

    @admin.display(description=_("審査項目（配点）"))
    def criteria_summary(self, obj):
        criteria = list(obj.review_criteria.all())
        if not criteria:
            return gettext("未設定")
        total = sum(c.weight for c in criteria)
        summary = "、".join(str(c) for c in criteria)
        return summary if total == 100 else f"{summary} — " + gettext("合計が 100 ではありません")

    def save_model(self, request, obj, form, change):
        """Nothing of the department itself is edited here; only its criteria."""


# --- proposals -------------------------------------------------------------------------------


class ConsultationEntryForm(forms.ModelForm):
    attachment = attachment_field()

    class Meta:
        model = ConsultationEntry
        fields = ["occurred_on", "kind", "visibility", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 60})}


class ConsultationFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        new_entries = [form for form in self.extra_forms if form.has_changed()]
        if new_entries and not self.instance.consultation_open:
            raise ValidationError(
                _("この提案は「%(status)s」のため、協議の記録を追加できません。"),
                params={"status": self.instance.get_status_display()},
            )


class ConsultationThreadInline(admin.TabularInline):
    """The thread so far, both sides, read-only (entries are records: never edited)."""

    model = ConsultationEntry
    fields = ["occurred_on", "kind", "visibility", "text", "author", "by_prefecture", "files"]
    readonly_fields = fields
    extra = 0
    verbose_name = _("協議の記録")
    verbose_name_plural = _("協議の記録（「県内部のみ」は団体に表示されず、メールも送られません）")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("author").prefetch_related("attachments")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("添付ファイル"))
    def files(self, entry):
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((a.get_download_url(), a.original_name) for a in entry.attachments.all()),
        )
        return links or "-"


class NewConsultationInline(admin.StackedInline):
    """A new entry by the prefecture, saved through ``consultation_post``."""

    model = ConsultationEntry
    form = ConsultationEntryForm
    formset = ConsultationFormSet
    extra = 1
    max_num = 1
    fields = ["occurred_on", "kind", "visibility", "text", "attachment"]
    verbose_name = _("協議の記録を追加")
    verbose_name_plural = _("協議の記録を追加")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None):
        return (
            super().has_add_permission(request, obj) and obj is not None and (obj.consultation_open)
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ["download", "size", "uploaded_by", "uploaded_at", "is_removed"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("提案の添付ファイル")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(entry=None).select_related("uploaded_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ファイル"))
    def download(self, attachment):
        return format_html(
            '<a href="{}">{}</a>', attachment.get_download_url(), attachment.original_name
        )


class TransitionInline(HistoryInline):
    model = ProposalTransition
    fields = ["at", "from_status", "to_status", "by", "by_prefecture", "comment"]


class AssignmentFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.extra_forms:
            reviewer = form.cleaned_data.get("reviewer") if form.has_changed() else None
            if reviewer and not is_department_staff_account(reviewer, self.instance.department_id):
                form.add_error(
                    "reviewer",
                    _("審査員には提案先部署の推進員か県民協働課の職員を選んでください。"),
                )


class ReviewAssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    formset = AssignmentFormSet
    fields = ["reviewer", "assigned_by", "completed_at"]
    readonly_fields = ["assigned_by", "completed_at"]
    extra = 1
    verbose_name_plural = _("審査員")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer", "assigned_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return (
            super().has_add_permission(request, obj)
            and obj is not None
            and obj.status in services.REVIEWABLE_STATUSES
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewer":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ThemeListFilter(ChoiceListFilter):
    title = _("募集テーマ")
    parameter_name = "theme"

    RECENT = 20  # the sidebar must not grow with the years: older themes through the search

    def lookups(self, request, model_admin):
        mine = Theme.objects.of_department(request.user)
        themes = list(mine.order_by("-opens_on", "-pk").only("pk", "title")[: self.RECENT])
        chosen = object_id(self.value())
        if chosen is not None and all(t.pk != chosen for t in themes):
            themes += list(mine.filter(pk=chosen).only("pk", "title"))
        return [("free", gettext("自由提案")), *((t.pk, t.title) for t in themes)]

    def filter(self, queryset, value):
        if value == "free":
            return queryset.filter(theme=None)
        return queryset.filter(theme_id=value)


def _transition_action(step):
    def action(modeladmin, request, queryset):
        return modeladmin.transition_page(request, queryset, step.name)

    action.__name__ = f"action_{step.name}"
    return admin.action(description=format_lazy(_("選んだ提案：{}"), step.label))(action)


@admin.register(Proposal)
class ProposalAdmin(ScopedObjectMixin, admin.ModelAdmin):
    change_form_template = "admin/proposals/proposal/change_form.html"
    list_display = [
        "title",
        "cso_display",
        "department",
        "theme_or_free",
        "zone",
        "form",
        "status",
        "submitted_at",
        "review_average",
    ]
    list_filter = [
        "status",
        "form",
        "zone",
        ThemeListFilter,
        department_filter(title=_("提案先の部署")),
        fiscal_year_filter(),
    ]
    list_select_related = ["cso", "theme", "department__parent"]
    search_fields = ["title", "cso__name"]
    # The filtered count is enough; a second count of everything visible is not worth its
    # time at national scale.
    show_full_result_count = False
    list_per_page = 50  # 100 rows with their action checkboxes cost twice the rendering
    actions = [_transition_action(step) for step in services.STAFF_STEPS.values()]
    inlines = [
        ReviewAssignmentInline,
        ConsultationThreadInline,
        NewConsultationInline,
        AttachmentInline,
        TransitionInline,
    ]
    view_on_site = False
    readonly_fields = [
        "cso",
        "cso_state",
        "theme",
        "department",
        "status",
        "fiscal_year",
        "title",
        "purpose",
        "shared_goal",
        "content",
        "expected_effect",
        "zone",
        "form",
        "project_type",
        "starts_on",
        "ends_on",
        "budget_estimate",
        "budget_note",
        "cso_role",
        "prefecture_role",
        "pre_consultation_opened_at",
        "submitted_at",
        "agreed_at",
        "created_by",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "status",
                    "cso",
                    "cso_state",
                    "department",
                    "theme",
                    "fiscal_year",
                ]
            },
        ),
        (
            _("目的の共有と明確化"),
            {"fields": ["purpose", "shared_goal", "content", "expected_effect"]},
        ),
        (
            _("協働の領域・形態"),
            {"fields": ["zone", "form", "project_type", "starts_on", "ends_on"]},
        ),
        (
            _("費用と役割分担"),
            {"fields": ["budget_estimate", "budget_note", "cso_role", "prefecture_role"]},
        ),
        (
            _("日時"),
            {"fields": ["pre_consultation_opened_at", "submitted_at", "agreed_at", "created_by"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            Proposal.objects.for_staff(request.user)
            .select_related("cso", "theme", "department__parent")
            .with_review_totals()
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("提案団体"), ordering="cso__furigana")
    def cso_display(self, obj):
        return cso_names_with_state([obj.cso])

    @admin.display(description=_("団体の状態"))
    def cso_state(self, obj):
        return cso_states([obj.cso])

    def save_model(self, request, obj, form, change):
        """The proposal itself is the CSO's: nothing of it is saved from here."""

    def save_formset(self, request, form, formset, change):
        """New consultation entries and reviewers go through the services; nothing else
        on this page is editable."""
        proposal = form.instance
        created = []
        for new_form in formset.extra_forms:
            if not new_form.has_changed():
                continue
            data = new_form.cleaned_data
            try:
                if formset.model is ConsultationEntry:
                    created.append(
                        services.consultation_post(
                            proposal=proposal,
                            by=request.user,
                            text=data["text"],
                            kind=data["kind"],
                            visibility=data["visibility"],
                            occurred_on=data["occurred_on"],
                            files=[data["attachment"]] if data.get("attachment") else [],
                        )
                    )
                elif formset.model is ReviewAssignment:
                    created.append(
                        services.review_assign(
                            proposal=proposal, by=request.user, reviewer=data["reviewer"]
                        )
                    )
            except services.DomainError as error:
                refuse(request, error)
        formset.new_objects = created
        formset.changed_objects = []
        formset.deleted_objects = []

    @admin.display(description=_("テーマ"), ordering="theme__title")
    def theme_or_free(self, obj):
        return obj.theme.title if obj.theme_id else gettext("自由提案")

    @admin.display(description=_("審査 平均点"), ordering="review_mean_points")
    def review_average(self, obj):
        if not obj.review_count:
            return "-"
        return f"{weighted_total(obj.review_points) / obj.review_count:.1f}"

    def review_rows(self, request, obj):
        """Each reviewer's state; the others' scores only once the viewer's own are in."""
        assignments = list(
            obj.assignments.select_related("reviewer").prefetch_related("scores__criterion")
        )
        show_all = services.may_see_all_scores(request.user, obj)
        rows = []
        for assignment in assignments:
            row = {"reviewer": assignment.reviewer, "complete": assignment.is_complete}
            if assignment.is_complete and (show_all or assignment.reviewer_id == request.user.pk):
                scores = list(assignment.scores.all())
                row["total"] = weighted_total(sum(s.value * s.criterion.weight for s in scores))
                row["scores"] = scores
            rows.append(row)
        summary = None
        if show_all and obj.review_count:
            total = weighted_total(obj.review_points)
            summary = {
                "total": total,
                "average": round(total / obj.review_count, 1),
                "count": obj.review_count,
            }
        return rows, summary, show_all

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        assignment = ReviewAssignment.objects.filter(
            proposal=obj, reviewer=request.user, completed_at=None
        ).first()
        review_rows, review_summary, review_show_all = self.review_rows(request, obj)
        extra_context = {
            **(extra_context or {}),
            "review_rows": review_rows,
            "review_summary": review_summary,
            "review_show_all": review_show_all,
            "transitions": services.STAFF_STEPS.available(obj, request.user),
            "my_assignment": assignment if obj.status in services.REVIEWABLE_STATUSES else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="proposals_proposal_transition",
            ),
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="proposals_proposal_review",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id, name):
        if name not in services.STAFF_STEPS:
            raise Http404
        obj = self.get_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return self.transition_page(
            request, self.get_queryset(request).filter(pk=obj.pk), name, single=obj
        )

    def transition_page(self, request, queryset, name, single=None):
        """The intermediate page of a transition: the comment, then the service per proposal.
        The queryset is already scoped to the user's department."""
        step = services.STAFF_STEPS[name]
        label = step.label
        form = TransitionCommentForm(
            request.POST if "apply" in request.POST else None,
            required=step.comment_required,
        )
        if form.is_bound and form.is_valid():
            done, refused = 0, []
            for proposal in queryset:
                try:
                    step.take(proposal, by=request.user, comment=form.cleaned_data["comment"])
                    done += 1
                except services.DomainError as error:
                    refused.append(f"{proposal.title}: {error.message}")
            if done:
                self.message_user(
                    request,
                    gettext("%(count)s 件の提案を「%(label)s」で処理しました。")
                    % {"count": done, "label": label},
                    messages.SUCCESS,
                )
            for message in refused:
                self.message_user(request, message, messages.ERROR)
            if single is not None:
                return HttpResponseRedirect(
                    reverse("admin:proposals_proposal_change", args=[single.pk])
                )
            return None
        return TemplateResponse(
            request,
            "admin/proposals/proposal/transition.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": str(label),
                "label": label,
                "name": name,
                "form": form,
                "proposals": queryset,
                "single": single,
                "action_name": f"action_{name}",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def review_view(self, request, object_id):
        proposal = self.get_object(request, object_id)
        assignment = get_object_or_404(ReviewAssignment, proposal=proposal, reviewer=request.user)
        criteria = list(proposal.review_criteria())
        form = ScoreForm(request.POST or None, criteria=criteria)
        if request.method == "POST" and form.is_valid():
            try:
                services.review_submit_scores(
                    assignment=assignment, by=request.user, scores=form.scores()
                )
            except services.DomainError as error:
                refuse(request, error)
            else:
                self.message_user(request, gettext("採点を提出しました。"), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:proposals_proposal_change", args=[proposal.pk])
                )
        return TemplateResponse(
            request,
            "admin/proposals/proposal/review.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("採点: %(title)s") % {"title": proposal.title},
                "proposal": proposal,
                "assignment": assignment,
                "form": form,
                "criteria_total": sum(c.weight for c in criteria),
            },
        )
