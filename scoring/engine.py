"""Pure scoring engine: deadlines and town results; automatic proposals come from `scoring.proposals`.

Standard library only, so the rules can be tested and reused without a
database. Every point value and ratio is a ``Decimal``; ``None`` always means
"not scored" or "unknown", never zero.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from scoring.months import YearMonth
from scoring.proposals import ClauseResult, PartResult, Proposal, Verdict, propose
from scoring.rule_parsing import rule_from_dict
from scoring.rules import Beyond, Clause, Part, PartKind, Rule, Stage, Zero, describe_rule

# The rule language and proposals live in their own modules; re-exported so callers keep one entry point.
__all__ = [
    "Beyond", "Clause", "ClauseResult", "Part", "PartKind", "PartResult", "Proposal", "Rule", "Stage", "Verdict",
    "YearMonth", "Zero", "describe_rule", "propose", "rule_from_dict",
]

ONE_DECIMAL = Decimal("0.1")
ZERO = Decimal("0.0")


def _year_month(value: YearMonth | tuple[int, int]) -> YearMonth:
    return value if isinstance(value, YearMonth) else YearMonth(*value)


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
