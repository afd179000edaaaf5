"""Cities and the province: a city-level account sees exactly its districts, a province-level one every district."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import scoping, services
from assessment.models import City, District, ResponsibleUnit, Round, Submission, Town, User
from tests.factories import UserFactory


def _district_round(rubric, city, name, towns):
    district = District.objects.create(name=name, city=city)
    for n, town in enumerate(towns):
        Town.objects.create(district=district, name=town, kind="街道", order=n)
    today = datetime.date.today()
    return services.open_round(rubric=rubric, district=district, name=f"{name}年度评估",
                               opens_on=today - datetime.timedelta(days=10), closes_on=today + datetime.timedelta(days=30))


@pytest.fixture
def nanjing(db):
    return City.objects.get(name="南京市")


@pytest.fixture
def pukou_round(rubric, nanjing):
    return _district_round(rubric, nanjing, "浦口区", ["江浦街道", "顶山街道"])


@pytest.fixture
def gusu_round(rubric):
    return _district_round(rubric, City.objects.create(name="苏州市", code="320500"), "姑苏区", ["平江街道"])


@pytest.fixture
def city_viewer(nanjing):
    return UserFactory(role="viewer", username="nanjing-leader", city=nanjing)


@pytest.fixture
def province_viewer(db):
    return UserFactory(role="viewer", username="province-leader")


@pytest.fixture
def liuhe_viewer(db):
    return UserFactory(role="viewer", username="liuhe-leader", district=District.objects.get(name="六合区"))


@pytest.fixture
def three_rounds(open_round, pukou_round, gusu_round):
    return {"liuhe": open_round, "pukou": pukou_round, "gusu": gusu_round}


def test_liuhe_belongs_to_nanjing(nanjing):
    assert District.objects.get(name="六合区").city == nanjing
    assert nanjing.code == "320100"


def test_levels(city_viewer, province_viewer, liuhe_viewer, official_a, police):
    assert [u.level for u in (official_a, liuhe_viewer, city_viewer, province_viewer, police)] == [
        "town", "district", "city", "province", "province"]
    assert (city_viewer.compares_districts, province_viewer.compares_districts) == (True, True)
    assert (liuhe_viewer.compares_districts, official_a.compares_districts, police.compares_districts) == (
        False, False, False)


def test_city_account_cannot_also_have_a_district(nanjing, town_a):
    both = User(username="both", role="viewer", city=nanjing, district=District.objects.get(name="六合区"))
    with pytest.raises(ValidationError) as error:
        both.full_clean()
    assert "city" in error.value.message_dict
    town_and_city = User(username="tc", role="town", town=town_a, city=nanjing)
    with pytest.raises(ValidationError):
        town_and_city.full_clean()


def _names(queryset):
    return sorted(queryset.values_list("district__name", flat=True).distinct())


def test_rounds_by_level(three_rounds, city_viewer, province_viewer, liuhe_viewer):
    assert _names(scoping.rounds_for_user(city_viewer)) == ["六合区", "浦口区"]
    assert _names(scoping.rounds_for_user(province_viewer)) == ["六合区", "姑苏区", "浦口区"]
    assert _names(scoping.rounds_for_user(liuhe_viewer)) == ["六合区"]
    assert sorted(scoping.districts_for_user(city_viewer).values_list("name", flat=True)) == ["六合区", "浦口区"]


def test_managed_rounds_of_a_city_reviewer(three_rounds, nanjing):
    reviewer = UserFactory(role="reviewer", username="nanjing-reviewer", city=nanjing)
    assert _names(scoping.managed_rounds(reviewer)) == ["六合区", "浦口区"]


def test_submissions_by_level(three_rounds, city_viewer, province_viewer, liuhe_viewer):
    assert scoping.submissions_for_user(city_viewer).count() == (11 + 2) * 41
    assert scoping.submissions_for_user(province_viewer).count() == (11 + 2 + 1) * 41
    assert scoping.submissions_for_user(liuhe_viewer).count() == 11 * 41
    city_department = UserFactory(role="department", username="nj-police", city=city_viewer.city,
                                  unit=ResponsibleUnit.objects.get(name="区公安分局"))
    towns = set(scoping.submissions_for_user(city_department).values_list("town__district__name", flat=True))
    assert towns == {"六合区", "浦口区"}


def test_towns_by_level(three_rounds, city_viewer, province_viewer, liuhe_viewer):
    pingjiang, jiangpu = Town.objects.get(name="平江街道"), Town.objects.get(name="江浦街道")
    assert scoping.get_town_for_user(city_viewer, jiangpu.pk) == jiangpu
    assert scoping.get_town_for_user(province_viewer, pingjiang.pk) == pingjiang
    for user, town in ((city_viewer, pingjiang), (liuhe_viewer, jiangpu)):
        with pytest.raises(scoping.Http404):
            scoping.get_town_for_user(user, town.pk)


def test_result_pages_by_level(client, three_rounds, city_viewer, province_viewer, liuhe_viewer):
    pukou, gusu = three_rounds["pukou"], three_rounds["gusu"]
    client.force_login(city_viewer)
    assert "江浦街道" in client.get(reverse("results"), {"round": pukou.pk}).content.decode()
    assert client.get(reverse("results"), {"round": gusu.pk}).status_code == 404
    assert client.get("/api/results/", {"round": gusu.pk}).status_code == 404
    assert sorted(row["town_name"] for row in client.get("/api/results/", {"round": pukou.pk}).json()) == [
        "江浦街道", "顶山街道"]
    jiangpu = Town.objects.get(name="江浦街道")
    assert client.get(reverse("town-results", args=[jiangpu.pk]), {"round": pukou.pk}).status_code == 200
    pingjiang = Town.objects.get(name="平江街道")
    assert client.get(reverse("town-results", args=[pingjiang.pk]), {"round": gusu.pk}).status_code == 404
    client.force_login(province_viewer)
    assert "平江街道" in client.get(reverse("results"), {"round": gusu.pk}).content.decode()
    client.force_login(liuhe_viewer)
    assert client.get(reverse("results"), {"round": pukou.pk}).status_code == 404


def test_api_rounds_and_submissions_by_level(client, three_rounds, city_viewer):
    client.force_login(city_viewer)
    assert sorted(r["name"] for r in client.get("/api/rounds/").json()["results"]) == sorted(
        [three_rounds["liuhe"].name, three_rounds["pukou"].name])
    other = Submission.objects.filter(round=three_rounds["gusu"]).first()
    assert client.get(reverse("api-submission", args=[other.pk])).status_code == 404
    assert client.get(reverse("submission", args=[other.pk])).status_code == 404
    own = Submission.objects.filter(round=three_rounds["pukou"]).first()
    assert client.get(reverse("api-submission", args=[own.pk])).status_code == 200


def test_round_states_still_hide_preparing_rounds(three_rounds, city_viewer):
    Round.objects.filter(pk=three_rounds["pukou"].pk).update(state=Round.State.PREPARING)
    assert _names(scoping.rounds_for_user(city_viewer)) == ["六合区"]


def test_announcements_by_level(three_rounds, city_viewer, liuhe_viewer):
    from notices.scoping import announcements_for_user
    from notices.services import post_announcement

    posted = {}
    for name in ("六合区", "浦口区", "姑苏区"):
        poster = UserFactory(role="reviewer", username=f"poster-{name}", district=District.objects.get(name=name))
        posted[name] = post_announcement(user=poster, title=f"{name}通知", body="正文")
    seen = lambda user: sorted(announcements_for_user(user).values_list("title", flat=True))  # noqa: E731
    assert seen(city_viewer) == ["六合区通知", "浦口区通知"]
    assert seen(liuhe_viewer) == ["六合区通知"]


def test_setup_check_offers_a_city_reviewer_its_districts(client, three_rounds, nanjing):
    reviewer = UserFactory(role="reviewer", username="nanjing-reviewer", city=nanjing)
    client.force_login(reviewer)
    page = client.get(reverse("setup-check"))
    assert sorted(d.name for d in page.context["districts"]) == ["六合区", "浦口区"]
    gusu = District.objects.get(name="姑苏区")
    assert client.get(reverse("setup-check"), {"district": gusu.pk}).status_code == 404


def test_a_city_admin_imports_accounts_of_its_city_only(three_rounds, nanjing):
    from assessment.account_import import AccountImportError, import_accounts
    from tests.assessment.test_account_import import HEADER, sheet

    admin = UserFactory(role="admin", username="nanjing-admin", city=nanjing)
    import_accounts(sheet([["nj-ld", "周九", "领导", None, None, None], ["jp01", "吴十", "街镇填报员", "江浦街道", "", ""]],
                          HEADER), by=admin)
    created = User.objects.get(username="nj-ld")
    assert (created.city, created.district, created.level) == (nanjing, None, "city")
    assert User.objects.get(username="jp01").town.name == "江浦街道"
    UserFactory(role="viewer", username="gusu-ld", district=District.objects.get(name="姑苏区"))
    for row in (["gusu-ld", "改名", "领导", None, None, None], ["pj01", "郑一", "街镇填报员", "平江街道", "", ""]):
        with pytest.raises(AccountImportError):
            import_accounts(sheet([row], HEADER), by=admin)
    assert User.objects.get(username="gusu-ld").last_name == ""


def test_department_officials_reaching_a_district(three_rounds, nanjing):
    from notices.owed import fillers

    police = ResponsibleUnit.objects.get(name="区公安分局")
    suzhou = City.objects.get(name="苏州市")
    for username, binding in (("nj", {"city": nanjing}), ("sz", {"city": suzhou}), ("js", {}),
                              ("lh", {"district": District.objects.get(name="六合区")})):
        UserFactory(role="department", username=f"police-{username}", unit=police, **binding)
    names = set(fillers(three_rounds["pukou"]).filter(role="department").values_list("username", flat=True))
    assert names == {"police-nj", "police-js"}
    assert set(User.objects.filter(scoping.reaching(District.objects.get(name="六合区").pk), role="department")
               .values_list("username", flat=True)) == {"police-nj", "police-js", "police-lh"}
