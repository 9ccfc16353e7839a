"""協働ポータルの設定: すべて環境変数から読みます (README の「設定」を参照)。"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default, minimum=0):
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(
            f"環境変数 {name} には {minimum} 以上の整数を設定してください (いまの値: {value!r})。"
        )
    return int(value)


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY を環境変数で設定してください (DEBUG が無効のときは必須です)。"
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kyodo_portal",
    "accounts",
    "cso_registry",
    "proposals",
    "evaluations",
    "outreach",
    "advisors",
    "bench",  # the seed_bench command only (benchmark data for `make bench` and load tests)
    "kyodo_portal.admin_site.PortalAdminConfig",  # django.contrib.admin, two-factor for staff
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",  # the database queue of background tasks (TASKS_BACKEND=database)
    "crontask",  # the scheduler of daily jobs (`manage.py crontask`)
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (kyodo_portal/request_id.py).
    "kyodo_portal.request_id.RequestIdMiddleware",
    # /healthz and /readyz for load balancers, before the host check and the HTTPS redirect.
    "kyodo_portal.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Headers on every answer, the 400 page of RefuseNulMiddleware included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before the session is read: after a person's write, their reads go to the primary.
    "kyodo_portal.db_router.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL in the request: 400, before anything reads the session (PostgreSQL refuses a NUL
    # in a session key) or any view runs.
    "kyodo_portal.middleware.RefuseNulMiddleware",
    # A page for a signed-in person, or under /my/: Cache-Control private, no-store.
    "kyodo_portal.middleware.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Someone who set up a second factor passes it before their /my/ pages open.
    "kyodo_portal.middleware.SecondFactorGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A refusal (kyodo_portal/errors.py) no view caught: its message, and back.
    "kyodo_portal.errors.DomainErrorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kyodo_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "kyodo_portal.context_processors.site",
                "kyodo_portal.context_processors.staff",
            ],
        },
    },
]

WSGI_APPLICATION = "kyodo_portal.wsgi.application"

# PostgreSQL in production and CI; a SQLite file inside the project when DATABASE_URL is unset.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A streaming replica of the primary for reads (kyodo_portal/db_router.py): pages read from it,
# except inside transactions and for DATABASE_REPLICA_PIN_SECONDS after a person's write.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
DATABASE_ROUTERS = ["kyodo_portal.db_router.PrimaryReplicaRouter"]
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "kyodo_portal.User"
# django-axes first: it counts failed logins and refuses a locked-out one before the password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account:home"  # staff land on the admin (accounts.views.LoginView)
LOGOUT_REDIRECT_URL = "home"

# Argon2id first, with OWASP's baseline parameters (kyodo_portal/hashers.py: about 45 ms a login
# here); older hashes still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "kyodo_portal.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads (kyodo_portal/uploads.py): "private" holds the confidential attachments, "default" any
# other stored file. On this host's disk (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) unless S3_BUCKET names
# an S3-compatible bucket (AWS S3, MinIO...) that every host shares (kyodo_portal/object_storage.py).
S3_BUCKET = os.environ.get("S3_BUCKET", "").strip()
# Private files are streamed by the permission-checked view; with S3_PRESIGNED_DOWNLOADS=1 that
# view answers with a redirect to a presigned URL (valid S3_PRESIGNED_SECONDS) instead.
S3_PRESIGNED_DOWNLOADS = env_bool("S3_PRESIGNED_DOWNLOADS") and bool(S3_BUCKET)
S3_PRESIGNED_SECONDS = env_int("S3_PRESIGNED_SECONDS", 60, minimum=1)


def _s3(location):
    endpoint = os.environ.get("S3_ENDPOINT_URL", "").strip()
    return {
        "bucket_name": S3_BUCKET,
        "endpoint_url": endpoint or None,
        # Unset: boto3's own chain (an instance role, AWS_ACCESS_KEY_ID...).
        "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        "region_name": os.environ.get("S3_REGION", "").strip() or "us-east-1",
        "signature_version": "s3v4",
        # MinIO and most S3-compatible servers want path-style addresses.
        "addressing_style": "path" if endpoint else None,
        "location": location,
        "default_acl": None,  # no ACL header: the bucket's own policy, which must be private
        "querystring_auth": True,
        "querystring_expire": S3_PRESIGNED_SECONDS,
        "file_overwrite": False,
        "max_memory_size": 2 * 1024 * 1024,  # a larger download spills to a temporary file
    }


STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3("media")}
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "private": (
        {"BACKEND": "kyodo_portal.object_storage.PrivateS3Storage", "OPTIONS": _s3("private")}
        if S3_BUCKET
        else {"BACKEND": "kyodo_portal.uploads.PrivateFileStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Console by default; EMAIL_BACKEND=smtp or file chooses another backend (Django 6.1 MAILERS).
EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = os.environ.get("EMAIL_BACKEND", "console")
_email_backend = EMAIL_BACKENDS.get(_email_backend, _email_backend)
_email_options = {}
if _email_backend == EMAIL_BACKENDS["smtp"]:
    _email_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "timeout": 10,
    }
elif _email_backend == EMAIL_BACKENDS["file"]:
    _email_options = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "協働ポータル <noreply@kyodo.example.jp>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The cache holds rendered public pages (kyodo_portal/page_cache.py; the version that retires them
# lives in the database) and the counts of the throttles (kyodo_portal/throttle.py). By default each
# process keeps its own in memory; CACHE_URL (or REDIS_URL) names a Redis server that every process
# and host shares (one count per limit, one copy of each page), and sessions are then kept there
# too, written through to the database (cached_db: a restart of Redis signs nobody out).
CACHE_URL = (os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "CACHE_URL (REDIS_URL) は redis:// rediss:// unix:// で始まる Redis の URL にしてください。"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kyodo"),
            # A Redis that does not answer fails the request within seconds instead of hanging.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kyodo-portal",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "2000"))},
        }
    }
# Longest life of a cached page (0 turns the page cache off); changes retire pages at once.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# How long a process trusts the version it last read: a change committed through another worker
# process reaches that process's readers within this time (0: ask the database every time).
PAGE_CACHE_VERSION_SECONDS = float(os.environ.get("PAGE_CACHE_VERSION_SECONDS", "1"))
# /stats/ counts every decided proposal: its figures are recounted at most this often.
STATS_CACHE_SECONDS = int(os.environ.get("STATS_CACHE_SECONDS", "600"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SITE_NAME = "協働ポータル"
# The address people use to reach the portal, for the links in emails (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# --- Background tasks, mail and the scheduler (issue 17; README「ワーカーとスケジューラー」) ----
# Tasks (django.tasks) run in the process that enqueues them unless TASKS_BACKEND=database: then
# they wait in the database for `manage.py db_worker` (django-tasks-db), on any host.
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = os.environ.get("TASKS_BACKEND", "immediate").strip() or "immediate"
if _tasks_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"環境変数 TASKS_BACKEND は immediate か database にしてください (いまの値: {_tasks_backend!r})。"
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_tasks_backend]}}
# A worker (kyodo_portal/workers.py) says it is alive this often; a task still running on a
# worker silent for three times as long is queued again (at most TASK_MAX_PICKUPS runs in all).
TASK_WORKER_HEARTBEAT_SECONDS = env_int("TASK_WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
TASK_MAX_PICKUPS = env_int("TASK_MAX_PICKUPS", 3, minimum=1)
# Finished task results are kept this many days (the daily prune_task_results job).
TASK_RESULT_DAYS = env_int("TASK_RESULT_DAYS", 14, minimum=1)
# Every mail is recorded (kyodo_portal/outbox.py) and sent by a task; a failed try is repeated
# after MAIL_RETRY_SECONDS, then 4 times as long each time, up to MAIL_MAX_ATTEMPTS tries.
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 6, minimum=1)
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60, minimum=1)
# `manage.py crontask` on a host where another holds the lock checks this often to take over.
SCHEDULER_LOCK_POLL_SECONDS = env_int("SCHEDULER_LOCK_POLL_SECONDS", 5, minimum=1)
# The open-data files (kyodo_portal/published_files.py) live in this storage of STORAGES.
PUBLISHED_FILES_STORAGE = os.environ.get("PUBLISHED_FILES_STORAGE", "default")

# --- Security (issue 9; README「設定」) --------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions end after SESSION_COOKIE_AGE seconds (8 hours: one working day) or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
# Content-Security-Policy in every environment: only our own files, inline <script> only with the
# per-request nonce ({{ csp_nonce }}); no plug-ins, no framing, forms post only to us.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Bootstrap and the admin set style attributes; styles cannot run code.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Two-factor (TOTP) login for staff in the admin: on by default when DEBUG is off.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", default=not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME
# Keys are set up by their owner (/account/2fa/setup/), never shown in the admin; its key and QR
# pages would otherwise answer a device number that does not exist with a 500.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Login lock-out (django-axes): AXES_FAILURE_LIMIT failures for one address from one IP lock that
# pair out for AXES_COOLOFF_MINUTES, after which it unlocks by itself; a success resets the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Two wider limits over the same records and cool-off (kyodo_portal.security.LoginLockoutHandler):
# many addresses from one IP (password spraying) and one address from many IPs. Each (address,
# IP) pair adds at most AXES_FAILURE_LIMIT, so one person retrying cannot lock out their office.
AXES_HANDLER = "kyodo_portal.security.LoginLockoutHandler"
LOGIN_FAILURE_LIMIT_PER_IP = env_int("LOGIN_FAILURE_LIMIT_PER_IP", 25, minimum=1)
LOGIN_FAILURE_LIMIT_PER_EMAIL = env_int("LOGIN_FAILURE_LIMIT_PER_EMAIL", 20, minimum=1)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "kyodo_portal.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "kyodo_portal.security.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kyodo_portal.security.login_username"
AXES_ENABLE_ADMIN = True
# Failures are logged by kyodo_portal.security (one line each); axes itself stays quiet.
AXES_VERBOSE = env_bool("AXES_VERBOSE")
# How many of our own proxies append to X-Forwarded-For (kyodo_portal.security.client_ip); 0: the
# header is ignored. BEHIND_TLS_PROXY alone keeps its old meaning of one trusted proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_TLS_PROXY") else 0)
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload flag (hstspreload.org) is on unless the domain's owner turns it off; turning it
    # off is a deliberate choice, so the deploy check's reminder about it is then silenced.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    if env_bool("BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # The TLS-terminating proxy redirects http to https itself (SECURE_SSL_REDIRECT=0).
        if not SECURE_SSL_REDIRECT:
            SILENCED_SYSTEM_CHECKS.append("security.W008")

# Plain lines by default (`make run`); LOG_FORMAT=json writes one JSON object a line (time, level,
# logger, message and the request id of kyodo_portal/request_id.py) for a log collector.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip() or "plain"
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(
        f"環境変数 LOG_FORMAT は plain か json にしてください (いまの値: {LOG_FORMAT!r})。"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kyodo_portal.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Refused accesses (403, 404) are logged by django.request at WARNING; failed logins by
        # kyodo_portal.security and axes.
        "django.request": {"level": "WARNING"},
        "kyodo_portal.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
# Server errors (500) with DEBUG off: a mail to each of ADMINS (comma-separated addresses;
# Django's mail_admins, sent from SERVER_EMAIL), and/or a report to SENTRY_DSN, a service that
# speaks Sentry's protocol (Sentry, or GlitchTip run by the prefecture), with the request id
# and without personal data (no cookies, user, IP address nor request body).
ADMINS = env_list("ADMINS")
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from kyodo_portal.request_id import tag_error_report

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,  # a frame's variables hold session keys, forms, addresses
        before_send=tag_error_report,
        traces_sample_rate=0,
    )

# Limits on what anonymous and new people can make the portal do: send mail, create records
# (kyodo_portal/throttle.py). Per client address ("…:ip") and per target mail address ("…:email").
THROTTLE_RATES = {
    "guest_registration:ip": "20/h",
    "guest_registration:email": "3/h",
    "signup:ip": "10/h",
    "join_request:user": "10/d",
    "join_request:ip": "30/h",
    # Accounts (accounts/): mail about an account to one address, a new confirmation link and
    # password recovery asked from one client address, recovery mails to one address.
    "account_mail:email": "5/h",
    "account_resend:ip": "10/h",
    "password_reset:ip": "10/h",
    "password_reset:email": "3/h",
}
# A link that confirms an address (sign-up, a new address) is valid this many seconds; a link
# to set a new password, PASSWORD_RESET_TIMEOUT seconds. Each works once.
EMAIL_CONFIRMATION_MAX_AGE = env_int("EMAIL_CONFIRMATION_MAX_AGE", 3 * 24 * 60 * 60, minimum=600)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 24 * 60 * 60, minimum=600)

# Retention (accounts/retention.py; `manage.py purge_personal_data`, run daily): after how many
# days each kind of personal data is deleted or made anonymous (README「設定」, defaults argued there).
RETENTION_UNCONFIRMED_REGISTRATION_DAYS = env_int(
    "RETENTION_UNCONFIRMED_REGISTRATION_DAYS", 7, minimum=1
)
RETENTION_UNVERIFIED_ACCOUNT_DAYS = env_int("RETENTION_UNVERIFIED_ACCOUNT_DAYS", 14, minimum=1)
RETENTION_LOGIN_LOG_DAYS = env_int("RETENTION_LOGIN_LOG_DAYS", 180, minimum=1)
RETENTION_EVENT_PARTICIPANT_DAYS = env_int("RETENTION_EVENT_PARTICIPANT_DAYS", 365, minimum=1)
RETENTION_STAFF_ACCESS_LOG_DAYS = env_int("RETENTION_STAFF_ACCESS_LOG_DAYS", 5 * 365, minimum=1)
RETENTION_OUTGOING_MAIL_DAYS = env_int("RETENTION_OUTGOING_MAIL_DAYS", 90, minimum=1)
RETENTION_BACKGROUND_JOB_DAYS = env_int("RETENTION_BACKGROUND_JOB_DAYS", 30, minimum=1)

# Uploads (kyodo_portal/uploads.py): confidential attachments live outside MEDIA_ROOT and are
# only handed out by permission-checked download views; UPLOAD_MAX_BYTES limits each file.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
