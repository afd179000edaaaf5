import pytest

from assessment.models import Criterion
from tests.factories import publish


def test_api_rubric_anonymous_is_refused(client, rubric):
    response = client.get("/api/rubric/")
    assert response.status_code in (401, 403)


def test_api_rubric_returns_whole_tree(client, reviewer, rubric):
    client.force_login(reviewer)
    data = client.get("/api/rubric/").json()
    assert list(data) == ["title", "total_points", "sections"]
    assert data["title"] == "南京市六合区技防街道（镇）规范化达标建设评估标准"
    assert data["total_points"] == "100.0"
    assert [(s["code"], s["title"], s["points"]) for s in data["sections"]] == [
        ("1", "领导重视", "15.0"), ("2", "科学建设", "20.0"), ("3", "强化应用", "20.0"),
        ("4", "队伍建设", "10.0"), ("5", "健全机制", "20.0"), ("6", "改革创新", "15.0"),
    ]
    criteria = [c for s in data["sections"] for i in s["indicators"] for c in i["criteria"]]
    assert len(criteria) == Criterion.objects.count() == 41


def test_api_rubric_criterion_shape(client, reviewer, rubric):
    client.force_login(reviewer)
    data = client.get("/api/rubric/").json()
    indicator = data["sections"][0]["indicators"][0]
    assert list(indicator) == ["code", "title", "points", "criteria"]
    assert indicator["criteria"][0] == {
        "code": "1.1.1",
        "title": "建立专项工作班子",
        "content": Criterion.objects.get(code="1.1.1").content,
        "points": "3.0",
        "responsible_units": ["综治办", "区公安分局", "各部门", "各街镇"],
        "deadline": "2017-09",
        "deadline_is_span": False,
        "figures": [],
        "rule": None,
    }


def test_api_rubric_lists_the_figures_a_criterion_reads_and_its_rule_in_words(client, reviewer, rubric):
    client.force_login(reviewer)
    data = client.get("/api/rubric/").json()
    criteria = {c["code"]: c for s in data["sections"] for i in s["indicators"] for c in i["criteria"]}
    gov = criteria["2.3④"]
    assert gov["figures"] == [
        {"code": "cameras_total", "name": "辖区监控摄像机总数", "unit": "台"},
        {"code": "cameras_gov", "name": "政府投资建设的监控摄像机数", "unit": "台"},
    ]
    assert gov["rule"] == [
        "条件1“政府投资建设的监控摄像机占本辖区监控摄像机比超过10%”：“政府投资建设的监控摄像机数”占“辖区监控摄像机总数”的比例应"
        "超过10%；“辖区监控摄像机总数”为0时按未满足计",
        "建议分 = 满分 × 满足的条件数 ÷ 适用的条件数（共1项，向下取一位小数）；各项均不适用时建议满分",
    ]
    assert criteria["2.5③"]["rule"][2] == (
        "条件3“同时建设高空视频监控点位，实现全面覆盖”：街镇作答“是否同时建设高空视频监控点位，实现全面覆盖”"
        "（须附佐证材料，由评审员核实；未作答不视为“是”）"
    )


def test_api_rubric_unknown_version_is_404_with_message(client, reviewer, rubric):
    client.force_login(reviewer)
    response = client.get("/api/rubric/?version=1999")
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("extra_criteria", [0, 10])
def test_api_rubric_query_count_is_constant(client, reviewer, rubric, django_assert_num_queries, extra_criteria):
    template = Criterion.objects.get(code="6.1.1")
    for n in range(extra_criteria):
        Criterion.objects.create(
            indicator=template.indicator, code=f"6.1.{n + 2}", title="附加", content="附加",
            points=0, deadline=template.deadline, order=n + 2,
        )
    client.force_login(reviewer)
    with django_assert_num_queries(9):  # the tree, each criterion's units and the figures it reads
        assert client.get("/api/rubric/").status_code == 200



def test_api_submissions_town_sees_only_own(client, official_a, open_round, town_a):
    client.force_login(official_a)
    data = client.get("/api/submissions/", {"limit": 1000}).json()
    assert data["count"] == 41
    assert {row["town"] for row in data["results"]} == {town_a.name}


def test_api_submissions_filter_by_other_town_gives_nothing(client, official_a, open_round, town_b):
    client.force_login(official_a)
    assert client.get("/api/submissions/", {"town": town_b.pk}).json()["count"] == 0


def test_api_submission_of_other_town_is_404(client, official_a, item_b):
    client.force_login(official_a)
    response = client.get(f"/api/submissions/{item_b.pk}/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_api_submission_points_only_when_scored(client, reviewer, scored_a, item):
    client.force_login(reviewer)
    assert client.get(f"/api/submissions/{scored_a.pk}/").json()["points"] == "2.5"
    assert client.get(f"/api/submissions/{item.pk}/").json()["points"] is None


def test_api_submissions_bad_filter_is_400_with_message(client, reviewer, open_round):
    client.force_login(reviewer)
    response = client.get("/api/submissions/", {"status": "nonsense"})
    assert response.status_code == 400
    data = response.json()
    assert list(data) == ["code", "detail", "status"]
    assert data["detail"].startswith("参数无效：status：") and "nonsense" in data["detail"]


def test_api_submissions_anonymous_refused(client, open_round):
    assert client.get("/api/submissions/").status_code in (401, 403)


def test_api_results_for_reader(client, viewer, scored_a, town_a):
    client.force_login(viewer)
    rows = client.get("/api/results/").json()
    assert len(rows) == 11
    assert (rows[0]["town_name"], rows[0]["total"], rows[0]["rank"], rows[0]["sections"]["1"]) == (
        town_a.name, "2.5", 1, "2.5")


def test_api_results_town_only_own_after_publication(client, official_a, scored_a, open_round, town_a):
    client.force_login(official_a)
    response = client.get("/api/results/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "没有可查看的考评结果。"}
    publish(open_round)
    assert [row["town_id"] for row in client.get("/api/results/").json()] == [town_a.pk]


def test_api_write_methods_not_allowed(client, official_a, item):
    client.force_login(official_a)
    assert client.post(f"/api/submissions/{item.pk}/", {"status": "scored"}).status_code == 405


def test_api_schema_is_served(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/submissions/" in response.content


@pytest.mark.parametrize("towns_scored", [0, 1])
def test_api_submissions_query_count_constant(client, reviewer, open_round, django_assert_num_queries, towns_scored,
                                              request):
    if towns_scored:
        request.getfixturevalue("scored_a")
    client.force_login(reviewer)
    with django_assert_num_queries(5):  # the round's deadlines for the items' outcomes
        assert client.get("/api/submissions/").status_code == 200


HUGE = "9" * 30  # beyond PostgreSQL bigint


@pytest.fixture
def second_round(open_round):
    """Another round of the same district: 2 × 11 towns × 41 items, more than one page can hold."""
    import datetime

    from assessment import services

    return services.open_round(
        rubric=open_round.rubric, district=open_round.district, name="2027年度达标评估",
        opens_on=open_round.opens_on + datetime.timedelta(days=365),
        closes_on=open_round.closes_on + datetime.timedelta(days=365),
    )


def test_api_submissions_page_is_100_by_default(client, reviewer, second_round):
    client.force_login(reviewer)
    data = client.get("/api/submissions/").json()
    assert (data["count"], len(data["results"])) == (902, 100)


def test_api_submissions_limit_is_capped_at_500(client, reviewer, second_round):
    client.force_login(reviewer)
    data = client.get("/api/submissions/", {"limit": 100000}).json()
    assert (data["count"], len(data["results"])) == (902, 500)
    assert "offset=500" in data["next"]


@pytest.mark.parametrize("params", [{"limit": HUGE}, {"offset": HUGE}, {"limit": HUGE, "offset": HUGE}])
def test_api_submissions_30_digit_limit_and_offset_are_safe(client, reviewer, open_round, params):
    client.force_login(reviewer)
    response = client.get("/api/submissions/", params)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 451
    assert len(data["results"]) == (0 if "offset" in params else 451)


def test_api_rounds_30_digit_limit_is_safe(client, reviewer, open_round):
    client.force_login(reviewer)
    response = client.get("/api/rounds/", {"limit": HUGE, "offset": "-1"})
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == [open_round.name]


@pytest.mark.parametrize("version", ["1999", "\x00"])
def test_api_rubric_bad_version_is_404_in_chinese(client, reviewer, rubric, version):
    client.force_login(reviewer)
    response = client.get("/api/rubric/", {"version": version})
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "没有该版本的评估标准。"}


def test_api_missing_object_is_404_in_chinese(client, reviewer, open_round):
    client.force_login(reviewer)
    response = client.get(f"/api/submissions/{HUGE}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "未找到。"}


def test_api_bad_round_filter_is_400_json_in_chinese(client, reviewer, open_round):
    client.force_login(reviewer)
    for value in ["abc", "1.5", "-1", "\x00", HUGE]:
        response = client.get("/api/submissions/", {"round": value})
        assert response.status_code == 400, value
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"].startswith("参数无效：round：")
