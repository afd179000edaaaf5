"""Excel exports that may take a while: started here, built by a background task.

`start_export` records the job and enqueues the task once the transaction commits; `build_export` (run by the task
worker) writes progress into the job so the page can show it, then stores the file privately.

Invariants: a round (or one town of it) has at most one queued or running export, and a finished one is handed out
again as long as the round's data and the day (deadline states depend on it) are those it was built from
(`round_fingerprint`). A job whose worker stops making progress for `EXPORT_JOB_TIMEOUT_MINUTES` is failed
(`expire_stale`) and a late result of it is thrown away, so a retry never races the lost build.
"""

import datetime
import hashlib
import json
import logging
import uuid

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from appeals.models import Appeal, Extension
from assessment.models import (
    Evidence,
    ExportJob,
    Figure,
    Part,
    Review,
    Round,
    RoundDeadline,
    RoundTransition,
    Submission,
    Town,
    Transition,
)
from assessment.workbook import round_workbook_file, workbook_filename

logger = logging.getLogger(__name__)

ACTIVE = (ExportJob.Status.PENDING, ExportJob.Status.RUNNING)


def _aggregate(queryset, maxima=(), sums=()):
    values = {"n": Count("pk")} | {f"max_{f}": Max(f) for f in maxima} | {f"sum_{f}": Sum(f) for f in sums}
    return queryset.aggregate(**values)


def round_fingerprint(round_):
    """A digest of everything a round's workbook is built from; it changes whenever any of it changes.

    Counts catch deletions, latest times and summed versions catch edits, history tables catch edits made
    without touching `updated_at`; today's date is in it because deadline states move with the calendar.
    """
    in_round = {"submission__round": round_}
    submissions = Submission.objects.filter(round=round_).values("pk")
    parts = [
        timezone.localdate().isoformat(),
        Round.objects.filter(pk=round_.pk).values().get(),
        list(RoundDeadline.objects.filter(round=round_).order_by("criterion_id").values_list("criterion_id", "deadline")),
        _aggregate(RoundTransition.objects.filter(round=round_), ["id"]),
        _aggregate(Submission.objects.filter(round=round_), ["updated_at"], ["version"]),
        _aggregate(Submission.history.filter(round_id=round_.pk), ["history_date"]),
        _aggregate(Figure.objects.filter(round=round_), ["updated_at"], ["version"]),
        _aggregate(Figure.history.filter(round_id=round_.pk), ["history_date"]),
        _aggregate(Review.objects.filter(**in_round), ["reviewed_at"]),
        _aggregate(Review.history.filter(submission_id__in=submissions), ["history_date"]),
        _aggregate(Part.objects.filter(**in_round), ["updated_at"], ["version"]),
        _aggregate(Evidence.objects.filter(**in_round), ["id"]),
        _aggregate(Transition.objects.filter(**in_round), ["id"]),
        _aggregate(Extension.objects.filter(**in_round), ["id", "decided_at"], ["version"]),
        _aggregate(Appeal.objects.filter(**in_round), ["id", "decided_at"], ["version"]),
    ]
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def start_export(round_, *, user, town=None):
    """The export job for a round (or one town of it): one already queued or running, a finished one built from
    the same data, or a new one whose build is queued once the transaction commits."""
    # Locking the round makes two simultaneous requests for it take turns, so only one job is created.
    Round.objects.select_for_update().filter(pk=round_.pk).exists()
    expire_stale()
    jobs = ExportJob.objects.filter(round=round_, town=town).order_by("-created_at")
    existing = jobs.filter(status__in=ACTIVE).first() or jobs.filter(
        status=ExportJob.Status.DONE, fingerprint=round_fingerprint(round_)).exclude(file="").first()
    if existing is not None:
        return existing
    total = 1 if town else Town.objects.filter(district_id=round_.district_id).count()
    job = ExportJob.objects.create(round=round_, town=town, requested_by=user, total=total,
                                   filename=workbook_filename(round_, town), heartbeat_at=timezone.now())
    transaction.on_commit(lambda: build_export.enqueue(job.pk))
    return job


def expire_stale(now=None):
    """Fail the jobs that made no progress for `EXPORT_JOB_TIMEOUT_MINUTES` (their worker died); returns how many."""
    now = now or timezone.now()
    minutes = settings.EXPORT_JOB_TIMEOUT_MINUTES
    limit = now - datetime.timedelta(minutes=minutes)
    silent = Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit)
    return ExportJob.objects.filter(silent, status__in=ACTIVE).update(
        status=ExportJob.Status.FAILED, finished_at=now,
        error=_("导出任务超过 %(minutes)d 分钟没有进展，后台服务可能已中断。请点击“重试”重新生成。") % {"minutes": minutes},
    )


@task()
def build_export(job_id):
    # Every write below is conditional on the job still being this run's: once expired, the run's result is dropped.
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now())
    if not claimed:
        return
    job = ExportJob.objects.select_related("round", "town").get(pk=job_id)
    mine = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING)
    fingerprint = round_fingerprint(job.round)  # read before the data, so a change meanwhile makes it stale

    def progress(done, total):
        mine.update(done=done, total=total, heartbeat_at=timezone.now())

    try:
        data = round_workbook_file(job.round, town=job.town, progress=progress)  # a temporary file, not bytes
    except Exception:
        logger.exception("export job %s failed", job_id)
        mine.update(status=ExportJob.Status.FAILED, error=_("生成失败，请稍后重试或联系管理员。"), finished_at=timezone.now())
        return
    with data:
        job.file.save(f"{uuid.uuid4().hex}.xlsx", File(data), save=False)
    finished = mine.update(file=job.file.name, status=ExportJob.Status.DONE, done=F("total"), fingerprint=fingerprint,
                           finished_at=timezone.now(), heartbeat_at=timezone.now())
    if not finished:
        job.file.storage.delete(job.file.name)
