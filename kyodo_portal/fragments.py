"""Parts of pages that depend only on public data, kept per version of it (issue 18).

The page cache (kyodo_portal/page_cache.py) serves whole pages to readers without a session.
Everyone else — a signed-in CSO member, a member of staff, a reader with a message — gets the
page rendered, although most of a public list (its filter form with the reference data's
choices, the cards, the count, the page links) is the same for every reader. Those parts are
kept here, under the same public data version that retires cached pages: a change of anything
a public page shows makes every part rendered before it unused, exactly as for whole pages
(same version, same PAGE_CACHE_SECONDS, same cache). A part is kept per address (scheme, host,
path and query), language and day, so what it shows follows the filters and the page asked
for, and anything that depends on the date (要更新, 募集中) is rendered again the next day.

A part must not depend on who reads it: nothing of the person (their name, their CSO, staff
links), no CSRF token, no CSP nonce. Templates mark such parts with
``{% public_fragment "name" %}…{% endpublic_fragment %}`` (kyodo_portal/templatetags/
fragments.py); views keep counts with ``cached_public_value``.

When the page cache is off (PAGE_CACHE_SECONDS = 0, as in tests that do not commit) nothing is
kept and everything is rendered, so query counts pinned by tests stay those of the full work.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import get_language

from kyodo_portal.page_cache import current_version

# The page cache (kyodo_portal/page_cache.py) leaves the version it read here.
_VERSION = "public_data_version"


def _settings():
    return (
        getattr(settings, "PAGE_CACHE_SECONDS", 300),
        caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")],
    )


def request_version(request):
    """The public data version, read once per request (every part of a page goes under the
    same version), or None when there is none (then nothing is kept)."""
    if not hasattr(request, _VERSION):
        setattr(request, _VERSION, current_version())
    return getattr(request, _VERSION)


def fragment_key(request, name, *vary, path=None):
    """The cache key of part ``name`` of the page at ``path`` (by default the request's address
    with its query), or None when nothing may be kept now."""
    timeout, _cache = _settings()
    if not timeout or request is None:
        return None
    version = request_version(request)
    if version is None:
        return None
    address = "|".join(
        [
            name,
            str(version),
            request.scheme,
            request.get_host(),
            get_language() or "",
            str(timezone.localdate()),
            request.get_full_path() if path is None else path,
            *map(str, vary),
        ]
    )
    return "fragment:" + hashlib.sha256(address.encode()).hexdigest()


def cached_public_value(request, name, compute, *vary, path=None):
    """``compute()``, or what it returned for the same public data version, address (``path``,
    by default the request's), language, day and ``vary``."""
    key = fragment_key(request, name, *vary, path=path)
    if key is None:
        return compute()
    timeout, cache = _settings()
    missing = object()
    value = cache.get(key, missing)
    if value is missing:
        value = compute()
        cache.set(key, value, timeout)
    return value
