"""Two portal servers share one database and one S3 bucket: what one stores, the other serves.

Starts a real S3-compatible server (moto's), two gunicorn instances with DEBUG off and a task worker, all on
127.0.0.1 and on free ports, against the test database (committed data, so every process sees it). An evidence file
uploaded through server A downloads byte-identical through server B; a round workbook asked for on A is built by
the worker and downloaded from B. Needs PostgreSQL; skipped otherwise, except under CI=true where it must run.
"""

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import openpyxl
import pytest
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from assessment.models import Evidence, ExportJob
from assessment.standard import load_default_standard
from tests.factories import PDF_BYTES

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "liuhe-evidence"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rubric(transactional_db):
    """附件1 as the data migration loads it: an earlier transactional test's flush may have emptied the tables."""
    return load_default_standard()


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        message = "两台服务器共用数据库的测试需要 PostgreSQL（设置 DATABASE_URL）"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, deadline=30):
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        try:
            requests.get(url, timeout=10, allow_redirects=False)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {deadline} s")


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def cluster(tmp_path):
    """{'a': url, 'b': url, 's3': url}; every process is stopped by its PID afterwards."""
    ports = {name: free_port() for name in ("s3", "a", "b")}
    s3 = f"http://127.0.0.1:{ports['s3']}"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "liuhe_portal.settings", "DJANGO_DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # sessions made here are signed with it
        "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": database_url(), "CONN_MAX_AGE": "0",
        "S3_ENDPOINT_URL": s3, "S3_BUCKET": BUCKET, "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test",
        "S3_REGION": "us-east-1", "EXPORT_SYNC_MAX_TOWNS": "1", "MEDIA_ROOT": str(tmp_path / "unused-media"),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "STATIC_ROOT": str(tmp_path / "static"),
        "REQUIRE_2FA": "0",  # the sessions below are made without a second factor; 2FA has its own tests
    }
    for name in ("DOWNLOAD_X_ACCEL_PREFIX", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    logs = tmp_path / "logs"
    logs.mkdir()
    # With DEBUG off pages name their hashed static files, which only collectstatic's manifest knows.
    collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env,
                             capture_output=True, text=True)
    assert collect.returncode == 0, collect.stderr
    commands = {
        "s3": [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(ports["s3"])],
        "a": [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{ports['a']}", "-w", "1", "--graceful-timeout", "2", "liuhe_portal.wsgi"],
        "b": [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{ports['b']}", "-w", "1", "--graceful-timeout", "2", "liuhe_portal.wsgi"],
        "worker": [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
    }
    processes = {}
    try:
        for name, command in commands.items():
            with open(logs / f"{name}.log", "wb") as log:
                processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_for(s3)
        boto3.client("s3", endpoint_url=s3, aws_access_key_id="test", aws_secret_access_key="test",
                     region_name="us-east-1").create_bucket(Bucket=BUCKET)
        urls = {name: f"http://127.0.0.1:{ports[name]}" for name in ("a", "b")}
        for url in urls.values():
            wait_for(url + "/accounts/login/")
        yield urls | {"s3": s3, "logs": logs}
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def logged_in(user):
    """A browser session for `user`, made in the shared database (the login page itself is not under test)."""
    session = SessionStore()
    # The backend a password login records: the lockout backend listed first only guards authentication.
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, session.session_key, domain="127.0.0.1")
    return browser


def csrf(browser, url):
    assert browser.get(url, timeout=10).status_code == 200
    return browser.cookies[settings.CSRF_COOKIE_NAME]


def test_file_and_workbook_made_on_one_server_are_served_by_the_other(cluster, item, official_a, reviewer,
                                                                      open_round):
    town = logged_in(official_a)
    page = f"/items/{item.pk}/"
    content = PDF_BYTES + os.urandom(200_000)
    answer = town.post(cluster["a"] + page, timeout=20, allow_redirects=False, data={
        "csrfmiddlewaretoken": csrf(town, cluster["a"] + page), "narrative": "监控已建成。", "completed_on": "2026-10-01",
        "metric_cameras_total": "200", "metric_cameras_gov": "30", "version": str(item.version), "action": "save",
        "evidence_description": "验收报告",
    }, files={"evidence_file": ("验收报告.pdf", content, "application/pdf")})
    assert (answer.status_code, answer.headers["Location"]) == (302, page), (cluster["logs"] / "a.log").read_text()
    evidence = Evidence.objects.get(submission=item)
    stored = boto3.client("s3", endpoint_url=cluster["s3"], aws_access_key_id="test", aws_secret_access_key="test",
                          region_name="us-east-1").get_object(Bucket=BUCKET, Key=evidence.file.name)
    assert stored["Body"].read() == content
    download = town.get(f"{cluster['b']}/evidence/{evidence.pk}/", timeout=20)
    assert (download.status_code, download.content) == (200, content)
    assert download.headers["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E9%AA%8C%E6%94%B6%E6%8A%A5%E5%91%8A.pdf")

    office = logged_in(reviewer)
    asked = office.post(cluster["a"] + "/results/export/", timeout=20, allow_redirects=False, data={
        "csrfmiddlewaretoken": csrf(office, cluster["a"] + "/results/"), "round": open_round.pk})
    job = ExportJob.objects.get()
    assert asked.headers["Location"] == f"/exports/{job.pk}/"
    until = time.monotonic() + 40
    while (status := office.get(f"{cluster['b']}/exports/{job.pk}/status/", timeout=10).json())["status"] != "done":
        assert status["status"] != "failed" and time.monotonic() < until, (cluster["logs"] / "worker.log").read_text()
        time.sleep(0.3)
    workbook = office.get(f"{cluster['b']}/exports/{job.pk}/download/", timeout=20)
    assert workbook.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames[0] == "汇总"
