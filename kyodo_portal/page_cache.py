"""Whole-page cache for readers who are not signed in (issue 8).

Public pages are the same for every anonymous reader, so the rendered page is kept and served
again until public data changes. These rules keep it correct:

- Only a request without a session or message cookie, for GET, is served from or stored in the
  cache, and only a 200 response that set no cookie and used no CSRF token is stored. Signed-in
  people always get a freshly rendered page.
- Every cached page belongs to a version of the public data (``PublicDataVersion``, one row in
  the database, so every worker process sees the same number). A change of something a public
  page shows bumps the version after its transaction commits, and all pages rendered before are
  no longer served. Apps declare their watched models in their ``ready()`` (``watch_app``); a
  model of a watched app is watched unless it is listed as internal, so a new model is safe by
  default. A model may say which of its rows public pages show (``shown``: a draft, a pending
  registration, an unpublished CSO are not) and which fields they never show (``private``: a
  reminder date): a change of anything else — and a row leaving public view — retires pages,
  nothing else does, so no anonymous request, draft or daily job can flush every worker's
  cache. ``public_data_changed()`` is for bulk ``QuerySet.update()`` calls, which send no
  signal. PAGE_CACHE_SECONDS also bounds the age of any page (pages that depend on the clock,
  such as "open now" or news with a future publication time, catch up within it).
- With a read replica (kyodo_portal/db_router.py) a page is stored under the version read from
  the database it was rendered from, so a replica that lags behind never files its older page
  under the primary's newer version (``current_version``).
- The Content-Security-Policy nonce is per request: a stored page holds a placeholder where the
  nonce was, and each reader gets a fresh nonce in both the page and the header.

Each process keeps its pages in Django's default cache (local memory unless configured).
"""

import functools
import hashlib
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# NUL cannot come from a form (Django refuses it) nor from escaped data, so it cannot clash.
NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"
STORED_HEADERS = ("Content-Type", "Last-Modified", "Content-Disposition")


def _settings():
    return (
        getattr(settings, "PAGE_CACHE_SECONDS", 300),
        caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")],
    )


# Per database: (version, monotonic time until which this process trusts it without asking)
_known = {}


def current_version(using=None):
    """The public data version as the database ``using`` sees it, or None when the row is
    missing (then nothing is cached). By default the database that reads go to now
    (kyodo_portal/db_router.py): the one the page is then rendered from.

    A page is stored under the version read from the database it is rendered from, never under
    a newer one: a read replica that lags behind the primary has not replayed the new version
    either (the bump commits after the change it announces), so its pages go under the old
    version and are rendered again once it has caught up. A page read from the primary goes
    under the primary's version.

    A process trusts the number it read for PAGE_CACHE_VERSION_SECONDS (a change committed by
    this process forgets it at once; one committed by another process is seen within that
    time), for each database apart. Plain SQL: the ORM's query building would cost more than
    serving the page.
    """
    from kyodo_portal.db_router import read_alias
    from kyodo_portal.models import PublicDataVersion

    using = using or read_alias()
    now = time.monotonic()
    version, until = _known.get(using, (None, 0.0))
    if version is not None and now < until:
        return version
    connection = connections[using]
    table = connection.ops.quote_name(PublicDataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = %s", [PublicDataVersion.SINGLETON])
        row = cursor.fetchone()
    version = row[0] if row else None
    _known[using] = (version, now + getattr(settings, "PAGE_CACHE_VERSION_SECONDS", 1.0))
    return version


def _bump():
    from kyodo_portal.models import PublicDataVersion

    PublicDataVersion.objects.bump()
    _known.clear()


def public_data_changed(using=DEFAULT_DB_ALIAS):
    """Retire every cached page once the current transaction commits (once per transaction)."""
    pending = connections[using].run_on_commit  # dropped by Django when the transaction rolls back
    if not any(callback is _bump for _, callback, _ in pending):
        transaction.on_commit(_bump, using=using)


WAS_SHOWN = "_page_cache_was_shown"


def _before_save(sender, instance, raw=False, shown=None, **kwargs):
    """A row that public pages do not show as saved now may have been shown until now (hidden,
    withdrawn, cancelled): read what it was, once, before it is overwritten."""
    if raw or instance._state.adding or instance.pk is None or shown(instance):
        return
    before = sender._base_manager.filter(pk=instance.pk).first()
    setattr(instance, WAS_SHOWN, before is not None and shown(before))


def _saved(sender, instance, raw=False, update_fields=None, shown=None, private=(), **kwargs):
    if raw:  # loaddata
        return
    if update_fields and set(update_fields) <= set(private):
        return
    was_shown = instance.__dict__.pop(WAS_SHOWN, False)
    if shown is None or shown(instance) or was_shown:
        public_data_changed(kwargs.get("using", DEFAULT_DB_ALIAS))


def _deleted(sender, instance, shown=None, **kwargs):
    if shown is None or shown(instance):
        public_data_changed(kwargs.get("using", DEFAULT_DB_ALIAS))


def _relation_changed(sender, instance, model=None, shown=None, watched=None, **kwargs):
    if kwargs.get("action", "").startswith("pre_"):
        return
    if shown is not None and isinstance(instance, watched) and not shown(instance):
        return
    public_data_changed(kwargs.get("using", DEFAULT_DB_ALIAS))


def watch(model, shown=None, private=()):
    """Retire cached pages when ``model`` changes something public pages show: any save or
    deletion, or — with ``shown(instance)`` — of a row that is or was shown, and not a save of
    ``private`` fields only (``update_fields``)."""
    uid = f"page_cache:{model._meta.label}"
    if shown is not None:
        pre_save.connect(
            functools.partial(_before_save, shown=shown), sender=model, weak=False, dispatch_uid=uid
        )
    post_save.connect(
        functools.partial(_saved, shown=shown, private=private),
        sender=model,
        weak=False,
        dispatch_uid=uid,
    )
    post_delete.connect(
        functools.partial(_deleted, shown=shown), sender=model, weak=False, dispatch_uid=uid
    )
    for m2m in model._meta.local_many_to_many:
        m2m_changed.connect(
            functools.partial(_relation_changed, shown=shown, watched=model),
            sender=m2m.remote_field.through,
            weak=False,
            dispatch_uid=f"{uid}.{m2m.name}",
        )


def watch_app(app_config, internal=(), shown=None, private=None):
    """Watch every model of the app except those named in ``internal`` (never on a public page).

    ``shown`` maps a model name to a predicate on the instance — whether public pages show the
    row as it stands (a draft proposal, a pending registration: no); ``private`` maps a model
    name to the fields public pages never show (a save of only those retires nothing).
    """
    shown, private = shown or {}, private or {}
    names = {m.__name__ for m in app_config.get_models()}
    unknown = (set(internal) | set(shown) | set(private)) - names
    if unknown:
        raise LookupError(f"{app_config.label}: no such model {sorted(unknown)}")
    for model in app_config.get_models():
        if model.__name__ not in internal:
            watch(model, shown=shown.get(model.__name__), private=private.get(model.__name__, ()))


class _Entry(NamedTuple):
    version: int
    body: bytes
    headers: dict
    has_nonce: bool


def _reader_without_state(request):
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _storable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        and not response.has_header("Cache-Control")
    )


def _nonce(request):
    return getattr(request, "_csp_nonce", None)


def _store(request, response, key, version, cache, timeout):
    if not _storable(request, response):
        return
    body = response.content
    nonce = _nonce(request)
    has_nonce = bool(nonce)  # LazyNonce is true only once the page used it
    if has_nonce:
        body = body.replace(str(nonce).encode(), NONCE_PLACEHOLDER)
    headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
    cache.set(key, _Entry(version, body, headers, has_nonce), timeout)


def _serve(request, entry):
    from django.http import HttpResponse

    body = entry.body
    if entry.has_nonce:
        body = body.replace(NONCE_PLACEHOLDER, str(_nonce(request)).encode())
    response = HttpResponse(body)
    for name, value in entry.headers.items():
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


def page_key(request):
    """Pages are kept apart by scheme, host and language as well as path and query: what one
    request's Host header or language produced is never served to another's."""
    address = "|".join(
        [request.scheme, request.get_host(), get_language() or "", request.get_full_path()]
    )
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def cache_public_page(view):
    """Serve ``view`` from the page cache to readers without a session (see the module)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        timeout, cache = _settings()
        if not timeout or not _reader_without_state(request):
            return view(request, *args, **kwargs)
        version = current_version()
        # The parts of the page kept per version (kyodo_portal/fragments.py) use the same one.
        request.public_data_version = version
        if version is None:
            return view(request, *args, **kwargs)
        key = page_key(request)
        entry = cache.get(key)
        if entry is not None and entry.version == version:
            response = _serve(request, entry)
        else:
            response = view(request, *args, **kwargs)
            store = functools.partial(
                _store, request, key=key, version=version, cache=cache, timeout=timeout
            )
            if getattr(response, "is_rendered", True):
                store(response)
            else:
                response.add_post_render_callback(store)
        # The same address answers signed-in people differently: shared caches must not mix them.
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped
