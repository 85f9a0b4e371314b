"""Settings, read from the environment only; safe defaults for one person on a laptop."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from rapport.insights.transcripts import TRANSCRIPT_MAX_BYTES
from rapport.web.headers import static_file_headers

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name).strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("RAPPORT_DATA_DIR") or Path.home() / ".local" / "share" / "rapport")
DEBUG = env_bool("DEBUG")


READ_ONLY = (
    "The data folder {folder} is read-only, and Rapport must write its {what} there. "
    "Make it writable (for example `chmod u+w {folder}`), or set RAPPORT_DATA_DIR to a folder "
    "you can write."
)


def data_folder() -> Path:
    """The data folder, created readable by its owner only (0700) on first use."""
    try:
        DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot create the data folder {DATA_DIR} ({error.strerror}): set "
            "RAPPORT_DATA_DIR to a folder you can write."
        ) from None
    return DATA_DIR


def private_file(path: Path, what: str) -> Path:
    """Create the file readable by its owner only (0600) unless it exists; words if we cannot."""
    if path.exists():
        return path
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another process made it first
        pass
    except OSError:
        raise ImproperlyConfigured(READ_ONLY.format(folder=path.parent, what=what)) from None
    return path


def secret_key() -> str:
    """SECRET_KEY from the environment, else generated once into the data folder."""
    if key := env("SECRET_KEY"):
        return key
    path = data_folder() / "secret_key"
    if not path.exists():
        private_file(path, "generated secret key (or set SECRET_KEY)")
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = secret_key()
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")

# Private notes are sealed with these keys (rapport/people/keys.py): RAPPORT_KEYS, comma-
# separated, newest first; else the key file, made in the data folder when first needed.
RAPPORT_KEYS = env("RAPPORT_KEYS")
NOTE_KEYS_FILE = DATA_DIR / "private-note-keys"

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)
SECURE = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_ENGINE = "rapport.web.sessions"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    # First, so that its `changepassword` (which keeps the roster's counts) is the one run.
    "rapport.people",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rapport.meetings",
    "rapport.career",
    "rapport.growth",
    "rapport.insights",
    "rapport.notifications",
    "rapport.web",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rapport.web.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rapport.web.middleware.HealthCheckMiddleware",
    "rapport.web.middleware.InputCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, handing the person read with the session to PersonBackend.
    "rapport.web.sessions.PersonAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rapport.web.middleware.PersonTimezoneMiddleware",
    "rapport.web.middleware.RequestPathsMiddleware",
    "rapport.web.audit.AuditOriginMiddleware",
    "axes.middleware.AxesMiddleware",
    "rapport.web.middleware.SealErrorMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "web" / "templates", BASE_DIR / "notifications" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "rapport.web.jinja.environment",
            "context_processors": ["rapport.web.jinja.csrf_once"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]
# Inputs, text areas and selects are written in Python, exactly as Django's widget
# templates write them, at a tenth of the cost (rapport/web/widgets.py).
FORM_RENDERER = "rapport.web.widgets.WidgetRenderer"


def database() -> dict:
    """PostgreSQL when DATABASE_URL is set, else SQLite in WAL mode in the data folder."""
    if url := env("DATABASE_URL"):
        # A kept connection is checked before each request reuses it, without a query
        # (`is_usable` in rapport/postgresql/base.py).
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.postgresql":
            # Django's backend, reading timestamps faster (rapport/postgresql/base.py).
            config["ENGINE"] = "rapport.postgresql"
        config.setdefault("TEST", {})["NAME"] = env("TEST_DATABASE_NAME") or None
        # Values are sent apart from the SQL, so a statement run a few times on a
        # connection is prepared: PostgreSQL then skips parsing and planning it, which
        # cost more than running most of Rapport's queries.
        options = config.setdefault("OPTIONS", {})
        options.update(server_side_binding=True, prepare_threshold=5)
        # A prepared statement keeps one plan for any values. Left to choose, PostgreSQL
        # planned a few statements (the action items page's, Insights' teams) afresh on
        # every run, which cost more than running them with the kept plan.
        kept_plans = "-c plan_cache_mode=force_generic_plan"
        options["options"] = " ".join(filter(None, (options.get("options"), kept_plans)))
        return config
    # SQLite gives its -wal and -shm files the database file's mode: 0600 for all three.
    path = private_file(data_folder() / "rapport.sqlite3", "SQLite database")
    if not (os.access(DATA_DIR, os.W_OK) and os.access(path, os.W_OK)):
        raise ImproperlyConfigured(READ_ONLY.format(folder=DATA_DIR, what="SQLite database"))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # Each worker thread keeps its connection: opening one costs more CPU (SQLite reads
        # the schema, Django registers its functions) than most pages' own queries.
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {"default": database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.Person"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("name", "email")},
    },
    {"NAME": "rapport.people.passwords.VisibleLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "rapport.people.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Set-password (invitation) and reset links work once, for this long.
PASSWORD_RESET_TIMEOUT = 60 * 60 * env_int("RAPPORT_LINK_HOURS", 72)

# Sign-in throttling (django-axes, counted in the database so that every app server agrees):
# after this many failures for one account, or from one network address, sign-in is refused
# for the cool-off time. `rapport manage axes_reset_username EMAIL` lifts it at once.
AUTHENTICATION_BACKENDS = [
    "rapport.web.throttle.SignInThrottle",
    "rapport.web.sessions.PersonBackend",
    # Sessions opened before PersonBackend name Django's own: they stay signed in.
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("RAPPORT_SIGNIN_ATTEMPTS", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("RAPPORT_SIGNIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no record of every successful sign-in
AXES_LOCKOUT_CALLABLE = "rapport.web.throttle.locked_out"
AXES_CLIENT_IP_CALLABLE = "rapport.web.throttle.client_address"
AXES_USERNAME_CALLABLE = "rapport.web.throttle.username_of"
# How many proxies in front of Rapport append to X-Forwarded-For (0: use the peer address).
PROXY_COUNT = env_int("RAPPORT_PROXY_COUNT", 0)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "rapport.web.storage.HashedStaticFiles"},
}
WHITENOISE_USE_FINDERS = True
# Files a browser asks for at the site's root (the favicon), served like static files.
WHITENOISE_ROOT = BASE_DIR / "web" / "public"
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers
WHITENOISE_AUTOREFRESH = DEBUG

# Oversized input is refused by Django with a 400 before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads (a roster, a transcript) are held in memory, never in a temporary file.
UPLOAD_MAX_BYTES = TRANSCRIPT_MAX_BYTES
FILE_UPLOAD_HANDLERS = ["rapport.web.uploads.MemoryOnlyUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000


def email() -> dict[str, object]:
    """SMTP from EMAIL_URL (smtp://user:pass@host:port, smtps:// for TLS) or EMAIL_HOST & co."""
    if url := env("EMAIL_URL"):
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps", "submission"}:
            raise ImproperlyConfigured(
                "EMAIL_URL must start with smtp://, smtps:// or submission://"
            )
        return {
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or {"smtp": 25, "smtps": 465, "submission": 587}[parts.scheme],
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": parts.scheme == "submission",
        }
    if host := env("EMAIL_HOST"):
        return {
            "EMAIL_HOST": host,
            "EMAIL_PORT": int(env("EMAIL_PORT", "25")),
            "EMAIL_HOST_USER": env("EMAIL_HOST_USER"),
            "EMAIL_HOST_PASSWORD": env("EMAIL_HOST_PASSWORD"),
            "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS"),
            "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL"),
        }
    return {}


_email = email()
EMAIL_ENABLED = bool(_email)
globals().update(_email)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_ENABLED
    else "django.core.mail.backends.dummy.EmailBackend"
)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Rapport <rapport@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "rapport.web.logs.RedactSecrets"},
        "no_traceback": {"()": "rapport.web.logs.NoTraceback"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
    },
    "loggers": {
        # Filters on the loggers themselves, so that every handler gets the cleaned record.
        "django.request": {"filters": ["redact_secrets"]},
        "django.server": {
            "handlers": ["console"],
            "filters": ["redact_secrets"],
            "level": "INFO",
            "propagate": False,
        },
        "django.security.DisallowedHost": {"filters": ["no_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
