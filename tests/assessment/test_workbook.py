import datetime
import io
from decimal import Decimal
from itertools import groupby

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment import services
from assessment.models import Criterion, Review, RoundDeadline, Submission, Town
from assessment.workbook import build_round_workbook, build_standard_workbook, workbook_filename
from scoring.loader import round_results
from tests.factories import score_item, upload

AS_OF = datetime.date(2026, 11, 1)
FIRST_ROW = 3  # title, header, then one row per criterion
TOWN_HEADER = ["一类指标", "二类指标", "考察点", "评估内容", "责任单位", "完成时间", "分值", "得分", "评语", "完成情况"]


def _read(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def _ordered_criteria(rubric):
    return list(
        Criterion.objects.filter(indicator__section__rubric=rubric)
        .select_related("indicator__section")
        .order_by("indicator__section__order", "indicator__order", "order")
    )


def _expected_merges(criteria, width):
    """Title across the table, each section and indicator with several criteria down its column, 总分 label."""
    merges = {f"A1:{'ABCDEFGHIJ'[width - 1]}1", f"A{FIRST_ROW + len(criteria)}:F{FIRST_ROW + len(criteria)}"}
    for letter, key in (("A", lambda c: c.indicator.section_id), ("B", lambda c: c.indicator_id)):
        row = FIRST_ROW
        for _node, run in groupby(criteria, key=key):
            size = len(list(run))
            if size > 1:
                merges.add(f"{letter}{row}:{letter}{row + size - 1}")
            row += size
    return merges


def _column_widths(sheet, count):
    """Each column's stored width; neighbouring columns of the same width are stored as one range."""
    widths = {}
    for dimension in sheet.column_dimensions.values():
        widths |= dict.fromkeys(range(dimension.min, dimension.max + 1), dimension.width)
    return [widths.get(column) for column in range(1, count + 1)]


def _row_of(sheet, code):
    rows = [cell.row for cell in sheet["C"] if isinstance(cell.value, str) and cell.value.startswith(f"{code} ")]
    assert len(rows) == 1
    return rows[0]


def _item(round_, town, criterion):
    return Submission.objects.get(round=round_, town=town, criterion=criterion)


def _rescore(item, reviewer, points, comment, reason=""):
    item.refresh_from_db()
    return services.score(item, user=reviewer, points=Decimal(points), comment=comment, override_reason=reason,
                          version=item.version)


@pytest.fixture
def scored(open_round, town_a, town_b, criteria, official_a, official_b, reviewer):
    """Town A scored on 1.1.1 (3) and 2.3⑤ (1); town B on 6.1.1 (12)."""
    score_item(_item(open_round, town_a, criteria["1.1.1"]), official_a, reviewer, "3")
    score_item(_item(open_round, town_a, criteria["2.3⑤"]), official_a, reviewer, "1")
    score_item(_item(open_round, town_b, criteria["6.1.1"]), official_b, reviewer, "12")
    return open_round


# --------------------------------------------------------------------------- 汇总


def test_round_workbook_sheet_names_summary_towns_detail(scored):
    towns = list(Town.objects.filter(district=scored.district).order_by("order").values_list("name", flat=True))
    assert _read(build_round_workbook(scored, as_of=AS_OF)).sheetnames == ["汇总", *towns, "明细"]
    assert len(towns) == 11


def test_summary_rows_equal_round_results(scored):
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))["汇总"]
    rows = [list(row) for row in sheet.iter_rows(min_row=4, max_row=14, values_only=True)]
    expected = [
        [r.rank, r.town_name, f"暂定（已评分 {r.scored}/41）", *(float(r.sections[code]) for code in "123456"),
         float(r.total), "达标" if r.passed else "未达标", r.overdue]
        for r in round_results(scored, AS_OF)
    ]
    assert rows == expected
    assert [row[:3] + [row[9]] for row in rows[:2]] == [[1, "龙池街道", "暂定（已评分 1/41）", 12.0],
                                                        [2, "雄州街道", "暂定（已评分 2/41）", 4.0]]


def test_summary_title_date_pass_mark_and_header(scored):
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))["汇总"]
    today = timezone.localdate()
    assert (sheet["A1"].value, sheet["A2"].value, sheet["J2"].value) == (
        "2026年度达标评估 评估结果汇总", f"导出日期：{today.year}年{today.month}月{today.day}日", "达标线：80分",
    )
    assert [cell.value for cell in sheet[3]] == [
        "排名", "街镇", "状态", "1.领导重视（15分）", "2.科学建设（20分）", "3.强化应用（20分）", "4.队伍建设（10分）",
        "5.健全机制（20分）", "6.改革创新（15分）", "总分", "达标", "逾期项",
    ]
    assert "A1:L1" in {str(r) for r in sheet.merged_cells.ranges}
    assert (sheet["D4"].number_format, sheet["J4"].number_format, sheet["A4"].data_type) == ("0.0", "0.0", "n")


def test_summary_without_pass_mark_shows_dash(scored):
    scored.pass_mark = None
    scored.save()
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))["汇总"]
    assert sheet["J2"].value == "达标线：未设定"
    assert {row[0].value for row in sheet.iter_rows(min_row=4, max_row=14, min_col=11, max_col=11)} == {"—"}


# --------------------------------------------------------------------------- town sheets


def test_town_sheet_merged_ranges_follow_rubric(scored, rubric, town_a):
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))[town_a.name]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert merged == _expected_merges(_ordered_criteria(rubric), width=10)
    rows = {c.code: FIRST_ROW + i for i, c in enumerate(_ordered_criteria(rubric))}
    assert {"A3:A8", f"B{rows['2.3①']}:B{rows['2.3⑥']}", f"B{rows['2.4①']}:B{rows['2.4④']}"} <= merged
    assert rows["2.3⑥"] - rows["2.3①"] + 1 == 6 and rows["2.4④"] - rows["2.4①"] + 1 == 4


def test_town_sheet_texts_like_the_standard(scored, criteria, town_a):
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))[town_a.name]
    row = _row_of(sheet, "2.3⑤")
    assert (sheet["A1"].value, [c.value for c in sheet[2]]) == (f"{town_a.name} · 2026年度达标评估", TOWN_HEADER)
    assert (sheet["A3"].value, sheet["B3"].value) == ("1.领导重视\n（15分）", "1.1建立专门工作班子\n（3分）")
    assert [sheet.cell(row, column).value for column in range(3, 8)] == [
        "2.3⑤ 加强高清视频监控建设", criteria["2.3⑤"].content, "各街镇", "现在到2018年12月", 1.0,
    ]
    assert sheet[f"E{_row_of(sheet, '1.1.1')}"].value == "综治办、区公安分局、各部门、各街镇"
    assert sheet[f"F{_row_of(sheet, '1.1.1')}"].value == "2017年9月"


def test_town_sheet_scored_row_and_total(scored, town_a, criteria):
    RoundDeadline.objects.create(round=scored, criterion=criteria["1.1.1"], deadline=datetime.date(2026, 12, 1))
    _rescore(_item(scored, town_a, criteria["1.1.1"]), Review.objects.first().reviewer, "2.5", "材料齐全")
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))[town_a.name]
    row = _row_of(sheet, "1.1.1")
    assert [sheet.cell(row, column).value for column in range(6, 11)] == [
        "2026年12月", 3.0, 2.5, "材料齐全", "已评分 · 按时完成\nx",
    ]
    assert sheet.cell(row, 8).number_format == "0.0"
    total = {r.town_id: r.total for r in round_results(scored, AS_OF)}[town_a.pk]
    assert [c.value for c in sheet[44]][:8] == ["总分", None, None, None, None, None, 100.0, float(total)]
    assert total == Decimal("3.5")


def test_town_sheet_unscored_items_leave_score_empty(scored, town_a, criteria, official_a):
    item = _item(scored, town_a, criteria["1.2.1"])
    item = services.save_draft(item, user=official_a, narrative="已提交", completed_on=datetime.date(2026, 10, 1),
                               figures={}, version=item.version)
    services.add_evidence(item, user=official_a, upload=upload(), description="d")
    services.submit(item, user=official_a)
    RoundDeadline.objects.create(round=scored, criterion=criteria["6.1.1"], deadline=datetime.date(2027, 6, 1))
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))[town_a.name]
    row = _row_of(sheet, "1.2.1")
    assert [sheet.cell(row, column).value for column in (8, 9, 10)] == [None, None, "已提交 · 逾期完成\n已提交"]
    assert [sheet.cell(_row_of(sheet, "6.1.1"), column).value for column in (6, 8, 10)] == [
        "现在到2027年6月", None, "草稿 · 未到期",
    ]


def test_town_sheet_borders_wrap_and_widths(scored, town_a):
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))[town_a.name]
    cells = [cell for row in sheet.iter_rows(min_row=2, max_row=44, max_col=10) for cell in row]
    assert {(c.border.left.style, c.border.right.style, c.border.top.style, c.border.bottom.style) for c in cells
            if c.coordinate in ("A3", "D3", "J44")} == {("thin", "thin", "thin", "thin")}
    assert {c.alignment.wrap_text for c in cells if type(c).__name__ == "Cell"} == {True}
    # Excel stores a width of N characters (Calibri 11) as N plus 5 pixels of padding over 7-pixel digits.
    assert _column_widths(sheet, 10) == [width + 0.7109375 for width in [12, 16, 16, 50, 16, 12, 8, 8, 16, 40]]


def test_sheets_freeze_header_and_repeat_it_when_printed(scored, town_a):
    book = _read(build_round_workbook(scored, as_of=AS_OF))
    town = book[town_a.name]
    assert [(book[name].freeze_panes, book[name].print_title_rows) for name in ("汇总", town_a.name, "明细")] == [
        ("A4", "$3:$3"), ("A3", "$2:$2"), ("A2", "$1:$1"),
    ]
    # One page wide, as many tall: fitToWidth is left out at its default of 1.
    assert (town.page_setup.orientation, town.page_setup.paperSize, town.page_setup.fitToWidth,
            town.page_setup.fitToHeight) == ("landscape", 9, None, 0)
    assert town.sheet_properties.pageSetUpPr.fitToPage is True


# --------------------------------------------------------------------------- 明细


def test_detail_lists_every_review_history_record(scored, town_a, town_b, criteria, reviewer):
    _rescore(_item(scored, town_a, criteria["1.1.1"]), reviewer, "2", "复核后调整")
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))["明细"]
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    label = {code: f"{code} {criteria[code].title}" for code in ("1.1.1", "2.3⑤", "6.1.1")}
    assert [[row[0], row[1], row[3], row[4], row[6], row[8]] for row in rows] == [
        [town_a.name, label["1.1.1"], "评审员甲", 3.0, None, "新增"],
        [town_a.name, label["1.1.1"], "评审员甲", 2.0, "复核后调整", "修改"],
        [town_a.name, label["2.3⑤"], "评审员甲", 1.0, None, "新增"],
        [town_b.name, label["6.1.1"], "评审员甲", 12.0, None, "新增"],
    ]
    assert [cell.value for cell in sheet[1]] == ["街镇", "考察点", "时间", "评审员", "得分", "系统建议分", "评语", "调整理由", "操作"]


def test_detail_times_are_local_datetimes(scored, town_a, criteria):
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))["明细"]
    first = Review.history.order_by("history_date", "history_id").first()
    local = timezone.localtime(first.history_date, datetime.timezone(datetime.timedelta(hours=8)))
    assert (sheet["C2"].value, sheet["C2"].number_format) == (local.replace(tzinfo=None, microsecond=0), "yyyy-mm-dd hh:mm")
    assert isinstance(sheet["C2"].value, datetime.datetime)


def test_detail_proposed_points_and_override_reason(scored, town_a, criteria, reviewer):
    _rescore(_item(scored, town_a, criteria["2.3⑤"]), reviewer, "0.5", "", "现场抽查不足")
    sheet = _read(build_round_workbook(scored, as_of=AS_OF))["明细"]
    last = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1].startswith("2.3⑤")][-1]
    assert (last[4], last[5], last[7], last[8]) == (0.5, 1.0, "现场抽查不足", "修改")


# --------------------------------------------------------------------------- users' text


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-1", "@x"])
def test_user_text_with_formula_prefix_stays_text(scored, town_a, criteria, reviewer, text):
    _rescore(_item(scored, town_a, criteria["2.3⑤"]), reviewer, "0.5", text, text)
    book = _read(build_round_workbook(scored, as_of=AS_OF))
    town = book[town_a.name]
    comment = town.cell(_row_of(town, "2.3⑤"), 9)
    detail = book["明细"]
    last = [cell.row for cell in detail["B"] if str(cell.value).startswith("2.3⑤")][-1]
    cells = [comment, detail.cell(last, 7), detail.cell(last, 8)]
    assert [(cell.value, cell.data_type) for cell in cells] == [(text, "s")] * 3


def test_narrative_in_progress_column_stays_text(scored, town_a, criteria, official_a):
    item = _item(scored, town_a, criteria["1.2.1"])
    services.save_draft(item, user=official_a, narrative="=SUM(A1:A9)", completed_on=None, figures={}, version=item.version)
    town = _read(build_round_workbook(scored, as_of=AS_OF))[town_a.name]
    cell = town.cell(_row_of(town, "1.2.1"), 10)
    assert (cell.value, cell.data_type) == ("草稿 · 已逾期\n=SUM(A1:A9)", "s")


def test_round_name_with_formula_prefix_stays_text(scored):
    scored.name = "=HYPERLINK(\"http://x\")"
    scored.save()
    cell = _read(build_round_workbook(scored, as_of=AS_OF))["汇总"]["A1"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://x\") 评估结果汇总", "s")


def test_user_text_control_characters_are_dropped(scored, town_a, criteria, reviewer):
    _rescore(_item(scored, town_a, criteria["1.1.1"]), reviewer, "3", "第一行\x0b第二行")
    town = _read(build_round_workbook(scored, as_of=AS_OF))[town_a.name]
    assert town.cell(_row_of(town, "1.1.1"), 9).value == "第一行第二行"


# --------------------------------------------------------------------------- a town's own workbook


def test_town_workbook_contains_only_that_town(scored, town_a):
    book = _read(build_round_workbook(scored, town=town_a, as_of=AS_OF))
    others = set(Town.objects.exclude(pk=town_a.pk).values_list("name", flat=True))
    texts = {str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert book.sheetnames == ["汇总", town_a.name, "明细"]
    assert [name for name in others if any(name in text for text in texts)] == []
    assert [row[1] for row in book["汇总"].iter_rows(min_row=4, max_row=4, values_only=True)] == [town_a.name]
    assert book["汇总"]["B5"].value is None
    assert {row[0] for row in book["明细"].iter_rows(min_row=2, values_only=True)} == {town_a.name}


def test_town_workbook_keeps_rank_among_all_towns(scored, town_a):
    sheet = _read(build_round_workbook(scored, town=town_a, as_of=AS_OF))["汇总"]
    assert [sheet["A4"].value, sheet["B4"].value, sheet["J4"].value] == [2, town_a.name, 4.0]


def test_todays_town_workbook_reads_the_stored_standing_not_the_whole_round(scored, town_a, monkeypatch):
    expected = next(r for r in round_results(scored) if r.town_id == town_a.pk)

    def whole_round(*args, **kwargs):
        raise AssertionError("one town's export of today must not compute the whole round")

    monkeypatch.setattr("assessment.workbook.round_results", whole_round)
    sheet = _read(build_round_workbook(scored, town=town_a))["汇总"]
    assert [sheet["A4"].value, sheet["B4"].value, sheet["J4"].value] == [expected.rank, town_a.name,
                                                                         float(expected.total)]
    assert sheet["B5"].value is None


# --------------------------------------------------------------------------- progress and queries


def test_round_workbook_reports_progress_per_town(scored):
    calls = []
    build_round_workbook(scored, as_of=AS_OF, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(done, 11) for done in range(1, 12)]


def test_round_workbook_queries_do_not_grow_with_items(open_round, town_a, town_b, criteria, official_a, official_b,
                                                       reviewer, django_assert_num_queries):
    score_item(_item(open_round, town_a, criteria["1.1.1"]), official_a, reviewer, "3")
    with CaptureQueriesContext(connection) as one:
        build_round_workbook(open_round, as_of=AS_OF)
    for town, official, code in [(town_a, official_a, "1.2.1"), (town_b, official_b, "1.3.1"),
                                 (town_b, official_b, "6.1.1"), (town_a, official_a, "5.1.1")]:
        score_item(_item(open_round, town, criteria[code]), official, reviewer, "1")
    assert Review.objects.count() == 5
    with django_assert_num_queries(len(one)):
        build_round_workbook(open_round, as_of=AS_OF)
    assert len(one) == 6


# --------------------------------------------------------------------------- the blank standard


def test_standard_workbook_has_every_criterion_and_100_points(rubric):
    sheet = _read(build_standard_workbook(rubric))["评估标准"]
    rows = list(sheet.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW + 40, values_only=True))
    assert (sheet["A1"].value, len([row for row in rows if row[2]])) == (rubric.title, 41)
    assert sum(Decimal(str(row[6])) for row in rows) == Decimal("100")
    assert [cell.value for cell in sheet[2]] == TOWN_HEADER[:9]
    assert {(row[7], row[8]) for row in rows} == {(None, None)}
    assert [cell.value for cell in sheet[44]] == ["总分", None, None, None, None, None, 100.0, None, None]


def test_standard_workbook_merges_and_print_setup(rubric):
    sheet = _read(build_standard_workbook(rubric))["评估标准"]
    assert {str(r) for r in sheet.merged_cells.ranges} == _expected_merges(_ordered_criteria(rubric), width=9)
    assert (sheet.freeze_panes, sheet.print_title_rows, sheet.page_setup.orientation) == ("A3", "$2:$2", "landscape")


# --------------------------------------------------------------------------- file names


def test_workbook_filename_for_round_and_town(open_round, town_a):
    open_round.name = "演示：2026年度技防街镇达标评估"
    assert workbook_filename(open_round) == "演示：2026年度技防街镇达标评估_评估结果.xlsx"
    assert workbook_filename(open_round, town_a) == f"演示：2026年度技防街镇达标评估_{town_a.name}_评估结果.xlsx"


def test_workbook_filename_strips_invalid_characters(open_round):
    open_round.name = '2026/年度\\考评:*?"<>|'
    assert workbook_filename(open_round) == "2026年度考评_评估结果.xlsx"


def test_town_sheet_shows_points_after_late_deduction(open_round, town_a, criteria, official_a, reviewer):
    open_round.late_policy, open_round.late_deduction = "deduct", Decimal("0.20")
    open_round.save()
    score_item(_item(open_round, town_a, criteria["1.1.1"]), official_a, reviewer, "3")
    sheet = _read(build_round_workbook(open_round, as_of=AS_OF))[town_a.name]
    row = _row_of(sheet, "1.1.1")
    assert [sheet.cell(row, column).value for column in (8, 10)] == [2.4, "已评分 · 逾期完成（逾期扣分，原评 3.0 分）\nx"]
    total = {r.town_id: r.total for r in round_results(open_round, AS_OF)}[town_a.pk]
    assert (float(total), sheet.cell(44, 8).value) == (2.4, 2.4)
