"""Session rules applied to every request: idle timeout, then whatever the account must do first."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.policy import pending_step

LAST_SEEN_KEY = "access_last_seen"
# The last-seen time is written at most this often (seconds), so most requests do not rewrite the session.
LAST_SEEN_RESOLUTION = 60
STEP_URLS = {"password": "password-change", "enrol": "two-factor-enrol", "verify": "two-factor-verify"}
STEP_MESSAGES = {
    "password": gettext_lazy("请先修改密码：初始密码、管理员重置的密码或已过期的密码不能继续使用。"),
    "enrol": gettext_lazy("您的账号须启用两步验证，请先在网页上完成绑定。"),
    "verify": gettext_lazy("您的账号须通过两步验证，请先在网页上输入动态验证码。"),
}


def mark_seen(sender, request, user, **kwargs):
    """At login the idle clock starts (user_logged_in receiver, connected in AccessConfig.ready)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT minutes without a request; the login page says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT * 60:
                from audit import record

                record(request, "idle_logout")
                logout(request)
                messages.info(request, _("您已 %(minutes)s 分钟未操作，为安全起见已自动退出，请重新登录。")
                              % {"minutes": settings.SESSION_IDLE_TIMEOUT})
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class AccountGateMiddleware:
    """Sends an account with a pending step (policy.pending_step) to that step's page; the API gets a 403 JSON."""

    # Reachable whatever is pending: logout, static files, and the backup codes shown once right after enrolment.
    ALWAYS_OPEN = ("/accounts/logout/", "/static/", "/accounts/two-factor/backup-codes/")
    STEP_PREFIXES = {"password": "/accounts/password/", "enrol": "/accounts/two-factor/enrol/",
                     "verify": "/accounts/two-factor/verify/"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = pending_step(request.user)
        if step is None or request.path.startswith((*self.ALWAYS_OPEN, self.STEP_PREFIXES[step])):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": STEP_MESSAGES[step]}, status=403)
        return redirect(f"{reverse(STEP_URLS[step])}?{urlencode({'next': request.get_full_path()})}")
