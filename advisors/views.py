from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from advisors import services
from advisors.forms import AdvisorRequestForm, WithdrawForm
from advisors.models import AdvisorRequest
from cso_registry.access import is_cso_admin, member_csos
from kyodo_portal.errors import refuse


@login_required
@require_safe
def request_list(request):
    advisor_requests = (
        AdvisorRequest.objects.of_member(request.user)
        .select_related("cso", "advisor")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "advisors/request_list.html",
        {
            "advisor_requests": advisor_requests,
            "eligible_csos": services.eligible_csos(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_create(request):
    csos = services.eligible_csos(request.user).order_by("furigana", "pk")
    if not csos.exists():
        managed = member_csos(request.user)
        return render(
            request, "advisors/request_not_eligible.html", {"managed_csos": managed}, status=403
        )
    form = AdvisorRequestForm(request.POST or None, csos=csos)
    if request.method == "POST" and form.is_valid():
        try:
            advisor_request = services.advisor_request_submit(by=request.user, **form.cleaned_data)
        except services.DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("お申し込みを受け付けました。県民協働課から連絡がありますのでお待ちください。"),
            )
            return redirect(advisor_request)
    return render(
        request, "advisors/request_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _own_request(request, pk):
    return get_object_or_404(
        AdvisorRequest.objects.of_member(request.user).select_related("cso", "advisor"), pk=pk
    )


@login_required
@require_safe
def request_detail(request, pk):
    advisor_request = _own_request(request, pk)
    transitions = advisor_request.transitions.select_related("by")
    return render(
        request,
        "advisors/request_detail.html",
        {
            "advisor_request": advisor_request,
            "transitions": transitions,
            "can_withdraw": advisor_request.is_open
            and is_cso_admin(request.user, advisor_request.cso),
            "withdraw_form": WithdrawForm(),
        },
    )


@login_required
@require_POST
def request_withdraw(request, pk):
    advisor_request = _own_request(request, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.advisor_request_withdraw(
            advisor_request=advisor_request,
            by=request.user,
            comment=form.cleaned_data.get("comment", ""),
        )
    except services.DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("お申し込みを取り下げました。"))
    return redirect(advisor_request)
