import pytest
from django.urls import reverse

from assessment.models import District, ResponsibleUnit, Town, User
from assessment.setup_check import by_criterion, findings
from tests.factories import UserFactory, add_towns

LIUHE_TOWNS = ["雄州街道", "龙池街道", "程桥街道", "葛塘街道", "长芦街道", "龙袍街道", "金牛湖街道", "横梁街道", "冶山街道",
               "马鞍街道", "竹镇镇"]
# District-level 责任单位 in the order 附件1 first names them.
DISTRICT_UNITS = ["综治办", "各部门", "区财政局", "区城管局", "区交通运输局", "新城办", "区经济开发区", "住建局", "区应急办",
                  "维稳办"]


@pytest.fixture
def liuhe(rubric):
    return District.objects.get(name="六合区")


@pytest.fixture
def every_town_staffed(liuhe):
    return [UserFactory(role="town", username=f"official{n}", town=town)
            for n, town in enumerate(Town.objects.filter(district=liuhe).order_by("order"))]


def _pairs(found):
    return [(criterion.code, town.name) for criterion, town in found.unanswered]


def test_today_unanswered_items_are_the_district_departments_without_accounts(liuhe, every_town_staffed, police):
    found = findings(liuhe)
    assert _pairs(found) == [("2.4③", name) for name in LIUHE_TOWNS] + [("3.1②", name) for name in LIUHE_TOWNS]
    assert [unit.name for unit in found.idle_units] == DISTRICT_UNITS
    assert found.towns_without_officials == []
    assert not found.ok


def test_nobody_at_all_leaves_every_item_of_every_town_unanswered(liuhe, rubric):
    unanswered, idle_units, towns_without_officials = findings(liuhe)
    assert len(unanswered) == 41 * 11
    assert [unit.name for unit in idle_units] == DISTRICT_UNITS[:1] + ["区公安分局"] + DISTRICT_UNITS[1:]
    assert [town.name for town in towns_without_officials] == LIUHE_TOWNS


def test_town_without_official_misses_only_items_no_department_answers(liuhe, every_town_staffed, police):
    every_town_staffed[-1].delete()  # 竹镇镇 has nobody
    found = findings(liuhe)
    missing = [code for code, town in _pairs(found) if town == "竹镇镇"]
    assert "2.3③" in missing and "2.3②" not in missing  # 2.3② is also 区公安分局's
    assert [town.name for town in found.towns_without_officials] == ["竹镇镇"]
    assert [code for code, town in _pairs(found) if town == "雄州街道"] == ["2.4③", "3.1②"]


def test_inactive_accounts_do_not_count(liuhe, every_town_staffed, police):
    User.objects.filter(pk__in=[police.pk, every_town_staffed[0].pk]).update(is_active=False)
    found = findings(liuhe)
    unanswered_codes = {code for code, _town in _pairs(found)}
    assert {"3.1①", "3.1②", "3.3.1", "3.4.1"} <= unanswered_codes
    assert "区公安分局" in [unit.name for unit in found.idle_units]
    assert [town.name for town in found.towns_without_officials] == ["雄州街道"]


def test_all_departments_staffed_leaves_nothing(liuhe, every_town_staffed):
    for n, unit in enumerate(ResponsibleUnit.objects.filter(level=ResponsibleUnit.Level.DISTRICT)):
        UserFactory(role="department", username=f"dept{n}", unit=unit)
    found = findings(liuhe)
    assert found == ([], [], [])
    assert found.ok


def test_department_account_of_another_district_does_not_count(liuhe, every_town_staffed):
    other = District.objects.create(name="浦口区")
    unit = ResponsibleUnit.objects.get(name="区应急办")
    UserFactory(role="department", username="pukou_yingji", unit=unit, district=other)
    assert "区应急办" in [u.name for u in findings(liuhe).idle_units]
    UserFactory(role="department", username="liuhe_yingji", unit=unit, district=liuhe)
    found = findings(liuhe)
    assert "区应急办" not in [u.name for u in found.idle_units]
    assert "3.1②" not in {code for code, _town in _pairs(found)}  # either of its two units answers it


def test_city_level_department_account_answers_every_district(liuhe, every_town_staffed):
    UserFactory(role="department", username="city_jiaotong", unit=ResponsibleUnit.objects.get(name="区交通运输局"))
    assert "2.4③" not in {code for code, _town in _pairs(findings(liuhe))}


def test_findings_grouped_by_criterion(liuhe, every_town_staffed, police):
    groups = by_criterion(findings(liuhe).unanswered)
    assert [(criterion.code, [town.name for town in towns]) for criterion, towns in groups] == [
        ("2.4③", LIUHE_TOWNS), ("3.1②", LIUHE_TOWNS)
    ]


# --------------------------------------------------------------------------- page


def test_page_shows_3_1_2_once_for_all_towns(client, reviewer, every_town_staffed, police):
    client.force_login(reviewer)
    page = client.get(reverse("setup-check")).content.decode()
    assert page.count("data-criterion=") == 2
    row = page[page.index('data-criterion="3.1②"'):]
    row = row[:row.index("</tr>")]
    assert "区应急办、区城管局" in row
    assert "全部 11 个街镇" in row
    assert page.count("data-unit=") == len(DISTRICT_UNITS)
    assert "每个街镇都有启用中的填报员账号。" in page


def test_page_lists_the_towns_when_not_all(client, reviewer, every_town_staffed, police, town_a):
    every_town_staffed[0].delete()
    client.force_login(reviewer)
    page = client.get(reverse("setup-check")).content.decode()
    row = page[page.index('data-criterion="2.3③"'):]
    assert f"<td class=\"towns\">{town_a.name}</td>" in row[:row.index("</tr>") + 5]
    assert f'data-town="{town_a.pk}"' in page


def test_page_for_a_round_checks_its_district(client, reviewer, open_round, every_town_staffed, police):
    client.force_login(reviewer)
    response = client.get(reverse("setup-check"), {"round": open_round.pk})
    assert response.status_code == 200
    assert response.context["round"] == open_round
    assert [(c.code, scope) for c, _towns, scope in response.context["groups"]] == [("2.4③", "all"), ("3.1②", "all")]


def test_page_city_level_account_picks_a_district(client, reviewer, every_town_staffed):
    other = District.objects.create(name="浦口区")
    Town.objects.create(district=other, name="江浦街道", kind="街道")
    client.force_login(reviewer)
    response = client.get(reverse("setup-check"), {"district": other.pk})
    assert [t.name for t in response.context["found"].towns_without_officials] == ["江浦街道"]
    assert len(response.context["found"].unanswered) == 41


def test_page_district_account_sees_only_its_district(client, every_town_staffed, police):
    other = District.objects.create(name="浦口区")
    liuhe_reviewer = UserFactory(role="reviewer", username="liuhe_reviewer", district=District.objects.get(name="六合区"))
    client.force_login(liuhe_reviewer)
    response = client.get(reverse("setup-check"), {"district": other.pk})
    assert response.context["district"].name == "六合区"


def test_page_names_the_unstaffed_towns_once(client, reviewer, every_town_staffed, police):
    every_town_staffed[0].delete()
    every_town_staffed[1].delete()
    client.force_login(reviewer)
    page = client.get(reverse("setup-check")).content.decode()
    row = page[page.index('data-criterion="2.3③"'):]
    assert '<td class="towns">没有填报员的 2 个街镇（见下表）</td>' in row[:row.index("</tr>") + 5]
    assert page.count("data-town=") == 2


@pytest.mark.parametrize("username", ["official_a", "police", "leader"])
def test_page_only_for_round_managers(client, official_a, police, viewer, username):
    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("setup-check")).status_code == 403


def test_nav_links_for_round_managers_only(client, reviewer, official_a):
    client.force_login(reviewer)
    assert reverse("setup-check") in client.get(reverse("standard")).content.decode()
    client.force_login(official_a)
    assert reverse("setup-check") not in client.get(reverse("standard")).content.decode()


@pytest.mark.parametrize("extra_towns", [0, 20])
def test_page_query_count_constant(client, reviewer, open_round, police, django_assert_num_queries, extra_towns):
    add_towns(open_round, extra_towns)
    for town in Town.objects.all():
        UserFactory(role="town", username=f"o{town.pk}", town=town)
    client.force_login(reviewer)
    with django_assert_num_queries(12):
        page = client.get(reverse("setup-check")).content.decode()
    assert page.count("data-criterion=") == 2
    assert f"全部 {11 + extra_towns} 个街镇" in page


def test_an_api_clients_service_account_staffs_nothing(liuhe, rubric):
    from integrations.clients import create_client

    town = Town.objects.get(name="雄州街道")
    create_client("街镇对接系统", role="town", town=town)
    police = ResponsibleUnit.objects.get(name="区公安分局")
    create_client("公安统计系统", role="department", district=liuhe, unit=police)
    found = findings(liuhe)
    assert "雄州街道" in [t.name for t in found.towns_without_officials]
    assert "区公安分局" in [unit.name for unit in found.idle_units]
