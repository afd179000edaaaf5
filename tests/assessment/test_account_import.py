import io
from urllib.parse import quote

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from assessment.account_import import AccountImportError, import_accounts
from assessment.models import District, User
from tests.factories import UserFactory

HEADER = ["用户名", "姓名", "角色", "街镇", "责任单位", "手机"]
ROWS = [
    ["xiongzhou01", "张三", "街镇填报员", "雄州街道", "", 13800000001],
    ["longchi01", "李四", "街镇填报员", "龙池街道", "", "13800000002"],
    ["gaj01", "王五", "部门填报员", "", "区公安分局", ""],
    ["yingji01", "赵六", "部门填报员", "", "区应急办", "025-57100000"],
    ["spb01", "钱七", "视频办评审员", "", "", ""],
    ["ld01", "孙八", "领导", None, None, None],
]


def sheet(rows=ROWS, header=HEADER):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "账号.xlsx"
    return buffer


def accounts():
    return set(User.objects.filter(is_superuser=False).values_list(
        "username", "last_name", "role", "town__name", "unit__name", "phone", "district__name", "is_active"))


EXPECTED = {
    ("xiongzhou01", "张三", "town", "雄州街道", None, "13800000001", None, True),
    ("longchi01", "李四", "town", "龙池街道", None, "13800000002", None, True),
    ("gaj01", "王五", "department", None, "区公安分局", "", None, True),
    ("yingji01", "赵六", "department", None, "区应急办", "025-57100000", None, True),
    ("spb01", "钱七", "reviewer", None, None, "", None, True),
    ("ld01", "孙八", "viewer", None, None, "", None, True),
}


def test_import_creates_the_accounts(admin_user, rubric):
    result = import_accounts(sheet(), by=admin_user)
    assert accounts() == EXPECTED
    assert [user.username for user, _password in result.created] == [row[0] for row in ROWS]
    assert result.updated == []
    assert result.summary == "已导入 6 个账号：新建 6 个，更新 0 个。"


def test_importing_the_same_file_twice_gives_the_same_accounts(admin_user, rubric):
    first = import_accounts(sheet(), by=admin_user)
    before = accounts()
    second = import_accounts(sheet(), by=admin_user)
    assert accounts() == before == EXPECTED
    assert User.objects.filter(is_superuser=False).count() == len(ROWS)
    assert second.created == []
    assert [user.username for user in second.updated] == [row[0] for row in ROWS]
    # Passwords handed out the first time still work: an update never touches them.
    for user, password in first.created:
        assert authenticate(username=user.username, password=password) == user


def test_new_passwords_work_for_login_and_are_stored_only_hashed(client, admin_user, rubric):
    result = import_accounts(sheet(), by=admin_user)
    passwords = [password for _user, password in result.created]
    assert len(set(passwords)) == len(passwords) and all(len(p) == 12 for p in passwords)
    for user, password in result.created:
        stored = User.objects.get(pk=user.pk)
        assert password not in stored.password and stored.password.startswith("md5$")
        assert client.login(username=user.username, password=password)


def test_update_changes_role_town_phone_and_reenables(admin_user, town_b, rubric):
    UserFactory(role="town", username="xiongzhou01", town=town_b, phone="1", last_name="旧名", is_active=False)
    import_accounts(sheet(ROWS[:1]), by=admin_user)
    user = User.objects.get(username="xiongzhou01")
    assert (user.last_name, user.town.name, user.phone, user.is_active) == ("张三", "雄州街道", "13800000001", True)
    assert user.check_password("secret-pass-123")  # the existing password is kept


def test_bad_role_names_the_row_and_imports_nothing(admin_user, rubric):
    rows = ROWS[:2] + [["bad01", "周九", "组长", "雄州街道", "", ""]]
    with pytest.raises(AccountImportError) as error:
        import_accounts(sheet(rows), by=admin_user)
    assert error.value.messages == [
        "第 4 行“角色”列：“组长”不是有效的角色，应为街镇填报员、部门填报员、视频办评审员、领导、管理员之一。"
    ]
    assert accounts() == set()


def test_every_problem_is_reported_with_row_and_column(admin_user, rubric):
    rows = [
        ["a1", "甲", "街镇填报员", "", "", ""],
        ["a2", "乙", "街镇填报员", "不存在街道", "", ""],
        ["a3", "丙", "部门填报员", "", "不存在局", ""],
        ["a4", "丁", "领导", "雄州街道", "", ""],
        ["a5", "戊", "领导", "", "区公安分局", ""],
        ["a1", "己", "领导", "", "", ""],
        ["a6", "", "领导", "", "", "电话"],
        ["", "庚", "领导", "", "", ""],
    ]
    with pytest.raises(AccountImportError) as error:
        import_accounts(sheet(rows), by=admin_user)
    assert error.value.messages == [
        "第 2 行“街镇”列：街镇填报员必须指定所属街镇。",
        "第 3 行“街镇”列：没有名为“不存在街道”的街镇。",
        "第 4 行“责任单位”列：没有名为“不存在局”的责任单位。",
        "第 5 行“街镇”列：只有街镇填报员可以绑定街镇。",
        "第 6 行“责任单位”列：只有部门填报员可以绑定责任单位。",
        "第 7 行“用户名”列：用户名“a1”与第 2 行重复。",
        "第 8 行“姓名”列：姓名不能为空。",
        "第 8 行“手机”列：“电话”不是有效的电话号码。",
        "第 9 行“用户名”列：用户名不能为空。",
    ]
    assert accounts() == set()


def test_combined_place_column_is_read_by_role(admin_user, rubric):
    rows = [["z1", "甲", "街镇填报员", "竹镇镇"], ["z2", "乙", "部门填报员", "区城管局"]]
    import_accounts(sheet(rows, header=["用户名", "姓名", "角色", "街镇或责任单位"]), by=admin_user)
    assert accounts() == {("z1", "甲", "town", "竹镇镇", None, "", None, True),
                          ("z2", "乙", "department", None, "区城管局", "", None, True)}


def test_missing_columns_and_bad_files_are_reported(admin_user, rubric):
    with pytest.raises(AccountImportError) as error:
        import_accounts(sheet([["x", "y"]], header=["用户名", "姓名"]), by=admin_user)
    assert error.value.messages == ["第 1 行缺少“角色”列。"]
    with pytest.raises(AccountImportError) as error:
        import_accounts(io.BytesIO(b"not a workbook"), by=admin_user)
    assert error.value.messages == ["文件不是有效的 Excel（.xlsx）文件。"]
    with pytest.raises(AccountImportError) as error:
        import_accounts(sheet([]), by=admin_user)
    assert error.value.messages == ["文件中没有账号。"]


def test_superusers_and_oneself_are_not_changed_by_a_sheet(admin_user, rubric):
    importer = UserFactory(role="admin", username="importer")
    with pytest.raises(AccountImportError) as error:
        import_accounts(sheet([["admin", "甲", "领导", "", "", ""], ["importer", "乙", "领导", "", "", ""]]), by=importer)
    assert error.value.messages == [
        "第 2 行“用户名”列：“admin”是超级管理员或您本人的账号，不能通过导入修改。",
        "第 3 行“用户名”列：“importer”是超级管理员或您本人的账号，不能通过导入修改。",
    ]


def test_district_admin_imports_into_own_district_only(rubric):
    liuhe = District.objects.get(name="六合区")
    other = District.objects.create(name="浦口区")
    UserFactory(role="viewer", username="pukou_leader", district=other)
    district_admin = UserFactory(role="admin", username="liuhe_admin", district=liuhe)
    import_accounts(sheet(ROWS[2:3]), by=district_admin)
    assert User.objects.get(username="gaj01").district == liuhe
    with pytest.raises(AccountImportError) as error:
        import_accounts(sheet([["pukou_leader", "甲", "领导", "", "", ""]]), by=district_admin)
    assert error.value.messages == ["第 2 行“用户名”列：账号“pukou_leader”属于其他区，不能修改。"]


# --------------------------------------------------------------------------- page


def test_page_post_returns_the_password_sheet_once(client, admin_user, rubric):
    client.force_login(admin_user)
    response = client.post(reverse("accounts-import"), {"file": sheet()})
    assert response.status_code == 200
    filename = f"账号初始密码-{timezone.localdate().isoformat()}.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(filename)}"
    assert "no-store" in response["Cache-Control"]
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0] == ("用户名", "姓名", "初始密码")
    assert [(username, name) for username, name, _password in rows[1:]] == [(row[0], row[1]) for row in ROWS]
    assert all(client.login(username=username, password=password) for username, _name, password in rows[1:])
    client.force_login(admin_user)
    page = client.get(reverse("accounts-import")).content.decode()
    assert "已导入 6 个账号：新建 6 个，更新 0 个。" in page


def test_page_post_without_new_accounts_redirects_with_summary(client, admin_user, rubric):
    import_accounts(sheet(), by=admin_user)
    client.force_login(admin_user)
    response = client.post(reverse("accounts-import"), {"file": sheet()}, follow=True)
    assert response.redirect_chain == [(reverse("accounts-import"), 302)]
    assert "已导入 6 个账号：新建 0 个，更新 6 个。" in response.content.decode()


def test_page_shows_errors_in_chinese(client, admin_user, rubric):
    client.force_login(admin_user)
    response = client.post(reverse("accounts-import"), {"file": sheet([["bad01", "周九", "组长", "", "", ""]])})
    assert response.status_code == 400
    page = response.content.decode()
    assert "账号表有以下问题，未导入任何账号：" in page
    assert "第 2 行“角色”列：“组长”不是有效的角色" in page
    assert accounts() == set()


def test_page_template_download(client, admin_user, rubric):
    client.force_login(admin_user)
    response = client.get(reverse("accounts-import"), {"template": "1"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0] == tuple(HEADER)
    import_accounts(sheet([list(rows[1])]), by=admin_user)  # the example row itself imports
    assert accounts() == {("xiongzhou01", "张三", "town", "雄州街道", None, "13800000000", None, True)}


@pytest.mark.parametrize("username", ["reviewer", "leader", "official_a"])
def test_page_only_for_account_managers(client, reviewer, viewer, official_a, username):
    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("accounts-import")).status_code == 403
    assert client.post(reverse("accounts-import"), {"file": sheet()}).status_code == 403
    assert accounts() == {(u.username, u.last_name, u.role, getattr(u.town, "name", None), None, "", None, True)
                          for u in (reviewer, viewer, official_a)}


def test_admin_role_without_superuser_may_import(client, rubric):
    client.force_login(UserFactory(role="admin", username="plain_admin"))
    assert client.get(reverse("accounts-import")).status_code == 200


@pytest.mark.parametrize("size", [2, 40])
def test_import_query_count_constant(client, admin_user, town_a, django_assert_num_queries, size):
    rows = [[f"u{n}", f"用户{n}", "街镇填报员", town_a.name, "", ""] for n in range(size)]
    for n in range(1, size, 2):  # half exist already: both the create and the update path are counted
        UserFactory(role="town", username=f"u{n}", town=town_a)
    client.force_login(admin_user)
    with django_assert_num_queries(9):
        response = client.post(reverse("accounts-import"), {"file": sheet(rows)})
    assert response.status_code == 200
    assert User.objects.filter(username__startswith="u").count() == size


@pytest.mark.parametrize("existing", [0, 30])
def test_page_query_count_constant(client, admin_user, town_a, django_assert_num_queries, existing):
    for n in range(existing):
        UserFactory(role="town", username=f"u{n}", town=town_a)
    client.force_login(admin_user)
    with django_assert_num_queries(4):
        assert client.get(reverse("accounts-import")).status_code == 200
