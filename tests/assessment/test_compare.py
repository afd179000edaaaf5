"""区县对比: districts of a city and cities of the province ranked by mean total and 达标率, one rubric version at
a time."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import compare, services
from assessment.models import City, District, Round, Rubric, Submission, Town, User
from scoring.loader import round_results
from tests.factories import UserFactory, score_item


def _district_round(rubric, city, name, towns, pass_mark=None):
    district = District.objects.create(name=name, city=city)
    for n, town in enumerate(towns):
        Town.objects.create(district=district, name=town, kind="街道", order=n)
    today = datetime.date.today()
    return services.open_round(rubric=rubric, district=district, name=f"{name}年度评估", pass_mark=pass_mark,
                               opens_on=today - datetime.timedelta(days=10), closes_on=today + datetime.timedelta(days=30))


def _score(round_, town_name, points, reviewer, code="1.1.1"):
    town = Town.objects.get(name=town_name)
    official = UserFactory(role="town", username=f"official-{town.pk}", town=town)
    item = Submission.objects.get(round=round_, town=town, criterion__code=code)
    return score_item(item, official, reviewer, points)


@pytest.fixture
def nanjing(db):
    return City.objects.get(name="南京市")


@pytest.fixture
def scored(open_round, rubric, nanjing, reviewer, town_a):
    """六合区: 11 towns, one scored 3.0, 达标线 0 (all pass). 浦口区: 3.0 and 2.0, 达标线 2.5 (one of two passes).
    姑苏区 of 苏州市: one town scored 1.0, no 达标线."""
    Round.objects.filter(pk=open_round.pk).update(pass_mark=Decimal("0"))
    open_round.refresh_from_db()
    _score(open_round, town_a.name, "3.0", reviewer)
    pukou = _district_round(rubric, nanjing, "浦口区", ["江浦街道", "顶山街道"], pass_mark=Decimal("2.5"))
    _score(pukou, "江浦街道", "3.0", reviewer)
    _score(pukou, "顶山街道", "2.0", reviewer)
    gusu = _district_round(rubric, City.objects.create(name="苏州市", code="320500"), "姑苏区", ["平江街道"])
    _score(gusu, "平江街道", "1.0", reviewer)
    return {"liuhe": open_round, "pukou": pukou, "gusu": gusu}


@pytest.fixture
def city_viewer(nanjing):
    return UserFactory(role="viewer", username="nanjing-leader", city=nanjing)


@pytest.fixture
def province_viewer(db):
    return UserFactory(role="viewer", username="province-leader")


def _table(comparison):
    return [(row.rank, row.name, row.towns, row.mean_total, row.pass_rate, row.passed, row.with_mark)
            for row in comparison.rows]


def test_city_ranks_its_districts_by_mean_total(scored, city_viewer):
    comparison = compare.compare_for_user(city_viewer)
    assert (comparison.level, comparison.city.name, comparison.year) == ("district", "南京市", scored["liuhe"].year)
    assert _table(comparison) == [
        (1, "浦口区", 2, Decimal("2.50"), Decimal("50.0"), 1, 2),
        (2, "六合区", 11, Decimal("0.27"), Decimal("100.0"), 11, 11),
    ]
    assert [row.rounds for row in comparison.rows] == [[scored["pukou"]], [scored["liuhe"]]]


def test_city_ranks_by_pass_rate_when_asked(scored, city_viewer):
    comparison = compare.compare_for_user(city_viewer, order="pass_rate")
    assert [(row.rank, row.name) for row in comparison.rows] == [(1, "六合区"), (2, "浦口区")]


def test_city_account_ignores_another_city(scored, city_viewer):
    suzhou = City.objects.get(name="苏州市")
    comparison = compare.compare_for_user(city_viewer, city=str(suzhou.pk))
    assert [row.name for row in comparison.rows] == ["浦口区", "六合区"]


def test_province_ranks_cities_over_all_their_towns(scored, province_viewer):
    comparison = compare.compare_for_user(province_viewer)
    assert comparison.level == "city"
    # 南京市: (3.0 + 3.0 + 2.0) / 13 towns; 12 of 13 meet their round's 达标线. 苏州市: no 达标线 set.
    assert _table(comparison) == [
        (1, "苏州市", 1, Decimal("1.00"), None, 0, 0),
        (2, "南京市", 13, Decimal("0.62"), Decimal("92.3"), 12, 13),
    ]
    by_rate = compare.compare_for_user(province_viewer, order="pass_rate")
    assert [(row.rank, row.name) for row in by_rate.rows] == [(1, "南京市"), (2, "苏州市")]


def test_province_drills_into_a_city(scored, province_viewer, nanjing):
    comparison = compare.compare_for_user(province_viewer, city=str(nanjing.pk))
    assert (comparison.level, comparison.city) == ("district", nanjing)
    assert [row.name for row in comparison.rows] == ["浦口区", "六合区"]


def test_districts_without_a_city_are_their_own_group(scored, province_viewer):
    District.objects.filter(name="姑苏区").update(city=None)
    comparison = compare.compare_for_user(province_viewer)
    assert [(row.key, row.name) for row in comparison.rows] == [(compare.NO_CITY, None), (comparison.rows[1].key, "南京市")]
    alone = compare.compare_for_user(province_viewer, city="0")
    assert [row.name for row in alone.rows] == ["姑苏区"]


def test_equal_figures_share_a_rank(open_round, rubric, nanjing, city_viewer):
    _district_round(rubric, nanjing, "浦口区", ["江浦街道"])
    _district_round(rubric, nanjing, "江宁区", ["东山街道"])
    Round.objects.filter(pk=open_round.pk).update(pass_mark=Decimal("1"))
    ranks = [(row.rank, row.name) for row in compare.compare_for_user(city_viewer).rows]
    assert ranks[0] == (1, "六合区")  # 0 of 11 pass, but a 达标率 of 0.0 beats none at an equal mean of 0.00
    assert sorted(ranks[1:]) == [(2, "江宁区"), (2, "浦口区")]


@pytest.fixture
def other_version(scored, nanjing):
    """A 2027 version of the standard, used by one more round of 浦口区 this year."""
    rubric = Rubric.objects.create(title="评估标准", version="2027", total_points=Decimal("100"))
    pukou = District.objects.get(name="浦口区")
    today = datetime.date.today()
    return services.open_round(rubric=rubric, district=pukou, name="浦口区新版标准试评",
                               opens_on=today - datetime.timedelta(days=5), closes_on=today + datetime.timedelta(days=30))


def test_rubric_versions_are_never_mixed(other_version, scored, city_viewer, rubric):
    comparison = compare.compare_for_user(city_viewer)
    assert comparison.rubric == rubric
    assert [r.version for r in comparison.rubrics] == ["2017", "2027"]
    assert [row.rounds for row in comparison.rows] == [[scored["pukou"]], [scored["liuhe"]]]
    assert comparison.apart == [(other_version, "rubric")]
    newer = compare.compare_for_user(city_viewer, rubric=str(other_version.rubric_id))
    assert [(row.name, row.towns, row.mean_total, row.rounds) for row in newer.rows] == [
        ("浦口区", 0, None, [other_version])]
    assert sorted(r.pk for r, why in newer.apart if why == "rubric") == sorted([scored["pukou"].pk, scored["liuhe"].pk])


def test_an_older_round_of_the_same_year_is_listed_apart(scored, rubric, city_viewer):
    pukou = District.objects.get(name="浦口区")
    today = datetime.date.today()
    earlier = services.open_round(rubric=rubric, district=pukou, name="浦口区试评", opens_on=today - datetime.timedelta(days=20),
                                  closes_on=today + datetime.timedelta(days=30))
    comparison = compare.compare_for_user(city_viewer)
    assert comparison.apart == [(earlier, "older")]
    assert [row.rounds for row in comparison.rows] == [[scored["pukou"]], [scored["liuhe"]]]


def test_bad_year_rubric_or_city_is_404(client, scored, city_viewer, province_viewer):
    client.force_login(city_viewer)
    for query in ({"year": "1999"}, {"rubric": "999999"}, {"year": "abc"}):
        assert client.get(reverse("compare"), query).status_code == 404
    client.force_login(province_viewer)
    for query in ({"city": "x"}, {"city": "999999"}, {"city": "-1"}):
        assert client.get(reverse("compare"), query).status_code == 404


def test_results_match_the_loader_round_by_round(scored):
    rounds = list(scored.values())
    assert compare.town_results_by_round(rounds) == {r.pk: round_results(r) for r in rounds}
    assert compare.town_results_by_round([]) == {}


def test_page_drills_down_to_district_results(client, scored, city_viewer):
    client.force_login(city_viewer)
    page = client.get(reverse("compare")).content.decode()
    pukou = scored["pukou"]
    assert f'href="{reverse("results")}?round={pukou.pk}"' in page
    assert "2.50" in page and "50.0%" in page and "苏州" not in page and "姑苏区" not in page
    results = client.get(reverse("results"), {"round": pukou.pk}).content.decode()
    jiangpu = Town.objects.get(name="江浦街道")
    assert f'{reverse("town-results", args=[jiangpu.pk])}?round={pukou.pk}' in results
    assert f'id="to-compare" href="{reverse("compare")}?year={pukou.year}&rubric={pukou.rubric_id}"' in results


def test_page_for_the_province_links_cities(client, scored, province_viewer, nanjing):
    client.force_login(province_viewer)
    page = client.get(reverse("compare")).content.decode()
    assert f"?city={nanjing.pk}&year={scored['liuhe'].year}&rubric=" in page
    drilled = client.get(reverse("compare"), {"city": nanjing.pk}).content.decode().split('<table id="compare">')[1]
    assert "浦口区" in drilled and "姑苏区" not in drilled and 'id="back-to-cities"' in page_of(client, nanjing)


def test_compare_link_only_for_city_and_province(client, scored, city_viewer, province_viewer):
    link = f'href="{reverse("compare")}"'
    liuhe_viewer = UserFactory(role="viewer", username="liuhe-leader", district=District.objects.get(name="六合区"))
    for user, shown in ((city_viewer, True), (province_viewer, True), (liuhe_viewer, False)):
        client.force_login(user)
        assert (link in client.get(reverse("results")).content.decode()) is shown
    assert client.get(reverse("compare")).status_code == 403


def page_of(client, city):
    return client.get(reverse("compare"), {"city": city.pk}).content.decode()


def test_page_forbidden_below_city_level(client, scored, reviewer):
    liuhe = UserFactory(role="reviewer", username="liuhe-reviewer", district=District.objects.get(name="六合区"))
    official = User.objects.filter(role="town").first()
    for user in (liuhe, official):
        client.force_login(user)
        assert client.get(reverse("compare")).status_code == 403


def _grow(rubric, city, prefix, districts, towns):
    for d in range(districts):
        _district_round(rubric, city, f"{prefix}{d}区", [f"{prefix}{d}街道{t}" for t in range(towns)], pass_mark=Decimal("1"))


@pytest.mark.parametrize("level", ["city", "province"])
@pytest.mark.parametrize("extra", [0, 3])
def test_page_queries_do_not_grow(client, open_round, rubric, nanjing, django_assert_num_queries, level, extra):
    """Session, user, rounds in reach, the items of the compared rounds, their deadlines, and the page's frame."""
    _grow(rubric, nanjing, "甲", extra, 3)
    _grow(rubric, City.objects.create(name="无锡市", code="320200"), "乙", extra, 3)
    client.force_login(UserFactory(role="viewer", username="reader", city=nanjing if level == "city" else None))
    with django_assert_num_queries(QUERIES[level]):
        response = client.get(reverse("compare"))
    rows = 1 + extra if level == "city" else (2 if extra else 1)
    assert len(response.context["c"].rows) == rows


QUERIES = {"city": 8, "province": 7}  # a city account's page also reads its city
