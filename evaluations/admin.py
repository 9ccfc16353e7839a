"""The prefecture side of evaluations, in the admin.

A 県民協働推進員 sees and writes only their department's evaluations (404 for any other, on every
URL); 県民協働課 sees all and alone publishes and withdraws. The CSO's part is shown only once
both parts are submitted. Every step goes through evaluations.services on its own page.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from evaluations import services
from evaluations.access import is_prefecture_side
from evaluations.forms import VersionCheckedPartForm
from evaluations.models import (
    Evaluation,
    EvaluationPart,
    EvaluationTransition,
    Side,
    evaluable_agreements,
)
from kyodo_portal.admin_site import HistoryInline, ScopedObjectMixin, fiscal_year_filter
from kyodo_portal.errors import refuse
from proposals.models import Agreement


class PrefecturePartForm(VersionCheckedPartForm):
    class Meta:
        model = EvaluationPart
        fields = EvaluationPart.CONTENT_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in EvaluationPart.TEXT_FIELDS}


class PrefecturePartInline(admin.StackedInline):
    """The prefecture's own part: editable until submitted, by the department's staff."""

    model = EvaluationPart
    form = PrefecturePartForm
    fields = [*EvaluationPart.CONTENT_FIELDS, "edit_version"]  # the version rides along, hidden
    extra = 0
    max_num = 1
    can_delete = False
    verbose_name = _lazy("県の記入")
    verbose_name_plural = _lazy("県の記入")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(side=Side.PREFECTURE)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request, obj)
        part = obj.prefecture_part
        return (
            part is not None
            and not part.is_submitted
            and is_prefecture_side(request.user, obj.agreement)
            and super().has_change_permission(request, obj)
        )


class TransitionInline(HistoryInline):
    model = EvaluationTransition
    fields = ("at", "action", "side", "by", "from_status", "to_status", "comment")


class StartForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_lazy("協定"), queryset=Agreement.objects.none())
    kind = forms.ChoiceField(label=_lazy("種類"), choices=Evaluation.Kind.choices)
    year = forms.IntegerField(
        label=_lazy("年度（西暦、中間の振り返りのみ）"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_lazy("空欄なら今年度です。完了時の振り返りは完了日の年度になります。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = evaluable_agreements(
            Agreement.objects.for_staff(user)
        ).select_related("current_version")


def submitted(side):
    """The id of ``side``'s submitted part of the evaluation, or None: a subquery run for the
    rows shown only (PostgreSQL may turn an EXISTS into one read of every part)."""
    parts = EvaluationPart.objects.filter(
        evaluation=OuterRef("pk"), side=side, submitted_at__isnull=False
    )
    return Subquery(parts.values("pk")[:1])


@admin.register(Evaluation)
class EvaluationAdmin(ScopedObjectMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "label_display",
        "department",
        "status",
        "cso_submitted",
        "prefecture_submitted",
        "decision_display",
    )
    list_filter = ("status", "kind", fiscal_year_filter(), "decision", "agreement__department")
    show_full_result_count = False
    list_per_page = 50
    search_fields = ("agreement__versions__title",)
    readonly_fields = (
        "agreement_link",
        "kind",
        "fiscal_year",
        "status",
        "published_at",
        "cso_part_view",
        "decision_view",
    )
    fields = readonly_fields
    inlines = [PrefecturePartInline, TransitionInline]
    list_select_related = ("agreement__current_version", "agreement__department__parent")

    def view_on_site(self, obj):
        """Only a published evaluation has a public page."""
        return obj.get_absolute_url() if obj.is_published else None

    # --- scoping -------------------------------------------------------------------------

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .for_staff(request.user)
            .select_related(
                "agreement__current_version",
                "agreement__department__parent",
                "follow_up_proposal",
            )
            # A subquery per row shown, not a join with every part and a GROUP BY, which made
            # the list, its count and its years read every evaluation (4.9 s at national scale).
            .annotate(cso_done=submitted(Side.CSO), prefecture_done=submitted(Side.PREFECTURE))
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- list columns --------------------------------------------------------------------

    @admin.display(description=_lazy("事業名"))
    def title(self, obj):
        return obj.agreement.title

    @admin.display(description=_lazy("種類"))
    def label_display(self, obj):
        return obj.label

    @admin.display(description=_lazy("担当部署"))
    def department(self, obj):
        return obj.agreement.department.full_name

    @admin.display(description=_lazy("団体の提出"), boolean=True)
    def cso_submitted(self, obj):
        return bool(obj.cso_done)

    @admin.display(description=_lazy("県の提出"), boolean=True)
    def prefecture_submitted(self, obj):
        return bool(obj.prefecture_done)

    @admin.display(description=_lazy("今後の方針"))
    def decision_display(self, obj):
        if not obj.decision:
            return "—"
        state = _("合意") if obj.decision_agreed else _("提案中")
        return f"{obj.get_decision_display()}（{state}）"

    # --- change page (read-only fields) ---------------------------------------------------

    @admin.display(description=_lazy("協定"))
    def agreement_link(self, obj):
        return format_html(
            '<a href="/projects/{}/">{}</a>（{}・{}）',
            obj.agreement_id,
            obj.agreement.title,
            obj.agreement.department.full_name,
            obj.agreement.get_status_display(),
        )

    @admin.display(description=_lazy("団体の記入"))
    def cso_part_view(self, obj):
        part = obj.cso_part
        if obj.parts_revealed:
            return render_to_string(
                "evaluations/includes/_part.html", {"part": part, "level": 3, "sub": 4}
            )
        if part.is_submitted:
            return _("団体は提出済みです。県の記入を提出すると読めるようになります。")
        return _("団体はまだ提出していません。両者が提出するまで、互いの記入は表示しません。")

    @admin.display(description=_lazy("今後の方針"))
    def decision_view(self, obj):
        if not obj.decision:
            return _("まだ提案されていません。")
        proposer = obj.get_decision_proposed_by_side_display()
        if obj.decision_agreed:
            text = _("%(decision)s（両者が合意）") % {"decision": obj.get_decision_display()}
        else:
            text = _("%(decision)s（%(side)sが提案し、相手の確認待ち）") % {
                "decision": obj.get_decision_display(),
                "side": proposer,
            }
        changes = [
            (_("内容"), obj.change_content),
            (_("相手"), obj.change_partner),
            (_("形態"), obj.change_form),
        ]
        lines = format_html_join("", "<br>{}: {}", [(lab, val) for lab, val in changes if val])
        follow = ""
        if obj.follow_up_proposal_id:
            follow = format_html(
                "<br>{}: {}（{}）",
                _("次の提案"),
                obj.follow_up_proposal.title,
                obj.follow_up_proposal.get_status_display(),
            )
        return format_html("{}{}{}", text, lines, follow)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        steps = [
            (reverse(f"admin:evaluations_evaluation_{step.name}", args=[obj.pk]), step)
            for step in services.STAFF_STEPS.available(obj, request.user)
        ]
        extra_context = {**(extra_context or {}), "evaluation_steps": steps}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Every field of the evaluation itself is read-only here and changes only through the
        services (the step pages): a POST of the change form writes nothing to it, not even
        its ``updated_at``. The prefecture's part is saved in save_formset."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not EvaluationPart:
            return super().save_formset(request, form, formset, change)
        for part_form in formset.forms:
            if not part_form.has_changed():
                continue
            try:
                services.part_save(
                    part=part_form.instance,
                    by=request.user,
                    data=part_form.cleaned_data,
                    expected_version=part_form.cleaned_data.get("edit_version"),
                )
            except services.DomainError as error:
                refuse(request, error)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

    # --- step pages ----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("start/", wrap(self.start_view), name="evaluations_evaluation_start"),
            *[
                path(
                    f"<int:pk>/{name}/",
                    wrap(self.step_view),
                    {"name": name},
                    name=f"evaluations_evaluation_{name}",
                )
                for name in services.STAFF_STEPS
            ],
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "start_url": reverse("admin:evaluations_evaluation_start"),
        }
        return super().changelist_view(request, extra_context)

    def _scoped(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404
        return get_object_or_404(self.get_queryset(request).prefetch_related("parts"), pk=pk)

    def _page(self, request, obj, *, title, text="", form=None, button, danger=False):
        return TemplateResponse(
            request,
            "admin/evaluations/evaluation/step.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": title,
                "text": text,
                "form": form,
                "button": button,
                "danger": danger,
            },
        )

    def _run(self, request, obj, action, success):
        try:
            action()
        except services.DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, success)
        return redirect(reverse("admin:evaluations_evaluation_change", args=[obj.pk]))

    def start_view(self, request):
        if not self.has_view_permission(request) or not request.user.has_perm(
            "evaluations.add_evaluation"
        ):
            raise Http404
        form = StartForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                evaluation = services.evaluation_start(
                    agreement=form.cleaned_data["agreement"],
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                )
            except services.DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("振り返りを始めました。県の記入を書いてください。"))
                return redirect(
                    reverse("admin:evaluations_evaluation_change", args=[evaluation.pk])
                )
        return self._page(
            request,
            None,
            title=_("振り返りを始める"),
            text=_("完了した協定、または実施中の協定（年度ごとの中間の振り返り）を選びます。"),
            form=form,
            button=_("始める"),
        )

    def step_view(self, request, pk, name):
        """A step's page: what it does, its form if it asks for anything, then the service."""
        obj = self._scoped(request, pk)
        step = services.STAFF_STEPS[name]
        if not step.may(request.user, obj):
            raise Http404
        form = step.form(request.POST or None) if step.form else None
        if request.method == "POST" and (form is None or form.is_valid()):
            inputs = form.cleaned_data if form else {}
            return self._run(
                request, obj, lambda: step.take(obj, by=request.user, **inputs), step.done
            )
        return self._page(
            request,
            obj,
            title=step.title or step.label,
            text=self.decision_view(obj) if step.shows_decision else step.text,
            form=form,
            button=step.button,
            danger=step.danger,
        )
