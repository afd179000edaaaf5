"""Settings come from the environment so one build runs anywhere.

DATABASE_URL selects the database (default: an SQLite file beside manage.py);
SECRET_KEY is mandatory unless DJANGO_DEBUG is on.
"""

import os
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from csp.constants import SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from import_export.formats.base_formats import CSV, XLSX

from liuhe_portal.logs import build_logging

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "assessment.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "health_check",
    "assessment",
    "scoring",
    "notices",
    "appeals",
]

MIDDLEWARE = [
    "liuhe_portal.middleware.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "liuhe_portal.middleware.no_store_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "liuhe_portal.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "liuhe_portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# SQLite is for a first run on a laptop; a production portal needs PostgreSQL (concurrent writes, backups).
if not DEBUG and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env_bool("ALLOW_SQLITE"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL when DJANGO_DEBUG is off (or set ALLOW_SQLITE=1).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "assessment.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Apache ECharts, installed from npm by `make setup` (package.json), served as our own static file.
if (BASE_DIR / "node_modules" / "echarts" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"))
STATICFILES_FINDERS = [
    "liuhe_portal.staticfiles.PortalFinder",  # of node_modules, only the files pages load
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "assessment.api_support.Pagination",  # ?limit= at most 500
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "assessment.api_support.exception_handler",  # 4xx: JSON with a Chinese detail
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {"TITLE": "六合区技防达标评估门户 API", "VERSION": "1.0.0"}

IMPORT_EXPORT_FORMATS = [XLSX, CSV]
IMPORT_EXPORT_USE_TRANSACTIONS = True

if not DEBUG:
    X_FRAME_OPTIONS = "DENY"
# Behind an HTTPS proxy (DJANGO_HTTPS=1): secure cookies, redirect to HTTPS, trust the proxy's scheme header, and
# HSTS (a year, subdomains included, preload) so that `manage.py check --deploy` has nothing to say.
if env_bool("DJANGO_HTTPS"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a monitor on the server itself may ask gunicorn over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # turned off on purpose (SECURE_HSTS_PRELOAD=0)
# Content-Security-Policy (django-csp): scripts only from our own static files, never inline; inline style
# attributes stay allowed (the admin, the charts library and the health page use them). Evidence PDFs are shown in
# a same-origin frame on the review page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        # 'self', not 'none': browsers that show a PDF with a plugin apply this to the evidence preview itself.
        "object-src": [SELF],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
# Officials share office computers: a login lasts a working day, not Django's two weeks.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))

# Evidence uploads: kinds by content (see assessment.evidence) and a size limit.
EVIDENCE_ALLOWED_KINDS = env_list("EVIDENCE_ALLOWED_KINDS", "pdf,doc,docx,xls,xlsx,jpg,png")
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_MB", "20")) * 1024 * 1024
# Days before a deadline from which an open item shows as 即将到期.
DEADLINE_SOON_DAYS = 30

# Long exports run as background tasks: `manage.py db_worker` executes them (`make run` starts one).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Workbooks for up to this many towns are built while the user waits; larger ones in the background.
EXPORT_SYNC_MAX_TOWNS = int(os.environ.get("EXPORT_SYNC_MAX_TOWNS", "20"))

# E-mail, a channel of 站内消息 (notices.send): printed to the console in development, SMTP otherwise.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# Where a message goes: dotted paths of callables deliver(message). The portal's own list is always kept.
NOTICE_CHANNELS = env_list("NOTICE_CHANNELS", "notices.channels.in_portal,notices.channels.by_email")
# The portal's address, for links in e-mails (e.g. https://jf.example.gov.cn); without it mails carry no link.
PORTAL_URL = os.environ.get("PORTAL_URL", "")
# The hour (Asia/Shanghai) the daily 到期提醒 runs in the background worker (manage.py schedule_reminders).
REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", "8"))

# Who is mailed each server error: ADMINS="张三 <zhang@example.gov.cn>,李四 <li@example.gov.cn>".
ADMINS = [(name, address) for name, address in getaddresses(env_list("ADMINS")) if address]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Logs: stdout always; rotating portal.log and security.log under LOG_DIR when it is set (liuhe_portal/logs.py).
LOG_DIR = Path(os.environ["LOG_DIR"]) if os.environ.get("LOG_DIR") else None
LOGGING = build_logging(LOG_DIR, os.environ.get("LOG_LEVEL", "INFO").upper())

# /healthz fails when the oldest task waiting for the worker has waited longer than this.
HEALTH_MAX_TASK_AGE_MINUTES = int(os.environ.get("HEALTH_MAX_TASK_AGE_MINUTES", "30"))
