"""Authentication events into the audit trail: logins, logouts, failures and lockouts (django-axes)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Record
from audit.services import record


def _http_request(request):
    """DRF wraps the request; the audit reads headers from Django's own."""
    return getattr(request, "_request", request)


@receiver(user_logged_in, dispatch_uid="audit-login")
def on_login(sender, request, user, **kwargs):
    record(_http_request(request), Record.Kind.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(_http_request(request), Record.Kind.LOGOUT, user=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    record(_http_request(request), Record.Kind.LOGIN_FAILED, user=user, username=username)


@receiver(user_locked_out, dispatch_uid="audit-lockout")
def on_lockout(sender, request, username, ip_address, **kwargs):
    username = str(username or "")[:150]
    user = get_user_model().objects.filter(username=username).first()
    record(_http_request(request), Record.Kind.LOCKOUT, user=user, username=username)
