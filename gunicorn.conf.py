"""gunicorn for the portal on any host: `gunicorn -c gunicorn.conf.py` (docs/deploy.md).

Read from the same environment as kyodo_portal/settings.py; each value below can be changed by
the variable named beside it.
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "kyodo_portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"

# Threads in a few processes: a request waiting on the database, Redis, object storage or a slow
# client holds a thread, not a whole process. WEB_CONCURRENCY processes (default: one per core,
# at least 2), GUNICORN_THREADS threads each.
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count()))
threads = _int("GUNICORN_THREADS", 4)

# A request still running after GUNICORN_TIMEOUT seconds is killed with its worker (long work
# — imports, exports — runs in the task worker, not here). On a restart or a deploy, requests in
# flight get GUNICORN_GRACEFUL_TIMEOUT seconds to finish.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than the load balancer's idle timeout, so that it is the balancer that closes an idle
# connection (otherwise it may send a request on a connection gunicorn is closing: a 502).
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Each worker is replaced after about this many requests (memory stays bounded); the jitter keeps
# the workers from restarting together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The workers' heartbeat files in memory: a slow or read-only disk (a container's) cannot make
# the arbiter think a worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# X-Forwarded-Proto (https) is believed only from our own proxies, the same rule as
# TRUSTED_PROXY_COUNT in the settings: with no proxy (0) from nobody; with proxies, from the
# addresses in FORWARDED_ALLOW_IPS, or from any address — the deployment then must let only the
# proxies reach this port (docs/deploy.md).
_proxies = _int("TRUSTED_PROXY_COUNT", 1 if os.environ.get("BEHIND_TLS_PROXY") == "1" else 0)
forwarded_allow_ips = (os.environ.get("FORWARDED_ALLOW_IPS") or "*") if _proxies > 0 else ""

# Access and error logs on standard output/error for the service manager or container runtime;
# the request id in each access line; JSON lines when LOG_FORMAT=json, like the portal's own.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
if os.environ.get("LOG_FORMAT", "").strip() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "datefmt": "%Y-%m-%dT%H:%M:%S%z",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "json_ensure_ascii": False,
            }
        },
        "handlers": {
            "out": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "err": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"handlers": ["err"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["err"], "level": loglevel.upper(), "propagate": False},
            "gunicorn.access": {"handlers": ["out"], "level": "INFO", "propagate": False},
        },
    }
