
"""Background exports: one build per round at a time, reuse while the data is unchanged, expiry, retry, purge."""

import datetime
import io
import os
import tempfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from assessment import export_purge, exports
from assessment.models import ExportJob, Submission
from tests.factories import score_item


@pytest.fixture
def large(settings, media):
    settings.EXPORT_SYNC_MAX_TOWNS = 0  # every round export is a background job


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _request(client, user, round_, capture=None):
    client.force_login(user)
    if capture is None:
        return client.post(reverse("round-export"), {"round": round_.pk})
    with capture(execute=True):
        return client.post(reverse("round-export"), {"round": round_.pk})


def test_second_request_while_queued_returns_the_same_job_to_anyone_who_may_export(
        client, large, reviewer, viewer, open_round):
    first = _request(client, reviewer, open_round)
    second = _request(client, viewer, open_round)
    job = ExportJob.objects.get()
    assert (first.url, second.url) == (reverse("export-job", args=[job.pk]),) * 2
    assert job.requested_by == reviewer


def test_finished_job_is_reused_until_the_round_changes(client, large, reviewer, viewer, scored_a, open_round,
                                                        official_a, criteria, django_capture_on_commit_callbacks):
    first = _request(client, reviewer, open_round, django_capture_on_commit_callbacks)
    again = _request(client, viewer, open_round, django_capture_on_commit_callbacks)
    assert again.url == first.url
    assert ExportJob.objects.filter(status="done").count() == 1
    item = Submission.objects.get(round=open_round, town=scored_a.town, criterion=criteria["1.2.1"])
    score_item(item, official_a, reviewer, "1.0")
    changed = _request(client, viewer, open_round, django_capture_on_commit_callbacks)
    assert changed.url != first.url
    assert list(ExportJob.objects.values_list("status", flat=True)) == ["done", "done"]


def test_fingerprint_moves_with_each_kind_of_change(open_round, scored_a, reviewer):
    before = exports.round_fingerprint(open_round)
    assert exports.round_fingerprint(open_round) == before
    open_round.pass_mark = 60
    open_round.save()
    after_round = exports.round_fingerprint(open_round)
    assert after_round != before
    scored_a.review.delete()
    assert exports.round_fingerprint(open_round) != after_round


def test_silent_running_job_fails_with_a_message_and_can_be_retried(client, large, reviewer, open_round, scored_a,
                                                                    django_capture_on_commit_callbacks):
    _request(client, reviewer, open_round)
    lost = ExportJob.objects.get()
    ExportJob.objects.filter(pk=lost.pk).update(
        status="running", heartbeat_at=timezone.now() - datetime.timedelta(minutes=31))
    status = client.get(reverse("export-job-status", args=[lost.pk])).json()
    assert (status["status"], status["label"]) == ("failed", "失败")
    assert status["error"] == "导出任务超过 30 分钟没有进展，后台服务可能已中断。请点击“重试”重新生成。"
    page = client.get(reverse("export-job", args=[lost.pk])).content.decode()
    assert f'action="{reverse("export-job-retry", args=[lost.pk])}" id="job-retry" >' in page
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(reverse("export-job-retry", args=[lost.pk]))
    job = ExportJob.objects.exclude(pk=lost.pk).get()
    assert retried.url == reverse("export-job", args=[job.pk])
    assert (job.status, job.done, job.total) == ("done", 11, 11)


def test_recent_running_job_is_left_alone(large, reviewer, open_round):
    job = ExportJob.objects.create(round=open_round, requested_by=reviewer, status="running",
                                   heartbeat_at=timezone.now() - datetime.timedelta(minutes=29))
    assert exports.expire_stale() == 0
    assert exports.start_export(open_round, user=reviewer) == job


def test_result_of_an_expired_build_is_dropped(large, reviewer, open_round, monkeypatch, media):
    job = ExportJob.objects.create(round=open_round, requested_by=reviewer, heartbeat_at=timezone.now())

    def slow_build(round_, town=None, progress=None):
        ExportJob.objects.filter(pk=job.pk).update(status="failed")  # expired while this worker was stuck
        late = tempfile.TemporaryFile()
        late.write(b"late")
        late.seek(0)
        return late

    monkeypatch.setattr(exports, "round_workbook_file", slow_build)
    exports.build_export.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("failed", "")
    assert list((media / "exports").iterdir()) == []


def test_retry_of_a_job_that_did_not_fail_changes_nothing(client, large, reviewer, open_round):
    _request(client, reviewer, open_round)
    job = ExportJob.objects.get()
    assert client.post(reverse("export-job-retry", args=[job.pk])).url == reverse("export-job", args=[job.pk])
    assert ExportJob.objects.count() == 1


def _task_result(status, finished_at):
    return DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}}, task_path="assessment.exports.build_export", backend_name="default",
        run_after=get_date_max(), status=status, finished_at=finished_at, traceback="", exception_class_path="",
    )


def test_purge_deletes_old_jobs_files_and_finished_task_records(client, large, reviewer, open_round, scored_a, media,
                                                                django_capture_on_commit_callbacks, capsys):
    _request(client, reviewer, open_round, django_capture_on_commit_callbacks)
    old = ExportJob.objects.get()
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    ExportJob.objects.filter(pk=old.pk).update(created_at=eight_days_ago)
    recent = ExportJob.objects.create(round=open_round, requested_by=reviewer, heartbeat_at=timezone.now())
    stale_task, fresh_task = _task_result("SUCCESSFUL", eight_days_ago), _task_result("FAILED", timezone.now())
    waiting = _task_result("READY", None)
    call_command("purge_exports")
    assert capsys.readouterr().out == "已删除 1 个导出任务、1 个导出文件、1 条后台任务记录。\n"
    assert list(ExportJob.objects.all()) == [recent]
    assert not default_storage.exists(old.file.name)
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {fresh_task.pk, waiting.pk}
    assert not DBTaskResult.objects.filter(pk=stale_task.pk).exists()


def test_purge_removes_old_files_no_job_names(media, settings, rubric):
    name = default_storage.save("exports/orphan.xlsx", io.BytesIO(b"x"))
    week_ago = (timezone.now() - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS + 1)).timestamp()
    os.utime(media / name, (week_ago, week_ago))
    kept = default_storage.save("exports/new.xlsx", io.BytesIO(b"y"))
    assert export_purge.purge_exports().files == 1
    assert (default_storage.exists(name), default_storage.exists(kept)) == (False, True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_nightly_purge_is_queued_once(database_queue, rubric, capsys):
    call_command("purge_exports", "--schedule")
    call_command("purge_exports", "--schedule")
    [run] = DBTaskResult.objects.filter(task_path=export_purge.daily_purge.module_path, status="READY")
    assert run.run_after == export_purge.next_run()
    assert timezone.localtime(run.run_after).hour == 3
    out = capsys.readouterr().out.splitlines()
    assert out[0] == out[1] == f"每日导出清理已安排，下次运行：{timezone.localtime(run.run_after):%Y-%m-%d %H:%M}。"


def test_nightly_purge_queues_the_next_night(database_queue, rubric, monkeypatch):
    ran = []
    monkeypatch.setattr(export_purge, "purge_exports", lambda: ran.append(1) or export_purge.Purged(0, 0, 0))
    export_purge.daily_purge.call()
    assert ran == [1]
    assert DBTaskResult.objects.filter(task_path=export_purge.daily_purge.module_path, status="READY").count() == 1
