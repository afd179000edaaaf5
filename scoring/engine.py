"""Pure scoring engine: automatic score proposals, deadlines and town results.

Standard library only, so the rules can be tested and reused without a
database. Every point value and ratio is a ``Decimal``; ``None`` always means
"not scored" or "unknown", never zero.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

ONE_DECIMAL = Decimal("0.1")
ZERO = Decimal("0.0")


# --------------------------------------------------------------------------- months


@dataclass(frozen=True, order=True)
class YearMonth:
    """A calendar month; invariant: 1 <= month <= 12."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"月份无效：{self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        """Read "YYYY-MM", the form the rubric fixture uses."""
        try:
            year, month = (int(piece) for piece in text.split("-"))
        except (AttributeError, ValueError):
            raise ValueError(f"年月格式应为“YYYY-MM”：{text!r}") from None
        return cls(year, month)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


def _year_month(value: YearMonth | tuple[int, int]) -> YearMonth:
    return value if isinstance(value, YearMonth) else YearMonth(*value)


# --------------------------------------------------------------------------- rules


class PartKind(enum.StrEnum):
    RATIO_AT_LEAST = "ratio_at_least"
    RATIO_AT_MOST = "ratio_at_most"
    VALUE_AT_MOST = "value_at_most"
    VALUE_AT_LEAST = "value_at_least"
    # The figure has fallen from its baseline by at least ``threshold`` of the baseline (0.10 = 10%).
    DECREASE_AT_LEAST = "decrease_at_least"

    @property
    def is_ratio(self) -> bool:
        return self in (PartKind.RATIO_AT_LEAST, PartKind.RATIO_AT_MOST)

    @property
    def is_change(self) -> bool:
        """Compares a figure with its baseline (e.g. last year's count)."""
        return self is PartKind.DECREASE_AT_LEAST

    @property
    def is_lower_bound(self) -> bool:
        return self in (PartKind.RATIO_AT_LEAST, PartKind.VALUE_AT_LEAST, PartKind.DECREASE_AT_LEAST)


@dataclass(frozen=True)
class Stage:
    """A target that must be reached by the end of ``until``."""

    until: YearMonth
    threshold: Decimal


@dataclass(frozen=True)
class Part:
    """One measurable condition of a criterion.

    Invariants (enforced by ``rule_from_dict``): ratio kinds have
    ``numerator`` and ``denominator`` and no ``figure``; value kinds have
    ``figure`` only; change kinds have ``figure`` and ``baseline``; exactly one
    of ``threshold`` / ``stages`` is set, and ``stages`` are in strictly
    increasing month order.
    """

    kind: PartKind
    label: str
    strict: bool
    threshold: Decimal | None = None
    stages: tuple[Stage, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    figure: str | None = None
    baseline: str | None = None

    @property
    def metrics(self) -> tuple[str, ...]:
        if self.kind.is_ratio:
            codes = (self.numerator, self.denominator)
        else:
            codes = (self.figure, self.baseline) if self.kind.is_change else (self.figure,)
        return tuple(code for code in codes if code is not None)

    def threshold_on(self, as_of: datetime.date) -> Decimal:
        """The target in force: the latest stage whose month has ended by ``as_of``
        (its last day counts as ended), else the first stage's."""
        if self.threshold is not None:
            return self.threshold
        in_force = self.stages[0]
        for stage in self.stages:
            if stage.until.last_day <= as_of:
                in_force = stage
        return in_force.threshold


@dataclass(frozen=True)
class Rule:
    """Invariant: at least one part."""

    parts: tuple[Part, ...]

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for part in self.parts for code in part.metrics))

    @property
    def baselines(self) -> dict[str, str]:
        """Baseline metric code → the figure it is the baseline of, for the change parts."""
        return {part.baseline: part.figure for part in self.parts if part.kind.is_change}


_COMMON_KEYS = {"kind", "label", "strict", "threshold", "stages"}


def _allowed_keys(kind: PartKind) -> set[str]:
    if kind.is_ratio:
        return _COMMON_KEYS | {"numerator", "denominator"}
    return _COMMON_KEYS | ({"figure", "baseline"} if kind.is_change else {"figure"})


def rule_from_dict(data: Mapping | None) -> Rule | None:
    """Build a Rule from its JSON form; ``None`` (no automatic scoring) stays ``None``.

    Raises ValueError with a Chinese message naming the faulty part, because
    the message is shown to whoever maintains the rubric.
    """
    if data is None:
        return None
    if not isinstance(data, Mapping) or set(data) != {"parts"}:
        raise ValueError("评分规则应为只含“parts”的对象")
    parts = data["parts"]
    if not isinstance(parts, list) or not parts:
        raise ValueError("评分规则的“parts”应为非空列表")
    return Rule(tuple(_part_from_dict(index, part) for index, part in enumerate(parts, start=1)))


def _part_from_dict(index: int, data: object) -> Part:
    where = f"第{index}项条件"
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}应为对象")
    try:
        kind = PartKind(data.get("kind"))
    except ValueError:
        raise ValueError(f"{where}的类型“{data.get('kind')}”无效") from None
    unknown = set(data) - _allowed_keys(kind)
    if unknown:
        raise ValueError(f"{where}含有无法识别的字段：{'、'.join(sorted(unknown))}")
    if not isinstance(data.get("strict"), bool):
        raise ValueError(f"{where}的“strict”应为 true 或 false")
    threshold, stages = _thresholds(where, data)
    return Part(
        kind=kind,
        label=_text(where, data, "label"),
        strict=data["strict"],
        threshold=threshold,
        stages=stages,
        numerator=_text(where, data, "numerator") if kind.is_ratio else None,
        denominator=_text(where, data, "denominator") if kind.is_ratio else None,
        figure=None if kind.is_ratio else _text(where, data, "figure"),
        baseline=_text(where, data, "baseline") if kind.is_change else None,
    )


def _text(where: str, data: Mapping, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}缺少“{key}”")
    return value


def _thresholds(where: str, data: Mapping) -> tuple[Decimal | None, tuple[Stage, ...]]:
    if ("threshold" in data) == ("stages" in data):
        raise ValueError(f"{where}应有且只有“threshold”或“stages”之一")
    if "threshold" in data:
        return _decimal(where, data["threshold"]), ()
    raw = data["stages"]
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}的“stages”应为非空列表")
    stages = tuple(_stage(where, stage) for stage in raw)
    if any(earlier.until >= later.until for earlier, later in zip(stages, stages[1:], strict=False)):
        raise ValueError(f"{where}的阶段应按时间先后排列且不重复")
    return None, stages


def _stage(where: str, data: object) -> Stage:
    if not isinstance(data, Mapping) or set(data) != {"until", "threshold"}:
        raise ValueError(f"{where}的每个阶段应只含“until”和“threshold”")
    try:
        until = YearMonth.parse(data["until"])
    except ValueError as error:
        raise ValueError(f"{where}的阶段：{error}") from None
    return Stage(until, _decimal(where, data["threshold"]))


def _decimal(where: str, text: object) -> Decimal:
    # Strings only: a JSON number would arrive as a float and carry binary rounding.
    if not isinstance(text, str):
        raise ValueError(f'{where}的阈值应写成字符串，如 "0.10"')
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{where}的阈值“{text}”不是数字") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{where}的阈值“{text}”应为非负数")
    return value


# --------------------------------------------------------------------------- proposals


@dataclass(frozen=True)
class PartResult:
    """Outcome of one part.

    Invariant: ``met is None`` exactly when ``missing`` is non-empty or
    ``zero_denominator`` is true; then ``value`` is ``None`` too.
    """

    part: Part
    value: Decimal | None
    threshold: Decimal
    met: bool | None
    missing: tuple[str, ...] = ()
    zero_denominator: bool = False


@dataclass(frozen=True)
class Proposal:
    """Invariant: ``points`` is ``None`` exactly when some part's ``met`` is ``None``."""

    points: Decimal | None
    parts: tuple[PartResult, ...]
    explanation: str


def propose(
    rule: Rule,
    points: Decimal,
    figures: Mapping[str, Decimal | None],
    as_of: datetime.date,
    *,
    metric_labels: Mapping[str, str] | None = None,
) -> Proposal:
    """Propose a score from the town's figures.

    Partial fulfilment: proposed = points × (parts met / parts), rounded DOWN
    to one decimal, so a proposal never exceeds what the parts met justify.
    If any part cannot be measured (missing figure, denominator or baseline ≤ 0) there is
    no proposal (``points is None``). ``metric_labels`` only makes the
    explanation readable; it falls back to the metric codes.
    """
    if not isinstance(points, Decimal):
        raise TypeError("分值应为 Decimal")
    results = tuple(_evaluate(part, figures, as_of) for part in rule.parts)
    names = metric_labels or {}
    if any(result.met is None for result in results):
        return Proposal(None, results, _explain_unmeasurable(results, names))
    met = sum(1 for result in results if result.met)
    proposed = (points * met / len(results)).quantize(ONE_DECIMAL, rounding=ROUND_DOWN)
    summary = f"满足{met}/{len(results)}项条件，建议得分{proposed}分（满分{points}分）。"
    return Proposal(proposed, results, "\n".join([summary, *map(_describe, results)]))


def _evaluate(part: Part, figures: Mapping[str, Decimal | None], as_of: datetime.date) -> PartResult:
    threshold = part.threshold_on(as_of)
    values = {code: _figure(figures, code) for code in part.metrics}
    missing = tuple(code for code, value in values.items() if value is None)
    if missing:
        return PartResult(part, None, threshold, None, missing=missing)
    if part.kind.is_change:
        return _evaluate_change(part, values[part.figure], values[part.baseline], threshold)
    if not part.kind.is_ratio:
        value = values[part.figure]
        return PartResult(part, value, threshold, _compare(part, value, threshold))
    numerator, denominator = values[part.numerator], values[part.denominator]
    if denominator <= 0:
        return PartResult(part, None, threshold, None, zero_denominator=True)
    # Compare numerator with threshold × denominator: exact, unlike the rounded quotient.
    met = _compare(part, numerator, threshold * denominator)
    return PartResult(part, numerator / denominator, threshold, met)


def _evaluate_change(part: Part, current: Decimal, baseline: Decimal, threshold: Decimal) -> PartResult:
    """The value is the decrease as a share of the baseline (negative for an increase).

    A baseline of 0 (or less) has no share to fall by: the part cannot be measured.
    """
    if baseline <= 0:
        return PartResult(part, None, threshold, None, zero_denominator=True)
    # Compare the fall with threshold × baseline: exact, unlike the rounded quotient.
    met = _compare(part, baseline - current, threshold * baseline)
    return PartResult(part, (baseline - current) / baseline, threshold, met)


def _figure(figures: Mapping[str, Decimal | None], code: str) -> Decimal | None:
    value = figures.get(code)
    if isinstance(value, float):
        raise TypeError(f"指标“{code}”应为 Decimal，不接受浮点数")
    return value


def _compare(part: Part, value: Decimal, bound: Decimal) -> bool:
    if part.kind.is_lower_bound:
        return value > bound if part.strict else value >= bound
    return value < bound if part.strict else value <= bound


def _explain_unmeasurable(results: tuple[PartResult, ...], names: Mapping[str, str]) -> str:
    lines = ["无法自动评分："]
    for result in results:
        if result.missing:
            missing = "、".join(f"“{names.get(code, code)}”" for code in result.missing)
            lines.append(f"{result.part.label}：缺少{missing}")
        elif result.zero_denominator and result.part.kind.is_change:
            base = names.get(result.part.baseline, result.part.baseline)
            lines.append(f"{result.part.label}：“{base}”为0，无法计算降幅")
        elif result.zero_denominator:
            base = names.get(result.part.denominator, result.part.denominator)
            lines.append(f"{result.part.label}：“{base}”为0，无法计算比例")
    return "\n".join(lines)


def _describe(result: PartResult) -> str:
    part = result.part
    relation = {
        (True, True): "超过",
        (True, False): "不低于",
        (False, True): "低于",
        (False, False): "不超过",
    }[(part.kind.is_lower_bound, part.strict)]
    verdict = "达到" if result.met else "未达到"
    if part.kind.is_change:
        return f"{verdict}：{part.label}（{_change_text(result.value)}，要求降幅{relation}{_plain(result.threshold * 100)}%）"
    shown = _shown(result.value, result.threshold, part)
    return f"{verdict}：{part.label}（实测{shown[0]}，要求{relation}{shown[1]}）"


def _change_text(decrease: Decimal) -> str:
    if decrease > 0:
        return f"实测下降{_plain(decrease * 100)}%"
    if decrease < 0:
        return f"实测上升{_plain(-decrease * 100)}%"
    return "实测持平"


def _shown(value: Decimal, threshold: Decimal, part: Part) -> tuple[str, str]:
    # Ratio targets up to 1 are shares and read naturally as percentages; others
    # (e.g. 15 cameras per watch officer) are shown as plain numbers.
    scale = Decimal(100) if part.kind.is_ratio and threshold <= 1 else Decimal(1)
    suffix = "%" if scale == 100 else ""
    return tuple(_plain(number * scale) + suffix for number in (value, threshold))


def _plain(number: Decimal) -> str:
    rounded = number.quantize(Decimal("0.01")).normalize()
    return f"{rounded:f}"


# --------------------------------------------------------------------------- deadlines


class DeadlineState(enum.Enum):
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_DUE = "not_due"

    @property
    def label(self) -> str:
        return _DEADLINE_LABELS[self]

    @property
    def is_late(self) -> bool:
        return self in (DeadlineState.LATE, DeadlineState.OVERDUE)


_DEADLINE_LABELS = {
    DeadlineState.ON_TIME: "按时完成",
    DeadlineState.LATE: "逾期完成",
    DeadlineState.OVERDUE: "已逾期",
    DeadlineState.DUE_SOON: "即将到期",
    DeadlineState.NOT_DUE: "未到期",
}


def deadline_state(
    deadline_month: YearMonth | tuple[int, int],
    completed_on: datetime.date | None,
    as_of: datetime.date,
    soon_days: int = 30,
) -> DeadlineState:
    """Where an item stands against its deadline month as of ``as_of``.

    The whole last day of the month still counts as on time. An open item is
    due soon from ``soon_days`` days before that last day, inclusive.
    """
    return _state_by_day(_year_month(deadline_month).last_day, completed_on, as_of, soon_days)


def _state_by_day(
    last_day: datetime.date, completed_on: datetime.date | None, as_of: datetime.date, soon_days: int
) -> DeadlineState:
    """``deadline_state`` against a deadline day (the month's last day, or a granted extension's day)."""
    if completed_on is not None:
        return DeadlineState.ON_TIME if completed_on <= last_day else DeadlineState.LATE
    if as_of > last_day:
        return DeadlineState.OVERDUE
    if (last_day - as_of).days <= soon_days:
        return DeadlineState.DUE_SOON
    return DeadlineState.NOT_DUE


@dataclass(frozen=True)
class LatePolicy:
    """What lateness costs; a setting of the round.

    ``kind`` is "flag" (report only) or "deduct" (take ``deduction``, a fraction
    0..1 of the awarded points, off LATE and OVERDUE items).
    """

    kind: str = "flag"
    deduction: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        if self.kind not in ("flag", "deduct"):
            raise ValueError(f"逾期处理方式“{self.kind}”无效，应为 flag 或 deduct")
        if not isinstance(self.deduction, Decimal) or not Decimal(0) <= self.deduction <= 1:
            raise ValueError("逾期扣分比例应为 0 到 1 之间的 Decimal")


def apply_late_policy(awarded: Decimal | None, state: DeadlineState, policy: LatePolicy) -> Decimal | None:
    """Points kept after the late policy; ``None`` stays ``None``; never below 0.

    The deduction is rounded down to one decimal, so a town never loses more
    than the stated fraction, and more awarded points never keep fewer.
    """
    if awarded is None or policy.kind != "deduct" or not state.is_late:
        return awarded
    cut = (awarded * policy.deduction).quantize(ONE_DECIMAL, rounding=ROUND_DOWN)
    return max(ZERO, awarded - cut)


FLAG_ONLY = LatePolicy()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CriterionInput:
    id: int
    code: str
    section_code: str
    points: Decimal
    deadline: YearMonth


@dataclass(frozen=True)
class ItemInput:
    town_id: int
    criterion_id: int
    awarded: Decimal | None
    completed_on: datetime.date | None
    # A granted 延期: this day replaces the deadline month's last day for this item alone.
    extended_to: datetime.date | None = None


@dataclass(frozen=True)
class TownInput:
    id: int
    name: str


@dataclass(frozen=True)
class ItemOutcome:
    """Everything a page, export or API shows of one item's score; computed here and nowhere else.

    ``awarded`` is the reviewer's points clamped to 0..max and truncated to one
    decimal (None until scored); ``kept`` is what remains after the round's
    late policy, and is what counts toward the town's total. ``deadline`` is the criterion's month;
    ``extended_to`` the granted extension's day that ``state`` was judged against instead, if any.
    """

    town_id: int
    criterion_id: int
    deadline: YearMonth
    state: DeadlineState
    awarded: Decimal | None
    kept: Decimal | None
    extended_to: datetime.date | None = None

    @property
    def extended(self) -> bool:
        """A granted 延期 decided this item's deadline state."""
        return self.extended_to is not None

    @property
    def counts(self) -> bool:
        return self.kept is not None

    @property
    def deducted(self) -> bool:
        return self.awarded is not None and self.kept != self.awarded


def item_outcome(
    criterion: CriterionInput,
    item: ItemInput | None,
    *,
    town_id: int,
    as_of: datetime.date,
    policy: LatePolicy = FLAG_ONLY,
    soon_days: int = 30,
) -> ItemOutcome:
    """One item's deadline state, awarded points and points kept after the late policy.

    A granted extension (``item.extended_to``) is the item's deadline day: on time iff completed on or before it,
    overdue iff ``as_of`` is after it, due soon within ``soon_days`` before it.
    """
    awarded = _clamped(item.awarded if item else None, criterion.points)
    extended_to = item.extended_to if item else None
    last_day = extended_to if extended_to is not None else criterion.deadline.last_day
    state = _state_by_day(last_day, item.completed_on if item else None, as_of, soon_days)
    return ItemOutcome(
        town_id=town_id, criterion_id=criterion.id, deadline=criterion.deadline, state=state,
        awarded=awarded, kept=apply_late_policy(awarded, state, policy), extended_to=extended_to,
    )


@dataclass(frozen=True)
class TownResult:
    """One town's standing.

    Invariants: ``total == sum(sections.values())``; every value has one
    decimal place; 0 <= total <= sum of the criteria's max points;
    ``overdue`` counts open items past their deadline, ``late`` items
    completed after it, ``scored`` items with awarded points.
    """

    town_id: int
    town_name: str
    sections: dict[str, Decimal]
    total: Decimal
    rank: int
    passed: bool | None
    overdue: int
    scored: int
    late: int = 0
    items: tuple[ItemOutcome, ...] = ()

    @property
    def final(self) -> bool:
        """Every item is scored: until then the total is provisional (暂定)."""
        return self.scored == len(self.items)

    def item(self, criterion_id: int) -> ItemOutcome | None:
        return self._by_criterion.get(criterion_id)

    @functools.cached_property
    def _by_criterion(self) -> dict[int, ItemOutcome]:
        return {outcome.criterion_id: outcome for outcome in self.items}


@dataclass(frozen=True)
class _Tally:
    sections: dict[str, Decimal]
    overdue: int
    late: int
    scored: int
    items: tuple[ItemOutcome, ...]


def compute_results(
    criteria: Iterable[CriterionInput],
    towns: Iterable[TownInput],
    items: Iterable[ItemInput],
    *,
    pass_mark: Decimal | None,
    as_of: datetime.date,
    policy: LatePolicy = FLAG_ONLY,
    soon_days: int = 30,
) -> tuple[TownResult, ...]:
    """Score, rank and pass every town; the result does not depend on input order.

    A criterion's points are the awarded points clamped to 0..max, truncated to
    one decimal, then the late policy (`item_outcome`); unscored criteria count 0.
    Each town's `items` hold every criterion's outcome, by criterion id.
    Ranking is competition ranking (1, 1, 3) by total; output is sorted by rank, then name.
    """
    criteria, towns = tuple(criteria), tuple(towns)
    _require_unique("考察点", [criterion.id for criterion in criteria])
    _require_unique("街镇", [town.id for town in towns])
    by_key = _index_items(items, {town.id for town in towns}, {criterion.id for criterion in criteria})
    tallies = {town.id: _tally(town.id, criteria, by_key, as_of, policy, soon_days) for town in towns}
    totals = {town_id: sum(tally.sections.values(), ZERO) for town_id, tally in tallies.items()}
    ranks = _competition_ranks(totals)
    results = [_town_result(town, tallies[town.id], totals[town.id], ranks[town.id], pass_mark) for town in towns]
    return tuple(sorted(results, key=lambda result: (result.rank, result.town_name, result.town_id)))


def _require_unique(what: str, ids: list) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"{what}编号重复")


def _index_items(items: Iterable[ItemInput], town_ids: set, criterion_ids: set) -> dict[tuple, ItemInput]:
    by_key: dict[tuple, ItemInput] = {}
    for item in items:
        key = (item.town_id, item.criterion_id)
        if item.town_id not in town_ids or item.criterion_id not in criterion_ids:
            raise ValueError(f"填报项指向未知的街镇或考察点：{key}")
        if key in by_key:
            raise ValueError(f"同一街镇同一考察点有多条填报项：{key}")
        by_key[key] = item
    return by_key


def _tally(
    town_id: int,
    criteria: tuple[CriterionInput, ...],
    by_key: Mapping[tuple, ItemInput],
    as_of: datetime.date,
    policy: LatePolicy,
    soon_days: int,
) -> _Tally:
    sections: dict[str, Decimal] = {}
    outcomes = []
    for criterion in criteria:
        outcome = item_outcome(
            criterion, by_key.get((town_id, criterion.id)), town_id=town_id, as_of=as_of, policy=policy,
            soon_days=soon_days,
        )
        outcomes.append(outcome)
        sections[criterion.section_code] = sections.get(criterion.section_code, ZERO) + (outcome.kept or ZERO)
    states = [outcome.state for outcome in outcomes]
    scored = sum(outcome.awarded is not None for outcome in outcomes)
    outcomes.sort(key=lambda outcome: outcome.criterion_id)
    return _Tally(sections, states.count(DeadlineState.OVERDUE), states.count(DeadlineState.LATE), scored, tuple(outcomes))


def _clamped(awarded: Decimal | None, maximum: Decimal) -> Decimal | None:
    if awarded is None:
        return None
    return min(max(awarded, ZERO), maximum).quantize(ONE_DECIMAL, rounding=ROUND_DOWN)


def _competition_ranks(totals: Mapping[int, Decimal]) -> dict[int, int]:
    """Rank = 1 + number of towns with a strictly higher total (ties share a rank)."""
    first_position: dict[Decimal, int] = {}
    for position, total in enumerate(sorted(totals.values(), reverse=True), start=1):
        first_position.setdefault(total, position)
    return {town_id: first_position[total] for town_id, total in totals.items()}


def _town_result(town: TownInput, tally: _Tally, total: Decimal, rank: int, pass_mark: Decimal | None) -> TownResult:
    return TownResult(
        town_id=town.id,
        town_name=town.name,
        sections=tally.sections,
        total=total,
        rank=rank,
        passed=None if pass_mark is None else total >= pass_mark,
        overdue=tally.overdue,
        scored=tally.scored,
        late=tally.late,
        items=tally.items,
    )
