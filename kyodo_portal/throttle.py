"""Limits on what anonymous and new people can make the portal do (send mail, create records):
per client address and per target address, counted in Django's cache.

A rate is "N/unit" (unit: s, m, h, d), configured in ``settings.THROTTLE_RATES`` by scope, e.g.
``{"guest_registration:ip": "10/h", "guest_registration:email": "3/h"}``. Counting uses fixed
windows: the count of the current window is kept under a key that ends with the window's
number, created with ``add`` and raised with ``incr`` (atomic in Redis and in the local-memory
cache). With the local-memory cache each process counts for itself; with a shared cache (Redis)
the limit holds across processes and hosts.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int

    @classmethod
    def parse(cls, text):
        count, _, unit = text.partition("/")
        return cls(int(count), UNITS[unit.strip()[:1]])


def rate_for(scope):
    return Rate.parse(settings.THROTTLE_RATES[scope])


def _cache():
    return caches[getattr(settings, "THROTTLE_CACHE_ALIAS", "default")]


def _key(scope, value, window):
    digest = hashlib.sha256(str(value).strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}:{window}"


def hit(scope, value):
    """Count one attempt of ``scope`` for ``value`` (an IP address, a mail address); True while
    the attempts of the current window are within the rate, False once they exceed it."""
    rate = rate_for(scope)
    window = int(time.time() // rate.period)
    key = _key(scope, value, window)
    cache = _cache()
    if cache.add(key, 1, rate.period):
        return rate.limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, rate.period)
        count = 1
    return count <= rate.limit


def exceeded(scope, value):
    """Whether ``value`` already used up the current window of ``scope`` (counts nothing)."""
    rate = rate_for(scope)
    window = int(time.time() // rate.period)
    count = _cache().get(_key(scope, value, window), 0)
    return count >= rate.limit


def too_many_requests(request, scope):
    """The answer when a client address went over the rate of ``scope``: 429, in Japanese,
    nothing done, with the seconds until the window ends."""
    from django.shortcuts import render

    period = rate_for(scope).period
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(period - int(time.time()) % period)
    return response
