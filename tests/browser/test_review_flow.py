"""The 视频办 and leaders in a real browser: score an item, see the result, download the workbook, read the charts."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from assessment import services
from assessment.models import Metric, Review
from tests.browser.conftest import login
from tests.factories import upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submitted(item, official_a):
    metrics = {m.code: m for m in Metric.objects.filter(code__in=["cameras_total", "cameras_gov"])}
    saved = services.save_draft(
        item, user=official_a, narrative="政府投资监控 30 台。", completed_on=datetime.date(2026, 10, 1), version=0,
        figures={metrics["cameras_total"]: Decimal("200"), metrics["cameras_gov"]: Decimal("30")},
    )
    services.add_evidence(saved, user=official_a, upload=upload(), description="验收报告")
    return services.submit(saved, user=official_a)


def test_reviewer_scores_item_and_results_show_new_total(page, live_server, reviewer, submitted, town_a):
    login(page, live_server, "reviewer")
    expect(page).to_have_url(f"{live_server.url}/review/")
    page.get_by_role("link", name=re.compile(r"^2\.3④")).click()
    expect(page.locator("#proposal")).to_contain_text("满足1/1项条件，建议得分1.0分（满分1.0分）。")
    page.locator("input[name=points]").fill("0.8")
    page.locator("textarea[name=comment]").fill("部分点位未联网")
    page.locator("textarea[name=override_reason]").fill("抽查发现 5 台未联网")
    page.get_by_role("button", name="评分", exact=True).click()
    expect(page.locator(".msg-success")).to_have_text("已评分：0.8 分。")
    expect(page).to_have_url(f"{live_server.url}/review/")

    page.get_by_role("link", name="评估结果").click()
    row = page.locator(f'tr[data-town="{town_a.pk}"]')
    expect(row.locator("td.total")).to_have_text("0.8")
    expect(row.locator("td.rank")).to_have_text("1")
    review = Review.objects.get(submission=submitted)
    assert (review.points, review.proposed_points, review.override_reason) == (
        Decimal("0.8"), Decimal("1.0"), "抽查发现 5 台未联网")


def test_reviewer_downloads_round_workbook(page, live_server, reviewer, submitted, town_a):
    services.score(submitted, user=reviewer, points=Decimal("1.0"), comment="符合", version=submitted.version)
    login(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/results/")
    with page.expect_download() as download_info:
        page.locator("#export-round").click()
    download = download_info.value
    assert download.suggested_filename == "2026年度达标评估_评估结果.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    summary = workbook["汇总"]
    rows = {r[1]: r for r in summary.iter_rows(values_only=True) if r and r[1] == town_a.name}
    assert rows[town_a.name][0] == 1
    assert town_a.name in workbook.sheetnames


def test_leader_sees_three_charts(page, live_server, viewer, submitted):
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/results/charts/")
    for chart in ["chart-totals", "chart-sections", "chart-progress"]:
        expect(page.locator(f"#{chart}")).to_have_attribute("data-ready", "1")
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
    expect(page.locator("#charts-missing")).to_be_hidden()
