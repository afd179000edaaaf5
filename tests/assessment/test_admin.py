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
