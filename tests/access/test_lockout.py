import base64

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "secret-pass-123"


@pytest.fixture
def official(db):
    return UserFactory(username="zhang", role="viewer")


def login(client, password, username="zhang", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def basic(username, password):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_form_locks_after_failure_limit_then_admin_unlocks(client, official, admin_user):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(4):
        response = login(client, "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    response = login(client, "wrong-password")
    assert response.status_code == 429
    assert "登录失败次数过多，账号已被锁定 30 分钟" in response.content.decode()
    response = login(client, PASSWORD)  # the right password does not help while locked
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    admin = client.__class__()
    admin.force_login(admin_user)
    page = admin.get(reverse("account-security")).content.decode()
    assert '<tr data-username="zhang">' in page and "已锁定" in page
    assert admin.post(reverse("account-unlock", args=[official.pk])).status_code == 302
    assert "已锁定" not in admin.get(reverse("account-security")).content.decode()

    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(official.pk)


def test_lockout_is_per_username_and_address(client, official):
    for _attempt in range(5):
        login(client, "wrong-password")
    assert login(client, PASSWORD).status_code == 429
    assert login(client, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_town_official_cannot_unlock(client, official, town_a):
    client.force_login(UserFactory(role="town", username="town_user", town=town_a))
    assert client.post(reverse("account-unlock", args=[official.pk])).status_code == 403


@override_settings(API_BASIC_AUTH=True)
def test_api_basic_auth_locks_after_failure_limit_then_unlocks(client, official, admin_user):
    url = reverse("api-rounds")
    assert client.get(url, **basic("zhang", PASSWORD)).status_code == 200
    for _attempt in range(4):
        assert client.get(url, **basic("zhang", "wrong-password")).status_code in (401, 403)
    response = client.get(url, **basic("zhang", "wrong-password"))
    assert response.status_code == 429
    assert response.json() == {"detail": "登录失败次数过多，账号已被锁定 30 分钟。请稍后再试，或联系管理员解锁。"}
    response = client.get(url, **basic("zhang", PASSWORD))
    assert response.status_code == 429

    admin = client.__class__()
    admin.force_login(admin_user)
    admin.post(reverse("account-unlock", args=[official.pk]))
    assert client.get(url, **basic("zhang", PASSWORD)).status_code == 200


def test_lockouts_listed_in_the_axes_admin_in_chinese(client, official, admin_user):
    for _attempt in range(5):
        login(client, "wrong-password")
    client.force_login(admin_user)
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "登录尝试（锁定）" in page
    assert "zhang" in page
