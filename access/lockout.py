"""What a locked-out login gets, and how an administrator lifts a lockout."""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

LOCKED_STATUS = 429


def lockout_message(request):
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    if minutes:
        return _("登录失败次数过多，账号已被锁定 %(minutes)s 分钟。请稍后再试，或联系管理员解锁。") % {"minutes": minutes}
    return _("登录失败次数过多，账号已被锁定。请联系管理员解锁。")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: JSON for the API, the login page with the reason for everything else."""
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=LOCKED_STATUS)
    return render(request, "assessment/login.html", {"locked_message": message}, status=LOCKED_STATUS)


def locked_usernames(usernames):
    """Which of `usernames` are locked now, from any address: as many failures as the limit within the cool-off."""
    attempts = AccessAttempt.objects.filter(username__in=usernames, failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return set(attempts.values_list("username", flat=True))


def unlock(username):
    """Lift every lockout and forget the failures of `username`; returns how many records went."""
    return reset(username=username)


def flag_django_request(sender, request, **kwargs):
    """user_locked_out receiver: the API's request is DRF's wrapper, so axes flags the wrapper; copy the flag to
    Django's own request, which AxesMiddleware reads to answer with `lockout_response`."""
    inner = getattr(request, "_request", None)
    if inner is not None:
        inner.axes_locked_out = True
        inner.axes_credentials = getattr(request, "axes_credentials", None)
