"""/healthz: is the portal able to serve? The database answers, the evidence storage can write and delete a file,
and the background worker keeps up with its queue. Unauthenticated, so it says nothing about users or data:
only each check's name and OK or the reason it failed (JSON with `Accept: application/json` or `?format=json`)."""

import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from health_check import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


def oldest_waiting_since(now=None):
    """When the task that has waited longest for the worker became runnable: its `run_after`, or its enqueue time
    when it has none. Tasks deferred to a later time (the next 到期提醒 run) are not waiting yet. None when no task
    waits, or when the task backend has no database queue."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return None
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    ready = DBTaskResult.objects.ready().filter(backend_name="default")
    enqueued = ready.filter(run_after=get_date_max()).order_by("enqueued_at").values_list("enqueued_at", flat=True)
    deferred = ready.filter(run_after__lte=now).order_by("run_after").values_list("run_after", flat=True)
    times = [t for t in (enqueued.first(), deferred.first()) if t is not None]
    return min(times) if times else None


def task_queue_error(since, now, max_age_minutes):
    """The failure message when the oldest waiting task is older than `max_age_minutes`, else None."""
    if since is None:
        return None
    waited = int((now - since) / datetime.timedelta(minutes=1))
    if waited <= max_age_minutes:
        return None
    return f"oldest queued task has waited {waited} minutes (limit {max_age_minutes}); is the worker running?"


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """Fails when a task has waited longer than HEALTH_MAX_TASK_AGE_MINUTES: the worker is down or overloaded."""

    max_age_minutes: int = dataclasses.field(default_factory=lambda: settings.HEALTH_MAX_TASK_AGE_MINUTES)

    async def run(self):
        # Thread-sensitive: the query uses the request thread's connection, which Django closes after the request.
        since = await sync_to_async(oldest_waiting_since)()
        error = task_queue_error(since, timezone.now(), self.max_age_minutes)
        if error:
            raise ServiceUnavailable(error)


healthz = HealthCheckView.as_view(checks=[
    "health_check.checks.Database",
    ("health_check.checks.Storage", {"alias": "default"}),
    TaskQueue,
])
