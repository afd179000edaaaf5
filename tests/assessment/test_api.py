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
    assert list(response.json()) == ["status"]


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
    assert response.json() == {"detail": "没有可查看的考评结果。"}
    open_round.results_published = True
    open_round.save()
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
    with django_assert_num_queries(4):
        assert client.get("/api/submissions/").status_code == 200
