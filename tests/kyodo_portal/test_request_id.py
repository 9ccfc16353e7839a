"""Every answer names its request id (X-Request-ID) and every log line of the request carries
it; the id of a trusted proxy is kept, anyone else's is replaced."""

import json
import logging

import pytest

from kyodo_portal.request_id import RequestIdFilter

pytestmark = pytest.mark.django_db


def test_each_answer_has_a_new_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_id_sent_by_a_client_is_ignored_without_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    response = client.get("/healthz", headers={"X-Request-ID": "chosen-by-anyone"})

    assert response["X-Request-ID"] != "chosen-by-anyone"


def test_the_id_set_by_our_proxy_is_kept_unless_it_is_not_a_plain_token(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    replaced = client.get("/healthz", headers={"X-Request-ID": "x\nforged log line"})

    assert kept["X-Request-ID"] == "lb-7f3a.42"
    assert replaced["X-Request-ID"] != "x\nforged log line" and "\n" not in replaced["X-Request-ID"]


def test_log_lines_of_a_request_carry_its_id_and_json_logs_show_it(client, caplog):
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/cso/999999999/")  # a 404 is logged by django.request

    assert response.status_code == 404
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == response["X-Request-ID"]
    options = dict(settings.LOGGING["formatters"]["json"])
    options.pop("()")
    line = json.loads(JsonFormatter(**options).format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["level"], line["logger"]) == ("WARNING", "django.request")
    outside = logging.LogRecord("x", logging.INFO, __file__, 1, "outside", (), None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"
