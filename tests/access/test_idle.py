import time

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from access.middleware import LAST_SEEN_KEY
from audit.models import Record
from tests.factories import UserFactory


def idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_defaults():
    assert settings.SESSION_IDLE_TIMEOUT == 30
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_logged_out_after_idle_timeout_with_message(client, db):
    user = UserFactory(username="idle", role="viewer")
    client.force_login(user)
    idle_for(client, 30 * 60 + 1)
    response = client.get(reverse("round-list"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Frounds%2F"
    page = client.get(response["Location"]).content.decode()
    assert "您已 30 分钟未操作，为安全起见已自动退出，请重新登录。" in page
    assert "_auth_user_id" not in client.session
    assert Record.objects.filter(kind="idle_logout", user=user).count() == 1


def test_activity_within_timeout_keeps_session(client, db):
    client.force_login(UserFactory(username="busy", role="viewer"))
    idle_for(client, 29 * 60)
    assert client.get(reverse("round-list")).status_code == 200
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < 5  # the request counted as activity


@override_settings(SESSION_IDLE_TIMEOUT=5)
def test_timeout_from_setting(client, db):
    client.force_login(UserFactory(username="short", role="viewer"))
    idle_for(client, 5 * 60 + 1)
    assert client.get(reverse("round-list")).status_code == 302
