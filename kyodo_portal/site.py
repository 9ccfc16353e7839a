"""The portal's own address (SITE_URL) for everything that leaves the request — mail, feeds,
calendars, open data. The request's Host header is chosen by whoever sends the request, so it
never goes into output that others receive (a cached page, a feed reader, a mailbox)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed


def absolute_url(path):
    """``path`` (starting with /) under SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


def site_host():
    """The host name of SITE_URL (for iCalendar UIDs)."""
    return urlsplit(settings.SITE_URL).hostname or ""


class _SiteRequest:
    """The request as Django's feed generator asks it for the domain and scheme: SITE_URL's."""

    def __init__(self, request):
        self._request = request
        self._site = urlsplit(settings.SITE_URL)

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_host(self):
        return self._site.netloc

    def is_secure(self):
        return self._site.scheme == "https"


class SiteFeed(Feed):
    """An Atom/RSS feed whose links and ids are under SITE_URL, whatever Host was asked for."""

    def get_feed(self, obj, request):
        return super().get_feed(obj, _SiteRequest(request))
