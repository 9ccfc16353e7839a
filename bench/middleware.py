"""Per-request figures for the benchmark, in response headers: X-Bench-Queries (database
queries run while the response was produced) and X-Bench-Server-Ms (time inside Django, from
the outermost middleware in to the response out), X-Bench-DB-Ms (of which waiting for the database). For a streamed response the body is produced
after the headers are sent, so the totals for the whole stream go to BENCH_STREAM_LOG.

A request with the header X-Bench-Cold is served as to the first reader after a change of
public data: the parts of pages kept per public data version (kyodo_portal/fragments.py) are
forgotten first, outside the time measured. Local-memory cache only (the bench's)."""

import os
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.stream_log = os.environ.get("BENCH_STREAM_LOG")

    def __call__(self, request):
        if request.headers.get("X-Bench-Cold"):
            forget_fragments()
        counter = {"queries": 0, "db": 0.0}
        started = time.perf_counter()
        with connection.execute_wrapper(self.counter_of(counter)):
            response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        response["X-Bench-Queries"] = str(counter["queries"])
        response["X-Bench-Server-Ms"] = f"{elapsed:.3f}"
        response["X-Bench-DB-Ms"] = f"{counter['db'] * 1000:.3f}"
        if response.streaming:
            response.streaming_content = self.counted_stream(
                request.get_full_path(), response.streaming_content, counter, started
            )
        return response

    def counted_stream(self, path, content, counter, started):
        with connection.execute_wrapper(self.counter_of(counter)):
            yield from content
        if self.stream_log:
            elapsed = (time.perf_counter() - started) * 1000
            with open(self.stream_log, "a", encoding="utf-8") as log:
                log.write(f"{path}\t{counter['queries']}\t{elapsed:.1f}\n")

    @staticmethod
    def counter_of(counter):
        def count(execute, sql, params, many, context):
            counter["queries"] += 1
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counter["db"] += time.perf_counter() - started

        return count


def forget_fragments():
    cache = caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]
    if not isinstance(cache, LocMemCache):
        raise RuntimeError("X-Bench-Cold needs the local-memory cache")
    with cache._lock:
        for key in [key for key in cache._cache if ":fragment:" in key]:
            del cache._cache[key]
            cache._expire_info.pop(key, None)
