"""Settings for renda, read from the environment only.

Every value has a typed reader that raises ``ImproperlyConfigured`` at start-up when the
value is malformed, so a bad deployment fails before it serves a single request.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent
BASE_DIR = PROJECT_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0)")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("RENDA_TESTING", False)
# `renda demo` runs a local, throw-away platform: a fixed key and plain-HTTP cookies.
DEMO = env_bool("RENDA_DEMO", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING or DEMO:
        SECRET_KEY = "renda-insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (at least 50 random characters), "
            "or set DEBUG=true for local development."
        )
elif len(SECRET_KEY) < 32 and not (DEBUG or TESTING or DEMO):
    raise ImproperlyConfigured("SECRET_KEY is too short: use at least 32 random characters")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if not DEBUG else ["*"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies whose X-Forwarded-For names the client (core.middleware.ClientAddressMiddleware):
# addresses or networks; by default a proxy on this machine, as Gunicorn's --forwarded-allow-ips.
RENDA_TRUSTED_PROXIES = env_list("RENDA_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
for _proxy in RENDA_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"RENDA_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network") from None

DATA_DIR = Path(env_str("RENDA_DATA_DIR", str(BASE_DIR / "var")))
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_URL = "/static/"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ImproperlyConfigured(f"RENDA_DATA_DIR {DATA_DIR} is not writable: {exc}") from exc

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "renda.core",
    "renda.deputies",
    "renda.suggestions",
    "renda.stations",
    "renda.archive",
    "renda.voting",
    "renda.assist",
    "renda.api",
]

MIDDLEWARE = [
    "renda.core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "renda.core.middleware.IdleTimeoutMiddleware",
    "renda.core.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "renda.urls"
WSGI_APPLICATION = "renda.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "renda.core.context_processors.renda",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------
# The embedded default is an SQLite file in DATA_DIR; production and CI use PostgreSQL
# through DATABASE_URL=postgres://user:pass@host:port/name.
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if _db["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL or SQLite")
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "renda.sqlite3")}

if _db["ENGINE"] == "django.db.backends.postgresql":
    # Statements bound on the server (only the public message form's insert) become prepared
    # statements after 5 runs on a connection. Django's own cursors bind on the client and
    # are never prepared. Behind PgBouncer in transaction mode before 1.21, set false.
    _db.setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env_bool("DB_PREPARED_STATEMENTS", True) else None)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
    # the start of a transaction so two writers queue instead of failing half-way.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
    _db["TEST"] = {"NAME": ":memory:"} if ":memory:" not in str(_db.get("NAME")) else {}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two caches. "default" lives in each process: hot, small values that cannot go stale
# (a ballot's candidates while a round is open). "shared" lives in the database, so all
# workers and servers share it: computed pages such as the figures, counted once per
# expiry rather than once per worker. Its table is created by core's migration 0005.
CACHE_TABLE = "renda_cache"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
               "LOCATION": CACHE_TABLE, "OPTIONS": {"MAX_ENTRIES": 2000}},
}

# --- auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["renda.core.auth.UsernameOrPhoneBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "phone", "full_name", "email")}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "renda.core.hashers.InitialPasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                        "renda.core.hashers.InitialPasswordHasher"]

# Idle timeout; the security administrator can change it at run time (SecurityPolicy).
SESSION_IDLE_MINUTES = env_int("RENDA_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not (DEBUG or TESTING or DEMO))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
API_TOKEN_DAYS = env_int("RENDA_API_TOKEN_DAYS", 30, minimum=1)

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "frame-ancestors": [CSP.NONE],
}

# --- mail -----------------------------------------------------------------------------
# Django 6.1 mailers; configured from EMAIL_* variables of the environment.
_email_use_tls = env_bool("EMAIL_USE_TLS", False)
_email_use_ssl = env_bool("EMAIL_USE_SSL", False)
if _email_use_tls and _email_use_ssl:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG or DEMO else
    "django.core.mail.backends.smtp.EmailBackend",
)
_email_options: dict[str, object] = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": _email_use_tls,
        "use_ssl": _email_use_ssl,
        "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "renda@localhost")
RENDA_EMAIL_NOTIFICATIONS = env_bool("RENDA_EMAIL_NOTIFICATIONS", True)

# --- background tasks -----------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("RENDA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
if TESTING:
    TASKS["default"] = {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}

# --- i18n -----------------------------------------------------------------------------
# The interface is written in Chinese; the browser's language does not switch Django's own
# strings (form errors, weekday names) to another language in the middle of Chinese pages.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
RENDA_SITE_URL = env_str("RENDA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Citizens' messages (联络站): per IP per 10 minutes, per phone per day; counted in the
# database so the limits hold across processes. Raise them only for load tests.
RENDA_STATIONS_IP_LIMIT = env_int("RENDA_STATIONS_IP_LIMIT", 5, minimum=1)
RENDA_STATIONS_PHONE_LIMIT = env_int("RENDA_STATIONS_PHONE_LIMIT", 5, minimum=1)
