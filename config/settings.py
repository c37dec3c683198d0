"""One settings file, driven by the environment (see the table in docs/configuration.md).

With no environment at all the app runs embedded: SQLite in the project folder, Celery tasks
run in-process, an in-memory cache. DATABASE_URL switches to PostgreSQL, REDIS_URL to a Redis
broker, result backend and cache with real workers.

Over 400 lines on purpose: one file, so that every setting, its default and why it has it are
found in one place (DESIGN.md: "settings (one env-driven file)").
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is read if present; real environment variables win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG: bool = env.bool("DEBUG", default=True)

# Only ever used when DEBUG is on: a production deploy must set its own secret.
_DEBUG_ONLY_SECRET_KEY = "insecure-debug-only-key-do-not-use-in-production"
SECRET_KEY: str = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEBUG_ONLY_SECRET_KEY

ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.AdminConfig",  # django.contrib.admin with a sign-in throttle (config/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "auditlog",
    "conditions",
    "diary",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ApiGuardMiddleware",  # early: a hostile request is refused before any work
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivatePagesMiddleware",  # after the user is known
    "config.middleware.DatabaseUnavailableMiddleware",  # inside: its 503 passes the ones above
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# PostgreSQL: keep a connection open across requests (a new one costs a few milliseconds, as
# much as the rest of a single-record call), checked before reuse so a dropped one is replaced.
_PERSISTENT = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if _PERSISTENT else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two concurrent writers wait
    # for each other instead of failing with "database is locked" halfway through; WAL lets
    # readers go on while a write is in progress.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too, not Django's shared in-memory database: there, two connections
    # (a request and the background analysis) get table locks that no timeout waits out.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test_db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- The web pages -------------------------------------------------------------------------------

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "episode-log"
LOGOUT_REDIRECT_URL = "home"

# E-mail (only password resets for now). EMAIL_URL in django-environ's form, e.g.
# smtp+tls://user:password@smtp.example.org:587; by default the messages are printed to the
# console, which is what a developer running the app wants and no deploy should keep.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Twitch diary <noreply@localhost>")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: its hook signs the account out everywhere once any path saves a new password.
    {"NAME": "diary.services.signouts.SignOutOnPasswordChange"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files (WhiteNoise serves them, also under gunicorn) ------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.staticfiles.StaticFilesStorage"
        )
    },
}

# --- Report files ------------------------------------------------------------------------------
# Built reports live in the "reports" storage, never under a public URL: they are only handed out
# by the download view, to their owner. One folder by default; point REPORTS_ROOT at a network
# folder, or set REPORTS_STORAGE=s3 (any S3-compatible store) when several machines share them.
REPORTS_STORAGE: str = env.str("REPORTS_STORAGE", default="local")
if REPORTS_STORAGE == "s3":
    STORAGES["reports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("REPORTS_S3_BUCKET"),
            "endpoint_url": env.str("REPORTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("REPORTS_S3_REGION", default="") or None,
            "access_key": env.str("REPORTS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("REPORTS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("REPORTS_S3_PREFIX", default="reports"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif REPORTS_STORAGE == "local":
    STORAGES["reports"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path("REPORTS_ROOT", default=str(BASE_DIR / "var" / "reports")),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
else:
    raise ImproperlyConfigured(f"REPORTS_STORAGE must be 'local' or 's3', not {REPORTS_STORAGE!r}.")

# --- Redis, Celery, cache -------------------------------------------------------------------

REDIS_URL: str = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is away: the sign-in throttle then answers 503 at once
            # instead of holding a web worker for the operating system's connect timeout.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Embedded mode: without a broker, tasks run in-process, synchronously, and their errors
# propagate to the caller instead of vanishing.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task's time limits (seconds), unless it has its own in CELERY_TASK_ANNOTATIONS below.
CELERY_TASK_SOFT_TIME_LIMIT = env.float("CELERY_TASK_SOFT_TIME_LIMIT", default=120.0)
CELERY_TASK_TIME_LIMIT = env.float("CELERY_TASK_TIME_LIMIT", default=180.0)
# The analysis's own limits. The soft one raises SoftTimeLimitExceeded inside the run, which
# then fails cleanly (recorded, backed off); the hard one kills it, and the sweep marks a run
# still "running" past it failed.
ANALYSIS_SOFT_TIME_LIMIT = env.float("ANALYSIS_SOFT_TIME_LIMIT", default=120.0)
ANALYSIS_TIME_LIMIT = env.float("ANALYSIS_TIME_LIMIT", default=180.0)
# Celery sets these on the task classes when the app starts. A message carries its sender's
# limits, which win over the worker's: the web processes, beat and the workers must all run
# with the same values (they do, reading the same environment).
CELERY_TASK_ANNOTATIONS = {
    "tracker.summaries.tasks.analyse_diary": {
        "soft_time_limit": ANALYSIS_SOFT_TIME_LIMIT,
        "time_limit": ANALYSIS_TIME_LIMIT,
    },
    # Only asks for runs, but for every user with a summary at once: longer than the default.
    "tracker.summaries.tasks.refresh_all_analyses": {"soft_time_limit": 600, "time_limit": 900},
}
# Reports (tracker/reports/services.py). A build past the soft limit fails cleanly (and is tried
# again, up to REPORTS_MAX_ATTEMPTS builds in all); the hard one kills it (prefork pool only).
REPORTS_SOFT_TIME_LIMIT = env.float("REPORTS_SOFT_TIME_LIMIT", default=300.0)
REPORTS_TIME_LIMIT = env.float("REPORTS_TIME_LIMIT", default=360.0)
CELERY_TASK_ANNOTATIONS["tracker.reports.tasks.build_report"] = {
    "soft_time_limit": REPORTS_SOFT_TIME_LIMIT,
    "time_limit": REPORTS_TIME_LIMIT,
}
REPORTS_BUILDING_PER_USER = env.int("REPORTS_BUILDING_PER_USER", default=3)  # queued or running; 429 beyond
REPORTS_KEEP_DAYS = env.int("REPORTS_KEEP_DAYS", default=7)
REPORTS_MAX_ATTEMPTS = env.int("REPORTS_MAX_ATTEMPTS", default=3)  # builds of one report, a killed one included
REPORTS_RETRY_SECONDS = env.float("REPORTS_RETRY_SECONDS", default=15.0)  # before the 2nd build; doubles after
# A running build stamps a heartbeat every quarter of this; a claim older than this is a dead
# worker's and another build takes it over. Far above a database round trip, far below the limits.
REPORTS_LEASE_SECONDS = env.float("REPORTS_LEASE_SECONDS", default=60.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_IGNORE_RESULT = True
# Each feature keeps its tasks beside its services (docs/architecture.md); the worker imports them all.
CELERY_IMPORTS = ("tracker.summaries.tasks", "tracker.reports.tasks")
# Publishing must fail fast when the broker is down: the write that asked goes on, and the
# sweep below sends the work later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 2, "max_retries": 0}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "sweep-stale-analyses": {"task": "tracker.summaries.tasks.sweep_stale_analyses", "schedule": 120.0},
    "refresh-all-analyses": {
        "task": "tracker.summaries.tasks.refresh_all_analyses",
        "schedule": crontab(hour=3, minute=0),
    },
    # Expired reports and their files go; reports whose task was never sent, or whose worker died, are sent again.
    "sweep-reports": {"task": "tracker.reports.tasks.sweep_reports", "schedule": 60.0},
}
# Writes within this many seconds of the first one join its analysis run.
ANALYSIS_COALESCE_SECONDS = env.int("ANALYSIS_COALESCE_SECONDS", default=5)
# Embedded mode (no REDIS_URL): run an analysis in a background thread, not inside the write.
ANALYSIS_IN_THREAD = env.bool("ANALYSIS_IN_THREAD", default=True)
# Date ranges: a reader's range of at most this many days is analysed on the spot when its stored
# summary is missing or stale (a year of diary takes well under a second); longer ones are queued.
SUMMARY_ON_DEMAND_DAYS = env.int("SUMMARY_ON_DEMAND_DAYS", default=731)
# The dashboard analyses a diary of at most this many episodes on the spot when its summary is
# missing or stale (2,000 episodes take about 25 ms to analyse), so that a newcomer's first
# episodes show at once; a bigger diary shows that its analysis is being prepared.
DASHBOARD_ON_THE_SPOT_EPISODES = env.int("DASHBOARD_ON_THE_SPOT_EPISODES", default=5000)
# Each user keeps the summaries of this many date ranges, the most recently read (all time is
# always kept); they are refreshed when the diary changes. The nightly run drops ranges unread
# for RANGED_SUMMARIES_UNREAD_DAYS.
RANGED_SUMMARIES_KEPT = env.int("RANGED_SUMMARIES_KEPT", default=5)
RANGED_SUMMARIES_UNREAD_DAYS = env.int("RANGED_SUMMARIES_UNREAD_DAYS", default=30)

# --- REST framework (the mobile API) ----------------------------------------------------------

REST_FRAMEWORK = {
    # Phones send a per-device token; the browser uses its session (with CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.TokenAuthentication",  # knox's, one query per request
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.SafeJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.errors.exception_handler",
    # No OPTIONS self-description: the OpenAPI schema is the description, and DRF's would look
    # up a record without the user's filter (a 500 on our views). OPTIONS answers 405.
    "DEFAULT_METADATA_CLASS": None,
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

KNOX_TOKEN_MODEL = "diary.DeviceToken"
# knox's first migration creates its own token table without marking it swappable; with our
# model in its place that table would only sit there, and on PostgreSQL its foreign key to
# auth_user breaks flushing the users table. knox has no other model: skip its migrations.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90)),
    "AUTO_REFRESH": False,
}

# Tries at every door that takes a secret, counted before the secret is checked (see
# config/throttle.py): django-ratelimit rates, "N/Pm" meaning N tries per P minutes.
SECRET_THROTTLE_RATES = {
    "signin_pair": env.str("THROTTLE_SIGNIN_PAIR", default="10/15m"),  # one account from one address
    # One account, any address: OWASP ASVS 2.2.1 asks at most 100 failed tries an hour per
    # account; 15 per 10 minutes is 90 (tests/config/test_settings.py holds it under 100). It
    # stays above the pair's 10, so that a stranger locked out on their own address has not
    # used up the owner's allowance elsewhere.
    "signin_account": env.str("THROTTLE_SIGNIN_ACCOUNT", default="15/10m"),
    "signin_address": env.str("THROTTLE_SIGNIN_ADDRESS", default="50/5m"),  # one address, any account
    "register_address": env.str("THROTTLE_REGISTER_ADDRESS", default="20/h"),
    # Each request sends an e-mail to whoever owns the address typed: bound the mail a
    # stranger can make us send (and the probing), per client address.
    "password_reset_address": env.str("THROTTLE_PASSWORD_RESET_ADDRESS", default="10/h"),
    # Share links (/s/<token>/), views and guesses alike: a doctor reads a page or two, a
    # guesser needs far more than 50 tries in 10 minutes against 256-bit tokens.
    "share_address": env.str("THROTTLE_SHARE_ADDRESS", default="50/10m"),
}
RATELIMIT_USE_CACHE = "default"
# How many proxies of ours stand in front of the app and append to X-Forwarded-For. 0 (the
# default) trusts no header: the client is REMOTE_ADDR. Set it to the real number of proxies,
# never more: a client can write anything into the header's left part.
TRUSTED_PROXY_COUNT: int = env.int("TRUSTED_PROXY_COUNT", default=0)

# Request bodies above this are refused with 413 before they are parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Django refuses a query string or form with more fields than this (a 400).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

SPECTACULAR_SETTINGS = {
    "TITLE": "Twitch diary API",
    "DESCRIPTION": (
        "The mobile contract (v1): episodes, daily check-ins, offline sync and reference data. "
        "Authenticate with `Authorization: Bearer <token>` from POST /api/v1/auth/token/. Every error "
        "answers with one JSON shape: `{code, message, fields}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.state_bounds_fields_cannot",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SideEnum": "diary.models.Side",
        "PatternEnum": "conditions.models.TwitchPattern",
        "SourceEnum": "diary.models.EpisodeSource",
        "SyncItemStatusEnum": ["created", "updated", "unchanged", "conflict", "invalid"],
        "SummaryStatusEnum": ["ready", "pending", "none"],
        "ShareStatusEnum": ["active", "expired", "revoked"],
        "YesNoEnum": ["yes", "no"],  # each sign of a weekly function check
    },
}

# --- Security headers ------------------------------------------------------------------------

SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# A load balancer's health check may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Only behind a proxy that sets this header itself and drops any a client sent, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (meaning "https" there means a secure request).
_PROXY_SSL_HEADER = env.str("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (_PROXY_SSL_HEADER, "https") if _PROXY_SSL_HEADER else None
X_FRAME_OPTIONS = "DENY"

# Every HTML page (the admin, the API docs, the pages to come) loads code and styles from this
# site only; nothing inline, nothing from elsewhere, and no framing (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback": {"()": "config.logfilters.WithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Refused requests (an unknown Host, too many fields...) are one line each: their
        # traceback only says where Django noticed, and a scanner sends thousands.
        "security": {"class": "logging.StreamHandler", "filters": ["no_traceback"]},
    },
    "loggers": {"django.security": {"handlers": ["security"], "level": "WARNING", "propagate": False}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
