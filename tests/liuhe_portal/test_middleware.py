import logging
import logging.config
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from liuhe_portal.logs import build_logging
from tests.factories import UserFactory

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory


@pytest.fixture
def log_dir(tmp_path, settings):
    """The portal's logging with files under a temporary LOG_DIR; the normal configuration is put back after."""
    settings.ROOT_URLCONF = "tests.liuhe_portal.urls_failing"
    logging.config.dictConfig(build_logging(tmp_path, "INFO"))
    yield tmp_path
    logging.config.dictConfig(django_settings.LOGGING)


def test_request_id_is_made_when_none_comes_in(client, db):
    response = client.get("/accounts/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get("/accounts/login/")["X-Request-ID"] != response["X-Request-ID"]


def test_incoming_request_id_is_kept(client, db):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="nginx-4f2a.17")
    assert response["X-Request-ID"] == "nginx-4f2a.17"


def test_incoming_request_id_that_could_forge_log_lines_is_replaced(client, db):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="x\n2026-01-01 ERROR forged")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_server_error_is_logged_with_traceback_and_request_id(log_dir, db):
    response = Client(raise_request_exception=False).get("/explode/", HTTP_X_REQUEST_ID="req-500")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-500"
    text = (log_dir / "portal.log").read_text(encoding="utf-8")
    assert "ERROR django.request [req-500] Internal Server Error: /explode/\nTraceback (most recent call last):" in text
    assert "RuntimeError: export broke" in text
    assert (log_dir / "security.log").read_text(encoding="utf-8") == ""


def test_5xx_without_exception_is_logged_with_its_request_id(log_dir, db):
    assert Client().get("/unavailable/", HTTP_X_REQUEST_ID="req-503").status_code == 503
    text = (log_dir / "portal.log").read_text(encoding="utf-8")
    assert "ERROR django.request [req-503] Service Unavailable: /unavailable/" in text


def test_security_events_go_to_security_log_too(log_dir, db):
    logging.getLogger("liuhe.security").warning("登录失败 user=%s", "official1")
    security = (log_dir / "security.log").read_text(encoding="utf-8")
    assert security.endswith("WARNING liuhe.security [-] 登录失败 user=official1\n")
    assert "WARNING liuhe.security [-] 登录失败 user=official1" in (log_dir / "portal.log").read_text(encoding="utf-8")


def test_disallowed_host_is_a_security_event(log_dir, db):
    assert Client().get("/accounts/login/", HTTP_HOST="evil.example").status_code == 400
    assert "ERROR django.security.DisallowedHost" in (log_dir / "security.log").read_text(encoding="utf-8")


def test_without_log_dir_only_stdout():
    config = build_logging(None)
    assert set(config["handlers"]) == {"stdout", "mail_admins"}
    assert config["root"]["handlers"] == ["stdout"]


def test_pages_for_a_logged_in_user_are_not_stored(client, db):
    user = UserFactory(role="reviewer")
    client.login(username=user.username, password=PASSWORD)
    for url in ["/review/", "/results/", "/messages/", "/api/rounds/"]:
        assert client.get(url)["Cache-Control"] == "no-store", url


def test_own_cache_control_gets_no_store_added(client, db, reviewer):
    client.login(username=reviewer.username, password=PASSWORD)
    assert client.get("/healthz")["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_anonymous_answers_are_left_alone(client, db):
    response = client.get("/results/")
    assert response.status_code == 302
    assert "Cache-Control" not in response
