"""Settings shared by every environment; what differs per machine comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-local-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [
    h for h in (env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "import_export",
    "axes",
    "csp",
    "django_ratelimit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "organizations",
    "members",
    "assessment",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "organizations.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organizations.middleware.PasswordChangeRequiredMiddleware",
    "organizations.middleware.RefuseNullCharactersMiddleware",
    "organizations.middleware.NormalizeTextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.unread_notifications",
                "organizations.context_processors.has_units",
                "reports.context_processors.can_import",
                "organizations.context_processors.can_audit",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
# The embedded SQLite of the demo (issue 19): write-ahead log so readers never block the writer,
# a busy timeout so a save waits for the one before it instead of failing with "database is
# locked", and transactions that take the write lock when they begin (a deferred one that reads
# first and then writes cannot wait: SQLite refuses it at once).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,  # seconds
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
# PostgreSQL: the planner's default cost of a random page read (4, for spinning disks) makes it
# scan every kept count of the country rather than look up the few thousand of one province by
# index (issue 18: 130 ms against 65 ms at 1 M members). Our data sits in memory or on SSD, where
# 1.1 is the usual figure. A DATABASE_URL that sets its own options keeps them.
POSTGRES_OPTIONS = {"options": "-c random_page_cost=1.1"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    given = DATABASES["default"].get("OPTIONS", {})
    DATABASES["default"]["OPTIONS"] = {**POSTGRES_OPTIONS, **given}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first (DOMAIN.md R25), English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
# Off: with it on every integer in a template is grouped, ids and years included ("2.025").
# Counts are formatted explicitly with |intcomma, which groups by the locale (94.877).
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Front-end packages come from the npm registry at install time (`npm ci`), never from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]

# Exports and uploaded imports. Never served as public media: views check access first.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Year-on-year views flag a unit whose share of excellent members rises by more points than this.
YEAR_ON_YEAR_EXCELLENT_JUMP = env("YEAR_ON_YEAR_EXCELLENT_JUMP", "15")
# Exports of more members than this run in the background (Celery) with a progress bar.
EXPORT_SYNC_MAX_MEMBERS = int(env("EXPORT_SYNC_MAX_MEMBERS", "5000"))
# A larger workbook is checked and imported by a Celery worker (issue 18): about 15,000 members.
IMPORT_SYNC_MAX_BYTES = int(env("IMPORT_SYNC_MAX_BYTES", str(512 * 1024)))
# The largest signed scan filed in a unit's dossier (R26), in bytes (default 20 MiB).
DOSSIER_SCAN_MAX_BYTES = int(env("DOSSIER_SCAN_MAX_BYTES", str(20 * 1024 * 1024)))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CELERY_BROKER_URL = env("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True
# Nothing reads a task's return value (the rows it writes are the outcome); keeping results
# would make every enqueue subscribe to the backend, which retries for ~20 s when Redis is down.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Publishing must not hold a request for long when Redis is down (see organizations/notifications).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# Redis as the broker. Tasks are acknowledged late: when a worker dies mid-task, Redis hands the
# task to another worker once `visibility_timeout` seconds have passed since it was delivered.
# Redis's default is an hour; keep it above the longest export, or a slow one is built twice.
# Workers sweep for such tasks every `unacked_restore_interval` seconds (kombu's own default
# scans only every tenth sweep). tests/trust/test_faults.py shortens the timeout through the
# environment so that a killed worker's export completes within seconds.
# The socket timeouts bound a publish when Redis hangs (accepts connections, never answers):
# without them a request that enqueues waits forever; the connection timeout above does not
# reach the Redis sockets.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
}
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Deadline reminders (issue 8, DOMAIN.md R19). Run the beat process beside the worker
# (`celery -A config beat`): every REMINDERS_EVERY_SECONDS (an hour) it queues
# reports.tasks.send_deadline_reminders, which sends an in-app notice and an e-mail
# REMINDER_OFFSETS_DAYS days before each level's deadline to whoever still has work open at that
# level, and from the day after a missed deadline, for REMINDER_LATE_NOTICE_DAYS days, a late
# notice to the unit and its superior board (days in between catch up when the beat was down).
# Every notice is first claimed as a unique reports.ReminderSent row, so a restarted beat or
# worker never sends one twice. A run the worker has not picked up within the interval expires.
REMINDER_OFFSETS_DAYS = sorted(
    {int(day) for day in (env("REMINDER_OFFSETS_DAYS", "7,3,1") or "").split(",") if day.strip()},
    reverse=True,
)
REMINDER_LATE_NOTICE_DAYS = int(env("REMINDER_LATE_NOTICE_DAYS", "7"))
REMINDERS_EVERY_SECONDS = float(env("REMINDERS_EVERY_SECONDS", "3600"))
# Test hook, never set in production: pins the reminder task's "today" (YYYY-MM-DD) so that a
# test can run a real beat and worker on a chosen day (tests/reports/test_reminders.py).
REMINDERS_TODAY = env("REMINDERS_TODAY")
# Notices saved while the broker was down (or whose e-mail failed) are e-mailed by the beat's
# sweep, organizations.tasks.send_unsent_notification_emails: every ten minutes, notices up to
# two days old, at most 500 a run.
NOTIFICATION_RETRY_EVERY_SECONDS = float(env("NOTIFICATION_RETRY_EVERY_SECONDS", "600"))
NOTIFICATION_RETRY_HOURS = int(env("NOTIFICATION_RETRY_HOURS", "48"))
NOTIFICATION_RETRY_BATCH = 500
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "reports.tasks.send_deadline_reminders",
        "schedule": REMINDERS_EVERY_SECONDS,
        "options": {"expires": REMINDERS_EVERY_SECONDS},
    },
    "notification-emails-retry": {
        "task": "organizations.tasks.send_unsent_notification_emails",
        "schedule": NOTIFICATION_RETRY_EVERY_SECONDS,
        "options": {"expires": NOTIFICATION_RETRY_EVERY_SECONDS},
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "xeploai@localhost")

ADMIN_URL = env("DJANGO_ADMIN_URL", "quan-tri/")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# The admin's import of units and members (django-import-export): one transaction per file,
# nothing written unless every row is clean; the admin's own staff check guards it.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Quiet history (organizations/history_bursts.py): saves of one row by one user less than this
# many seconds apart are one history row (votes typed as you go); 0 keeps one row per save.
HISTORY_COALESCE_SECONDS = float(env("HISTORY_COALESCE_SECONDS", "60"))

# Login throttling (django-axes): after 5 failures for one username from one address, that pair
# is locked for an hour; administrators see and clear attempts and locks in the admin.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Password reset requests (organizations/views_accounts.py, django-ratelimit): at most this many
# an hour from one address and for one e-mail address; past it the form says so and sends
# nothing. The counters live in the cache: in production a shared one (Redis, production.py).
PASSWORD_RESET_RATE_PER_ADDRESS = env("PASSWORD_RESET_RATE_PER_ADDRESS", "10/h")
PASSWORD_RESET_RATE_PER_EMAIL = env("PASSWORD_RESET_RATE_PER_EMAIL", "3/h")
# The demo and the tests run one process with the local-memory cache; production.py sets a
# shared one (Redis through django-redis) and silences nothing.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# A reset link is good for a day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

# Content security policy: everything from our own origin, no inline script or style anywhere
# (htmx is told not to inject its indicator style, see base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The read-only JSON API under /api/ (reports/api.py): a token or the browser's session, the same
# role-and-subtree access as the pages, paginated lists; its OpenAPI schema at /api/schema/ and
# Swagger UI at /api/docs/, served from our own static files (drf-spectacular-sidecar), no CDN.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_RATE", "2000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "XếpLoại API",
    "DESCRIPTION": "Read-only: units, members, a year's results and the summary table.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
