from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kyodo_portal.errors import refuse
from kyodo_portal.pagination import PublicListPaginator
from kyodo_portal.request_input import object_id
from kyodo_portal.uploads import attachment_response
from proposals import services
from proposals.access import can_view_attachment, writable_csos
from proposals.filters import ThemeFilter
from proposals.forms import (
    AttachmentForm,
    CommentForm,
    ConsultationForm,
    PreConsultationForm,
    ProposalForm,
)
from proposals.models import Attachment, ConsultationEntry, Proposal, ProposalTransition, Theme

# --- public themes -------------------------------------------------------------------------


@require_safe
def theme_list(request):
    themes = (
        Theme.objects.listed()
        .select_related("department__parent")
        .prefetch_related("activity_fields")
    )
    theme_filter = ThemeFilter(request.GET, queryset=themes, request=request)
    paginator = PublicListPaginator(theme_filter.qs, 20, request=request, name="themes")
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/theme_list.html",
        {"filter": theme_filter, "page_obj": page, "query": query.urlencode()},
    )


@require_safe
def theme_detail(request, pk):
    theme = get_object_or_404(
        Theme.objects.public()
        .select_related("department__parent")
        .prefetch_related("activity_fields"),
        pk=pk,
    )
    can_propose = (
        theme.is_open() and request.user.is_authenticated and writable_csos(request.user).exists()
    )
    return render(
        request, "proposals/theme_detail.html", {"theme": theme, "can_propose": can_propose}
    )


# --- the CSO's proposals -------------------------------------------------------------------


def _member_proposal(request, pk, *, queryset=None):
    """The proposal, if it belongs to one of the user's CSOs; anyone else's answers 404."""
    queryset = queryset if queryset is not None else Proposal.objects.all()
    return get_object_or_404(
        queryset.of_cso_member(request.user).select_related("cso", "theme", "department__parent"),
        pk=pk,
    )


@login_required
@require_safe
def my_proposal_list(request):
    proposals = (
        Proposal.objects.of_cso_member(request.user)
        .select_related("cso", "theme", "department__parent")
        .order_by("-updated_at", "-id")
    )
    page = Paginator(proposals, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/my_proposal_list.html",
        {"page_obj": page, "can_write": writable_csos(request.user).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_proposal_create(request):
    if not writable_csos(request.user).exists():
        messages.error(
            request, _("提案を作るには、団体のメンバーとして承認されている必要があります。")
        )
        return redirect("proposals:my_list")
    theme = None
    theme_id = request.POST.get("theme") or request.GET.get("theme")
    if theme_id:
        # A value that cannot be a theme's number names no theme, like a missing one.
        theme = get_object_or_404(
            Theme.objects.listed().select_related("department"), pk=object_id(theme_id)
        )
        if not theme.is_open():
            messages.error(request, _("このテーマは募集期間外です。"))
            return redirect(theme.get_absolute_url())
    form = ProposalForm(request.POST or None, user=request.user, theme=theme)
    if request.method == "POST" and form.is_valid():
        proposal = form.save(commit=False)
        try:
            services.proposal_create(proposal=proposal, by=request.user)
        except services.DomainError as error:
            refuse(request, error)
        else:
            messages.success(
                request,
                _("下書きを保存しました。内容を確かめてから「提出する」を押してください。"),
            )
            return redirect(proposal.get_absolute_url())
    return render(
        request, "proposals/my_proposal_form.html", {"form": form, "theme": theme, "proposal": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_proposal_edit(request, pk):
    proposal = _member_proposal(request, pk)
    if not proposal.is_editable:
        messages.error(
            request,
            _("「%(status)s」の提案は編集できません。") % {"status": proposal.get_status_display()},
        )
        return redirect(proposal.get_absolute_url())
    form = ProposalForm(request.POST or None, instance=proposal, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                proposal=form.instance,
                by=request.user,
                fields=form.changed_content,
                expected_version=form.cleaned_data.get("edit_version"),
            )
        except services.EditConflict as error:
            # Another member saved first: keep what this member wrote on the page, save nothing.
            form.add_error(None, error.message)
        except services.DomainError as error:
            return refuse(request, error, to=proposal.get_absolute_url())
        else:
            messages.success(request, _("提案を保存しました。"))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "proposals/my_proposal_form.html",
        {"form": form, "theme": proposal.theme, "proposal": proposal},
    )


@login_required
@require_safe
def my_proposal_detail(request, pk):
    return _render_detail(request, pk)


def _render_detail(request, pk, status=200, **bound_forms):
    """The CSO's view of its proposal: only shared entries and their files, never internal
    ones. A refused form comes back bound, with its errors beside the fields."""
    shared = ConsultationEntry.objects.shared().select_related("author")
    proposal = _member_proposal(
        request,
        pk,
        queryset=Proposal.objects.prefetch_related(
            Prefetch("consultations", queryset=shared, to_attr="shared_entries"),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(is_removed=False, entry__isnull=True),
                to_attr="own_attachments",
            ),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(
                    is_removed=False, entry__visibility=ConsultationEntry.Visibility.SHARED
                ),
                to_attr="entry_attachments",
            ),
            Prefetch("transitions", queryset=ProposalTransition.objects.select_related("by")),
        ),
    )
    files_by_entry = {}
    for attachment in proposal.entry_attachments:
        files_by_entry.setdefault(attachment.entry_id, []).append(attachment)
    context = {
        "proposal": proposal,
        "entries": [(e, files_by_entry.get(e.pk, [])) for e in proposal.shared_entries],
        "consultation_form": ConsultationForm(),
        "pre_consultation_form": PreConsultationForm(),
        "attachment_form": AttachmentForm(),
        "comment_form": CommentForm(),
        **bound_forms,
    }
    return render(request, "proposals/my_proposal_detail.html", context, status=status)


@login_required
@require_POST
def my_proposal_submit(request, pk):
    proposal = _member_proposal(request, pk)
    try:
        services.proposal_submit(proposal=proposal, by=request.user)
    except services.DomainError as error:
        return refuse(request, error, to=proposal.get_absolute_url())
    messages.success(request, _("提案を提出しました。提案先の部署から連絡があります。"))
    return redirect(proposal.get_absolute_url())


@login_required
@require_POST
def my_proposal_resubmit(request, pk):
    proposal = _member_proposal(request, pk)
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        services.proposal_resubmit(
            proposal=proposal, by=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except services.DomainError as error:
        return refuse(request, error, to=proposal.get_absolute_url())
    messages.success(request, _("提案を再提出しました。"))
    return redirect(proposal.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def my_proposal_withdraw(request, pk):
    proposal = _member_proposal(request, pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_withdraw(
                proposal=proposal, by=request.user, comment=form.cleaned_data["comment"]
            )
        except services.DomainError as error:
            return refuse(request, error, to=proposal.get_absolute_url())
        messages.success(request, _("提案を取り下げました。記録は残ります。"))
        return redirect(proposal.get_absolute_url())
    return render(
        request, "proposals/my_proposal_withdraw.html", {"proposal": proposal, "form": form}
    )


@login_required
@require_POST
def my_proposal_pre_consultation(request, pk):
    proposal = _member_proposal(request, pk)
    form = PreConsultationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("相談したい内容を書いてください。"))
        return redirect(proposal.get_absolute_url())
    try:
        services.proposal_open_pre_consultation(
            proposal=proposal, by=request.user, text=form.cleaned_data["text"]
        )
    except services.DomainError as error:
        return refuse(request, error, to=proposal.get_absolute_url())
    messages.success(request, _("事前相談を送りました。部署からの回答はこのページに届きます。"))
    return redirect(proposal.get_absolute_url() + "#consultation")


@login_required
@require_POST
def my_proposal_consult(request, pk):
    proposal = _member_proposal(request, pk)
    form = ConsultationForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, proposal.pk, status=400, consultation_form=form)
    file = form.cleaned_data.get("file")
    try:
        services.consultation_post(
            proposal=proposal,
            by=request.user,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            files=[file] if file else [],
        )
    except services.DomainError as error:
        return refuse(request, error, to=proposal.get_absolute_url())
    messages.success(request, _("協議の記録を送りました。"))
    return redirect(proposal.get_absolute_url() + "#consultation")


@login_required
@require_POST
def my_proposal_attach(request, pk):
    proposal = _member_proposal(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, proposal.pk, status=400, attachment_form=form)
    try:
        services.proposal_attach(proposal=proposal, by=request.user, file=form.cleaned_data["file"])
    except services.DomainError as error:
        return refuse(request, error, to=proposal.get_absolute_url())
    messages.success(request, _("ファイルを添付しました。"))
    return redirect(proposal.get_absolute_url() + "#attachments")


@login_required
@require_POST
def my_attachment_remove(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(
            proposal__in=Proposal.objects.of_cso_member(request.user), is_removed=False
        ).select_related("proposal", "entry"),
        pk=pk,
    )
    if not can_view_attachment(request.user, attachment):
        raise Http404  # a 県内部 file answers as if it did not exist
    try:
        services.proposal_remove_attachment(attachment=attachment, by=request.user)
    except services.DomainError as error:
        return refuse(request, error, to=attachment.proposal.get_absolute_url())
    messages.success(
        request, _("「%(name)s」を取り消しました。") % {"name": attachment.original_name}
    )
    return redirect(attachment.proposal.get_absolute_url() + "#attachments")


@login_required
@require_safe
def attachment_download(request, pk):
    """The only way to a stored file: the permission is checked on every download."""
    attachment = get_object_or_404(Attachment.objects.select_related("proposal", "entry"), pk=pk)
    if not can_view_attachment(request.user, attachment):
        raise Http404
    return attachment_response(attachment.file, filename=attachment.original_name)
