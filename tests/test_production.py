"""Smoke test of the production setup: gunicorn with deploy/gunicorn.conf.py, DEBUG off, on PostgreSQL (the test
database, so data is committed: `transactional_db`), collected static files, on 127.0.0.1 and a free port."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
HEALTHY = {
    "Database(alias='default')": "OK",
    "Storage(alias='default')": "OK",
    "TaskQueue(max_age_minutes=30)": "OK",
}


def database_url():
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, accept="text/html"):
    """(status, headers, body) of one GET; an HTTP error status is an answer too."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_until_up(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped with exit code {process.returncode}")
        try:
            return get(url)
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"gunicorn did not answer within {seconds} s")


@pytest.fixture
def production_env(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the production smoke test on PostgreSQL (set DATABASE_URL)")
        pytest.skip("the production smoke test needs PostgreSQL: set DATABASE_URL=postgres://…")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "GUNICORN", "S3_"))}
    env = keep | {
        "DJANGO_SETTINGS_MODULE": "liuhe_portal.settings", "SECRET_KEY": "smoke-test-" + "k" * 40,
        "DATABASE_URL": database_url(), "ALLOWED_HOSTS": "127.0.0.1", "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"), "GUNICORN_WORKERS": "1",
    }
    collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert collect.returncode == 0, collect.stderr
    return env


def test_gunicorn_serves_login_page_and_health_check(production_env):
    port = free_port()
    env = production_env | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                               "liuhe_portal.wsgi"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        status, headers, body = wait_until_up(f"{base}/accounts/login/", server)
        assert status == 200
        assert 'id="id_username"' in body and "登录" in body
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        css = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', body)
        assert css, "the login page links the hashed stylesheet collectstatic wrote"
        assert get(base + css.group(1))[0] == 200

        status, headers, body = get(f"{base}/healthz", accept="application/json")
        assert (status, json.loads(body)) == (200, HEALTHY)
    finally:
        os.kill(server.pid, 15)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    assert '"GET /healthz HTTP/1.1" 200' in output
