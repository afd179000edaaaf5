import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from assessment import services
from audit import tasks
from audit.models import AuditError, Record
from tests.factories import UserFactory, upload

PASSWORD = "secret-pass-123"


def kinds(**filters):
    return list(Record.objects.filter(**filters).order_by("id").values_list("kind", flat=True))


def test_login_logout_and_failure_recorded_with_address_and_browser(client, db):
    user = UserFactory(username="li", role="viewer")
    client.post(reverse("login"), {"username": "li", "password": "wrong"}, HTTP_USER_AGENT="TestBrowser/1.0")
    client.post(reverse("login"), {"username": "li", "password": PASSWORD}, HTTP_USER_AGENT="TestBrowser/1.0")
    client.post(reverse("logout"))
    assert kinds(username="li") == ["login_failed", "login", "logout"]
    failed = Record.objects.get(kind="login_failed")
    assert (failed.user, failed.ip, failed.user_agent) == (user, "127.0.0.1", "TestBrowser/1.0")


def test_failed_login_of_unknown_name_keeps_the_name(client, db):
    client.post(reverse("login"), {"username": "nobody", "password": "x"})
    record = Record.objects.get(kind="login_failed")
    assert (record.user, record.username) == (None, "nobody")


def test_lockout_recorded(client, db):
    UserFactory(username="li", role="viewer")
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "li", "password": "wrong"})
    assert kinds(kind="lockout") == ["lockout"]


def test_evidence_download_recorded(client, item, official_a):
    evidence = services.add_evidence(item, user=official_a, upload=upload(), description="报告")
    client.force_login(official_a)
    client.get(reverse("evidence", args=[evidence.pk]))
    record = Record.objects.get(kind="evidence_download")
    assert (record.user, record.detail) == (official_a, {"evidence": evidence.pk, "submission": item.pk})


def test_exports_recorded(client, viewer, open_round, rubric):
    client.force_login(viewer)
    assert client.post(reverse("round-export"), {"round": open_round.pk}).status_code == 200
    assert client.get(reverse("standard-export")).status_code == 200
    details = list(Record.objects.filter(kind="export").order_by("id").values_list("detail", flat=True))
    assert details == [{"workbook": "round", "round": open_round.pk}, {"workbook": "standard", "rubric": rubric.pk}]


def test_records_cannot_be_changed_or_deleted(db):
    record = Record.objects.create(kind="login", username="x", at=timezone.now())
    record.username = "y"
    with pytest.raises(AuditError):
        record.save()
    with pytest.raises(AuditError):
        record.delete()
    with pytest.raises(AuditError):
        Record.objects.filter(pk=record.pk).update(username="y")
    with pytest.raises(AuditError):
        Record.objects.all().delete()
    assert Record.objects.get(pk=record.pk).username == "x"


def test_admin_reads_but_cannot_add_change_or_delete(client, admin_user):
    client.force_login(admin_user)
    record = Record.objects.filter(kind="login").first() or Record.objects.create(kind="login", at=timezone.now())
    assert client.get(reverse("admin:audit_record_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_record_change", args=[record.pk])).status_code == 200  # view only
    assert client.post(reverse("admin:audit_record_change", args=[record.pk]), {"username": "z"}).status_code == 403
    assert client.get(reverse("admin:audit_record_add")).status_code == 403
    assert client.post(reverse("admin:audit_record_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    assert Record.objects.filter(pk=record.pk).exists()


def test_purge_keeps_the_retention_period(db):
    now = timezone.now()
    old = Record.objects.create(kind="login", username="old", at=now - datetime.timedelta(days=366))
    kept = Record.objects.create(kind="login", username="kept", at=now - datetime.timedelta(days=364))
    call_command("purge_audit")
    assert list(Record.objects.filter(pk__in=[old.pk, kept.pk]).values_list("username", flat=True)) == ["kept"]


@override_settings(AUDIT_RETENTION_DAYS=179)
def test_purge_refuses_less_than_180_days(db):
    Record.objects.create(kind="login", username="old", at=timezone.now() - datetime.timedelta(days=200))
    with pytest.raises(CommandError, match="审计记录至少保存 180 天（网络安全法第二十一条），当前设置为 179 天。"):
        call_command("purge_audit")
    assert Record.objects.count() == 1


def test_purge_runs_daily_in_the_worker(db):
    at = timezone.make_aware(datetime.datetime(2026, 5, 1, 10, 0))
    assert tasks.next_run(at) == timezone.make_aware(datetime.datetime(2026, 5, 2, 3, 0))


def test_schedule_reminders_also_queues_one_daily_purge(db, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("schedule_reminders")
    call_command("schedule_reminders")
    [run] = DBTaskResult.objects.filter(task_path=tasks.daily_purge.module_path, status="READY")
    assert run.run_after == tasks.next_run()
