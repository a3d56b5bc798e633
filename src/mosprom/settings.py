"""Mosprom settings: everything that differs between machines comes from environment variables."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("MOSPROM_VAR_DIR", default=str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database, uploaded media and collected static live here

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "testserver"]),
)
environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-mosprom-development-key-change-me")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "mosprom.admin_site.MospromAdminConfig",  # django.contrib.admin with the operator's home page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "mosprom.core.third_party_apps.TasksDatabaseConfig",  # django_tasks_db, named in Russian
    "auditlog",
    "phonenumber_field",
    "ninja",
    "mosprom.core.third_party_apps.LoginAttemptsConfig",  # axes, named in Russian
    "csp",
    "mosprom.core",
    "mosprom.registry",
    "mosprom.partnerships",
    "mosprom.tours",
    "mosprom.analytics",
    "mosprom.intake",
    "mosprom.companies",
    "mosprom.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (settings CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mosprom.core.middleware.RussianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "mosprom.analytics.http.ApiLastModifiedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mosprom.core.db_router.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # NUL bytes and lone surrogates in query strings and JSON bodies: 422 invalid_characters (API), 400 (pages).
    "mosprom.core.middleware.InputHygieneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "mosprom.core.errors.RefusedMiddleware",
    "mosprom.core.limits.RateLimitMiddleware",
    # Last: django-axes watches login attempts and answers a locked-out client.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mosprom.urls"
WSGI_APPLICATION = "mosprom.wsgi.application"

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
                "django.template.context_processors.i18n",
                "mosprom.home.roles",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
# SQLite by default (zero set-up); PostgreSQL when DATABASE_URL says so.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mosprom.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers: the seat accounting relies on it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "SQLITE_TEST_NAME", default=str(VAR_DIR / "test-mosprom.sqlite3")
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A PostgreSQL streaming replica for reads that tolerate a little lag (KPIs, public open-data lists), routed by
# core.db_router; never seat accounting, registration, check-in or anything that reads its own writes.
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db_url("REPLICA_DATABASE_URL")
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["mosprom.core.db_router.ReplicaRouter"]
# The lag guard: above this replay lag the replica is not used (the primary answers).
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
# Each process measures the lag at most this often.
REPLICA_LAG_CHECK_SECONDS = env.float("REPLICA_LAG_CHECK_SECONDS", default=1.0)
# Anonymous GET/HEAD of these API lists read the replica (a trailing "/" makes a prefix).
REPLICA_READ_PATHS = env.list(
    "REPLICA_READ_PATHS",
    default=[
        "/api/v1/sites",
        "/api/v1/organisations",
        "/api/v1/productions",
        "/api/v1/statuses",
        "/api/v1/agreements",
        "/api/v1/projects",
        "/api/v1/kpi/",
    ],
)
# Never read from the replica: sessions, users and tokens, the outbox and task rows, the audit trail, axes.
REPLICA_NEVER_APPS = {"sessions", "auth", "contenttypes", "admin", "core", "django_tasks_db", "auditlog", "axes"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "home"

# --- abuse limits (core.limits; logins by django-axes) --------------------------------------------
# One switch for every limit, axes included: off for benchmarks and load tests.
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
# Per action, per client address and per e-mail: "N/m", "N/h", "N/10m", "N/d" (fixed windows).
RATE_LIMITS = {
    "registration": {"address": env.str("RATE_LIMIT_REGISTRATION_ADDRESS", default="30/h"), "email": "5/h"},
    "waitlist": {"address": env.str("RATE_LIMIT_WAITLIST_ADDRESS", default="30/h"), "email": "5/h"},
    # The company cabinet's request for access (by INN and e-mail).
    "access_request": {"address": env.str("RATE_LIMIT_ACCESS_REQUEST_ADDRESS", default="10/h"), "email": "3/h"},
}
# Seats held (not yet confirmed) at once per session, per e-mail and per client address.
RATE_LIMITS_SEATS_HELD_PER_EMAIL = env.int("RATE_LIMITS_SEATS_HELD_PER_EMAIL", default=30)
RATE_LIMITS_SEATS_HELD_PER_ADDRESS = env.int("RATE_LIMITS_SEATS_HELD_PER_ADDRESS", default=60)
# A pending confirmation (or a ticket) is re-sent at most once per this many minutes.
RATE_LIMITS_RESEND_MINUTES = env.int("RATE_LIMITS_RESEND_MINUTES", default=10)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = RATE_LIMITS_ENABLED
# Locked after this many failures per account OR per address (the public login and the admin login).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its log lines name the account and the address
AXES_LOCKOUT_CALLABLE = "mosprom.core.limits.lockout_response"
# Behind N reverse proxies, the client's address is the N-th from the right of X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- e-mail ---------------------------------------------------------------------------------
# Every message is first written to the outbox table (core.OutboundEmail) in the same transaction
# as the change that causes it, then delivered by a task through this backend.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Открой#Моспром <noreply@mosprom.example>")
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Back-off between attempts: base × 2^(attempt−1), at most OUTBOX_RETRY_MAX_SECONDS (6 hours).
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=6 * 3600.0)
# A worker sending a message claims it; a claim older than this belongs to a dead worker and the
# sweep takes the message again (keep it above EMAIL_TIMEOUT).
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=300)
# The sweep leaves alone messages that became due less than this ago (their own task is about to run).
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=60)
# Seconds before an SMTP connection or command gives up (Django's default is to wait for ever).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The demo mailbox at /dev/mailbox/ shows the outbox; DEBUG only unless switched on explicitly.
DEMO_MAILBOX = env.bool("DEMO_MAILBOX", default=DEBUG)
# Absolute links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- tasks ----------------------------------------------------------------------------------
# The database queue (django-tasks-db) by default: transactional, needs nothing but the database.
# Several machines: TASKS_BACKEND=rq with REDIS_URL=redis://host:6379/0 — RQ on Redis, jobs pushed when the
# transaction commits (core.task_backends), workers started by
# `manage.py rqworker default --job-class django_tasks_rq.backend.Job --with-scheduler`.
REDIS_URL = env.str("REDIS_URL", default="")
# Redis clients (queue and cache) reconnect with back-off for about this long before giving up: a restart of
# Redis delays requests instead of failing them.
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=8.0)


def _redis_client_options() -> dict[str, object]:
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import BusyLoadingError, ConnectionError, TimeoutError
    from redis.retry import Retry

    return {
        "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), max(int(REDIS_RETRY_SECONDS / 0.5), 1)),
        "retry_on_error": [ConnectionError, TimeoutError, BusyLoadingError],
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "health_check_interval": 10,
    }


_tasks_backend = env.str("TASKS_BACKEND", default="rq" if REDIS_URL else "django_tasks_db.DatabaseBackend")
if _tasks_backend in ("rq", "django_tasks_rq.RQBackend", "mosprom.core.task_backends.OnCommitRQBackend"):
    from urllib.parse import urlsplit as _urlsplit

    _redis = _urlsplit(REDIS_URL or "redis://127.0.0.1:6379/0")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        "default": {
            "HOST": _redis.hostname or "127.0.0.1",
            "PORT": _redis.port or 6379,
            "DB": int((_redis.path or "/0").strip("/") or 0),
            "PASSWORD": _redis.password,
            "DEFAULT_TIMEOUT": env.int("RQ_JOB_TIMEOUT", default=300),
            "REDIS_CLIENT_KWARGS": _redis_client_options(),
        }
    }
    TASKS = {
        "default": {
            "BACKEND": "mosprom.core.task_backends.OnCommitRQBackend",
            "QUEUES": ["default"],
            # RETRY_INTERVALS: a failed job (or one whose worker died) runs again after these many seconds;
            # FALLBACK_INLINE: Redis still away after REDIS_RETRY_SECONDS → run the task in the process.
            "OPTIONS": {"RETRY_INTERVALS": [10, 60, 300], "FALLBACK_INLINE": True},
        }
    }
else:
    TASKS = {"default": {"BACKEND": _tasks_backend, "QUEUES": []}}
# A task row RUNNING for longer than this was left by a worker that died; the outbox sweep puts it
# back to READY (every task is idempotent). Keep it above the longest task.
TASKS_STUCK_AFTER_SECONDS = env.int("TASKS_STUCK_AFTER_SECONDS", default=900)

# --- maps -----------------------------------------------------------------------------------
# Map tiles (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png with "© OpenStreetMap contributors"). Empty by
# default: the map is drawn on a plain background with labelled markers and makes no request outside this site.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")

# --- product rules --------------------------------------------------------------------------
TOURS_REGISTRATION_CLOSES_DAYS_BEFORE = env.int("TOURS_REGISTRATION_CLOSES_DAYS_BEFORE", default=3)
TOURS_HOLD_MINUTES = env.int("TOURS_HOLD_MINUTES", default=60)
TOURS_WAITLIST_OFFER_MINUTES = env.int("TOURS_WAITLIST_OFFER_MINUTES", default=120)
TOURS_MAX_PARTY_SIZE = env.int("TOURS_MAX_PARTY_SIZE", default=30)
TOURS_PURGE_DAYS_AFTER = env.int("TOURS_PURGE_DAYS_AFTER", default=180)
TOURS_CONSENT_VERSION = "2026-01"
# Sessions can be scheduled at most this many days ahead (and never in the past).
TOURS_MAX_DAYS_AHEAD = env.int("TOURS_MAX_DAYS_AHEAD", default=730)
# A callable (dotted path) taking a host organisation's id: True when that host's next published tour must
# wait for an operator's moderation. The company cabinet decides it (a new host's first tours); "" turns it off.
TOURS_PUBLICATION_CHECK = "mosprom.companies.selectors.host_needs_moderation"
# The visitor's «my data» link (see, export, erase) works this many days after it was sent.
TOURS_DATA_LINK_DAYS = env.int("TOURS_DATA_LINK_DAYS", default=30)
# Feedback is asked for sessions that ended between these bounds (hours after, days after).
TOURS_FEEDBACK_AFTER_HOURS = 3
TOURS_FEEDBACK_WITHIN_DAYS = 14
# A milestone not done and due within this many days is «due soon» (admin filter, pages, weekly digest).
PARTNERSHIPS_MILESTONE_WARNING_DAYS = env.int("PARTNERSHIPS_MILESTONE_WARNING_DAYS", default=14)
# An agreement in force that ends within this many days is «ending soon» (dashboard, pages, API).
PARTNERSHIPS_AGREEMENT_EXPIRING_DAYS = env.int("PARTNERSHIPS_AGREEMENT_EXPIRING_DAYS", default=180)
# A status in force that ends within this many days is «ending soon» (pages, API, operator lists).
REGISTRY_STATUS_EXPIRING_DAYS = env.int("REGISTRY_STATUS_EXPIRING_DAYS", default=90)
# Company cabinet: invitations, documents, deadlines of the operator's work queue, new hosts. (The annual report's
# deadline and reminders belong to each kind of status: StatusKind.report_month/report_day/report_reminder_days.)
COMPANIES_INVITATION_DAYS = env.int("COMPANIES_INVITATION_DAYS", default=7)
COMPANIES_DOCUMENT_MAX_BYTES = env.int("COMPANIES_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
COMPANIES_REVIEW_DAYS = {"access": 5, "profile": 10, "production": 10, "report": 20, "host": 14, "application": 30}
COMPANIES_NEW_HOST_MODERATED_TOURS = 2

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
# core.api_kit.Pagination: every list endpoint's page is bounded and documented.
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500
API_MAX_PAGE = 100_000

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Scripts and styles from our own static files only: no inline <script>, style="…" or onclick="…"
# anywhere (behaviours hang on data attributes, see static/js/actions.js). Map tiles come from
# MAP_TILE_URL's host. The API's Swagger page (ninja's template, with its inline script) is left out.
_tile_origin = "/".join(MAP_TILE_URL.replace("{s}", "*").split("/")[:3])
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_tile_origin] if MAP_TILE_URL else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- cache ----------------------------------------------------------------------------------
# Per-process memory by default (one process: `make run`); with several web nodes CACHE_URL=redis://host:6379/1,
# served by Django's own Redis backend, so KPI versions and rate-limit counters are shared by every node.
CACHE_URL = env.str("CACHE_URL", default="locmemcache://mosprom")
_cache_is_redis = CACHE_URL.startswith(("redis://", "rediss://"))
CACHES = {
    "default": env.cache_url_config(
        CACHE_URL, backend="django.core.cache.backends.redis.RedisCache" if _cache_is_redis else None
    )
}
if _cache_is_redis:
    # A node must not fail (or hang) because the cache is restarting: short timeouts, reconnect with back-off.
    CACHES["default"].setdefault("OPTIONS", {}).update(_redis_client_options())
# Sessions: in the database by default; with the cache on Redis, "cached_db" — every node reads a session from
# Redis (no database query per request) and writes it through to the database, so a Redis restart or eviction
# logs nobody out. SESSION_ENGINE overrides either choice.
SESSION_ENGINE = env.str(
    "SESSION_ENGINE",
    default="django.contrib.sessions.backends.cached_db" if _cache_is_redis else "django.contrib.sessions.backends.db",
)
# KPI cache (analytics.cache): entries are keyed by a data version, so the timeout only bounds their lifetime.
ANALYTICS_CACHE_ENABLED = env.bool("ANALYTICS_CACHE_ENABLED", default=True)
ANALYTICS_CACHE_SECONDS = env.int("ANALYTICS_CACHE_SECONDS", default=6 * 3600)

# --- audit log ------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False

# --- intake: the largest press release accepted (bytes) -----------------------------------------
INTAKE_MAX_BYTES = env.int("INTAKE_MAX_BYTES", default=1024 * 1024)

# --- logging: never log personal data (e-mails, phones) -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every record through every handler: e-mails and phones masked (core.logging).
    "filters": {
        "personal_data": {"()": "mosprom.core.logging.PersonalDataFilter"},
        "client_errors": {"()": "mosprom.core.logging.ClientErrorWithoutTraceback"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data", "client_errors"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own handlers (console in DEBUG, mail_admins) are replaced by the filtered one.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "mosprom.core.logging.PersonalDataExceptionReporterFilter"

PHONENUMBER_DEFAULT_REGION = "RU"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# 30 days of idle tasks results are enough; the outbox table keeps the durable record.
TASK_RESULT_RETENTION = timedelta(days=30)
