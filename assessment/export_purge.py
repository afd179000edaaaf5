"""Old exports are deleted: their files, their jobs, and the finished task records of the worker.

`purge_exports` runs daily in the task worker (`daily_purge` queues itself for the next night, like the daily
reminders) and on demand (`manage.py purge_exports`). Rows go first, files after: a missing row only leaves an
unreachable file, which a later run removes, while a row without its file would be a broken download.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from assessment.exports import expire_stale
from assessment.models import ExportJob

logger = logging.getLogger(__name__)

PURGE_HOUR = 3  # Asia/Shanghai: at night, when nobody is exporting
EXPORT_DIR = "exports"


@dataclass(frozen=True)
class Purged:
    jobs: int
    files: int
    task_results: int


def purge_exports(now=None):
    """Delete export jobs, export files and finished task records older than `EXPORT_RETENTION_DAYS`."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    expire_stale(now)
    with transaction.atomic():
        old = ExportJob.objects.filter(created_at__lt=cutoff)
        names = [name for name in old.values_list("file", flat=True) if name]
        jobs = old.delete()[0]
        task_results = _purge_task_results(cutoff)
    files = 0
    for name in names + _unreferenced_files(cutoff):
        default_storage.delete(name)
        files += 1
    return Purged(jobs, files, task_results)


def _purge_task_results(cutoff):
    from django_tasks_db.models import DBTaskResult

    finished = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    return DBTaskResult.objects.filter(status__in=finished, finished_at__lt=cutoff).delete()[0]


def _unreferenced_files(cutoff):
    """Old files under exports/ that no job names (a build whose job was expired or deleted meanwhile)."""
    try:
        names = default_storage.listdir(EXPORT_DIR)[1]
    except FileNotFoundError:
        return []
    known = set(ExportJob.objects.exclude(file="").values_list("file", flat=True))
    paths = [f"{EXPORT_DIR}/{name}" for name in names]
    return [path for path in paths if path not in known and default_storage.get_modified_time(path) < cutoff]


@task()
def daily_purge():
    """Tonight's purge, then tomorrow night's queued, even if tonight's failed."""
    try:
        purged = purge_exports()
        logger.info("purged %s export jobs, %s files, %s task records", purged.jobs, purged.files, purged.task_results)
    finally:
        schedule()


def next_run(now=None):
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=PURGE_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + datetime.timedelta(days=1)


def schedule(now=None):
    """Queue the next nightly purge unless one is queued; returns when it runs, or None if the task backend cannot
    run tasks later."""
    backend = daily_purge.get_backend()
    if not backend.supports_defer:
        logger.warning("task backend %s cannot defer tasks: export purge is not scheduled", backend.alias)
        return None
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if isinstance(backend, DatabaseBackend):
        queued = DBTaskResult.objects.filter(task_path=daily_purge.module_path, status=TaskResultStatus.READY)
        if (first := queued.order_by("run_after").first()) is not None:
            return first.run_after
    run_after = next_run(now)
    daily_purge.using(run_after=run_after).enqueue()
    return run_after
