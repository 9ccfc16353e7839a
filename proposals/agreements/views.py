"""Agreements on the site: the public /projects/ pages (締結 or later, public fields only) and
the CSO's pages under /my/agreements/ (confirmation, the 協定書 of every version, progress)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kyodo_portal.errors import refuse
from kyodo_portal.pagination import PublicListPaginator, is_filtered
from kyodo_portal.uploads import attachment_response
from proposals.access import (
    admin_party,
    can_read_version,
    can_view_agreement,
    is_agreement_party,
)
from proposals.agreements import services
from proposals.agreements.filters import ProjectFilter
from proposals.agreements.forms import ChangeRequestForm, ConfirmForm, ProgressReportForm
from proposals.models import (
    Agreement,
    AgreementParty,
    AgreementTransition,
    ProgressAttachment,
    ProgressReport,
    RoleAssignment,
)

ROLES = RoleAssignment.objects.select_related("cso")
PARTIES = AgreementParty.objects.select_related("cso", "confirmed_by")
# Everything a version's text reads (proposals/agreements/_version_body.html).
VERSION_TEXT = (
    Prefetch("parties", queryset=PARTIES),
    Prefetch("roles", queryset=ROLES),
    "activity_fields",
)

# --- public -------------------------------------------------------------------------------------


@require_safe
def project_list(request):
    agreements = Agreement.objects.public().for_listing().order_by("-concluded_on", "-pk")
    project_filter = ProjectFilter(request.GET, queryset=agreements, request=request)
    paginator = PublicListPaginator(
        project_filter.qs, 20, request=request, name="projects", estimate=not is_filtered(request)
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/agreements/project_list.html",
        {"filter": project_filter, "page_obj": page, "query": query.urlencode()},
    )


@require_safe
def project_detail(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.public()
        .select_related("current_version", "department__parent")
        .prefetch_related(
            "current_version__activity_fields",
            Prefetch("current_version__parties", queryset=PARTIES),
            Prefetch("current_version__roles", queryset=ROLES),
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.public().order_by("-reported_on", "-id"),
                to_attr="public_reports",
            ),
        ),
        pk=pk,
    )
    return render(
        request,
        "proposals/agreements/project_detail.html",
        {
            "agreement": agreement,
            "version": agreement.current_version,
            "latest": agreement.public_reports[0] if agreement.public_reports else None,
        },
    )


# --- the CSO's side ------------------------------------------------------------------------------


def _member_agreement(request, pk, *, parties_only=False):
    """The agreement, if one of the user's CSOs is a party (or, unless ``parties_only``, is
    proposed as one by the open amendment); anyone else's answers 404."""
    agreements = (
        Agreement.objects.of_party_member(request.user)
        if parties_only
        else (Agreement.objects.of_cso_member(request.user))
    )
    return get_object_or_404(
        agreements.select_related("current_version", "department__parent", "proposal"), pk=pk
    )


@login_required
@require_safe
def my_agreement_list(request):
    agreements = (
        Agreement.objects.of_cso_member(request.user).for_listing().order_by("-updated_at", "-pk")
    )
    page = Paginator(agreements, 30).get_page(request.GET.get("page"))
    return render(request, "proposals/agreements/my_list.html", {"page_obj": page})


@login_required
@require_safe
def my_agreement_detail(request, pk):
    return _render_detail(request, pk)


def _render_detail(request, pk, status=200, **bound_forms):
    agreement = _member_agreement(request, pk)
    if not is_agreement_party(request.user, agreement):
        return _render_proposed_party(request, agreement, status=status, **bound_forms)
    versions = list(agreement.versions.prefetch_related(*VERSION_TEXT))
    current = next(v for v in versions if v.pk == agreement.current_version_id)
    open_version = next((v for v in versions if v.is_open), None)
    my_party = admin_party(request.user, open_version) if open_version else None
    reports = agreement.progress_reports.select_related("author").prefetch_related("attachments")
    transitions = AgreementTransition.objects.filter(agreement=agreement).select_related(
        "by", "version"
    )
    context = {
        "agreement": agreement,
        "current": current,
        "open_version": open_version,
        "open_missing": open_version.missing_items(
            parties=list(open_version.parties.all()), roles=list(open_version.roles.all())
        )
        if open_version
        else [],
        "versions": versions,
        "my_party": my_party,
        "reports": reports,
        "transitions": transitions,
        "confirm_form": ConfirmForm(initial={"revision": open_version.revision})
        if open_version
        else None,
        "change_form": ChangeRequestForm(),
        "report_form": ProgressReportForm(),
        "can_report": agreement.accepts_progress_reports,
        **bound_forms,
    }
    return render(request, "proposals/agreements/my_detail.html", context, status=status)


def _render_proposed_party(request, agreement, status=200, **bound_forms):
    """A CSO the open amendment proposes as a party reads that amendment, confirms it or asks
    for changes; the agreement's progress, earlier versions and history stay with its parties."""
    version = agreement.pending_version()
    version = agreement.versions.prefetch_related(*VERSION_TEXT).filter(pk=version.pk).get()
    context = {
        "agreement": agreement,
        "open_version": version,
        "open_missing": version.missing_items(
            parties=list(version.parties.all()), roles=list(version.roles.all())
        ),
        "my_party": admin_party(request.user, version),
        "confirm_form": ConfirmForm(initial={"revision": version.revision}),
        "change_form": ChangeRequestForm(),
        "proposed_party": True,
        **bound_forms,
    }
    return render(request, "proposals/agreements/my_detail.html", context, status=status)


@login_required
@require_POST
def my_agreement_confirm(request, pk):
    agreement = _member_agreement(request, pk)
    version = agreement.open_version()
    if version is None:
        messages.error(request, _("確認を待っている協定書はありません。"))
        return redirect(agreement.get_member_url())
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, pk, status=400, confirm_form=form)
    try:
        services.agreement_confirm(
            version=version,
            by=request.user,
            revision=form.cleaned_data["revision"],
            comment=form.cleaned_data["comment"],
        )
    except services.DomainError as error:
        return refuse(request, error, to=agreement.get_member_url())
    messages.success(request, _("協定書を確認しました。県の担当部署に届きます。"))
    return redirect(agreement.get_member_url())


@login_required
@require_POST
def my_agreement_request_changes(request, pk):
    agreement = _member_agreement(request, pk)
    version = agreement.open_version()
    if version is None:
        messages.error(request, _("修正を依頼できる協定書はありません。"))
        return redirect(agreement.get_member_url())
    form = ChangeRequestForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, pk, status=400, change_form=form)
    try:
        services.agreement_request_changes(
            version=version, by=request.user, comment=form.cleaned_data["comment"]
        )
    except services.DomainError as error:
        return refuse(request, error, to=agreement.get_member_url())
    messages.success(request, _("修正の依頼を送りました。"))
    return redirect(agreement.get_member_url())


@login_required
@require_POST
def my_agreement_report(request, pk):
    agreement = _member_agreement(request, pk, parties_only=True)
    form = ProgressReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, pk, status=400, report_form=form)
    data = form.cleaned_data
    try:
        services.progress_report(
            agreement=agreement,
            by=request.user,
            reported_on=data["reported_on"],
            percent_complete=data["percent_complete"],
            text=data["text"],
            next_steps=data["next_steps"],
            visibility=data["visibility"],
            public_summary=data["public_summary"],
            files=[data["file"]] if data.get("file") else [],
        )
    except services.DomainError as error:
        return refuse(request, error, to=agreement.get_member_url())
    messages.success(request, _("進捗を報告しました。"))
    return redirect(agreement.get_member_url() + "#progress")


def render_document(request, agreement, number):
    """The 協定書 of one version, printable on A4 (both parties read the same page)."""
    version = get_object_or_404(
        agreement.versions.prefetch_related(*VERSION_TEXT),
        number=number,
    )
    if not can_read_version(request.user, version):
        raise Http404
    return render(
        request,
        "proposals/agreements/document.html",
        {
            "agreement": agreement,
            "version": version,
            "parties": list(version.parties.all()),
            "roles": list(version.roles.all()),
            "form_items": version.shown_form_fields(),
            "back_url": request.GET.get("back") == "admin",
        },
    )


@login_required
@require_safe
def my_agreement_document(request, pk, number):
    return render_document(request, _member_agreement(request, pk), number)


@login_required
@require_safe
def progress_attachment_download(request, pk):
    """Files of progress reports: the parties only, checked on every download."""
    attachment = get_object_or_404(
        ProgressAttachment.objects.select_related("report__agreement"), pk=pk
    )
    if not can_view_agreement(request.user, attachment.report.agreement):
        raise Http404
    return attachment_response(attachment.file, filename=attachment.original_name)
