"""The daily reminder run in the background worker: scheduled once, then re-queued by each run for the next day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from notices.models import Message
from notices.tasks import daily_reminders, next_run, schedule
from tests.notices.conftest import set_deadline

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_like_the_worker(row):
    """What `manage.py db_worker` does with a ready task (its loop also closes connections, which a test cannot)."""
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    row.claim("test-worker")
    worker.run_task(row)


def queued():
    return list(DBTaskResult.objects.filter(task_path=daily_reminders.module_path, status="READY"))


def test_next_run_is_the_next_reminder_hour_in_shanghai(settings):
    settings.REMINDER_HOUR = 8
    before = datetime.datetime(2030, 6, 23, 7, 59, tzinfo=SHANGHAI)
    after = datetime.datetime(2030, 6, 23, 8, 0, tzinfo=SHANGHAI)
    assert next_run(before) == datetime.datetime(2030, 6, 23, 8, 0, tzinfo=SHANGHAI)
    assert next_run(after) == datetime.datetime(2030, 6, 24, 8, 0, tzinfo=SHANGHAI)


def test_schedule_reminders_queues_one_run_however_often_it_is_called(database_queue, capsys):
    call_command("schedule_reminders")
    call_command("schedule_reminders")
    [run] = queued()
    assert run.run_after == next_run()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == out[1] == f"每日到期提醒已安排，下次运行：{timezone.localtime(run.run_after):%Y-%m-%d %H:%M}。"


def test_the_worker_runs_the_reminders_and_queues_the_next_day(database_queue, long_round, official_a):
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    set_deadline(long_round, "2.3⑤", last_month)  # overdue today
    schedule()
    DBTaskResult.objects.update(run_after=timezone.now() - datetime.timedelta(minutes=1))  # its hour has come
    run_like_the_worker(DBTaskResult.objects.ready().get())
    assert Message.objects.filter(user=official_a, kind="reminder").count() == 1
    [finished] = DBTaskResult.objects.filter(task_path=daily_reminders.module_path, status="SUCCESSFUL")
    assert finished.return_value == 1
    [next_one] = queued()
    assert next_one.run_after == next_run()


def test_without_a_queue_that_can_wait_nothing_is_scheduled(capsys):
    # The tests' immediate backend runs tasks at once and cannot defer them: the command says to use a timer instead.
    call_command("schedule_reminders")
    assert "请用系统定时器每天运行 manage.py send_reminders" in capsys.readouterr().out
