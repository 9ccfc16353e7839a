"""Production-like settings for `make bench`: DEBUG off (so the cached template loader and the
manifest static storage are in use), a bench-only secret, plain HTTP on 127.0.0.1, two-factor
off so the benchmark can sign in as a 推進員, and the benchmark's own URLconf and middleware."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from kyodo_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Outermost, so that the time it reports covers every other middleware.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
OTP_REQUIRED_FOR_STAFF = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
