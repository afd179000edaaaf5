import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check(env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="liuhe_portal.settings")
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_settings_refuse_to_start_without_secret_key_when_not_debug():
    result = _check({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_settings_start_with_secret_key():
    assert _check({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.example"}).returncode == 0


def test_settings_debug_runs_without_secret_key():
    assert _check({"DJANGO_DEBUG": "1"}).returncode == 0
