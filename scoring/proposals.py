"""Proposing a score from a town's figures and answers, with the reasoning in words. Pure Python.

points = 0 when a requirement (``Rule.requires``) is answered 否; otherwise
max × (clauses met / clauses that apply), rounded DOWN to one decimal, so a proposal never exceeds what the
clauses met justify; when no clause applies (e.g. no shops, no households, no villages), full points.
A clause applies unless one of its parts has a zero denominator read as ``not_applicable``.
There is no proposal (``points is None``) while a figure or an answer is missing.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from scoring.rules import Clause, Part, Rule, Zero, plain, scale_of, target_text

ONE_DECIMAL = Decimal("0.1")


class Verdict(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {"met": "满足", "not_met": "未满足", "not_applicable": "不适用", "missing": "待填报"}[self.value]


@dataclass(frozen=True)
class PartResult:
    """Outcome of one part. ``value`` is None unless the part was measured (answers: True/False as given)."""

    part: Part
    verdict: Verdict
    value: Decimal | bool | None
    threshold: Decimal | None
    missing: tuple[str, ...] = ()
    zero_denominator: bool = False

    @property
    def met(self) -> bool | None:
        """True / False when decided; None when missing or not applicable."""
        return {Verdict.MET: True, Verdict.NOT_MET: False}.get(self.verdict)


@dataclass(frozen=True)
class ClauseResult:
    clause: Clause
    parts: tuple[PartResult, ...]
    verdict: Verdict

    @property
    def met(self) -> bool | None:
        return {Verdict.MET: True, Verdict.NOT_MET: False}.get(self.verdict)


@dataclass(frozen=True)
class Proposal:
    """Invariant: ``points`` is None exactly when a clause or requirement is missing something and no
    requirement is answered 否."""

    points: Decimal | None
    clauses: tuple[ClauseResult, ...]
    explanation: str
    requires: tuple[PartResult, ...] = ()

    @property
    def parts(self) -> tuple[PartResult, ...]:
        return tuple(result for clause in self.clauses for result in clause.parts)

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """Every requirement (r1, r2 …) and clause (c1, c2 …) with its verdict, as a reviewer checks them."""
        gates = tuple(Condition(f"r{i}", f"前提：{r.part.label}", r.verdict, r.part.kind.is_answer)
                      for i, r in enumerate(self.requires, start=1))
        return gates + tuple(
            Condition(f"c{i}", c.clause.label, c.verdict, any(r.part.kind.is_answer for r in c.parts))
            for i, c in enumerate(self.clauses, start=1)
        )


@dataclass(frozen=True)
class Condition:
    """One condition as the review page lists it; ``answered`` when it rests on the town's yes/no answer,
    which the reviewer confirms against the evidence."""

    key: str
    label: str
    verdict: Verdict
    answered: bool


def propose(
    rule: Rule,
    points: Decimal,
    figures: Mapping[str, Decimal | None],
    as_of: datetime.date,
    *,
    answers: Mapping[str, bool | None] | None = None,
    metric_labels: Mapping[str, str] | None = None,
) -> Proposal:
    """Propose a score from the town's figures and yes/no answers (see the module docstring).

    ``metric_labels`` only makes the explanation readable; it falls back to the metric codes.
    """
    if not isinstance(points, Decimal):
        raise TypeError("分值应为 Decimal")
    answers = answers or {}
    names = metric_labels or {}
    gates = tuple(_evaluate(part, figures, answers, as_of) for part in rule.requires)
    clauses = tuple(_clause(clause, figures, answers, as_of) for clause in rule.clauses)
    proposed = _points(points, gates, clauses)
    return Proposal(proposed, clauses, _explain(proposed, points, gates, clauses, names), gates)


def _points(points: Decimal, gates: tuple[PartResult, ...], clauses: tuple[ClauseResult, ...]) -> Decimal | None:
    if any(gate.verdict is Verdict.NOT_MET for gate in gates):
        return Decimal("0.0")
    if any(item.verdict is Verdict.MISSING for item in (*gates, *clauses)):
        return None
    applicable = [clause for clause in clauses if clause.verdict is not Verdict.NOT_APPLICABLE]
    if not applicable:
        return points.quantize(ONE_DECIMAL, rounding=ROUND_DOWN)
    met = sum(1 for clause in applicable if clause.verdict is Verdict.MET)
    return (points * met / len(applicable)).quantize(ONE_DECIMAL, rounding=ROUND_DOWN)


def _clause(clause: Clause, figures, answers, as_of) -> ClauseResult:
    results = tuple(_evaluate(part, figures, answers, as_of) for part in clause.parts)
    verdicts = {result.verdict for result in results}
    for verdict in (Verdict.NOT_APPLICABLE, Verdict.MISSING, Verdict.NOT_MET):
        if verdict in verdicts:
            return ClauseResult(clause, results, verdict)
    return ClauseResult(clause, results, Verdict.MET)


def _evaluate(part: Part, figures, answers, as_of: datetime.date) -> PartResult:
    threshold = part.threshold_on(as_of)
    if part.kind.is_answer:
        given = answers.get(part.answer)
        if given is None:
            return PartResult(part, Verdict.MISSING, None, None, missing=(part.answer,))
        return PartResult(part, Verdict.MET if given else Verdict.NOT_MET, bool(given), None)
    values = {code: _figure(figures, code) for code in part.metrics}
    divisor = values.get(part.divisor) if part.divisor else None
    if divisor is not None and divisor <= 0:
        verdict = Verdict.NOT_APPLICABLE if part.zero is Zero.NOT_APPLICABLE else Verdict.NOT_MET
        return PartResult(part, verdict, None, threshold, zero_denominator=True)
    missing = tuple(code for code, value in values.items() if value is None)
    if missing:
        return PartResult(part, Verdict.MISSING, None, threshold, missing=missing)
    if part.kind.is_change:
        current, base = values[part.figure], values[part.baseline]
        # Compare the fall with threshold × baseline: exact, unlike the rounded quotient.
        return _decided(part, (base - current) / base, threshold, _compare(part, base - current, threshold * base))
    if not part.kind.is_ratio:
        value = values[part.figure]
        return _decided(part, value, threshold, _within(part, value, threshold, part.high))
    numerator, denominator = values[part.numerator], values[part.denominator]
    # Compare the numerator with threshold × denominator: exact, unlike the rounded quotient.
    high = part.high * denominator if part.high is not None else None
    met = _within(part, numerator, threshold * denominator, high)
    return _decided(part, numerator / denominator, threshold, met)


def _decided(part: Part, value: Decimal, threshold: Decimal, met: bool) -> PartResult:
    return PartResult(part, Verdict.MET if met else Verdict.NOT_MET, value, threshold)


def _figure(figures: Mapping[str, Decimal | None], code: str) -> Decimal | None:
    value = figures.get(code)
    if isinstance(value, float):
        raise TypeError(f"指标“{code}”应为 Decimal，不接受浮点数")
    return value


def _within(part: Part, value: Decimal, low: Decimal, high: Decimal | None) -> bool:
    if not part.kind.is_range:
        return _compare(part, value, low)
    if value < low:
        return part.beyond == "below"
    if value > high:
        return part.beyond == "above"
    return True


def _compare(part: Part, value: Decimal, bound: Decimal) -> bool:
    if part.kind.is_lower_bound:
        return value > bound if part.strict else value >= bound
    return value < bound if part.strict else value <= bound


# --------------------------------------------------------------------------- reasoning in words


def _explain(proposed, points, gates, clauses, names) -> str:
    if proposed is None:
        lines = ["无法自动评分："]
        for result in (*gates, *(r for clause in clauses for r in clause.parts)):
            if result.verdict is Verdict.MISSING:
                lines.append(f"{result.part.label}：{_missing_text(result, names)}")
        return "\n".join(lines)
    return "\n".join([_summary(proposed, points, gates, clauses), *_gate_lines(gates, names),
                      *_clause_lines(clauses, names)])


def _summary(proposed, points, gates, clauses) -> str:
    if any(gate.verdict is Verdict.NOT_MET for gate in gates):
        return f"前提条件未满足，建议得分{proposed}分（满分{points}分）。"
    applicable = [clause for clause in clauses if clause.verdict is not Verdict.NOT_APPLICABLE]
    if not applicable:
        return f"各项条件均不适用，建议得分{proposed}分（满分{points}分）。"
    met = sum(1 for clause in applicable if clause.verdict is Verdict.MET)
    left_out = len(clauses) - len(applicable)
    note = f"（{left_out}项不适用，不计入）" if left_out else ""
    return f"满足{met}/{len(applicable)}项条件{note}，建议得分{proposed}分（满分{points}分）。"


def _gate_lines(gates, names) -> list[str]:
    return [f"前提{_verdict_word(gate)}：{gate.part.label}（{_measured(gate, names)}）" for gate in gates]


def _clause_lines(clauses, names) -> list[str]:
    lines = []
    for clause in clauses:
        if len(clause.parts) == 1 and clause.parts[0].part.label == clause.clause.label:
            result = clause.parts[0]
            lines.append(f"{_verdict_word(result)}：{clause.clause.label}（{_measured(result, names)}）")
            continue
        lines.append(f"{_verdict_word(clause)}：{clause.clause.label}")
        lines += [f"　· {_verdict_word(r)}：{r.part.label}（{_measured(r, names)}）" for r in clause.parts]
    return lines


def _verdict_word(result) -> str:
    return {Verdict.MET: "达到", Verdict.NOT_MET: "未达到", Verdict.NOT_APPLICABLE: "不适用",
            Verdict.MISSING: "待填报"}[result.verdict]


def _missing_text(result: PartResult, names) -> str:
    if result.part.kind.is_answer:
        return f"尚未作答“{result.part.question}”"
    return "缺少" + "、".join(f"“{names.get(code, code)}”" for code in result.missing)


def _measured(result: PartResult, names) -> str:
    part = result.part
    if result.verdict is Verdict.MISSING:
        return _missing_text(result, names)
    if part.kind.is_answer:
        return "街镇答复：是，须经评审员核对佐证材料" if result.value else "街镇答复：否"
    if result.zero_denominator:
        base = names.get(part.divisor, part.divisor)
        meaning = "该项不适用，不计入" if result.verdict is Verdict.NOT_APPLICABLE else "按未满足计"
        return f"“{base}”为0，{meaning}"
    if part.kind.is_change:
        return f"{_change_text(result.value)}，要求{target_text(part, result.threshold)}"
    scale, suffix = scale_of(part, result.threshold)
    return f"实测{plain(result.value * scale)}{suffix}，要求{target_text(part, result.threshold)}"


def _change_text(decrease: Decimal) -> str:
    if decrease > 0:
        return f"实测下降{plain(decrease * 100)}%"
    if decrease < 0:
        return f"实测上升{plain(-decrease * 100)}%"
    return "实测持平"
