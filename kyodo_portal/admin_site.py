"""The admin site: Django's, plus two-factor login (django-otp TOTP) for staff.

When ``OTP_REQUIRED_FOR_STAFF`` is on (the default when DEBUG is off) an admin page opens only
for a session verified with a one-time code. A member of staff who signed in with the password
only is sent to ``/account/2fa/`` to enter the code from their authenticator app, or to set one
up the first time (``/account/2fa/setup/``).
"""

from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse

from kyodo_portal.access import needs_second_factor


class PortalAdminSite(AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and not needs_second_factor(request.user)

    def login(self, request, extra_context=None):
        if needs_second_factor(request.user):
            next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return redirect(f"{reverse('two_factor:verify')}?{urlencode({'next': next_url})}")
        return super().login(request, extra_context)


class PortalAdminConfig(AdminConfig):
    default_site = "kyodo_portal.admin_site.PortalAdminSite"
