"""Two-factor login for staff (django-otp TOTP): enter the code, or set up the authenticator app.

``/account/2fa/`` asks a signed-in member of staff (or anyone who set up an authenticator app:
the second factor is required for staff and open to everyone) for the six-digit code of their
confirmed device; ``/account/2fa/setup/`` shows a new key (QR code and text) to a person who
has none yet and confirms it with a first code. Either way the session is then verified
(``django_otp.login``) and gets a new key, and the admin opens (kyodo_portal.admin_site).
A device is replaced only by 県民協働課 or a superuser deleting it in the admin
(「TOTP devices」), after which the person sets up a new one here.
"""

import logging
import unicodedata

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyodo_portal.access import USES_SECOND_FACTOR_SESSION_KEY
from kyodo_portal.notifications import notify_after_commit
from kyodo_portal.security import client_ip, session_key_changed

logger = logging.getLogger("kyodo_portal.security")
DEVICE_NAME = "認証アプリ"


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("確認コード（6桁）"),
        max_length=20,
        help_text=_(
            "認証アプリ（Google Authenticator、Microsoft Authenticator など）に表示される数字です。"
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        token = unicodedata.normalize("NFKC", self.cleaned_data["otp_token"])
        token = "".join(token.split()).replace("-", "")
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("6桁の数字を入力してください。"), code="format")
        allowed, _data = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                _("続けて間違えたため、しばらく受け付けません。少し待ってからお試しください。"),
                code="throttled",
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(
                _("確認コードが違います。認証アプリに今表示されている数字を入力してください。"),
                code="invalid",
            )
        return token


def _signed_in_only(request):
    """Staff must pass the second factor; anyone else signed in may set it up and use it."""
    if not (request.user.is_authenticated and request.user.is_active):
        raise PermissionDenied


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index" if request.user.is_staff else "account:home")


def _verified(request, device):
    otp_login(request, device)
    old_key = request.session.session_key
    request.session.cycle_key()
    session_key_changed(old_key, request.session.session_key)
    return HttpResponseRedirect(_next_url(request))


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
def verify(request):
    _signed_in_only(request)
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('two_factor:setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            return _verified(request, device)
        logger.warning("二段階認証の失敗: 利用者 %s (IP %s)", request.user.pk, client_ip(request))
    return render(request, "two_factor/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
def setup(request):
    _signed_in_only(request)
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect(f"{reverse('two_factor:verify')}?{request.GET.urlencode()}")
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=request.user, confirmed=False)
            .order_by("pk")
            .first()
        ) or TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
        form = TokenForm(request.POST or None, device=device)
        if request.method == "POST" and form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session[USES_SECOND_FACTOR_SESSION_KEY] = True
            logger.warning(
                "二段階認証の登録: 利用者 %s (IP %s)", request.user.pk, client_ip(request)
            )
            notify_after_commit(
                to=[request.user.email],
                template="two_factor_enrolled",
                context={"user": request.user},
            )
            return _verified(request, device)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "two_factor/setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(omitsize=True),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )


app_name = "two_factor"
urlpatterns = [
    path("", verify, name="verify"),
    path("setup/", setup, name="setup"),
]
