"""The site's URLconf plus the framework floor: a bare view that renders a static template of
a given byte size through the same middleware and context processors as every page."""

from functools import lru_cache

from django.contrib import admin
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from kyodo_portal.urls import urlpatterns as site_urlpatterns

FILLER = "協働ポータル floor <p>県民協働指針</p>\n"


@lru_cache(maxsize=64)
def static_template(size):
    """A template without tags or variables whose rendering is exactly ``size`` bytes."""
    text = FILLER * (size // len(FILLER.encode()) + 1)
    body = text.encode()[:size].decode(errors="ignore")
    body += " " * (size - len(body.encode()))
    return engines["django"].from_string(body)


def floor(request, size):
    return HttpResponse(static_template(size).render({}, request))


# The same static page behind the admin's own gate (session, user, two-factor and staff checks):
# what any signed-in admin page costs before it renders anything of its own.
staff_floor = admin.site.admin_view(floor)

urlpatterns = [
    path("__bench__/floor/<int:size>/", floor, name="bench_floor"),
    path("__bench__/staff-floor/<int:size>/", staff_floor, name="bench_staff_floor"),
    *site_urlpatterns,
]
