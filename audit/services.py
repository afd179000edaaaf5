"""Writing and pruning the audit trail."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Record

MIN_RETENTION_DAYS = 180  # 网络安全法 §21: network logs are kept at least six months


def client_ip(request):
    """The client's address as the server saw it; behind a proxy, configure the proxy to set REMOTE_ADDR."""
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def record(request, kind, *, user=None, username=None, **detail):
    """Append one record; `user` defaults to the request's authenticated user. Values in `detail` must be JSON."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return Record.objects.create(
        kind=kind, user=user, username=username or (user.get_username() if user else ""),
        at=timezone.now(), ip=client_ip(request), user_agent=agent, detail=detail,
    )


def retention_days():
    days = int(getattr(settings, "AUDIT_RETENTION_DAYS", 365))
    if days < MIN_RETENTION_DAYS:
        raise ValueError(_("审计记录至少保存 %(min)s 天（网络安全法第二十一条），当前设置为 %(days)s 天。")
                         % {"min": MIN_RETENTION_DAYS, "days": days})
    return days


def purge(now=None):
    """Delete records older than the retention period; returns how many. The only deletion the model allows."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    with transaction.atomic():
        return Record.objects.filter(at__lt=cutoff).expire()
