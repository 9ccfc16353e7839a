"""A public page with an inline script, for tests/kyodo_portal/test_page_cache.py: no page of
the site has one today, but any may, and the nonce must then be fresh for each reader."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from kyodo_portal.page_cache import cache_public_page

TEMPLATE = '<h1>頁</h1><script nonce="{{ csp_nonce }}">1;</script><p nonce="{{ csp_nonce }}"></p>'


@cache_public_page
def page_with_script(request):
    return HttpResponse(engines["django"].from_string(TEMPLATE).render({}, request))


urlpatterns = [path("script/", page_with_script)]
