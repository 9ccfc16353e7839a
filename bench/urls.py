"""The site's URLconf plus the framework floor: a bare view that renders a static template of
a given byte size through the same middleware and context processors as every page."""

from functools import lru_cache

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


urlpatterns = [
    path("__bench__/floor/<int:size>/", floor, name="bench_floor"),
    *site_urlpatterns,
]
