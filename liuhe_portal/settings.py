"""Settings come from the environment so one build runs anywhere.

DATABASE_URL selects the database (default: an SQLite file beside manage.py);
SECRET_KEY is mandatory unless DJANGO_DEBUG is on.
"""

import datetime
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
    "rest_framework_api_key",  # its key scheme; our keys are integrations.ApiClient
    "drf_spectacular",
    "django_filters",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "health_check",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "assessment",
    "scoring",
    "notices",
    "appeals",
    "access",
    "audit",
    "integrations",
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
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "access.middleware.IdleTimeoutMiddleware",
    "access.middleware.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "integrations.middleware.ApiMiddleware",  # /api/: call log, deprecation headers, ETag
    # Last, as django-axes asks: it turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
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

# The lockout check runs before any password is compared (django-axes); then the usual model backend.
AUTHENTICATION_BACKENDS = ["access.backends.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
# Evidence and exports go to an S3-compatible bucket when all four S3_* settings are given (several servers then
# share the files); otherwise to MEDIA_ROOT. Either way files are private and served only by permission-checked views.
S3_SETTINGS = ("S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
if all(os.environ.get(name) for name in S3_SETTINGS):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": os.environ["S3_ENDPOINT_URL"],
            "bucket_name": os.environ["S3_BUCKET"],
            "access_key": os.environ["S3_ACCESS_KEY_ID"],
            "secret_key": os.environ["S3_SECRET_ACCESS_KEY"],
            "region_name": os.environ.get("S3_REGION") or None,
            "default_acl": None,  # no ACL sent: objects keep the bucket's private default, never public-read
            "querystring_auth": True,  # a URL, should one ever be made, is signed and expires
            "file_overwrite": False,
            "addressing_style": "path",  # S3-compatible servers on a plain host name have no per-bucket subdomains
            "max_memory_size": 2 * 1024 * 1024,  # larger files read back (backup) spill to a temporary file
        },
    }
elif any(os.environ.get(name) for name in S3_SETTINGS):
    raise ImproperlyConfigured("S3 storage needs all of " + ", ".join(S3_SETTINGS) + ".")
# With local storage behind nginx: downloads answer with X-Accel-Redirect to this internal location (e.g.
# /protected-media/, aliased to MEDIA_ROOT) and nginx sends the file; empty: Django streams it.
DOWNLOAD_X_ACCEL_PREFIX = os.environ.get("DOWNLOAD_X_ACCEL_PREFIX", "")

# Systems use API keys (listed first: a missing credential is a 401 with `WWW-Authenticate: Api-Key`), people
# their session. HTTP Basic runs the password hasher on every call, so it is off unless API_BASIC_AUTH=1.
API_BASIC_AUTH = env_bool("API_BASIC_AUTH")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "integrations.auth.OptionalBasicAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["integrations.auth.ClientRateThrottle"],  # each client's own rate
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "access.api.AccountInGoodStanding"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "assessment.api_support.Pagination",  # ?limit= at most 500
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "assessment.api_support.exception_handler",  # 4xx: JSON with a Chinese detail
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "六合区技防达标评估门户 API",
    "VERSION": "1.0.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # logged-in users and API clients only
    "PREPROCESSING_HOOKS": ["integrations.schema.without_v1"],  # /api/v1/ has its own schema
}

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
# A background export with no progress for this long is taken as lost (its worker died) and can be retried.
EXPORT_JOB_TIMEOUT_MINUTES = int(os.environ.get("EXPORT_JOB_TIMEOUT_MINUTES", "30"))
# Export files, their jobs and finished task records older than this are deleted daily (and by purge_exports).
EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", "7"))

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
# 登录失败处理 (等保): after AXES_FAILURE_LIMIT failures for one username from one address, that pair is locked for
# AXES_COOLOFF_MINUTES; an administrator can unlock it earlier (账号解锁 on the accounts page, or the axes admin).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "access.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Passwords older than this many days must be changed at the next page (0: never expire).
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "0"))
# Two-factor login (TOTP) for 视频办 reviewers and administrators; on in production, off by default in development.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "六合区技防达标评估门户"
# Minutes without a request after which the session ends (besides SESSION_COOKIE_AGE's absolute limit).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "30"))
# Days audit records are kept (网络安全法 §21: at least 180); `manage.py purge_audit` removes older ones daily.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))
