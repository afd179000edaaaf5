"""Background tasks of notices: delivering messages through their channels, and the daily reminder run.

`daily_reminders` sends the day's reminders and queues itself for the next day (`run_after`), so one task is always
waiting in the queue; `schedule` (the `schedule_reminders` command) starts the chain and does nothing if a run is
already queued. This needs a task backend that can defer tasks (django_tasks_db's, the portal's default).
"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from notices.models import Message
from notices.send import deliver

logger = logging.getLogger(__name__)


@task()
def deliver_messages(message_ids):
    deliver(Message.objects.filter(pk__in=message_ids).select_related("user").order_by("id"))


@task()
def daily_reminders():
    """Today's stored results and reminders, then tomorrow's run queued, even if today's failed."""
    from notices.reminders import send_reminders
    from scoring.stored import refresh_for_today

    try:
        sent = send_reminders(timezone.localdate())
        refresh_for_today()  # the day's overdue counts in the stored results, before most people read them
        return sent
    finally:
        schedule()


def next_run(now=None):
    """The next `REMINDER_HOUR` o'clock in the portal's time zone (Asia/Shanghai) after `now`."""
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=getattr(settings, "REMINDER_HOUR", 8), minute=0, second=0, microsecond=0)
    return at if at > now else at + datetime.timedelta(days=1)


def queued_run():
    """The reminder run waiting in the database queue, if any (None, also for backends without a queue table)."""
    if not _uses_database_queue():
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=daily_reminders.module_path, status=TaskResultStatus.READY).order_by(
        "run_after").first()


def schedule(now=None):
    """Queue the next reminder run unless one is queued already; returns when it runs, or None if the task backend
    cannot run tasks later."""
    backend = daily_reminders.get_backend()
    if not backend.supports_defer:
        logger.warning("task backend %s cannot defer tasks: reminders are not scheduled", backend.alias)
        return None
    queued = queued_run()
    if queued is not None:
        return queued.run_after
    run_after = next_run(now)
    daily_reminders.using(run_after=run_after).enqueue()
    return run_after


def _uses_database_queue():
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(daily_reminders.get_backend(), DatabaseBackend)
