import pytest

from assessment.models import Criterion


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
    }


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
    with django_assert_num_queries(8):
        assert client.get("/api/rubric/").status_code == 200
