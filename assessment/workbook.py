"""The 年度综治考核 workbook of a round, and the blank form of the standard.

Both print the standard the way 附件1 does (一类指标 and 二类指标 merged down
over their 考察点), so `_write_standard_table` serves the town sheets and the
blank form alike. The workbook is written in constant memory (`sheet_writer`):
every sheet top to bottom, submissions and review history read in chunks with
only the columns a cell shows, so a province of 1,300 towns costs no more
memory than a district. Everything a user typed is written as text, never as a
formula, and points stay Decimal until the moment they enter a cell.
"""

import functools
import io
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.db.models import Prefetch
from django.utils import timezone

from appeals.services import adjusted_after_publication
from assessment.models import Criterion, CriterionUnit, Review, Submission, User
from assessment.result_status import any_provisional, provisional_note, status_label
from assessment.sheet_writer import CENTER, HEADER, LEFT, NOTE, TITLE, TOTAL_LABEL, open_book, setup_sheet
from scoring import stored
from scoring.loader import deadlines_of, round_results

TITLE_ROW, HEADER_ROW = 1, 2
SUMMARY_HEADER_ROW = 3
SIGNATURE_BLANK = "________"
CHUNK_ROWS = 2000  # rows fetched from the database at a time

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


@dataclass(frozen=True)
class Outcome:
    """What a town sheet shows of one submission beyond the standard itself."""

    points: Decimal | None
    comment: str
    progress: str


# --------------------------------------------------------------------------- public


def write_round_workbook(round_, output, *, town=None, as_of=None, progress=None):
    """Write the round's workbook (汇总, one sheet per town, 明细) to `output`, a path or binary file.

    With `town`, only that town appears anywhere in the file (a town official's
    own export). `progress(done, total)` is called after each town sheet.
    """
    as_of = as_of or _today()
    criteria = _rubric_criteria(round_.rubric_id)
    overrides = deadlines_of(round_)
    deadlines = {c.id: overrides.get(c.id, c.deadline) for c in criteria}
    results = town_standings(round_, as_of, town)
    book = open_book(output)
    _write_summary(book, round_, results, criteria)
    by_result = {r.town_id: r for r in results}
    for done, (town_id, name, rows) in enumerate(_submissions_by_town(round_, town), start=1):
        result = by_result[town_id]
        outcomes = {row["criterion_id"]: _outcome(row, result.item(row["criterion_id"])) for row in rows}
        sheet = book.sheet(name)
        _write_standard_table(book, sheet, f"{name} · {round_.name}", criteria, deadlines, outcomes,
                              result.total, status_label(result))
        book.finish(sheet)
        if progress:
            progress(done, len(results))
    _write_detail(book, _review_history(round_, town))
    book.close()


def build_round_workbook(round_, *, town=None, as_of=None, progress=None):
    """The round's workbook as xlsx bytes: for small files (one town, a district answered at once) and tests."""
    buffer = io.BytesIO()
    write_round_workbook(round_, buffer, town=town, as_of=as_of, progress=progress)
    return buffer.getvalue()


def round_workbook_file(round_, *, town=None, as_of=None, progress=None):
    """The round's workbook in an anonymous temporary file, positioned at its start; the caller closes it."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_round_workbook(round_, handle, town=town, as_of=as_of, progress=progress)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def town_standings(round_, as_of, town=None):
    """Every town's rank, sections, total, 达标 and item outcomes (`TownResult`), only `town`'s if given.

    The one place the workbook reads results from, so their source can change without touching the sheets. One
    town's export for today reads its stored standing and its own items only, not the whole round through the engine.
    """
    if town is not None and as_of == _today():
        result = stored.results_for_town(round_, town.pk)
        return [result] if result is not None else []
    return [r for r in round_results(round_, as_of) if town is None or r.town_id == town.pk]


def build_standard_workbook(rubric):
    """The blank form of the standard in 附件1's layout, with empty 得分 and 评语 columns."""
    buffer = io.BytesIO()
    book = open_book(buffer)
    criteria = _rubric_criteria(rubric.pk)
    _write_standard_table(book, book.sheet("评估标准"), rubric.title, criteria, {c.id: c.deadline for c in criteria})
    book.close()
    return buffer.getvalue()


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
    """(town id, town name, its rows) per town in the district's order, read in chunks: one query.

    Only what a town sheet shows of each item is read; one town's rows are in memory at a time.
    """
    rows = Submission.objects.filter(round=round_)
    if town is not None:
        rows = rows.filter(town=town)
    rows = (rows.order_by("town__order", "town__name", "town_id")
            .values("town_id", "town__name", "criterion_id", "status", "narrative", "review__comment")
            .iterator(chunk_size=CHUNK_ROWS))
    for (town_id, name), items in groupby(rows, key=lambda row: (row["town_id"], row["town__name"])):
        yield town_id, name, list(items)


def _outcome(row, outcome):
    """A town sheet's 得分, 评语 and 完成情况 of one item, read from the engine's outcome."""
    comment = (row["review__comment"] or "") if outcome.counts else ""
    # 完成情况 is what the town reported it did, under its status and deadline state.
    progress = f"{Submission.Status(row['status']).label} · {outcome.state.label}"
    if outcome.extended:
        progress = f"{progress}（已批准延期至 {outcome.extended_to:%Y-%m-%d}）"
    # 得分 is what counts toward 总分: after the round's late deduction, which is stated beside it.
    if outcome.deducted:
        progress = f"{progress}（逾期扣分，原评 {outcome.awarded} 分）"
    if row["narrative"].strip():
        progress = f"{progress}\n{row['narrative'].strip()}"
    return Outcome(points=outcome.kept, comment=comment, progress=progress)


def _review_history(round_, town):
    """Every historical record of the round's reviews, with what the rows show, in chunks: one query."""
    records = Review.history.filter(submission__round=round_)
    if town is not None:
        records = records.filter(submission__town=town)
    return records.order_by(
        "submission__town__order", "submission__town__name", "submission__criterion__indicator__section__order",
        "submission__criterion__indicator__order", "submission__criterion__order", "history_date", "history_id",
    ).values(
        "submission__town__name", "submission__criterion__code", "submission__criterion__title", "history_date",
        "reviewer__username", "reviewer__first_name", "reviewer__last_name", "reviewer__is_active",
        "points", "proposed_points", "comment", "override_reason", "history_type",
    ).iterator(chunk_size=CHUNK_ROWS)


def _reviewer_name(row):
    """The reviewer's name as `User.display_name` words it, from the row's columns alone."""
    if row["reviewer__username"] is None:
        return ""
    return _display_name(row["reviewer__username"], row["reviewer__first_name"], row["reviewer__last_name"],
                         row["reviewer__is_active"])


@functools.lru_cache(maxsize=256)
def _display_name(username, first_name, last_name, is_active):
    """A round has a handful of reviewers and thousands of history rows: each name is worded once."""
    return User(username=username, first_name=first_name, last_name=last_name, is_active=is_active).display_name


# --------------------------------------------------------------------------- text


def _points_text(value):
    """'15' for 15.0 and '2.5' for 2.50, as the standard prints points."""
    return str(value.quantize(Decimal("1"))) if value == value.to_integral() else str(value.normalize())


def _deadline_text(deadline, is_span):
    return f"{'现在到' if is_span else ''}{deadline.year}年{deadline.month}月"


# --------------------------------------------------------------------------- sheets


def _title(book, sheet, text, width, row=TITLE_ROW):
    book.merge_across(sheet, row, 1, width, text, TITLE)


def _header(book, sheet, row, labels):
    for column, label in enumerate(labels, start=1):
        book.put(sheet, row, column, label, HEADER)


def _write_summary(book, round_, results, criteria):
    sheet = book.sheet("汇总")
    sections = list({c.indicator.section_id: c.indicator.section for c in criteria}.values())
    # 状态 stands before the sections, so 总分 keeps its place third from the end.
    columns = [("排名", 6), ("街镇", 12), ("状态", 18),
               *((f"{s.code}.{s.title}（{_points_text(s.points)}分）", 14) for s in sections),
               ("总分", 8), ("达标", 8), ("逾期项", 8)]
    _title(book, sheet, f"{round_.name} 评估结果汇总", len(columns))
    exported = _today()
    book.put(sheet, 2, 1, f"导出日期：{exported.year}年{exported.month}月{exported.day}日")
    pass_mark = f"{_points_text(round_.pass_mark)}分" if round_.pass_mark is not None else "未设定"
    book.put(sheet, 2, len(columns) - 2, f"达标线：{pass_mark}")
    _header(book, sheet, SUMMARY_HEADER_ROW, [label for label, _width in columns])
    adjusted = adjusted_after_publication(round_)  # town id → when a 复核 last changed its total
    for row, result in enumerate(results, start=SUMMARY_HEADER_ROW + 1):
        passed = {True: "达标", False: "未达标", None: "—"}[result.passed]
        values = [result.rank, result.town_name, status_label(result) + _adjusted_note(adjusted.get(result.town_id)),
                  *(result.sections.get(s.code, Decimal("0.0")) for s in sections), result.total, passed, result.overdue]
        for column, value in enumerate(values, start=1):
            book.put(sheet, row, column, value, LEFT if column == 2 else CENTER)
    _summary_footer(book, sheet, SUMMARY_HEADER_ROW + len(results) + 2, len(columns), round_, exported,
                    any_provisional(results))
    setup_sheet(sheet, columns, SUMMARY_HEADER_ROW)


def _adjusted_note(when):
    """"\n发布后复核调整：YYYY-MM-DD HH:MM" (local time) for a total a 复核 changed after publication, else ""."""
    if when is None:
        return ""
    return f"\n发布后复核调整：{timezone.localtime(when, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"


def _summary_footer(book, sheet, first_row, width, round_, made_on, provisional):
    """Below the table, after a blank row: the 暂定 note if any total is provisional, then who made the
    table, when, and a line for the 审核人 to sign; each line merged across the table."""
    lines = [f"注：{provisional_note()}"] if provisional else []
    lines += [
        f"制表单位：{round_.district.name}视频办",
        f"制表日期：{made_on.year}年{made_on.month}月{made_on.day}日",
        f"审核人：{SIGNATURE_BLANK}",
    ]
    for row, text in enumerate(lines, start=first_row):
        book.merge_across(sheet, row, 1, width, text, NOTE)


def _write_standard_table(book, sheet, title, criteria, deadlines, outcomes=None, total=None, status=None):
    """附件1's table: one row per criterion, sections and indicators merged down, a totals row.

    Without `outcomes` it is the blank form (得分 and 评语 left empty); with them,
    a town's sheet with its points, comments and 完成情况, `total` as 总分 and
    `status` (暂定 or 正式) beside it.
    """
    columns = STANDARD_COLUMNS if outcomes is None else TOWN_COLUMNS
    _title(book, sheet, title, len(columns))
    _header(book, sheet, HEADER_ROW, [label for label, _width in columns])
    first = HEADER_ROW + 1
    runs = {1: _runs(criteria, first, lambda c: c.indicator.section,
                     lambda s: f"{s.code}.{s.title}\n（{_points_text(s.points)}分）"),
            2: _runs(criteria, first, lambda c: c.indicator,
                     lambda i: f"{i.code}{i.title}\n（{_points_text(i.points)}分）")}
    for row, criterion in enumerate(criteria, start=first):
        values = _criterion_values(criterion, deadlines[criterion.id], outcomes)
        for column, value in enumerate(values, start=1):
            if column in runs and row in runs[column]:
                label, last = runs[column][row]
                book.merge_down(sheet, row, column, last, label, CENTER)
            else:
                book.put(sheet, row, column, value, CENTER if column in (1, 2, 6, 7, 8) else LEFT)
    _totals_row(book, sheet, first + len(criteria), len(columns), sum((c.points for c in criteria), Decimal("0")),
                total, status)
    setup_sheet(sheet, columns, HEADER_ROW)


def _runs(criteria, first_row, node_of, label_of):
    """First row → (label, last row) of each node's run of criteria: written once and merged down, as 附件1 does."""
    runs, row = {}, first_row
    for node, run in groupby(criteria, key=node_of):
        size = len(list(run))
        runs[row] = (label_of(node), row + size - 1)
        row += size
    return runs


def _criterion_values(criterion, deadline, outcomes):
    """One row's cells; 一类指标 and 二类指标 (None here) are written by the runs."""
    units = "、".join(link.unit.name for link in criterion.unit_links.all())
    values = [None, None, f"{criterion.code} {criterion.title}", criterion.content, units,
              _deadline_text(deadline, criterion.deadline_is_span), criterion.points]
    if outcomes is None:
        return [*values, None, None]
    outcome = outcomes.get(criterion.id, Outcome(None, "", "未填报"))
    return [*values, outcome.points, outcome.comment or None, outcome.progress]


def _totals_row(book, sheet, row, width, points, total, status=None):
    book.merge_across(sheet, row, 1, TOTALS_LABEL_SPAN, "总分", TOTAL_LABEL)
    values = [points, total, status]
    for column in range(TOTALS_LABEL_SPAN + 1, width + 1):
        index = column - TOTALS_LABEL_SPAN - 1
        book.put(sheet, row, column, values[index] if index < len(values) else None, CENTER)


def _write_detail(book, records):
    """Every review and each of its changes, oldest first per criterion."""
    sheet = book.sheet("明细")
    _header(book, sheet, 1, [label for label, _width in DETAIL_COLUMNS])
    last = 1
    for last, record in enumerate(records, start=2):  # noqa: B007 - `last` is the table's last row afterwards
        values = [
            record["submission__town__name"],
            f"{record['submission__criterion__code']} {record['submission__criterion__title']}",
            record["history_date"], _reviewer_name(record), record["points"], record["proposed_points"],
            record["comment"] or None, record["override_reason"] or None,
            HISTORY_ACTIONS.get(record["history_type"], record["history_type"]),
        ]
        for column, value in enumerate(values, start=1):
            book.put(sheet, last, column, value, CENTER if column in (3, 5, 6, 9) else LEFT)
    setup_sheet(sheet, DETAIL_COLUMNS, 1)
    sheet.autofilter(0, 0, last - 1, len(DETAIL_COLUMNS) - 1)
