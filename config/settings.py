"""Trainingdesk settings: one file, read from the environment, refusing unsafe production values.

Development needs nothing set: SQLite in the project folder, DEBUG on, mail to the console.
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; with DEBUG off,
`manage.py check --deploy` reports nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import check_public_site_url, check_sender_address, env_bool, env_int, env_list, env_str
from trainingdesk.lib import credentials as _credentials

# Lets admin and form classes be written as generics (`admin.ModelAdmin[Run]`) for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105 - refused below when DEBUG is off
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("With DEBUG off, SECRET_KEY must be set to 50 or more random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("With DEBUG off, ALLOWED_HOSTS must name the site's hosts.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The address printed in emails and drawn into the QR code of every issued document, which can
# never be corrected afterwards: in production it must be the public https address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not DEBUG:
    check_public_site_url("SITE_URL", SITE_URL)
# How many reverse proxies (a load balancer, nginx) stand in front of the app servers and append
# the client's address to X-Forwarded-For. 0: the client is REMOTE_ADDR and X-Forwarded-For,
# which anyone can send, is ignored. The rate limits and the sign-in lock-out both read it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "trainingdesk.lib",
    "trainingdesk.audit",
    "trainingdesk.notifications",
    "trainingdesk.accounts",
    "trainingdesk.catalogue",
    "trainingdesk.invoicing",
    "trainingdesk.bookings",
    "trainingdesk.attendance",
    "trainingdesk.admissions",
    "trainingdesk.supervision",
    "trainingdesk.coursework",
    "trainingdesk.certificates",
    "trainingdesk.webhooks",
    "trainingdesk.api",
    "trainingdesk.privacy",
    "trainingdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files before anything that reads the session or the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous copies of public pages, served before sessions and users (lib/pagecache.py).
    "trainingdesk.lib.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "trainingdesk.accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "trainingdesk.lib.middleware.ViewerTimeZoneMiddleware",
    # AxesMiddleware should be the last middleware.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "trainingdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "trainingdesk.lib.context_processors.site",
                "trainingdesk.catalogue.context_processors.provider",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default so that a newcomer needs nothing else. WAL lets readers carry on while a
# writer works; IMMEDIATE takes the write lock when a transaction begins, so two concurrent
# bookings queue for the lock instead of one failing with "database is locked" on upgrade.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    # Keep a worker's connection for a minute (checked before reuse): opening a new PostgreSQL
    # connection a request halved the booking rush and costs more than most pages' queries.
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
        ),
    }
    # Tests use a file, not memory, so that concurrency tests' threads each open a real
    # connection and queue on the IMMEDIATE lock; one file per process keeps parallel runs apart.
    DATABASES["default"]["TEST"] = {
        "NAME": env_str(
            "SQLITE_TEST_NAME", str(Path(tempfile.gettempdir()) / f"trainingdesk-test-{os.getpid()}.sqlite3")
        )
    }
elif env_str("PG_TEST_NAME", ""):
    # A test database of its own, so two test runs on one PostgreSQL server do not clash.
    DATABASES["default"]["TEST"] = {"NAME": env_str("PG_TEST_NAME", "")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and log-in --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("email", "full_name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"  # by role: control area, registers or My training
LOGOUT_REDIRECT_URL = "catalogue:index"

# django-axes: lock an account-and-address pair out after repeated failures, for a cool-off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ... and lock a client address out after this many failures across all the accounts it tried,
# within the same cool-off: higher, so one person's forgotten password never locks out the office
# behind the same NAT address, yet one address cannot guess its way through account after account.
AXES_CLIENT_FAILURE_LIMIT = env_int("AXES_CLIENT_FAILURE_LIMIT", 20, minimum=AXES_FAILURE_LIMIT + 1)
AXES_HANDLER = "trainingdesk.accounts.lockout.AccountAndClientLockout"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The lock-out page says how many minutes to wait; the template alone cannot divide a timedelta.
AXES_LOCKOUT_CALLABLE = "trainingdesk.accounts.views.locked_out"
# Emails are stored lower-case, so PAT@example.org and pat@example.org share one failure count.
AXES_USERNAME_CALLABLE = "trainingdesk.accounts.forms.axes_username"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# A member of staff (coordinator, trainer, supervisor, assessor, back office) is signed out after
# this many minutes without a request; participants are not.
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 30, minimum=1)

# Admissions: evidence files are deleted this many days after the application's decision.
ADMISSIONS_EVIDENCE_KEEP_DAYS = env_int("ADMISSIONS_EVIDENCE_KEEP_DAYS", 365, minimum=1)
# Supervision: the evening hours (in the participant's own zone) at which a group is suggested.
SUPERVISION_REASONABLE_HOURS = (env_int("SUPERVISION_EVENING_FROM", 17, minimum=0),
                                env_int("SUPERVISION_EVENING_UNTIL", 22, minimum=1))
# Reminders before each training day and supervision session: this many hours before it starts,
# e.g. REMINDER_LEAD_HOURS="48,2" (the default: 2 days and 2 hours); empty sends none.
_lead_hours = env_list("REMINDER_LEAD_HOURS", ["48", "2"])
if not all(hours.isdigit() and int(hours) >= 1 for hours in _lead_hours):
    raise ImproperlyConfigured(
        f"REMINDER_LEAD_HOURS must be whole numbers of hours (1 or more) separated by commas, "
        f"not {os.environ.get('REMINDER_LEAD_HOURS')!r}")
REMINDER_LEAD_TIMES = tuple(sorted({timedelta(hours=int(hours)) for hours in _lead_hours}))
# The same client address as the rate limits, read through the trusted proxies (see above).
AXES_CLIENT_IP_CALLABLE = "trainingdesk.lib.clientip.client_address"

# --- Security headers -----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS, port 587) or EMAIL_USE_SSL (port 465), not both")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Trainingdesk <training@example.org>")
if not DEBUG:
    check_sender_address("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An email that cannot be sent is tried again after 1 minute, 5 minutes, 30 minutes, 2 hours,
# then every EMAIL_RETRY_EVERY_HOURS until EMAIL_RETRY_FOR_HOURS have passed since it was queued;
# then it is marked failed, and the coordinator can see it and send it again.
EMAIL_RETRY_EVERY_HOURS = env_int("EMAIL_RETRY_EVERY_HOURS", 4, minimum=1)
EMAIL_RETRY_FOR_HOURS = env_int("EMAIL_RETRY_FOR_HOURS", 26, minimum=1)
# How long a worker may take over one email (rendering its PDFs and talking to the mail server)
# before another may try it; a worker killed mid-send costs that long a delay.
EMAIL_CLAIM_SECONDS = env_int("EMAIL_CLAIM_SECONDS", 120, minimum=EMAIL_TIMEOUT + 5)
# Password-reset emails one address may be sent, and reset requests one client may make, an hour.
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 3, minimum=1)
PASSWORD_RESETS_PER_CLIENT_PER_HOUR = env_int("PASSWORD_RESETS_PER_CLIENT_PER_HOUR", 10, minimum=1)
# The same for signing up: emails to one address, and requests from one client, an hour.
SIGNUP_EMAILS_PER_ADDRESS_PER_HOUR = env_int("SIGNUP_EMAILS_PER_ADDRESS_PER_HOUR", 3, minimum=1)
SIGNUP_REQUESTS_PER_CLIENT_PER_HOUR = env_int("SIGNUP_REQUESTS_PER_CLIENT_PER_HOUR", 20, minimum=1)
# How long the link that finishes creating an account works.
SIGNUP_LINK_HOURS = env_int("SIGNUP_LINK_HOURS", 24, minimum=1)

# --- Open Badges credentials -----------------------------------------------------------------
# The Ed25519 key that signs every Open Badges credential and the revocation status list, as a
# Multikey secretKeyMultibase ("z3u2..."): from the environment, never the database. Its public
# half is published at /.well-known/did.json. An Ed25519 key is any 32 random bytes; make one with
#   .venv/bin/python -c "import secrets; from trainingdesk.lib.credentials import multibase_encode;
#   print(multibase_encode(b'\x80\x26' + secrets.token_bytes(32)))"
# Changing it makes every credential issued before unverifiable: keep it as long as the site.
CREDENTIAL_SIGNING_KEY = env_str("CREDENTIAL_SIGNING_KEY", "")
if not CREDENTIAL_SIGNING_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "With DEBUG off, CREDENTIAL_SIGNING_KEY must be set to the Ed25519 key that signs "
            "Open Badges credentials (a multibase secretKeyMultibase, 'z3u2...').")
    # Development only (DEBUG on and no key set): a stable key derived from SECRET_KEY, so the
    # credentials a laptop signs keep verifying across restarts. Never used in production, where
    # a missing key is refused above.
    CREDENTIAL_SIGNING_KEY = _credentials.multibase_encode(
        b"\x80\x26" + hashlib.sha256(f"credential-signing-key:{SECRET_KEY}".encode()).digest())
try:
    _credentials.private_key_from_multibase(CREDENTIAL_SIGNING_KEY)
except ValueError as _error:
    raise ImproperlyConfigured(
        f"CREDENTIAL_SIGNING_KEY must be an Ed25519 secretKeyMultibase ('z3u2...'): {_error}") from None

# --- Background work ------------------------------------------------------------------------
# The Django tasks API (DEP 14, `django.tasks` from Django 6), with the database backend: tasks
# are rows that any number of `manage.py db_worker` processes, on any host, take in turn. A laptop
# needs no other service. Periodic work is `manage.py run_periodic_work`, run every minute.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Cache, sessions and rate limits --------------------------------------------------------
# One cache that every app server and worker shares: Redis when REDIS_URL is set, a table in
# the database otherwise (made by a migration, so `migrate` is all a new database needs). With
# Redis unreachable, the page cache and sessions carry on (a cache error is a miss; sessions are
# also kept in the database), while rate limits refuse (lib/ratelimit.py).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "trainingdesk.lib.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "trainingdesk"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "trainingdesk_shared_cache",
            # Pages, page bodies and sessions of a busy day (Django's default is 300).
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
VERIFY_RATE_LIMIT_PER_MINUTE = env_int("VERIFY_RATE_LIMIT_PER_MINUTE", 30, minimum=1)
# The API (/api/v1/): requests a token may make a minute, counted in the shared cache so every app
# server agrees; the largest request body it reads.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120, minimum=1)
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024, minimum=1024)
# Webhooks: how long a receiver has to answer, the delays between attempts (seconds, growing),
# and after how many days of failing an endpoint is switched off (and the coordinator told).
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_RETRY_DELAYS = tuple(int(seconds) for seconds in env_list(
    "WEBHOOK_RETRY_DELAYS", ["30", "120", "600", "3600", "21600", "86400"]))
WEBHOOK_DISABLE_AFTER_DAYS = env_int("WEBHOOK_DISABLE_AFTER_DAYS", 3, minimum=1)
# Webhooks go to public addresses only, checked at each connection after the name is resolved
# (so a name that later points inside is refused too): never to this server's own network, a
# cloud's metadata service (169.254.169.254) or other private ranges. This machine (loopback) is
# allowed while developing; an install inside an intranet may allow private addresses.
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", DEBUG)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# Retention (privacy): coursework files are deleted this many days after the coursework is
# decided (passed, or its resubmission time over); an account nobody has signed in to, with no
# booking, application or coursework for this long, is erased; invoices, credit notes and
# payments are kept (as HMRC requires) this many years after their tax year.
COURSEWORK_FILES_KEEP_DAYS = env_int("COURSEWORK_FILES_KEEP_DAYS", 365, minimum=1)
INACTIVE_ACCOUNT_KEEP_DAYS = env_int("INACTIVE_ACCOUNT_KEEP_DAYS", 6 * 365, minimum=30)
INVOICE_KEEP_YEARS = env_int("INVOICE_KEEP_YEARS", 6, minimum=6)

# Public pages for anonymous visitors are cached for this many seconds at most, and any audited
# change makes a new version at once (see lib/pagecache.py). 0 turns the cache off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 60, minimum=0)

# --- Internationalisation and time ----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "trainingdesk" / "static"]  # the site-wide css/ and js/
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads people send (admissions evidence, coursework) are private: the filesystem by default,
# or an S3-compatible bucket (private, never public URLs) when PRIVATE_STORAGE_BUCKET is set; the
# standard AWS_* variables give its credentials. They are served only by a view that checks the
# viewer (lib/files.py).
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT", str(BASE_DIR / "private")))
PRIVATE_STORAGE_BUCKET = env_str("PRIVATE_STORAGE_BUCKET", "")
_private_storage: dict[str, object] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_STORAGE_BUCKET,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": env_str("PRIVATE_STORAGE_PREFIX", "private"),
        },
    }
    if PRIVATE_STORAGE_BUCKET
    else {"BACKEND": "trainingdesk.lib.files.PrivateFileSystemStorage",
          "OPTIONS": {"location": PRIVATE_ROOT}}
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": _private_storage,
    # WhiteNoise serves /static/ from the app servers: compressed, with hashed names cached for
    # a year, after `collectstatic`.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ZOOM_REPORT_MAX_BYTES = env_int("ZOOM_REPORT_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)  # Zoom report upload
# Evidence and coursework files: larger ones are refused before they are read to the end, or stored
# (lib/uploads.py).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
