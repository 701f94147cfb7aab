"""Cakupan's one settings module: every value from the environment, a laptop default for each.

Variables (the README lists them and a test checks that list): DATABASE_URL, SECRET_KEY, DEBUG,
ALLOWED_HOSTS, CAKUPAN_DATA_DIR, CAKUPAN_SECURE, CAKUPAN_SESSION_SECONDS, CAKUPAN_LOG_LEVEL.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: str) -> bool:
    """Read a yes/no variable; anything but the usual spellings is a configuration error."""
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


DEBUG = envbool("DEBUG", "false")
DATA_DIR = Path(os.environ.get("CAKUPAN_DATA_DIR", "cakupan-data")).resolve()
UPLOAD_DIR = DATA_DIR / "uploads"
EXPORT_DIR = DATA_DIR / "exports"
# Ed25519 keys that sign compliance certificates (compliance.signing): the newest signs, all verify.
SIGNING_KEY_DIR = DATA_DIR / "signing"


def secret_key() -> str:
    """SECRET_KEY from the environment; a fixed development key only when DEBUG; otherwise a
    random key made once for this installation and kept in CAKUPAN_DATA_DIR/secret_key."""
    if key := os.environ.get("SECRET_KEY", ""):
        return key
    if DEBUG:
        return "cakupan-dev-only-insecure-key"
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///cakupan.sqlite3")
if not DATABASE_URL.startswith(("sqlite://", "postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite://, postgres:// or postgresql://, not {DATABASE_URL!r}"
    )
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] not in ("", ":memory:"):
        _db["NAME"] = str(Path(_db["NAME"]).resolve())
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets the web server read while an import or the job worker writes.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "cakupan.regions",
    "cakupan.accounts",
    "cakupan.audit",
    "cakupan.jobs",
    "cakupan.registry",
    "cakupan.imports",
    "cakupan.coverage",
    "cakupan.compliance",
    "cakupan.programmes",
    "cakupan.linkage",
    "cakupan.award",
    "cakupan.ops",
    "cakupan.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cakupan.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cakupan.web.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "cakupan.urls"
WSGI_APPLICATION = "cakupan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cakupan.web.context_processors.shell",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = int(os.environ.get("CAKUPAN_SESSION_SECONDS", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "cakupan.web.views.csrf_failure"

# Behind TLS in production: secure cookies and HSTS (CAKUPAN_SECURE=true). The TLS proxy in
# front says a request came over HTTPS with X-Forwarded-Proto (it must set or strip that header);
# without it Django would never see a secure request and never send HSTS.
SECURE = envbool("CAKUPAN_SECURE", "false")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
# "__Host-" cookies: browsers keep them only when Secure, for this host and path "/".
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE else "csrftoken"
CSRF_COOKIE_HTTPONLY = True  # the token travels in the forms, never read by scripts
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Login throttling (accounts.throttle): failures per username and address, per address, window.
LOGIN_FAILURES_PER_USER = 5
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_THROTTLE_SECONDS = 900
# A merge or coverage refresh waits this long for another one to finish (lib.locks).
REGISTRY_LOCK_WAIT_SECONDS = 600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No NIK in logs: a NIK in a requested URL or an echoed input is masked before it is written.
    "filters": {"mask_niks": {"()": "cakupan.lib.logmask.MaskNiks"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_niks"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CAKUPAN_LOG_LEVEL", "WARNING")},
}
