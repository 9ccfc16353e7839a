"""Signing in and out, confirming an address, recovering a password, and the person's own
account page (/my/account/)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import (
    EmailChangeForm,
    EmailForm,
    LoginForm,
    NameForm,
    PasswordChangeForm,
    PasswordResetForm,
)
from kyodo_portal import throttle
from kyodo_portal.access import is_staff_account, must_pass_second_factor
from kyodo_portal.errors import refuse
from kyodo_portal.security import client_ip, end_sessions_of, session_key_changed

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _throttled(request, scope):
    """The client address went over ``scope``'s rate: the 429 page, nothing done."""
    if throttle.hit(scope, client_ip(request)):
        return None
    return throttle.too_many_requests(request, scope)


# --- signing in and out ----------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """After signing in, people land on their own page (/my/); staff on the admin. Someone who
    set up a second factor enters the code first."""

    authentication_form = LoginForm

    def get_default_redirect_url(self):
        if is_staff_account(self.request.user):
            return reverse("admin:index")
        return reverse("account:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        if must_pass_second_factor(self.request.user):
            query = urlencode({"next": self.get_success_url()})
            return redirect(f"{reverse('two_factor:verify')}?{query}")
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("ログアウトしました。"))
        return response


# --- confirming an address ---------------------------------------------------------------------


def check_your_mail(request, address=""):
    """What a person sees after sign-up, a resend or a change of address: the same page
    whatever the address (nobody learns here whether it has an account)."""
    return render(request, "accounts/check_your_mail.html", {"address": address})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request, token):
    """The emailed link shows a button; only the POST confirms (link scanners only GET). A new
    account is signed in once its address is confirmed; a change of address takes effect."""
    try:
        user, address = services.read_token(token)
        changing = address != user.email
        if request.method == "POST":
            user = services.confirm_email(token=token)
    except (services.InvalidToken, services.DomainError) as error:
        return render(request, "accounts/link_problem.html", {"message": str(error)}, status=400)
    if request.method != "POST":
        return render(
            request, "accounts/confirm_email.html", {"address": address, "changing": changing}
        )
    messages.success(
        request, _("メールアドレス（%(address)s）を確認しました。") % {"address": user.email}
    )
    if changing:
        signed_in_as_them = request.user.is_authenticated and request.user.pk == user.pk
        return redirect("accounts:settings" if signed_in_as_them else "login")
    if not request.user.is_authenticated:
        login(request, user, backend=BACKEND)
    return redirect("account:home")


@require_http_methods(["GET", "HEAD", "POST"])
def resend_confirmation(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST":
        refused = _throttled(request, "account_resend:ip")
        if refused:
            return refused
        if form.is_valid():
            services.resend_confirmation(email=form.cleaned_data["email"])
            return check_your_mail(request, form.cleaned_data["email"])
    return render(request, "accounts/resend.html", {"form": form})


# --- recovering a password ---------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address has an account; limited per client address
    (here) and per address (in the form)."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        return _throttled(request, "password_reset:ip") or super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password from the emailed link: the person is signed in, every other session of
    theirs ends, the lock-out of their address is lifted, and the address counts as confirmed
    (only its owner could open the link)."""

    template_name = "accounts/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = BACKEND
    success_url = reverse_lazy("account:home")

    def form_valid(self, form):
        user = form.user
        end_sessions_of(user)
        response = super().form_valid(form)
        services.after_password_reset(user)
        messages.success(self.request, _("新しいパスワードを設定し、ログインしました。"))
        return response


# --- /my/account/ -------------------------------------------------------------------------------


def _settings_page(request, status=200, **forms):
    user = request.user
    context = {
        "name_form": NameForm(instance=user, prefix="name"),
        "email_form": EmailChangeForm(user=user, prefix="email"),
        "password_form": PasswordChangeForm(user=user, prefix="password"),
        "sessions": services.sessions_of(user),
        "current_key": request.session.session_key,
        "has_second_factor": services.has_second_factor(user),
        "now": timezone.now(),
        **forms,
    }
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def account_settings(request):
    return _settings_page(request)


@login_required
@require_POST
def change_name(request):
    form = NameForm(request.POST, instance=request.user, prefix="name")
    if not form.is_valid():
        return _settings_page(request, status=400, name_form=form)
    form.save()
    messages.success(request, _("氏名を変更しました。"))
    return redirect("accounts:settings")


@login_required
@require_POST
def change_email(request):
    form = EmailChangeForm(request.POST, user=request.user, prefix="email")
    if not form.is_valid():
        return _settings_page(request, status=400, email_form=form)
    try:
        services.email_change_request(user=request.user, new_email=form.cleaned_data["new_email"])
    except services.DomainError as error:
        form.add_error("new_email", str(error))
        return _settings_page(request, status=400, email_form=form)
    messages.info(
        request,
        _(
            "%(address)s に確認のメールを送りました。メールのリンクを開くと、ログインに使う"
            "メールアドレスが切り替わります（それまでは今のアドレスのままです）。"
        )
        % {"address": form.cleaned_data["new_email"]},
    )
    return redirect("accounts:settings")


@login_required
@require_POST
def change_password(request):
    form = PasswordChangeForm(user=request.user, data=request.POST, prefix="password")
    if not form.is_valid():
        return _settings_page(request, status=400, password_form=form)
    user = form.save()
    old_key = request.session.session_key
    update_session_auth_hash(request, user)  # keeps this session, under a new key
    session_key_changed(old_key, request.session.session_key)
    ended = end_sessions_of(user, except_key=request.session.session_key)
    messages.success(
        request,
        _("パスワードを変更しました。ほかの端末のログイン（%(count)d 件）を終了しました。")
        % {"count": ended},
    )
    return redirect("accounts:settings")


@login_required
@require_POST
def end_session(request, pk):
    if request.POST.get("all") == "others":
        ended = services.end_other_sessions(
            user=request.user, current_key=request.session.session_key
        )
        messages.success(
            request, _("ほかの端末のログイン（%(count)d 件）を終了しました。") % {"count": ended}
        )
        return redirect("accounts:settings")
    try:
        services.end_session(user=request.user, record_id=pk)
    except services.DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("そのログインを終了しました。"))
    return redirect("accounts:settings")
