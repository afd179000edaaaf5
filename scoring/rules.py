"""The rule language: how a criterion's 评估内容 is read from a town's figures and yes/no answers.

Pure Python, no Django. A rule (JSON form in ``Criterion.rule``) is

    {"requires": [part, ...], "clauses": [{"label": ..., "quote": ..., "parts": [part, ...]}, ...]}

- a *clause* is one requirement of the text; its parts are bound together ("均达95%以上": all must hold);
- a *part* measures one thing: a ratio or a value against a threshold (or staged targets), a range, a fall
  from a baseline, or a yes/no *answer* the town gives with evidence (never assumed: unanswered is missing);
- ``requires`` are yes/no answers every point depends on (the mechanism a criterion is named after);
- a zero denominator has an explicit meaning per part: ``not_met`` or ``not_applicable`` (the clause is left out).

The legacy form ``{"parts": [...]}`` is still read: each part is a clause of its own, a zero counts as not met.
Parsing lives in ``scoring.rule_parsing``; evaluation in ``scoring.proposals``.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from decimal import Decimal

from scoring.months import YearMonth


class PartKind(enum.StrEnum):
    RATIO_AT_LEAST = "ratio_at_least"
    RATIO_AT_MOST = "ratio_at_most"
    VALUE_AT_MOST = "value_at_most"
    VALUE_AT_LEAST = "value_at_least"
    # The figure has fallen from its baseline by at least ``threshold`` of the baseline (0.10 = 10%).
    DECREASE_AT_LEAST = "decrease_at_least"
    # Between ``threshold`` (low end) and ``high``, both inclusive ("5-10%", "3-10分钟").
    RATIO_IN_RANGE = "ratio_in_range"
    VALUE_IN_RANGE = "value_in_range"
    # A yes/no question the town answers with evidence and the reviewer confirms.
    ANSWER = "answer"

    @property
    def is_ratio(self) -> bool:
        return self in (PartKind.RATIO_AT_LEAST, PartKind.RATIO_AT_MOST, PartKind.RATIO_IN_RANGE)

    @property
    def is_change(self) -> bool:
        """Compares a figure with its baseline (e.g. last year's count)."""
        return self is PartKind.DECREASE_AT_LEAST

    @property
    def is_range(self) -> bool:
        return self in (PartKind.RATIO_IN_RANGE, PartKind.VALUE_IN_RANGE)

    @property
    def is_answer(self) -> bool:
        return self is PartKind.ANSWER

    @property
    def is_lower_bound(self) -> bool:
        return self in (PartKind.RATIO_AT_LEAST, PartKind.VALUE_AT_LEAST, PartKind.DECREASE_AT_LEAST)


class Zero(enum.StrEnum):
    """What a denominator (or baseline) of 0 means for its part."""

    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


class Beyond(enum.StrEnum):
    """For a range: values past this end also meet the part (a shorter interval, a larger budget)."""

    NONE = ""
    ABOVE = "above"
    BELOW = "below"


@dataclass(frozen=True)
class Stage:
    """A target that must be reached by the end of ``until``."""

    until: YearMonth
    threshold: Decimal


@dataclass(frozen=True)
class Part:
    """One measurable (or answerable) condition.

    Invariants (enforced by ``rule_from_dict``): ratio kinds have ``numerator`` and ``denominator``; value kinds
    ``figure``; change kinds ``figure`` and ``baseline``; answers ``answer`` (a code) and ``question`` and no
    threshold; other kinds exactly one of ``threshold`` / ``stages`` (stages in strictly increasing month
    order); ranges a ``high`` ≥ ``threshold``.
    """

    kind: PartKind
    label: str
    strict: bool = False
    threshold: Decimal | None = None
    stages: tuple[Stage, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    figure: str | None = None
    baseline: str | None = None
    high: Decimal | None = None
    beyond: Beyond = Beyond.NONE
    zero: Zero = Zero.NOT_MET
    answer: str | None = None
    question: str = ""

    @property
    def metrics(self) -> tuple[str, ...]:
        if self.kind.is_answer:
            return ()
        if self.kind.is_ratio:
            codes = (self.numerator, self.denominator)
        else:
            codes = (self.figure, self.baseline) if self.kind.is_change else (self.figure,)
        return tuple(code for code in codes if code is not None)

    @property
    def divisor(self) -> str | None:
        """The figure whose 0 means ``zero``: the denominator, or the baseline of a change."""
        return self.denominator if self.kind.is_ratio else self.baseline

    def threshold_on(self, as_of: datetime.date) -> Decimal | None:
        """The target in force: the latest stage whose month has ended by ``as_of``
        (its last day counts as ended), else the first stage's. None for answers."""
        if self.threshold is not None or not self.stages:
            return self.threshold
        in_force = self.stages[0]
        for stage in self.stages:
            if stage.until.last_day <= as_of:
                in_force = stage
        return in_force.threshold


@dataclass(frozen=True)
class Clause:
    """One requirement of the text; met only when every part is. Invariant: at least one part."""

    label: str
    parts: tuple[Part, ...]
    quote: str = ""


@dataclass(frozen=True)
class Rule:
    """Invariant: at least one clause; ``requires`` holds answer parts only."""

    clauses: tuple[Clause, ...]
    requires: tuple[Part, ...] = ()

    @property
    def parts(self) -> tuple[Part, ...]:
        """Every clause's parts, in order (not the requirements)."""
        return tuple(part for clause in self.clauses for part in clause.parts)

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for part in self.parts for code in part.metrics))

    @property
    def answers(self) -> dict[str, str]:
        """Answer code → its question, requirements first, in the order the text states them."""
        return {part.answer: part.question for part in (*self.requires, *self.parts) if part.kind.is_answer}

    @property
    def baselines(self) -> dict[str, str]:
        """Baseline metric code → the figure it is the baseline of, for the change parts."""
        return {part.baseline: part.figure for part in self.parts if part.kind.is_change}

    @property
    def divisors(self) -> dict[str, Zero]:
        """Figure code → what its 0 means, for every denominator and baseline."""
        return {part.divisor: part.zero for part in self.parts if part.divisor}


def relation(part: Part) -> str:
    """The comparison in words: 超过 / 不低于 / 低于 / 不超过."""
    return {
        (True, True): "超过",
        (True, False): "不低于",
        (False, True): "低于",
        (False, False): "不超过",
    }[(part.kind.is_lower_bound, part.strict)]


def plain(number: Decimal) -> str:
    rounded = number.quantize(Decimal("0.01")).normalize()
    return f"{rounded:f}"


def scale_of(part: Part, threshold: Decimal | None) -> tuple[Decimal, str]:
    # Ratio targets up to 1 are shares and read naturally as percentages; others
    # (e.g. 15 cameras per watch officer) are shown as plain numbers.
    if part.kind.is_ratio and threshold is not None and threshold <= 1 and (part.high is None or part.high <= 1):
        return Decimal(100), "%"
    return Decimal(1), ""


def target_text(part: Part, threshold: Decimal | None) -> str:
    """What the part asks for, in words: "超过10%", "5%–10%（高于10%亦满足）", "是"."""
    if part.kind.is_answer:
        return "是"
    scale, suffix = scale_of(part, threshold)
    if part.kind.is_change:
        return f"降幅{relation(part)}{plain(threshold * 100)}%"
    if part.kind.is_range:
        text = f"在{plain(threshold * scale)}{suffix}–{plain(part.high * scale)}{suffix}之间"
        if part.beyond is Beyond.ABOVE:
            text += f"（高于{plain(part.high * scale)}{suffix}亦满足）"
        elif part.beyond is Beyond.BELOW:
            text += f"（低于{plain(threshold * scale)}{suffix}亦满足）"
        return text
    return f"{relation(part)}{plain(threshold * scale)}{suffix}"


def describe_part(part: Part, labels: dict[str, str]) -> str:
    """One part in words, for the rubric API and the item page: what it reads and what 0 means."""
    name = labels.get
    if part.kind.is_answer:
        return f"街镇作答“{part.question}”（须附佐证材料，由评审员核实；未作答不视为“是”）"
    if part.stages:
        targets = "，".join(f"{s.until.year}年{s.until.month}月底起{target_text(part, s.threshold)}" for s in part.stages)
    else:
        targets = target_text(part, part.threshold)
    if part.kind.is_ratio:
        what = f"“{name(part.numerator, part.numerator)}”占“{name(part.denominator, part.denominator)}”的比例"
    elif part.kind.is_change:
        what = f"“{name(part.figure, part.figure)}”较“{name(part.baseline, part.baseline)}”"
    else:
        what = f"“{name(part.figure, part.figure)}”"
    text = f"{what}{targets}" if part.kind.is_change else f"{what}应{targets}"
    if part.divisor:
        zero = "该项不适用，不计入" if part.zero is Zero.NOT_APPLICABLE else "按未满足计"
        text += f"；“{name(part.divisor, part.divisor)}”为0时{zero}"
    return text


def describe_rule(rule: Rule, labels: dict[str, str] | None = None) -> list[str]:
    """The whole rule in words, one line per requirement and clause, with how points follow."""
    labels = labels or {}
    lines = [f"前提：{describe_part(part, labels)}；不满足则建议0分" for part in rule.requires]
    for number, clause in enumerate(rule.clauses, start=1):
        measures = "；并且".join(describe_part(part, labels) for part in clause.parts)
        lines.append(f"条件{number}“{clause.label}”：{measures}")
    lines.append(f"建议分 = 满分 × 满足的条件数 ÷ 适用的条件数（共{len(rule.clauses)}项，向下取一位小数）；"
                 "各项均不适用时建议满分")
    return lines
