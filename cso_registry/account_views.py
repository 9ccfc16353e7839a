"""Sign-up and the logged-in CSO pages under /my/.

Each page looks the CSO up through the user's own memberships, so that another CSO's page
answers 404, whatever its number.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import services as account_services
from accounts.views import check_your_mail
from cso_registry import services
from cso_registry.access import admin_csos, is_cso_member, member_csos, membership_of
from cso_registry.forms import CSOProfileForm, JoinSearchForm, SignupForm, SurveyAnswerForm
from cso_registry.models import CSO, Membership, SurveyAnswer
from cso_registry.normalize import search_variants
from kyodo_portal import personal_data_log, throttle
from kyodo_portal.access import is_verified_staff
from kyodo_portal.errors import refuse
from kyodo_portal.security import client_ip

HISTORY_PAGE_SIZE = 100


def _cso_for(user, pk, *, admin_only=False, staff_may_view=False):
    """The CSO if ``user`` belongs to it (as 管理者 when ``admin_only``), or for pages staff
    may read, if ``user`` is verified staff; 404 otherwise."""
    if staff_may_view and is_verified_staff(user):
        csos = CSO.objects.all()
    elif admin_only:
        csos = admin_csos(user)
    else:
        csos = member_csos(user)
    return get_object_or_404(csos.select_related("municipality"), pk=pk)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("account:home")
    if request.method == "POST" and not throttle.hit("signup:ip", client_ip(request)):
        return throttle.too_many_requests(request, "signup:ip")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_services.signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
        )
        return check_your_mail(request, form.cleaned_data["email"])
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_safe
def home(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .exclude(status=Membership.Status.DECLINED)
        .select_related("cso__municipality")
        .annotate(
            pending_requests=Count(
                "cso__memberships",
                filter=Q(cso__memberships__status=Membership.Status.REQUESTED),
            )
        )
        .order_by("status", "cso__furigana")
    )
    return render(
        request,
        "cso_registry/my/home.html",
        {
            "active": [m for m in memberships if m.status == Membership.Status.ACTIVE],
            "requested": [m for m in memberships if m.status == Membership.Status.REQUESTED],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cso_register(request):
    form = CSOProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cso = services.cso_register(by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("「%(name)s」の登録を申請しました。県民協働課が内容を確かめてから公開します。")
                % {"name": cso.name},
            )
            if is_verified_staff(request.user):
                return redirect("admin:cso_registry_cso_change", cso.pk)
            return redirect("account:cso", cso.pk)
    return render(request, "cso_registry/my/cso_form.html", {"form": form, "cso": None})


@login_required
@require_safe
def cso_overview(request, pk):
    cso = get_object_or_404(
        member_csos(request.user).for_listing(),
        pk=pk,
    )
    membership = membership_of(request.user, cso)
    return render(
        request,
        "cso_registry/my/cso.html",
        {
            "cso": cso,
            "membership": membership,
            "disclosure": cso.disclosure(),
            "today": timezone.localdate(),
            "pending_requests": cso.memberships.requested().count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cso_edit(request, pk):
    cso = _cso_for(request.user, pk)
    form = CSOProfileForm(request.POST or None, instance=cso)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.cso_update(
                cso=cso,
                by=request.user,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("edit_version"),
            )
        except services.EditConflict as error:
            form.add_error(None, str(error))
        except services.DomainError as error:
            refuse(request, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changes:
                messages.success(
                    request,
                    _("団体の情報を更新しました（%(count)d項目）。") % {"count": len(changes)},
                )
            else:
                messages.info(request, _("変更はありませんでした。"))
            return redirect("account:cso", cso.pk)
    return render(request, "cso_registry/my/cso_form.html", {"form": form, "cso": cso})


@login_required
@require_http_methods(["GET", "POST"])
def cso_survey(request, pk):
    cso = _cso_for(request.user, pk)
    answers = list(cso.survey_answers.all())
    year = request.POST.get("fiscal_year") or request.GET.get("year")
    instance = next((a for a in answers if str(a.fiscal_year) == str(year)), None)
    form = SurveyAnswerForm(request.POST or None, instance=instance or SurveyAnswer(cso=cso))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.SURVEY_FIELDS}
        try:
            _answer, _changes = services.survey_answer_record(
                cso=cso, by=request.user, fiscal_year=form.cleaned_data["fiscal_year"], data=data
            )
        except services.DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("実態調査の回答を保存しました。"))
            return redirect("account:cso", cso.pk)
    return render(
        request,
        "cso_registry/my/survey_form.html",
        {"cso": cso, "form": form, "answers": answers},
    )


@login_required
@require_safe
def cso_members(request, pk):
    cso = _cso_for(request.user, pk)
    membership = membership_of(request.user, cso)
    members = (
        cso.memberships.exclude(status=Membership.Status.DECLINED)
        .select_related("user")
        .order_by("status", "-role", "user__full_name")
    )
    return render(
        request,
        "cso_registry/my/members.html",
        {
            "cso": cso,
            "membership": membership,
            "is_admin": membership.is_admin,
            "active_members": [m for m in members if m.status == Membership.Status.ACTIVE],
            "requests": [m for m in members if m.status == Membership.Status.REQUESTED],
        },
    )


MEMBER_ACTIONS = {
    "approve": (
        lambda m, by: services.membership_approve(membership=m, by=by),
        _("参加を承認しました。"),
    ),
    "approve_admin": (
        lambda m, by: services.membership_approve(membership=m, by=by, role=Membership.Role.ADMIN),
        _("管理者として参加を承認しました。"),
    ),
    "decline": (
        lambda m, by: services.membership_decline(membership=m, by=by),
        _("参加の申し込みを見送りました。"),
    ),
    "make_admin": (
        lambda m, by: services.membership_change_role(
            membership=m, by=by, role=Membership.Role.ADMIN
        ),
        _("管理者にしました。"),
    ),
    "make_member": (
        lambda m, by: services.membership_change_role(
            membership=m, by=by, role=Membership.Role.MEMBER
        ),
        _("メンバーにしました。"),
    ),
    "remove": (
        lambda m, by: services.membership_leave(membership=m, by=by),
        _("メンバーから外しました。"),
    ),
}


@login_required
@require_POST
def member_action(request, pk, membership_pk, action):
    cso = _cso_for(request.user, pk, admin_only=True)
    membership = get_object_or_404(cso.memberships, pk=membership_pk)
    if action not in MEMBER_ACTIONS:
        raise Http404
    operation, success = MEMBER_ACTIONS[action]
    try:
        operation(membership, request.user)
    except services.DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, f"{membership.user}: {success}")
    return redirect("account:cso_members", cso.pk)


@login_required
@require_POST
def cso_leave(request, pk):
    cso = _cso_for(request.user, pk)
    try:
        services.membership_leave(membership=membership_of(request.user, cso), by=request.user)
    except services.DomainError as error:
        refuse(request, error)
        return redirect("account:cso_members", cso.pk)
    messages.success(request, _("「%(name)s」から退会しました。") % {"name": cso.name})
    return redirect("account:home")


@login_required
@require_POST
def cso_confirm(request, pk):
    cso = _cso_for(request.user, pk, admin_only=True)
    try:
        services.cso_confirm(cso=cso, by=request.user)
    except services.DomainError as error:
        refuse(request, error)
    else:
        messages.success(
            request, _("内容を確認しました。最終確認日を今日に更新しました。ありがとうございます。")
        )
    return redirect("account:cso", cso.pk)


@login_required
@require_safe
def cso_history(request, pk):
    cso = _cso_for(request.user, pk, admin_only=True, staff_may_view=True)
    entries = cso.history.select_related("by")[:HISTORY_PAGE_SIZE]
    return render(
        request,
        "cso_registry/my/history.html",
        {"cso": cso, "entries": entries, "page_size": HISTORY_PAGE_SIZE},
    )


@login_required
@require_safe
def cso_sheet(request, pk):
    """A4 sheet of everything recorded, for a group to check on paper (代理入力 included)."""
    cso = _cso_for(request.user, pk, staff_may_view=True)
    cso = CSO.objects.for_listing().select_related("municipality").get(pk=cso.pk)
    if (
        is_verified_staff(request.user)
        and not cso.contact_public
        and not is_cso_member(request.user, cso)
    ):
        personal_data_log.record(
            request, _("CSO 確認シート（非公開の連絡先）"), 1, subject=cso.name
        )
    return render(
        request,
        "cso_registry/my/sheet.html",
        {
            "cso": cso,
            "disclosure": cso.disclosure(),
            "survey_answers": sorted(
                cso.survey_answers.all(), key=lambda a: a.fiscal_year, reverse=True
            ),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_safe
def cso_join(request):
    form = JoinSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        text, katakana = search_variants(form.cleaned_data["q"])
        results = (
            CSO.objects.public()
            .filter(Q(name__icontains=text) | Q(furigana__icontains=katakana))
            .select_related("municipality")
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(user=request.user),
                    to_attr="my_memberships",
                )
            )[:30]
        )
    return render(request, "cso_registry/my/join.html", {"form": form, "results": results})


@login_required
@require_POST
def cso_join_request(request, pk):
    cso = get_object_or_404(CSO.objects.public(), pk=pk)
    for scope, value in (
        ("join_request:ip", client_ip(request)),
        ("join_request:user", request.user.pk),
    ):
        if not throttle.hit(scope, value):
            return throttle.too_many_requests(request, scope)
    try:
        services.membership_request(cso=cso, user=request.user)
    except services.DomainError as error:
        refuse(request, error)
    else:
        messages.success(
            request,
            _("「%(name)s」に参加を申し込みました。団体の管理者が承認するとお知らせします。")
            % {"name": cso.name},
        )
    return redirect("account:home")
