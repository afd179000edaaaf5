import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from assessment.models import User
from audit.models import Record
from tests.factories import UserFactory

PASSWORD = "secret-pass-123"


@pytest.fixture
def forced(db):
    return UserFactory(username="wangxiaoming", role="viewer", must_change_password=True, last_name="王")


def change(client, old, new, **data):
    return client.post(reverse("password-change"), {"old_password": old, "new_password1": new, "new_password2": new,
                                                    **data})


def test_four_validators_with_minimum_length_ten():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == ["UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
                     "NumericPasswordValidator"]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] == {"min_length": 10}


def test_every_page_leads_to_the_change_page_until_changed(client, forced):
    client.force_login(forced)
    response = client.get(reverse("round-list"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/?next=%2Frounds%2F"
    page = client.get(response["Location"]).content.decode()
    assert "请先设置新密码再继续使用" in page
    assert client.get("/admin/").status_code == 302

    response = change(client, PASSWORD, "Liuhe-Secure-2026", next="/rounds/")
    assert response.status_code == 302 and response["Location"] == "/rounds/"
    forced.refresh_from_db()
    assert forced.must_change_password is False
    assert forced.check_password("Liuhe-Secure-2026")
    assert client.get(reverse("round-list")).status_code == 200  # still logged in after the change
    assert Record.objects.filter(kind="password_change", user=forced).count() == 1


def test_weak_passwords_refused_in_chinese(client, forced):
    client.force_login(forced)
    page = change(client, PASSWORD, "12345678").content.decode()
    assert "密码长度太短。密码必须包含至少 10 个字符。" in page
    assert "这个密码太常见了。" in page
    assert "密码只包含数字。" in page
    page = change(client, PASSWORD, "wangxiaoming1").content.decode()
    assert "密码跟 用户名 太相似了。" in page
    forced.refresh_from_db()
    assert forced.must_change_password is True and forced.check_password(PASSWORD)


def test_api_answers_403_json_until_changed(client, forced):
    client.force_login(forced)
    response = client.get(reverse("api-rounds"))
    assert response.status_code == 403
    assert response.json() == {"detail": "请先修改密码：初始密码、管理员重置的密码或已过期的密码不能继续使用。"}


def test_change_page_linked_for_everyone(client, town_a):
    client.force_login(UserFactory(role="town", username="t1", town=town_a))
    page = client.get(reverse("home"), follow=True).content.decode()
    assert 'href="/accounts/password/" id="password-change-link"' in page


def test_admin_created_and_reset_accounts_must_change(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:assessment_user_add"), {
        "username": "newbie", "password1": "Liuhe-Initial-77", "password2": "Liuhe-Initial-77", "role": "viewer",
        "usable_password": "true"})
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert newbie.must_change_password is True

    newbie.must_change_password = False
    newbie.save()
    url = reverse("admin:auth_user_password_change", args=[newbie.pk])
    response = client.post(url, {"password1": "Liuhe-Reset-8899", "password2": "Liuhe-Reset-8899",
                                 "usable_password": "true"})
    assert response.status_code == 302
    newbie.refresh_from_db()
    assert newbie.must_change_password is True
    assert newbie.check_password("Liuhe-Reset-8899")
    assert Record.objects.filter(kind="password_reset").values_list("detail", flat=True)[0] == {"target": "newbie"}


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_expired_password_must_be_changed(client, db):
    user = UserFactory(username="old", role="viewer")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(user)
    assert client.get(reverse("round-list"))["Location"] == "/accounts/password/?next=%2Frounds%2F"
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=89))
    assert client.get(reverse("round-list")).status_code == 200


def test_new_passwords_record_their_age_and_need_no_change(db):
    user = User.objects.create_user("fresh", password="Liuhe-Fresh-2026")
    assert user.must_change_password is False
    assert timezone.now() - user.password_changed_at < datetime.timedelta(minutes=1)
