"""Settings for the test suite: the project's settings, read from the same environment,
with a throwaway secret, fast password hashing and plain static storage."""

import copy
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from kyodo_portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client speaks plain HTTP; the production redirect is tested on its own.
SECURE_SSL_REDIRECT = False
# Two-factor admin login is tested on its own (tests/security/test_two_factor.py).
OTP_REQUIRED_FOR_STAFF = False
# Serve static files from the finders, as in development, without a collectstatic run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Templates used only by tests (for example a sample email).
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]  # noqa: F405
# Mail, feeds and calendars link to SITE_URL (never to the request's host): the test client's.
SITE_URL = os.environ.get("SITE_URL") or "http://testserver"
# A read replica: a mirror of default unless DATABASE_REPLICA_URL names one, so the whole suite
# reads through the router (kyodo_portal/db_router.py); tests/replica/ points it at a real one.
DATABASES.setdefault(  # noqa: F405
    "replica",
    {**copy.deepcopy(DATABASES["default"]), "TEST": {"MIRROR": "default"}},  # noqa: F405
)
