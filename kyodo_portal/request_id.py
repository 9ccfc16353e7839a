"""A request id in every log line of a request, and in the answer's X-Request-ID header.

The id comes from the X-Request-ID header when the portal stands behind proxies of its own
(TRUSTED_PROXY_COUNT > 0: the load balancer sets it, so one id follows the request through the
proxy's log and ours), and is generated here otherwise, or when the header is not a plain token.
Log lines carry it as ``request_id`` (LOG_FORMAT=json puts it in each JSON object); lines
outside a request have ``-``.
"""

import contextvars
import logging
import re
import uuid

from django.conf import settings

HEADER = "X-Request-ID"
_TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_current = contextvars.ContextVar("request_id", default="-")


def current():
    return _current.get()


def _incoming(request):
    if getattr(settings, "TRUSTED_PROXY_COUNT", 0) <= 0:
        return None
    value = request.headers.get(HEADER, "").strip()
    return value if _TOKEN.fullmatch(value) else None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = _incoming(request) or uuid.uuid4().hex
        token = _current.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` attribute (for formatters)."""

    def filter(self, record):
        request_id = _current.get()
        if request_id == "-":
            # Django logs a 4xx/5xx answer after the middleware returned, naming the request.
            request_id = getattr(getattr(record, "request", None), "id", "-")
        record.request_id = request_id
        return True


def tag_error_report(event, hint):
    """Sentry's ``before_send``: the report names the request id the log lines carry."""
    request_id = _current.get()
    if request_id != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return event
