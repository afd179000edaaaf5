"""Logging for production: application and security events to stdout (the journal) and, when `LOG_DIR` is set, to
rotating files there. Every record carries the id of the request it belongs to ("-" outside a request), so a 500 in
the log can be matched with the `X-Request-ID` the user or the proxy saw."""

import contextvars
import logging

request_id = contextvars.ContextVar("request_id", default="-")

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id`; never drops a record. Django logs a 4xx/5xx response that no exception caused after
    the middleware has returned, so the id is then read from the request the record carries."""

    def filter(self, record):
        value = request_id.get()
        if value == "-":
            value = getattr(getattr(record, "request", None), "request_id", "-")
        record.request_id = value
        return True


def _file_handler(path):
    return {
        "class": "logging.handlers.RotatingFileHandler", "filename": str(path), "encoding": "utf-8",
        "maxBytes": 10 * 1024 * 1024, "backupCount": 10, "filters": ["request_id"], "formatter": "plain",
    }


def build_logging(log_dir=None, level="INFO"):
    """The LOGGING setting. `portal.log` gets everything at `level` and above, `security.log` only `django.security`
    and `liuhe.security`; both also go to stdout. Errors of `django` (each 5xx, with its traceback) are mailed to
    ADMINS when DEBUG is off."""
    handlers = {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                   "filters": ["request_id"], "formatter": "plain"},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
                        "filters": ["require_debug_false"]},
    }
    app, security = ["stdout"], []
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers["app_file"] = _file_handler(log_dir / "portal.log")
        handlers["security_file"] = _file_handler(log_dir / "security.log")
        app, security = ["stdout", "app_file"], ["security_file"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "liuhe_portal.logs.RequestIdFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {"plain": {"format": FORMAT}},
        "handlers": handlers,
        "root": {"level": level, "handlers": app},
        "loggers": {
            # Replaces Django's default "django" logger (console in debug only): everything goes to the root's handlers.
            "django": {"level": level, "handlers": ["mail_admins"], "propagate": True},
            "django.security": {"level": level, "handlers": security, "propagate": True},
            "liuhe.security": {"level": "INFO", "handlers": security, "propagate": True},
        },
    }
