import pytest
from django.core.management import CommandError, call_command

from assessment.models import User


def test_load_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as error:
        call_command("load_demo", password="demo-pass-1")
    assert str(error.value) == "DEBUG 未开启：演示数据只能在开发环境中创建。"
    assert User.objects.count() == 0


def test_load_demo_creates_accounts_with_roles(db, settings):
    settings.DEBUG = True
    call_command("load_demo", password="demo-pass-1")
    users = {u.username: u for u in User.objects.select_related("town")}
    assert {name: u.role for name, u in users.items()} == {
        "admin": "admin", "reviewer": "reviewer", "leader": "viewer", "official1": "town", "official2": "town",
    }
    assert users["official1"].town != users["official2"].town
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["reviewer"].check_password("demo-pass-1")


def test_load_demo_twice_changes_nothing(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo", password="first-pass-1")
    call_command("load_demo", password="second-pass-2")
    assert User.objects.count() == 5
    assert User.objects.get(username="official1").check_password("first-pass-1")
    assert capsys.readouterr().out.splitlines()[-1] == "演示账号已存在，未作任何修改。"


def test_load_demo_generates_and_prints_password(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    password = capsys.readouterr().out.strip().rsplit("密码：", 1)[1]
    assert User.objects.get(username="leader").check_password(password)
