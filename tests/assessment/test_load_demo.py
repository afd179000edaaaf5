import pytest
from django.core.management import CommandError, call_command

from assessment.models import Round, Submission, User


def test_load_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as error:
        call_command("load_demo", password="demo-pass-1")
    assert str(error.value) == "DEBUG 未开启：演示数据只能在开发环境中创建。"
    assert User.objects.count() == 0


def test_load_demo_builds_accounts_and_two_rounds(db, settings, capsys):
    """One load (it takes a while) checked for everything a first look needs."""
    settings.DEBUG = True
    call_command("load_demo")
    password = capsys.readouterr().out.strip().rsplit("密码：", 1)[1]
    assert User.objects.get(username="leader").check_password(password)
    _accounts_have_roles(password)
    _round_has_every_state_in_every_town()
    _last_years_round_is_published_and_archived()
    _neighbour_district_to_compare_with()


def _accounts_have_roles(password):
    users = {u.username: u for u in User.objects.filter(password__startswith="md5$").select_related(
        "town", "unit", "district", "city")}
    assert {name: u.role for name, u in users.items()} == {
        "admin": "admin", "reviewer": "reviewer", "leader": "viewer", "official1": "town", "official2": "town",
        "police": "department", "transport": "department", "city": "viewer", "province": "viewer",
    }
    assert users["police"].unit.name == "区公安分局"
    assert {name: u.district.name if u.district else None for name, u in users.items() if u.role != "town"} == {
        "admin": None, "reviewer": "六合区", "leader": "六合区", "police": "六合区", "transport": "六合区",
        "city": None, "province": None,
    }
    assert {name: u.level for name, u in users.items() if u.role != "town"} == {
        "admin": "province", "reviewer": "district", "leader": "district", "police": "district",
        "transport": "district", "city": "city", "province": "province",
    }
    assert users["city"].city.name == "南京市"
    assert users["official1"].town != users["official2"].town
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["reviewer"].check_password(password)


def test_load_demo_twice_changes_nothing(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo", password="first-pass-1")
    call_command("load_demo", password="second-pass-2")
    # demo logins, an author without login for each other town of 六合区 and the two of 浦口区,
    # and the demo API clients' service accounts
    assert User.objects.count() == 9 + 9 + 2 + 3
    assert Round.objects.count() == 3
    assert User.objects.get(username="official1").check_password("first-pass-1")
    assert capsys.readouterr().out.splitlines()[-1] == "演示账号已存在，未作任何修改。"


def _round_has_every_state_in_every_town():
    round_ = Round.objects.get(state=Round.State.OPEN)
    assert round_.submissions.count() == 11 * 41
    for town_id in round_.submissions.values_list("town_id", flat=True).distinct():
        states = set(Submission.objects.filter(round=round_, town_id=town_id).values_list("status", flat=True))
        assert {"draft", "submitted"} <= states
    assert round_.submissions.filter(status="returned").exclude(return_reason="").exists()


def _last_years_round_is_published_and_archived():
    last, current = Round.objects.filter(district__name="六合区").order_by("opens_on")
    assert (last.state, current.state) == (Round.State.ARCHIVED, Round.State.OPEN)
    assert last.opens_on.year == current.opens_on.year - 1 or last.closes_on < current.opens_on
    assert list(last.transitions.values_list("to_state", flat=True)) == ["open", "reviewing", "published", "archived"]
    scored = last.submissions.filter(status="scored").count()
    assert scored > 11 * 41 * 0.8
    assert last.figures.count() > 0


def _neighbour_district_to_compare_with():
    """浦口区 of 南京市: a small round in 评审中, mostly scored, which the city account compares with 六合区."""
    from assessment.compare import compare_for_user

    pukou = Round.objects.get(district__name="浦口区")
    assert (pukou.state, pukou.district.city.name, pukou.submissions.count()) == (Round.State.REVIEWING, "南京市", 2 * 41)
    assert pukou.submissions.filter(status="scored").count() > 41
    rows = compare_for_user(User.objects.get(username="city")).rows
    assert sorted(row.name for row in rows) == ["六合区", "浦口区"]
    assert [row.name for row in compare_for_user(User.objects.get(username="province")).rows] == ["南京市"]
