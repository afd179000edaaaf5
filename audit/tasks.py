"""The daily purge of expired audit records in the background worker, chained like the daily reminders."""

import datetime
import logging

from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

logger = logging.getLogger(__name__)
PURGE_HOUR = 3  # Asia/Shanghai, when nobody is working


@task()
def daily_purge():
    """Today's purge, then tomorrow's queued, even if today's failed."""
    from audit.services import purge

    try:
        return purge()
    finally:
        schedule()


def next_run(now=None):
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=PURGE_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + datetime.timedelta(days=1)


def schedule(now=None):
    """Queue the next purge unless one is queued; returns when it runs, or None if the backend cannot defer."""
    backend = daily_purge.get_backend()
    if not backend.supports_defer:
        logger.warning("task backend %s cannot defer tasks: the audit purge is not scheduled", backend.alias)
        return None
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(backend, DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.filter(task_path=daily_purge.module_path, status=TaskResultStatus.READY).first()
        if queued is not None:
            return queued.run_after
    run_after = next_run(now)
    daily_purge.using(run_after=run_after).enqueue()
    return run_after
