"""Public pages (published evaluations only, everywhere), open data, and the CSO side's /my/
pages (members of a party CSO; the other side's part stays hidden until both submitted)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from evaluations import opendata, services
from evaluations.access import is_cso_side
from evaluations.filters import EvaluationFilter
from evaluations.forms import DecisionForm, PartForm, StartForm
from evaluations.models import Evaluation, EvaluationPart, Side, evaluable_agreements
from kyodo_portal.csv_export import streaming_csv_response
from kyodo_portal.errors import refuse
from kyodo_portal.models import Department
from kyodo_portal.pagination import PublicListPaginator, is_filtered
from proposals.models import Agreement

PAGE_SIZE = 20


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def public_evaluations():
    return Evaluation.objects.published().for_listing()


# --- public ----------------------------------------------------------------------------------


@require_safe
def evaluation_list(request):
    evaluation_filter = EvaluationFilter(request.GET, queryset=public_evaluations())
    paginator = PublicListPaginator(
        evaluation_filter.qs,
        PAGE_SIZE,
        request=request,
        name="evaluations",
        estimate=not is_filtered(request),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/evaluation_list.html",
        {
            "filter": evaluation_filter,
            "page_obj": page,
            "query": _query_without_page(request),
        },
    )


@require_safe
def evaluation_detail(request, pk):
    evaluation = get_object_or_404(
        public_evaluations()
        .prefetch_related("parts")
        .select_related("follow_up_proposal__agreement", "agreement__proposal"),
        pk=pk,
    )
    return render(
        request,
        "evaluations/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "agreement": evaluation.agreement,
            "parts": [evaluation.cso_part, evaluation.prefecture_part],
            "next_project": _public_follow_up(evaluation),
            "previous": Evaluation.objects.published()
            .filter(follow_up_proposal_id=evaluation.agreement.proposal_id)
            .select_related("agreement__current_version")
            .first(),
        },
    )


def _public_follow_up(evaluation):
    """The collaboration the follow-up proposal became, once it is public (締結 or later);
    a follow-up still being proposed is the CSO's draft and stays confidential."""
    proposal = evaluation.follow_up_proposal
    if proposal is None:
        return None
    agreement = getattr(proposal, "agreement", None)
    return agreement if agreement is not None and agreement.is_public else None


@require_safe
def department_detail(request, pk):
    """A department's public page: its collaborations (締結 or later) and published evaluations."""
    department = get_object_or_404(
        Department.objects.select_related("parent"), pk=pk, is_active=True
    )
    agreements = (
        Agreement.objects.public()
        .filter(department=department)
        .for_listing()
        .order_by("-concluded_on", "-id")
    )
    evaluations = public_evaluations().filter(agreement__department=department)
    return render(
        request,
        "evaluations/department_detail.html",
        {
            "department": department,
            "agreements": agreements,
            "evaluations": evaluations,
        },
    )


@require_safe
def export_columns(request):
    return render(
        request,
        "evaluations/export_columns.html",
        {"columns": opendata.COLUMNS, "principles": opendata.PRINCIPLE_COLUMNS},
    )


def _export_queryset():
    return (
        Evaluation.objects.published()
        .for_listing()
        .prefetch_related("parts")
        .order_by("fiscal_year", "id")
    )


def _filename(extension):
    return f"kyodo-evaluations-{timezone.localdate():%Y%m%d}.{extension}"


@require_safe
def export_csv(request):
    rows = (opendata.row(evaluation) for evaluation in _export_queryset().iterator(chunk_size=200))
    return streaming_csv_response(opendata.header(), rows, filename=_filename("csv"))


@require_safe
def export_json(request):
    keys = opendata.column_keys()

    def chunks():
        yield "["
        for index, evaluation in enumerate(_export_queryset().iterator(chunk_size=200)):
            record = dict(zip(keys, opendata.row(evaluation), strict=True))
            yield ("," if index else "") + json.dumps(record, ensure_ascii=False)
        yield "]\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    return response


# --- /my/ (the CSO side) ---------------------------------------------------------------------


def _member_evaluation(request, pk):
    evaluation = get_object_or_404(
        Evaluation.objects.of_cso_member(request.user)
        .select_related(
            "agreement__current_version",
            "agreement__department__parent",
            "agreement__proposal",
            "follow_up_proposal",
        )
        .prefetch_related("parts"),
        pk=pk,
    )
    if not is_cso_side(request.user, evaluation.agreement):
        raise Http404
    return evaluation


@login_required
@require_safe
def my_evaluation_list(request):
    evaluations = (
        Evaluation.objects.of_cso_member(request.user)
        .for_listing()
        .with_submission_counts()
        .prefetch_related(
            Prefetch(
                "parts",
                queryset=EvaluationPart.objects.only("id", "evaluation_id", "side", "submitted_at"),
            )
        )
    )
    agreements = evaluable_agreements(
        Agreement.objects.of_party_member(request.user)
    ).select_related("current_version")
    return render(
        request,
        "evaluations/my_evaluation_list.html",
        {
            "evaluations": evaluations,
            "agreements": agreements,
            "start_form": StartForm(),
        },
    )


@login_required
@require_POST
def my_evaluation_start(request, agreement_pk):
    agreement = get_object_or_404(Agreement.objects.of_party_member(request.user), pk=agreement_pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("振り返りの種類を選んでください。"))
        return redirect("evaluations:my_list")
    try:
        evaluation = services.evaluation_start(
            agreement=agreement, by=request.user, kind=form.cleaned_data["kind"]
        )
    except services.DomainError as error:
        refuse(request, error)
        return redirect("evaluations:my_list")
    messages.success(request, _("振り返りを始めました。団体の記入を書いてください。"))
    return redirect(evaluation.get_member_url())


def _detail_context(request, evaluation, *, part_form=None, decision_form=None):
    own = evaluation.cso_part
    other = evaluation.visible_part(Side.PREFECTURE, Side.CSO)
    return {
        "evaluation": evaluation,
        "agreement": evaluation.agreement,
        "own": own,
        "other": other,
        "other_submitted": evaluation.prefecture_part.is_submitted,
        "part_form": part_form
        or (PartForm(instance=own, prefix="part") if not own.is_submitted else None),
        "decision_form": decision_form or DecisionForm(prefix="decision"),
        "may_confirm": services.STAFF_STEPS["confirm"].is_allowed_on(evaluation, request.user),
        "transitions": evaluation.transitions.select_related("by"),
    }


@login_required
@require_safe
def my_evaluation_detail(request, pk):
    evaluation = _member_evaluation(request, pk)
    return render(
        request, "evaluations/my_evaluation_detail.html", _detail_context(request, evaluation)
    )


@login_required
@require_POST
def my_part_save(request, pk):
    evaluation = _member_evaluation(request, pk)
    own = evaluation.cso_part
    if own.is_submitted:
        messages.error(request, _("提出済みの記入は変更できません。"))
        return redirect(evaluation.get_member_url())
    form = PartForm(request.POST, instance=own, prefix="part")
    if not form.is_valid():
        return render(
            request,
            "evaluations/my_evaluation_detail.html",
            _detail_context(request, evaluation, part_form=form),
            status=400,
        )
    try:
        part = services.part_save(
            part=own,
            by=request.user,
            data=form.cleaned_data,
            expected_version=form.cleaned_data.get("edit_version"),
        )
        if "submit" in request.POST:
            services.part_submit(part=part, by=request.user)
    except services.EditConflict as error:
        # Someone of the same CSO saved first: keep what this person wrote, save nothing.
        form.add_error(None, error.message)
        return render(
            request,
            "evaluations/my_evaluation_detail.html",
            _detail_context(request, evaluation, part_form=form),
            status=400,
        )
    except services.DomainError as error:
        return refuse(request, error, to=evaluation.get_member_url())
    if "submit" in request.POST:
        messages.success(request, _("団体の記入を提出しました。"))
    else:
        messages.success(request, _("下書きを保存しました。"))
    return redirect(evaluation.get_member_url())


@login_required
@require_POST
def my_decision_propose(request, pk):
    evaluation = _member_evaluation(request, pk)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        return render(
            request,
            "evaluations/my_evaluation_detail.html",
            _detail_context(request, evaluation, decision_form=form),
            status=400,
        )
    try:
        services.decision_propose(evaluation=evaluation, by=request.user, **form.cleaned_data)
    except services.DomainError as error:
        return refuse(request, error, to=evaluation.get_member_url())
    messages.success(request, _("今後の方針を提案しました。県の確認を待ちます。"))
    return redirect(evaluation.get_member_url())


@login_required
@require_POST
def my_decision_confirm(request, pk):
    evaluation = _member_evaluation(request, pk)
    try:
        services.decision_confirm(evaluation=evaluation, by=request.user)
    except services.DomainError as error:
        return refuse(request, error, to=evaluation.get_member_url())
    messages.success(request, _("今後の方針に合意しました。"))
    return redirect(evaluation.get_member_url())


@login_required
@require_POST
def my_follow_up(request, pk):
    evaluation = _member_evaluation(request, pk)
    try:
        proposal = services.follow_up_create(evaluation=evaluation, by=request.user)
    except services.DomainError as error:
        return refuse(request, error, to=evaluation.get_member_url())
    messages.success(
        request,
        _("前回の協働をもとに、次の提案の下書きを作りました。内容を見直して提出してください。"),
    )
    return redirect(proposal.get_absolute_url())
