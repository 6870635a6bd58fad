"""Settings for Gongkai, read from environment variables with safe defaults.

With nothing set, the app runs on an embedded SQLite database and runs Celery tasks in-process,
so `make run` works on a fresh machine. Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL
(Redis) to run on the real services. `config.production` tightens the security settings.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key is only ever used on a developer's machine; config.production refuses it.
INSECURE_DEV_SECRET_KEY = "dev-only-insecure-key-gongkai-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "axes",
    "jobs",
    "disclosures",
    "evaluations",
    "demo",
    "opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "disclosures.middleware.DatabaseUnavailableMiddleware",
    "opendata.middleware.ReadOnlyCorsMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "config.csp.csp_nonce",
                "disclosures.context_processors.unread_messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite with concurrent readers (runserver + in-process tasks) needs a busy timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # BEGIN IMMEDIATE: a transaction takes the write lock when it starts and waits for it (timeout);
    # a deferred one that reads first fails at once with "database is locked" when another process
    # (a second worker) wrote meanwhile (found by bench/ with 2 workers).
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # Connections are kept like PostgreSQL's (CONN_MAX_AGE): a new SQLite connection parses the whole
    # schema (tables and the lock triggers) at its first query, ~10 ms, more than a cached public page.
    # The test database is a file, not memory, so a real Celery worker (another process) can share
    # it (tests/test_celery_worker.py). One file per test run, so parallel runs do not collide.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SQLITE_TEST_DB")
        or str(Path("/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()) / f"gongkai-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "login"
# After login each role lands on its page (disclosures.views.landing); a ?next= address still wins.
LOGIN_REDIRECT_URL = "disclosures:landing"
LOGOUT_REDIRECT_URL = "disclosures:home"

# Content-Security-Policy (config/csp.py); 1 sends it as Report-Only.
CSP_REPORT_ONLY = os.environ.get("CSP_REPORT_ONLY", "0") == "1"

# Uploads: workbooks are read from a temporary file, never held whole in memory.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
# The admin's filing page edits expense/income lines and projects inline only up to this many of a kind;
# more are edited in their own paged changelist (a 3,027-line form took 43 s and could not be saved).
ADMIN_INLINE_MAX_LINES = int(os.environ.get("ADMIN_INLINE_MAX_LINES", "50"))
# Bounds on what an uploaded workbook may make the server read (disclosures/imports/xlsx_reader.py): the
# xlsx is a zip, so the byte limit above says nothing about what it inflates to. A 60,000-row sheet written
# by Excel is about 40 MB of XML compressed ~10:1; deflate can reach ~1000:1 on repeated XML (a bomb).
XLSX_MAX_MEMBER_BYTES = int(os.environ.get("XLSX_MAX_MEMBER_BYTES", str(100 * 1024 * 1024)))
XLSX_MAX_TOTAL_BYTES = int(os.environ.get("XLSX_MAX_TOTAL_BYTES", str(150 * 1024 * 1024)))
XLSX_MAX_COMPRESSION_RATIO = int(os.environ.get("XLSX_MAX_COMPRESSION_RATIO", "100"))
XLSX_RATIO_MIN_BYTES = int(os.environ.get("XLSX_RATIO_MIN_BYTES", str(1024 * 1024)))
XLSX_MAX_MEMBERS = int(os.environ.get("XLSX_MAX_MEMBERS", "1000"))
XLSX_MAX_CELLS = int(os.environ.get("XLSX_MAX_CELLS", "2000000"))
XLSX_MAX_COLUMNS = int(os.environ.get("XLSX_MAX_COLUMNS", "100"))
XLSX_MAX_SHARED_STRINGS = int(os.environ.get("XLSX_MAX_SHARED_STRINGS", "500000"))
# Data rows of one upload (xlsx or csv): the preview keeps about 1 KB per row (bench/: 50,000 rows +50 MB).
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "60000"))
# Longest text of one cell; longer cells are reported by row and column, not quoted whole.
IMPORT_MAX_CELL_CHARS = int(os.environ.get("IMPORT_MAX_CELL_CHARS", "2000"))
# Indicators of one project or department target (the targets import and the page): the evaluation forms
# render every indicator; 20,000 took over 10 minutes and 3.7 GB to render as PDF.
EVALUATION_MAX_INDICATORS = int(os.environ.get("EVALUATION_MAX_INDICATORS", "300"))
# Previews between upload and apply, and error reports: a private folder (0700, files 0600), not the shared temp folder.
IMPORT_STAGING_DIR = os.environ.get("IMPORT_STAGING_DIR", str(BASE_DIR / "var" / "staging"))
# Errors listed on a preview page; all of them are in the downloadable error report workbook.
IMPORT_MAX_ERRORS_SHOWN = int(os.environ.get("IMPORT_MAX_ERRORS_SHOWN", "200"))

# django-import-export
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Exports neutralise formulas in disclosures.admin_formats (this option only removed one leading "=" and
# turned every value into text).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# django-axes: lock a username+IP after repeated failed logins.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Celery: with no broker configured, tasks run in-process (eagerly) so the embedded default works.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Without a broker, jobs run in a thread of the web process: the page that queued one answers at once.
JOBS_IN_PROCESS_THREAD = os.environ.get("JOBS_IN_PROCESS_THREAD", "1" if not CELERY_BROKER_URL else "0") == "1"
CELERY_TASK_EAGER_PROPAGATES = False
# Background jobs (jobs.services). A worker heartbeats its running job every
# JOB_HEARTBEAT_SECONDS; a RUNNING job without a heartbeat for JOB_STALE_AFTER_SECONDS has lost its worker
# and the sweep (every JOB_SWEEP_SECONDS: Celery beat below, or `manage.py sweep_jobs` from cron) queues
# it again. The sweep also re-sends QUEUED jobs never sent after JOB_SEND_RETRY_SECONDS (broker was down)
# or sent more than JOB_RESEND_AFTER_SECONDS ago (the broker lost the message).
JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_SECONDS", "30"))
JOB_STALE_AFTER_SECONDS = int(os.environ.get("JOB_STALE_AFTER_SECONDS", "120"))
JOB_SEND_RETRY_SECONDS = int(os.environ.get("JOB_SEND_RETRY_SECONDS", "60"))
JOB_RESEND_AFTER_SECONDS = int(os.environ.get("JOB_RESEND_AFTER_SECONDS", "3600"))
JOB_SWEEP_SECONDS = int(os.environ.get("JOB_SWEEP_SECONDS", "60"))
# Hard time limit of one job task (the soft limit is a minute earlier).
JOB_TIME_LIMIT_SECONDS = int(os.environ.get("JOB_TIME_LIMIT_SECONDS", str(30 * 60)))
# Late acknowledgement, deliberately: a message is acknowledged only when its task has ended, so a
# worker killed whole (kill -9, OOM, host lost) leaves its message to the broker instead of losing it.
# The broker hands an unacknowledged message to another worker after the visibility timeout; it must
# be longer than any message can legitimately stay unacknowledged (a task's hard time limit, plus the
# longest retry countdown, 300 s, that a worker holds a message for), or a running job's message would
# be delivered twice. Recovery does not wait for it: the sweep re-queues a dead worker's job within
# JOB_STALE_AFTER_SECONDS + JOB_SWEEP_SECONDS, and the late duplicate finds the job finished (job_claim).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": JOB_TIME_LIMIT_SECONDS + 300 + 300,
    "socket_connect_timeout": 3,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker keeps its database connection from one task to the next, as a web process does between
# requests (config.celery closes it when CONN_MAX_AGE has passed or it is broken). Without this, Celery's
# Django fixup closes it after every task, and each of a county's 600 document jobs opened a new one.
# The fixup still closes it every CELERY_DB_REUSE_MAX tasks.
CELERY_DB_REUSE_MAX = 200
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "jobs.sweep_jobs", "schedule": JOB_SWEEP_SECONDS, "options": {"expires": JOB_SWEEP_SECONDS}},
}

# The disclosure PDF is printed by headless Chromium (disclosures.tables.pdf): CHROMIUM is its command or
# path, by default Chromium's headless shell (Debian's `chromium-headless-shell`, which
# .ci/install-debian-packages installs; `chromium`, the whole browser, prints the same pages with more memory
# and time); a document not printed within PDF_TIMEOUT_SECONDS fails its job with that message.
CHROMIUM = os.environ.get("CHROMIUM", "chromium-headless-shell")
PDF_TIMEOUT_SECONDS = int(os.environ.get("PDF_TIMEOUT_SECONDS", "300"))

# The default set of disclosure tables (disclosures.tables.registry), for departments without a
# province or whose province has no set of its own; a department of 湖南 publishes Hunan's set
# whatever this says. "national" or e.g. "hunan".
DISCLOSURE_TABLE_SETS = {
    "budget": os.environ.get("DISCLOSURE_BUDGET_TABLE_SET", "national"),
    "final": os.environ.get("DISCLOSURE_FINAL_TABLE_SET", "national"),
}

# "public" holds the public pages (disclosures.views.public_cache): a body per published snapshot and
# each anonymous page under the public data's stamp, as rendered and gzip-encoded, so it must hold every
# published filing three times at once.
# Redis when CACHE_URL is set (shared by every web process); otherwise files under PUBLIC_CACHE_DIR,
# which the processes of one host share too (a local-memory cache would hold 300 entries per process).
CACHE_URL = os.environ.get("CACHE_URL", "")
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", str(7 * 24 * 3600)))
# The public data's stamp is kept there too (disclosures.public_stamp), replaced when a publication commits;
# this bounds how long a write whose replacement was lost (a killed process) stays unseen.
PUBLIC_STAMP_SECONDS = float(os.environ.get("PUBLIC_STAMP_SECONDS", "5"))
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gongkai"}
    ),
    "public": (
        {"BACKEND": "config.cache.OneClientRedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "public", "TIMEOUT": PUBLIC_CACHE_SECONDS}
        if CACHE_URL
        else {
            "BACKEND": "config.cache.UncompressedFileCache",
            "LOCATION": os.environ.get("PUBLIC_CACHE_DIR", str(BASE_DIR / "var" / "cache" / "public")),
            "TIMEOUT": PUBLIC_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PUBLIC_CACHE_MAX_ENTRIES", "8000")), "CULL_FREQUENCY": 4},
        }
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Email (notifications: disclosures.services.notifications). With EMAIL_HOST unset, emails are printed to the
# console (the web or worker process's output); set EMAIL_HOST (and the others) to send through SMTP.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongkai@localhost")
# The site's address as users open it, for the links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The daily reminder of filings not published within 20 days of approval (also `manage.py remind_overdue`).
CELERY_BEAT_SCHEDULE["remind-overdue"] = {"task": "disclosures.remind_overdue", "schedule": 24 * 60 * 60, "options": {"expires": 3600}}
