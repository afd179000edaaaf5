import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from liuhe_portal.health import oldest_waiting_since, task_queue_error

HEALTHY = {
    "Database(alias='default')": "OK",
    "Storage(alias='default')": "OK",
    "TaskQueue(max_age_minutes=30)": "OK",
}


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued(minutes_ago, run_after=None, status="READY"):
    """A task waiting in the database queue, enqueued `minutes_ago` minutes ago."""
    task = DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="notices.tasks.deliver_messages",
        backend_name="default", queue_name="default", run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return task


@pytest.mark.django_db
def test_healthz_answers_json_without_login(client, db_queue):
    response = client.get("/healthz", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == HEALTHY
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_format_json_and_html(client, db_queue):
    assert client.get("/healthz?format=json").json() == HEALTHY
    page = client.get("/healthz")
    assert page.status_code == 200
    assert page["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.django_db
def test_healthz_fails_when_a_task_waits_too_long(client, db_queue):
    queued(minutes_ago=45)
    response = client.get("/healthz", HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    assert response.json()["TaskQueue(max_age_minutes=30)"] == (
        "Unavailable: oldest queued task has waited 45 minutes (limit 30); is the worker running?")
    assert response.json()["Database(alias='default')"] == "OK"


@pytest.mark.django_db
def test_healthz_limit_comes_from_the_setting(client, db_queue, settings):
    settings.HEALTH_MAX_TASK_AGE_MINUTES = 60
    queued(minutes_ago=45)
    response = client.get("/healthz", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["TaskQueue(max_age_minutes=60)"] == "OK"


@pytest.mark.django_db
def test_tasks_deferred_to_later_or_finished_do_not_count(client, db_queue):
    # The next 到期提醒 run waits in the queue for tomorrow: the worker is not behind.
    queued(minutes_ago=600, run_after=timezone.now() + datetime.timedelta(hours=10))
    queued(minutes_ago=600, status="SUCCESSFUL")
    queued(minutes_ago=5)
    assert client.get("/healthz", HTTP_ACCEPT="application/json").json() == HEALTHY


@pytest.mark.django_db
def test_a_deferred_task_waits_from_its_run_after(db_queue):
    now = timezone.now()
    due = now - datetime.timedelta(minutes=40)
    queued(minutes_ago=600, run_after=due)
    queued(minutes_ago=20)
    assert oldest_waiting_since(now) == due


@pytest.mark.django_db
def test_no_database_queue_means_nothing_waits():
    queued(minutes_ago=600)  # settings_test runs tasks at once: no queue to watch
    assert oldest_waiting_since() is None


def test_task_queue_error_at_the_limit():
    now = timezone.now()
    assert task_queue_error(None, now, 30) is None
    assert task_queue_error(now - datetime.timedelta(minutes=30, seconds=59), now, 30) is None
    assert task_queue_error(now - datetime.timedelta(minutes=31), now, 30) == (
        "oldest queued task has waited 31 minutes (limit 30); is the worker running?")
