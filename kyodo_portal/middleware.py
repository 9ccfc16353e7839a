"""Requests answered before any view reads them."""

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from kyodo_portal.request_input import carries_nul, nul_cookies


class RefuseNulMiddleware:
    """A NUL character in the path, query string, form data or cookies is answered 400 with a
    Japanese page, before any view or filter passes it to the database.

    PostgreSQL refuses such text with an error (a 500) where SQLite stores it: refused here, the
    same input gets the same answer on both. A cookie with a NUL cannot name a session, so that
    page is rendered for a signed-out visitor and the cookie is deleted.

    Placed after the middleware that adds security headers, so that the page carries them too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not carries_nul(request):
            return self.get_response(request)
        broken_cookies = nul_cookies(request)
        if broken_cookies:
            request.user = AnonymousUser()
        response = render(request, "400.html", status=400)
        for name in broken_cookies:
            response.delete_cookie(name)
        return response


class PrivatePagesMiddleware:
    """Every page rendered for a signed-in person, and everything under /my/, answers
    ``Cache-Control: private, no-store``: it carries their name and their CSO's records, so no
    shared cache (a proxy, a library's computer) may keep it. Pages for anonymous readers are
    left as they are (the page cache serves them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path_info.startswith("/my/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response


class SecondFactorGateMiddleware:
    """Someone who set up an authenticator app signs in with the password and then the code:
    until they passed it in this session, their own pages (/my/) send them to the code page.
    Public pages stay open. (Staff are handled by the admin and kyodo_portal/access.py.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from kyodo_portal.access import USES_SECOND_FACTOR_SESSION_KEY, must_pass_second_factor

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user._uses_second_factor = bool(request.session.get(USES_SECOND_FACTOR_SESSION_KEY))
        if request.path_info.startswith("/my/") and must_pass_second_factor(user):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two_factor:verify')}?{query}")
        return self.get_response(request)


class ProbeMiddleware:
    """/healthz and /readyz are answered here, before the host check and the HTTPS redirect:
    a load balancer probes each node by its address over plain HTTP (Host: 10.0.0.5), which
    ALLOWED_HOSTS and SECURE_SSL_REDIRECT would otherwise answer with 400 or 301. The answers
    say only ok or error, the same for any host. The URLconf keeps both addresses (the
    permission map lists them)."""

    def __init__(self, get_response):
        from kyodo_portal import views

        self.get_response = get_response
        self.probes = {"/healthz": views.healthz, "/readyz": views.readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is None or carries_nul(request):
            # A NUL goes the usual way, to RefuseNulMiddleware's 400, like on every page.
            return self.get_response(request)
        return probe(request)
