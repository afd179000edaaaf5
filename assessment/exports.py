"""Excel exports that may take a while: started here, built by a background task.

`start_export` records the job and enqueues the task once the transaction
commits; `build_export` (run by the task worker) writes progress into the job
so the page can show it, then stores the file privately.
"""

import logging
import uuid

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from assessment.models import ExportJob, Town
from assessment.workbook import round_workbook_file, workbook_filename

logger = logging.getLogger(__name__)


@transaction.atomic
def start_export(round_, *, user, town=None):
    """Record an export job for a round (or one town of it) and queue its build."""
    total = 1 if town else Town.objects.filter(district_id=round_.district_id).count()
    job = ExportJob.objects.create(
        round=round_, town=town, requested_by=user, total=total, filename=workbook_filename(round_, town)
    )
    transaction.on_commit(lambda: build_export.enqueue(job.pk))
    return job


@task()
def build_export(job_id):
    job = ExportJob.objects.select_related("round", "town").get(pk=job_id)
    ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.RUNNING)

    def progress(done, total):
        ExportJob.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        data = round_workbook_file(job.round, town=job.town, progress=progress)  # a temporary file, not bytes
    except Exception:
        logger.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=_("生成失败，请稍后重试或联系管理员。"), finished_at=timezone.now()
        )
        return
    job.refresh_from_db()
    with data:
        job.file.save(f"{uuid.uuid4().hex}.xlsx", File(data), save=False)
    job.status, job.done, job.finished_at = ExportJob.Status.DONE, job.total, timezone.now()
    job.save(update_fields=["file", "status", "done", "finished_at"])
