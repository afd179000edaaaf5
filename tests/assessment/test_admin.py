import io
import re
from urllib.parse import quote

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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
    points_column = dataset.headers.index("考察点分值")
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


# --------------------------------------------------------------------------- the admin in Chinese

CHINESE_HEADERS = [
    "评估标准", "版本", "总分", "出处", "一类指标编号", "一类指标", "一类指标分值", "二类指标编号", "二类指标", "二类指标分值",
    "考察点编号", "考察点", "评估内容", "考察点分值", "责任单位", "完成时间", "持续至完成时间", "指标数据项", "自动评分规则",
    "录入说明", "排序",
]


def test_standard_export_headers_and_sheet_are_chinese(rubric):
    from openpyxl import load_workbook

    dataset = CriterionResource().export()
    assert dataset.headers == CHINESE_HEADERS
    workbook = load_workbook(io.BytesIO(dataset.export("xlsx")))
    assert workbook.sheetnames == ["评估标准考察点"]
    assert [cell.value for cell in workbook.active[1]] == CHINESE_HEADERS


def test_sheet_with_the_old_english_headers_still_imports(rubric):
    before = rubric_to_tree(rubric)
    dataset = tablib.Dataset().load(_export_xlsx(), format="xlsx")
    old = {"考察点编号": "code", "考察点": "title", "评估内容": "content", "考察点分值": "points",
           "持续至完成时间": "deadline_is_span", "录入说明": "note", "排序": "order"}
    dataset.headers = [old.get(header, header) for header in dataset.headers]
    Rubric.objects.all().delete()
    Metric.objects.all().delete()
    result = CriterionResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert result.totals["new"] == 41
    assert rubric_to_tree(Rubric.objects.get()) == before


def test_admin_export_page_and_file_are_chinese(client, admin_user, rubric):
    from openpyxl import load_workbook

    client.force_login(admin_user)
    page = client.get("/admin/assessment/criterion/export/").content.decode()
    labels = re.findall(r'<label for="id_criterionresource_[^"]*">([^<]*)</label>', page)
    assert labels == CHINESE_HEADERS
    for english in ("Deadline Is Span", "Indicator", "CriterionResource", "Tablib Dataset", "Select all"):
        assert english not in page
    fields = {f"criterionresource_{name}": "on" for name in CriterionResource().get_export_order()}
    response = client.post("/admin/assessment/criterion/export/", {"format": "0", "resource": "0", **fields})
    filename = f"评估标准考察点-{timezone.localdate():%Y-%m-%d}.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(filename)}"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["评估标准考察点"]
    assert [cell.value for cell in workbook.active[1]] == CHINESE_HEADERS
    assert workbook.active.max_row == 1 + 41


def test_admin_import_page_lists_chinese_columns(client, admin_user, rubric):
    client.force_login(admin_user)
    page = client.get("/admin/assessment/criterion/import/").content.decode()
    assert re.findall(r"<code>([^<]*)</code>", page) == [", ".join(CHINESE_HEADERS[10:] + CHINESE_HEADERS[:10])]
    assert "indicator_id" not in page


def test_admin_xlsx_round_trip_through_the_import_pages(client, admin_user, rubric):
    before = rubric_to_tree(rubric)
    upload = SimpleUploadedFile("评估标准考察点.xlsx", _export_xlsx())
    Rubric.objects.all().delete()
    Metric.objects.all().delete()
    client.force_login(admin_user)
    confirm = client.post("/admin/assessment/criterion/import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert confirm.status_code == 200
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', confirm.content.decode()))
    hidden.pop("csrfmiddlewaretoken", None)
    response = client.post("/admin/assessment/criterion/process_import/", hidden)
    assert response.status_code == 302
    assert rubric_to_tree(Rubric.objects.get()) == before


def test_task_admin_is_chinese(client, admin_user, rubric):
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}}, task_path="assessment.exports.build_export", backend_name="default",
        run_after=get_date_max(), status="FAILED", traceback="Traceback …", exception_class_path="ValueError",
    )
    client.force_login(admin_user)
    index = client.get("/admin/").content.decode()
    assert ">后台任务</a>" in index and ">任务记录</a>" in index
    for english in ("Tasks Database Backend", "Task Results", "Model name"):
        assert english not in index
    listing = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    headers = re.findall(r'<div class="text">(?:<a [^>]*>|<span>)([^<]*)<', listing)
    assert headers == ["编号", "任务", "状态", "排队时间", "开始时间", "结束时间", "优先级", "队列"]
    assert "失败" in listing and "Failed" not in listing
    result = DBTaskResult.objects.get()
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{result.pk}/change/").content.decode()
    labels = re.findall(r"<label>([^<]*):</label>", detail)
    assert labels == ["编号", "状态", "排队时间", "开始时间", "结束时间", "参数", "优先级", "任务路径", "执行进程", "队列", "后端",
                      "计划执行时间", "返回值", "异常类型", "错误堆栈"]
