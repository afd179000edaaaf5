import pytest
import tablib

from assessment.models import Criterion, Indicator, Metric, Rubric, Section
from assessment.resources import CriterionResource
from assessment.standard import rubric_to_tree


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/assessment/rubric/",
        "/admin/assessment/section/",
        "/admin/assessment/indicator/",
        "/admin/assessment/criterion/",
        "/admin/assessment/metric/",
        "/admin/assessment/town/",
        "/admin/assessment/responsibleunit/",
        "/admin/assessment/user/",
        "/admin/assessment/criterion/import/",
        "/admin/assessment/criterion/export/",
    ],
)
def test_admin_page_loads(client, admin_user, rubric, url):
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_admin_tree_pages_show_children(client, admin_user, rubric):
    client.force_login(admin_user)
    rubric_page = client.get(f"/admin/assessment/rubric/{rubric.pk}/change/").content.decode()
    assert "领导重视" in rubric_page and "改革创新" in rubric_page
    indicator = Indicator.objects.get(code="2.3")
    indicator_page = client.get(f"/admin/assessment/indicator/{indicator.pk}/change/").content.decode()
    assert "加强高清视频监控建设" in indicator_page


def test_admin_refuses_non_staff(client, reviewer, rubric):
    client.force_login(reviewer)
    assert client.get("/admin/assessment/criterion/").status_code == 302


def _export_xlsx():
    return CriterionResource().export().export("xlsx")


def test_standard_xlsx_round_trip_is_exact(rubric):
    before = rubric_to_tree(rubric)
    workbook = _export_xlsx()
    Rubric.objects.all().delete()
    Metric.objects.all().delete()
    assert Criterion.objects.count() == 0
    dataset = tablib.Dataset().load(workbook, format="xlsx")
    result = CriterionResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert result.totals["new"] == 41
    assert rubric_to_tree(Rubric.objects.get()) == before


def test_standard_import_rejects_broken_tree_with_message(rubric):
    dataset = tablib.Dataset().load(_export_xlsx(), format="xlsx")
    points_column = dataset.headers.index("points")
    first = list(dataset[0])
    first[points_column] = "2"
    dataset[0] = first
    Rubric.objects.all().delete()
    result = CriterionResource().import_data(dataset, dry_run=False)
    assert result.has_errors()
    assert str(result.base_errors[0].error) == "二类指标 1.1 建立专门工作班子：考察点分值合计 2 分，与其分值 3 分不符。"
    assert Section.objects.count() == 0


def test_admin_round_creation_gives_every_town_its_checklist(client, admin_user, rubric):
    from assessment.models import District, Round, Submission

    client.force_login(admin_user)
    response = client.post("/admin/assessment/round/add/", {
        "rubric": rubric.pk, "district": District.objects.get().pk, "name": "2027年度", "opens_on": "2027-01-01",
        "closes_on": "2027-12-31", "pass_mark": "80", "late_policy": "flag", "late_deduction": "0",
        "deadlines-TOTAL_FORMS": "0", "deadlines-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert Submission.objects.filter(round=Round.objects.get(name="2027年度")).count() == 11 * 41


def test_admin_submission_is_read_only(client, admin_user, open_round):
    client.force_login(admin_user)
    submission = open_round.submissions.first()
    assert client.get(f"/admin/assessment/submission/{submission.pk}/change/").status_code == 200
    response = client.post(f"/admin/assessment/submission/{submission.pk}/change/", {"status": "scored"})
    assert response.status_code == 403


@pytest.mark.parametrize("model", ["review", "figure", "evidence", "transition", "submission"])
def test_admin_audit_lists_load_read_only(client, admin_user, open_round, model):
    client.force_login(admin_user)
    assert client.get(f"/admin/assessment/{model}/").status_code == 200
    assert client.get(f"/admin/assessment/{model}/add/").status_code == 403


def test_admin_submission_history_page(client, admin_user, item):
    client.force_login(admin_user)
    assert client.get(f"/admin/assessment/submission/{item.pk}/history/").status_code == 200
