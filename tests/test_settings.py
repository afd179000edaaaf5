import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3#Vq9!zR7$wP2&nT6*yL4(uB8)eH1^dS5@gJ0%cX-mF_aZ+oQ"  # 50 characters, as check --deploy wants
POSTGRES = "postgres://postgres@127.0.0.1:5432/liuhe_unused"  # never connected to by `check`
CLEARED = {"SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "ALLOW_SQLITE", "DJANGO_HTTPS",
           "ALLOWED_HOSTS", "SECURE_HSTS_PRELOAD", "ADMINS", "LOG_DIR",
           "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the last is set by the browser tests for their own process only


def _run(env, *args):
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    clean.update(env, DJANGO_SETTINGS_MODULE="liuhe_portal.settings")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True)


def _check(env, *args):
    return _run(env, "check", *args)


def _setting(env, expression):
    code = f"from django.conf import settings; print({expression})"
    return _run(env, "shell", "--no-imports", "-c", code)


def test_settings_refuse_to_start_without_secret_key_when_not_debug():
    result = _check({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_settings_start_with_secret_key():
    assert _check({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.example", "DATABASE_URL": POSTGRES}).returncode == 0


def test_settings_debug_runs_without_secret_key():
    assert _check({"DJANGO_DEBUG": "1"}).returncode == 0


def test_production_refuses_sqlite():
    result = _check({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.example"})
    assert result.returncode != 0
    assert "DATABASE_URL must point to PostgreSQL when DJANGO_DEBUG is off (or set ALLOW_SQLITE=1)." in result.stderr


def test_production_on_sqlite_when_allowed():
    env = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.example", "ALLOW_SQLITE": "1"}
    assert _check(env).returncode == 0


def test_check_deploy_has_no_warning_behind_https():
    env = {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "jf.example.gov.cn", "DATABASE_URL": POSTGRES, "DJANGO_HTTPS": "1"}
    result = _check(env, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_hsts_defaults_behind_https():
    env = {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "jf.example.gov.cn", "DATABASE_URL": POSTGRES, "DJANGO_HTTPS": "1"}
    expression = ("settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD,"
                  " settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT")
    assert _setting(env, expression).stdout == "31536000 True True True True True\n"
    env["SECURE_HSTS_PRELOAD"] = "0"
    assert _setting(env, "settings.SECURE_HSTS_PRELOAD").stdout == "False\n"
    assert _check(env, "--deploy", "--fail-level", "WARNING").returncode == 0


def test_admins_from_environment():
    env = {"DJANGO_DEBUG": "1", "ADMINS": "张三 <zhang@example.gov.cn>, li@example.gov.cn"}
    assert _setting(env, "settings.ADMINS").stdout == "[('张三', 'zhang@example.gov.cn'), ('', 'li@example.gov.cn')]\n"


def test_log_dir_adds_rotating_files(tmp_path):
    env = {"DJANGO_DEBUG": "1", "LOG_DIR": str(tmp_path / "logs")}
    expression = "sorted(settings.LOGGING['handlers']), settings.LOGGING['handlers']['security_file']['filename']"
    result = _setting(env, expression)
    assert result.stdout == (
        f"['app_file', 'mail_admins', 'security_file', 'stdout'] {tmp_path / 'logs' / 'security.log'}\n")
    assert (tmp_path / "logs").is_dir()


def test_tests_keep_plain_static_storage():
    assert settings.STORAGES["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_production_static_storage_is_manifest():
    result = _setting({"DJANGO_DEBUG": "1"}, "settings.STORAGES['staticfiles']['BACKEND']")
    assert result.stdout == "whitenoise.storage.CompressedManifestStaticFilesStorage\n"
