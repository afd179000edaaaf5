import io
import json

import openpyxl
import pytest
from django.urls import reverse

from assessment.models import ExportJob
from tests.factories import add_towns, publish


def _workbook(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_round_export_downloads_workbook_with_chinese_filename(client, reviewer, scored_a, open_round):
    client.force_login(reviewer)
    response = client.post(reverse("round-export"), {"round": open_round.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%E8%AF%84%E4%BC%B0%E7%BB%93%E6%9E%9C.xlsx" in response["Content-Disposition"]  # 评估结果.xlsx
    workbook = _workbook(response)
    assert workbook.sheetnames[0] == "汇总"
    assert len(workbook.sheetnames) == 13


def test_round_export_refused_to_town_and_anonymous(client, official_a, open_round):
    assert client.post(reverse("round-export"), {"round": open_round.pk}).status_code == 302
    client.force_login(official_a)
    assert client.post(reverse("round-export"), {"round": open_round.pk}).status_code == 403


def test_round_export_get_not_allowed(client, reviewer, open_round):
    client.force_login(reviewer)
    assert client.get(reverse("round-export")).status_code == 405


def test_large_round_export_runs_as_job_with_progress(client, reviewer, scored_a, open_round, settings,
                                                      django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_TOWNS = 5
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("round-export"), {"round": open_round.pk})
    job = ExportJob.objects.get()
    assert response.url == reverse("export-job", args=[job.pk])
    status = client.get(reverse("export-job-status", args=[job.pk])).json()
    assert status == {"status": "done", "label": "已完成", "done": 11, "total": 11, "percent": 100, "error": ""}
    download = client.get(reverse("export-job-download", args=[job.pk]))
    assert _workbook(download).sheetnames[0] == "汇总"


def test_round_export_job_is_404_to_whoever_may_not_export_the_round(client, reviewer, official_a, police, scored_a,
                                                                       open_round, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_TOWNS = 0
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("round-export"), {"round": open_round.pk})
    job = ExportJob.objects.get()
    publish(open_round)
    for user in (official_a, police):
        client.force_login(user)
        for name in ["export-job", "export-job-status", "export-job-download"]:
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
        assert client.post(reverse("export-job-retry", args=[job.pk])).status_code == 404


def test_town_export_holds_only_own_town(client, official_a, scored_a, open_round, town_a, town_b):
    publish(open_round)
    client.force_login(official_a)
    assert client.get(reverse("town-export", args=[town_b.pk])).status_code == 404
    workbook = _workbook(client.get(reverse("town-export", args=[town_a.pk])))
    assert town_a.name in workbook.sheetnames
    text = " ".join(str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None)
    assert town_b.name not in text


def test_town_export_hidden_before_results_published(client, official_a, open_round, town_a):
    client.force_login(official_a)
    assert client.get(reverse("town-export", args=[town_a.pk])).status_code == 404


def test_standard_export_for_any_user(client, official_a, rubric):
    client.force_login(official_a)
    response = client.get(reverse("standard-export"))
    assert response.status_code == 200
    assert _workbook(response).active.title


def test_dashboard_data_and_page(client, viewer, scored_a, open_round, town_a):
    client.force_login(viewer)
    page = client.get(reverse("results-dashboard")).content.decode()
    data = json.loads(page.split('<script id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert data["pass_mark"] == "80.0"
    assert [s["code"] for s in data["sections"]] == ["1", "2", "3", "4", "5", "6"]
    first = data["towns"][0]
    assert (first["name"], first["total"], first["rank"], first["sections"][0]) == (town_a.name, "2.5", 1, "2.5")
    assert sum(day["count"] for day in data["submitted_per_day"]) == 1
    assert "vendor/echarts/echarts.min.js" in page


def test_dashboard_refused_to_town(client, official_a, open_round):
    client.force_login(official_a)
    assert client.get(reverse("results-dashboard")).status_code == 403


@pytest.mark.parametrize("extra_towns", [0, 10])
def test_dashboard_query_count_constant(client, viewer, open_round, django_assert_num_queries, extra_towns):
    add_towns(open_round, extra_towns)
    client.force_login(viewer)
    with django_assert_num_queries(9):  # the stored rows and their section points
        assert client.get(reverse("results-dashboard")).status_code == 200


def test_pending_job_page_shows_progress_and_no_download(client, reviewer, open_round, settings):
    settings.EXPORT_SYNC_MAX_TOWNS = 0
    client.force_login(reviewer)
    response = client.post(reverse("round-export"), {"round": open_round.pk})
    page = client.get(response.url).content.decode()
    assert '<span id="job-label">排队中</span>' in page
    assert client.get(reverse("export-job-download", args=[ExportJob.objects.get().pk])).status_code == 404
