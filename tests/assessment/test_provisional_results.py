"""暂定 and 正式 totals on the results page, the drill-down, the charts' data and the workbook; the 汇总 footer."""

import datetime
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Review, Submission
from assessment.result_views import dashboard_data
from assessment.workbook import build_round_workbook, build_standard_workbook
from scoring import stored

AS_OF = datetime.date(2026, 11, 1)
NOTE = "暂定：尚有考察点未评分，总分可能变化"
PAGE_FOOTER = "第 &P 页，共 &N 页"


def _score_all(round_, town, reviewer):
    """Score every item of the town at full points, straight through the ORM (the workflow is tested elsewhere)."""
    items = Submission.objects.filter(round=round_, town=town).select_related("criterion")
    now = datetime.datetime.now(datetime.UTC)
    Review.objects.bulk_create([
        Review(submission=item, round=round_, points=item.criterion.points, reviewer=reviewer, reviewed_at=now)
        for item in items.filter(review__isnull=True)
    ])
    items.update(status=Submission.Status.SCORED, completed_on=datetime.date(2026, 10, 1))
    stored.refresh(round_)  # written past the services, so the stored results are rebuilt here
    return items.count()


@pytest.fixture
def town_b_final(open_round, town_b, reviewer):
    assert _score_all(open_round, town_b, reviewer) == 41
    return town_b


def _read(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def _text(html, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def _status_cell(page, town):
    row = page[page.index(f'data-town="{town.pk}"'):]
    return re.search(r'<td class="result-status"><span class="badge [^"]*">(.*?)</span></td>', row).group(1)


# --------------------------------------------------------------------------- pages


def test_results_page_marks_provisional_and_final_towns(client, viewer, scored_a, town_a, town_b_final):
    client.force_login(viewer)
    page = client.get(reverse("results")).content.decode()
    assert _status_cell(page, town_a) == "暂定（已评分 1/41）"
    assert _status_cell(page, town_b_final) == "正式"
    assert _text(page, "provisional-note") == NOTE
    assert '<td class="num total">100.0</td>' in page[page.index(f'data-town="{town_b_final.pk}"'):]


def test_results_page_without_provisional_town_has_no_note(client, official_a, open_round, town_a, reviewer):
    from tests.factories import publish

    _score_all(open_round, town_a, reviewer)
    publish(open_round)
    client.force_login(official_a)  # sees only its own town, which is final
    page = client.get(reverse("results")).content.decode()
    assert (_status_cell(page, town_a), _text(page, "provisional-note")) == ("正式", None)


def test_drilldown_marks_provisional_total(client, viewer, scored_a, town_a):
    client.force_login(viewer)
    page = client.get(reverse("town-results", args=[town_a.pk])).content.decode()
    assert _text(page, "town-status") == "暂定（已评分 1/41）"
    assert _text(page, "provisional-note") == NOTE
    assert "总分 2.5 分，排名第 1" in page


def test_drilldown_marks_final_total(client, viewer, town_b_final):
    client.force_login(viewer)
    page = client.get(reverse("town-results", args=[town_b_final.pk])).content.decode()
    assert (_text(page, "town-status"), _text(page, "provisional-note")) == ("正式", None)


def test_dashboard_data_carries_status(client, viewer, open_round, scored_a, town_a, town_b_final):
    towns = {t["name"]: t for t in dashboard_data(open_round)["towns"]}
    pick = ("scored", "item_count", "final", "status")
    assert {k: towns[town_a.name][k] for k in pick} == {
        "scored": 1, "item_count": 41, "final": False, "status": "暂定（已评分 1/41）"}
    assert {k: towns[town_b_final.name][k] for k in pick} == {
        "scored": 41, "item_count": 41, "final": True, "status": "正式"}
    client.force_login(viewer)
    page = client.get(reverse("results-dashboard")).content.decode()
    data = json.loads(page.split('<script id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert [t["status"] for t in data["towns"] if t["name"] == town_a.name] == ["暂定（已评分 1/41）"]
    assert _text(page, "provisional-note") == NOTE


# --------------------------------------------------------------------------- workbook


def test_summary_status_column(open_round, scored_a, town_a, town_b_final):
    sheet = _read(build_round_workbook(open_round, as_of=AS_OF))["汇总"]
    assert sheet["C3"].value == "状态"
    statuses = {row[1]: row[2] for row in sheet.iter_rows(min_row=4, max_row=14, values_only=True)}
    assert (statuses[town_a.name], statuses[town_b_final.name]) == ("暂定（已评分 1/41）", "正式")
    assert set(statuses.values()) == {"暂定（已评分 0/41）", "暂定（已评分 1/41）", "正式"}


def test_town_sheets_state_status_in_totals_row(open_round, scored_a, town_a, town_b_final):
    book = _read(build_round_workbook(open_round, as_of=AS_OF))
    assert [c.value for c in book[town_a.name][44]][:9] == [
        "总分", None, None, None, None, None, 100.0, 2.5, "暂定（已评分 1/41）"]
    assert [c.value for c in book[town_b_final.name][44]][:9] == [
        "总分", None, None, None, None, None, 100.0, 100.0, "正式"]


def test_summary_footer_after_the_table(open_round, scored_a):
    sheet = _read(build_round_workbook(open_round, as_of=AS_OF))["汇总"]
    today = timezone.localdate()
    assert [sheet.cell(row, 1).value for row in range(15, 20)] == [
        None, f"注：{NOTE}", "制表单位：六合区视频办", f"制表日期：{today.year}年{today.month}月{today.day}日",
        "审核人：________",
    ]
    assert sheet.max_row == 19
    assert {"A16:L16", "A17:L17", "A18:L18", "A19:L19"} <= {str(r) for r in sheet.merged_cells.ranges}


def test_summary_footer_without_note_when_all_final(open_round, town_a, reviewer):
    _score_all(open_round, town_a, reviewer)
    sheet = _read(build_round_workbook(open_round, town=town_a, as_of=AS_OF))["汇总"]
    today = timezone.localdate()
    assert sheet["C4"].value == "正式"
    assert [sheet.cell(row, 1).value for row in range(5, 9)] == [
        None, "制表单位：六合区视频办", f"制表日期：{today.year}年{today.month}月{today.day}日", "审核人：________",
    ]


def test_every_sheet_prints_page_numbers(open_round, scored_a, rubric):
    book = _read(build_round_workbook(open_round, as_of=AS_OF))
    assert {sheet.oddFooter.center.text for sheet in book} == {PAGE_FOOTER}
    assert len(book.sheetnames) == 13
    assert _read(build_standard_workbook(rubric)).active.oddFooter.center.text == PAGE_FOOTER
