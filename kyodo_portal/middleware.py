"""Requests answered before any view reads them."""

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render
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
