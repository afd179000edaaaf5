"""The 年度综治考核 workbook of a round, and the blank form of the standard.

Both print the standard the way 附件1 does (一类指标 and 二类指标 merged down
over their 考察点), so `_write_standard_table` serves the town sheets and the
blank form alike. Everything a user typed is written as text, never as a
formula, and points stay Decimal until the moment they enter a cell.
"""

import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from appeals.services import adjusted_after_publication
from assessment.models import Criterion, CriterionUnit, Review, Submission
from assessment.result_status import any_provisional, provisional_note, status_label
from scoring.loader import deadlines_of, round_results

SCORE_FORMAT = "0.0"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_CELL_TEXT = 32767  # Excel refuses to open a file with a longer cell
TITLE_ROW, HEADER_ROW = 1, 2
SUMMARY_HEADER_ROW = 3
PAGE_FOOTER = "第 &P 页，共 &N 页"  # &P and &N: Excel's page number and page count
SIGNATURE_BLANK = "________"

STANDARD_COLUMNS = (
    ("一类指标", 12), ("二类指标", 16), ("考察点", 16), ("评估内容", 50), ("责任单位", 16),
    ("完成时间", 12), ("分值", 8), ("得分", 8), ("评语", 16),
)
TOWN_COLUMNS = (*STANDARD_COLUMNS, ("完成情况", 40))
DETAIL_COLUMNS = (
    ("街镇", 12), ("考察点", 20), ("时间", 16), ("评审员", 12), ("得分", 8),
    ("系统建议分", 10), ("评语", 30), ("调整理由", 30), ("操作", 8),
)
TOTALS_LABEL_SPAN = 6  # 总分 spans 一类指标 … 完成时间, so 分值 and 得分 line up below their columns
HISTORY_ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}
INVALID_FILENAME_RE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
INVALID_SHEET_TITLE_RE = re.compile(r"[\\/?*\[\]:]")

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LEFT = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")


@dataclass(frozen=True)
class Outcome:
    """What a town sheet shows of one submission beyond the standard itself."""

    points: Decimal | None
    comment: str
    progress: str


# --------------------------------------------------------------------------- public


def build_round_workbook(round_, *, town=None, as_of=None, progress=None):
    """The round's workbook as xlsx bytes: 汇总, one sheet per town, 明细.

    With `town`, only that town appears anywhere in the file (a town official's
    own export). `progress(done, total)` is called after each town sheet.
    """
    as_of = as_of or _today()
    criteria = _rubric_criteria(round_.rubric_id)
    overrides = deadlines_of(round_)
    deadlines = {c.id: overrides.get(c.id, c.deadline) for c in criteria}
    by_town = _submissions_by_town(round_, town)
    towns = [town] if town is not None else list(by_town)
    results = [r for r in round_results(round_, as_of) if town is None or r.town_id == town.pk]
    workbook = Workbook()
    _write_summary(workbook.active, round_, results, criteria)
    totals = {r.town_id: r.total for r in results}
    by_result = {r.town_id: r for r in results}
    for done, each in enumerate(towns, start=1):
        outcomes = _outcomes(by_town.get(each, {}), by_result[each.pk])
        sheet = workbook.create_sheet(_sheet_title(each.name))
        _write_standard_table(sheet, f"{each.name} · {round_.name}", criteria, deadlines, outcomes,
                              totals.get(each.pk, Decimal("0.0")), status_label(by_result[each.pk]))
        if progress:
            progress(done, len(towns))
    _write_detail(workbook.create_sheet("明细"), _review_history(round_, town))
    return _to_bytes(workbook)


def build_standard_workbook(rubric):
    """The blank form of the standard in 附件1's layout, with empty 得分 and 评语 columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "评估标准"
    criteria = _rubric_criteria(rubric.pk)
    _write_standard_table(sheet, rubric.title, criteria, {c.id: c.deadline for c in criteria})
    return _to_bytes(workbook)


def workbook_filename(round_, town=None):
    """"<round>_评估结果.xlsx" or "<round>_<town>_评估结果.xlsx", safe as a file name on any system."""
    parts = [round_.name, town.name] if town is not None else [round_.name]
    cleaned = [INVALID_FILENAME_RE.sub("", part).strip(" .") for part in parts]
    return "_".join([part for part in cleaned if part] + ["评估结果"]) + ".xlsx"


# --------------------------------------------------------------------------- loading


def _today():
    return timezone.localdate(timezone=timezone.get_default_timezone())


def _rubric_criteria(rubric_id):
    """The rubric's criteria in printed order with their sections and units: two queries."""
    units = Prefetch("unit_links", queryset=CriterionUnit.objects.select_related("unit"))
    return list(
        Criterion.objects.filter(indicator__section__rubric_id=rubric_id)
        .select_related("indicator__section")
        .prefetch_related(units)
        .order_by("indicator__section__order", "indicator__order", "order")
    )


def _submissions_by_town(round_, town):
    """Town → {criterion id → submission}, towns in the district's order: one query."""
    rows = Submission.objects.filter(round=round_).select_related("town", "criterion", "review")
    if town is not None:
        rows = rows.filter(town=town)
    by_town = {}
    for submission in rows.order_by("town__order", "town__name", "town_id"):
        by_town.setdefault(submission.town, {})[submission.criterion_id] = submission
    return by_town


def _outcomes(submissions, result):
    return {criterion_id: _outcome(s, result.item(criterion_id)) for criterion_id, s in submissions.items()}


def _outcome(submission, outcome):
    """A town sheet's 得分, 评语 and 完成情况 of one item, read from the engine's outcome."""
    review = getattr(submission, "review", None) if outcome.counts else None
    # 完成情况 is what the town reported it did, under its status and deadline state.
    progress = f"{submission.get_status_display()} · {outcome.state.label}"
    if outcome.extended:
        progress = f"{progress}（已批准延期至 {outcome.extended_to:%Y-%m-%d}）"
    # 得分 is what counts toward 总分: after the round's late deduction, which is stated beside it.
    if outcome.deducted:
        progress = f"{progress}（逾期扣分，原评 {outcome.awarded} 分）"
    if submission.narrative.strip():
        progress = f"{progress}\n{submission.narrative.strip()}"
    return Outcome(points=outcome.kept, comment=review.comment if review else "", progress=progress)


def _review_history(round_, town):
    """Every historical record of the round's reviews, with what the rows show: one query."""
    records = Review.history.filter(submission__round=round_).select_related(
        "reviewer", "submission__town", "submission__criterion"
    )
    if town is not None:
        records = records.filter(submission__town=town)
    return records.order_by(
        "submission__town__order", "submission__town__name", "submission__criterion__indicator__section__order",
        "submission__criterion__indicator__order", "submission__criterion__order", "history_date", "history_id",
    )


# --------------------------------------------------------------------------- cells


def _put(sheet, row, column, value):
    """Write one value: text as text (never a formula), Decimal as a number, datetimes local."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
        cell.data_type = "s"  # "=…" would otherwise be stored as a formula and run in Excel
    elif isinstance(value, Decimal):
        cell.value = float(value)  # the openpyxl boundary: scores are Decimal everywhere else
        cell.number_format = SCORE_FORMAT
    elif isinstance(value, datetime.datetime):
        # Excel keeps no time zone and no microseconds: local wall-clock time, to the second.
        local = timezone.localtime(value, timezone.get_default_timezone())
        cell.value = local.replace(tzinfo=None, microsecond=0)
        cell.number_format = DATETIME_FORMAT
    else:
        cell.value = value
    return cell


def _table_cell(sheet, row, column, value, alignment=LEFT):
    cell = _put(sheet, row, column, value)
    cell.border, cell.alignment = BORDER, alignment
    return cell


def _title(sheet, text, width, row=TITLE_ROW):
    cell = _put(sheet, row, 1, text)
    cell.font, cell.alignment = Font(bold=True, size=14), Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _header(sheet, row, labels):
    for column, label in enumerate(labels, start=1):
        cell = _table_cell(sheet, row, column, label, CENTER)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL


def _setup_sheet(sheet, columns, header_row):
    """Widths for Chinese text, the header frozen and repeated on every printed A4 landscape page."""
    for column, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1).coordinate
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = PAGE_FOOTER


def _sheet_title(name):
    return INVALID_SHEET_TITLE_RE.sub("", name)[:31] or "街镇"


def _to_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _points_text(value):
    """'15' for 15.0 and '2.5' for 2.50, as the standard prints points."""
    return str(value.quantize(Decimal("1"))) if value == value.to_integral() else str(value.normalize())


def _deadline_text(deadline, is_span):
    return f"{'现在到' if is_span else ''}{deadline.year}年{deadline.month}月"


# --------------------------------------------------------------------------- sheets


def _write_summary(sheet, round_, results, criteria):
    sheet.title = "汇总"
    sections = list({c.indicator.section_id: c.indicator.section for c in criteria}.values())
    # 状态 stands before the sections, so 总分 keeps its place third from the end.
    columns = [("排名", 6), ("街镇", 12), ("状态", 18),
               *((f"{s.code}.{s.title}（{_points_text(s.points)}分）", 14) for s in sections),
               ("总分", 8), ("达标", 8), ("逾期项", 8)]
    _title(sheet, f"{round_.name} 评估结果汇总", len(columns))
    exported = _today()
    _put(sheet, 2, 1, f"导出日期：{exported.year}年{exported.month}月{exported.day}日")
    pass_mark = f"{_points_text(round_.pass_mark)}分" if round_.pass_mark is not None else "未设定"
    _put(sheet, 2, len(columns) - 2, f"达标线：{pass_mark}")
    _header(sheet, SUMMARY_HEADER_ROW, [label for label, _width in columns])
    adjusted = adjusted_after_publication(round_)  # town id → when a 复核 last changed its total
    for row, result in enumerate(results, start=SUMMARY_HEADER_ROW + 1):
        passed = {True: "达标", False: "未达标", None: "—"}[result.passed]
        values = [result.rank, result.town_name, status_label(result) + _adjusted_note(adjusted.get(result.town_id)),
                  *(result.sections.get(s.code, Decimal("0.0")) for s in sections), result.total, passed, result.overdue]
        for column, value in enumerate(values, start=1):
            _table_cell(sheet, row, column, value, LEFT if column == 2 else CENTER)
    _summary_footer(sheet, SUMMARY_HEADER_ROW + len(results) + 2, len(columns), round_, exported,
                    any_provisional(results))
    _setup_sheet(sheet, columns, SUMMARY_HEADER_ROW)


def _adjusted_note(when):
    """"\n发布后复核调整：YYYY-MM-DD HH:MM" (local time) for a total a 复核 changed after publication, else ""."""
    if when is None:
        return ""
    return f"\n发布后复核调整：{timezone.localtime(when, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"


def _summary_footer(sheet, first_row, width, round_, made_on, provisional):
    """Below the table, after a blank row: the 暂定 note if any total is provisional, then who made the
    table, when, and a line for the 审核人 to sign; each line merged across the table."""
    lines = [f"注：{provisional_note()}"] if provisional else []
    lines += [
        f"制表单位：{round_.district.name}视频办",
        f"制表日期：{made_on.year}年{made_on.month}月{made_on.day}日",
        f"审核人：{SIGNATURE_BLANK}",
    ]
    for row, text in enumerate(lines, start=first_row):
        _put(sheet, row, 1, text).alignment = Alignment(horizontal="left", vertical="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _write_standard_table(sheet, title, criteria, deadlines, outcomes=None, total=None, status=None):
    """附件1's table: one row per criterion, sections and indicators merged down, a totals row.

    Without `outcomes` it is the blank form (得分 and 评语 left empty); with them,
    a town's sheet with its points, comments and 完成情况, `total` as 总分 and
    `status` (暂定 or 正式) beside it.
    """
    columns = STANDARD_COLUMNS if outcomes is None else TOWN_COLUMNS
    _title(sheet, title, len(columns))
    _header(sheet, HEADER_ROW, [label for label, _width in columns])
    first = HEADER_ROW + 1
    for row, criterion in enumerate(criteria, start=first):
        values = _criterion_values(criterion, deadlines[criterion.id], outcomes)
        for column, value in enumerate(values, start=1):
            _table_cell(sheet, row, column, value, CENTER if column in (1, 2, 6, 7, 8) else LEFT)
    _merge_runs(sheet, criteria, first, 1, lambda c: c.indicator.section,
                lambda s: f"{s.code}.{s.title}\n（{_points_text(s.points)}分）")
    _merge_runs(sheet, criteria, first, 2, lambda c: c.indicator,
                lambda i: f"{i.code}{i.title}\n（{_points_text(i.points)}分）")
    _totals_row(sheet, first + len(criteria), len(columns), sum((c.points for c in criteria), Decimal("0")), total,
                status)
    _setup_sheet(sheet, columns, HEADER_ROW)


def _criterion_values(criterion, deadline, outcomes):
    """One row's cells; 一类指标 and 二类指标 are left to `_merge_runs`."""
    units = "、".join(link.unit.name for link in criterion.unit_links.all())
    values = [None, None, f"{criterion.code} {criterion.title}", criterion.content, units,
              _deadline_text(deadline, criterion.deadline_is_span), criterion.points]
    if outcomes is None:
        return [*values, None, None]
    outcome = outcomes.get(criterion.id, Outcome(None, "", "未填报"))
    return [*values, outcome.points, outcome.comment or None, outcome.progress]


def _merge_runs(sheet, criteria, first_row, column, node_of, label_of):
    """Write each node's label once and merge it down over its criteria, as the original table does."""
    row = first_row
    for node, run in groupby(criteria, key=node_of):
        size = len(list(run))
        _table_cell(sheet, row, column, label_of(node), CENTER)
        if size > 1:
            # The anchor's border is copied to the merged range's edges, so the frame stays closed.
            sheet.merge_cells(start_row=row, start_column=column, end_row=row + size - 1, end_column=column)
        row += size


def _totals_row(sheet, row, width, points, total, status=None):
    for column in range(1, width + 1):
        _table_cell(sheet, row, column, None, CENTER)
    _table_cell(sheet, row, 1, "总分", CENTER).font = Font(bold=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=TOTALS_LABEL_SPAN)
    _table_cell(sheet, row, TOTALS_LABEL_SPAN + 1, points, CENTER)
    _table_cell(sheet, row, TOTALS_LABEL_SPAN + 2, total, CENTER)
    if status is not None:
        _table_cell(sheet, row, TOTALS_LABEL_SPAN + 3, status, CENTER)


def _write_detail(sheet, records):
    """Every review and each of its changes, oldest first per criterion."""
    _header(sheet, 1, [label for label, _width in DETAIL_COLUMNS])
    for row, record in enumerate(records, start=2):
        reviewer = record.reviewer
        values = [
            record.submission.town.name, f"{record.submission.criterion.code} {record.submission.criterion.title}",
            record.history_date, reviewer.display_name if reviewer else "",
            record.points, record.proposed_points, record.comment or None, record.override_reason or None,
            HISTORY_ACTIONS.get(record.history_type, record.history_type),
        ]
        for column, value in enumerate(values, start=1):
            _table_cell(sheet, row, column, value, CENTER if column in (3, 5, 6, 9) else LEFT)
    _setup_sheet(sheet, DETAIL_COLUMNS, 1)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(DETAIL_COLUMNS))}{max(sheet.max_row, 1)}"
