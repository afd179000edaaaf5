"""Reading a rule from its JSON form (``Criterion.rule``), with Chinese messages for whoever maintains the rubric.

Pure Python. Thresholds are strings only: a JSON number would arrive as a float and carry binary rounding.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from scoring.months import YearMonth
from scoring.rules import Beyond, Clause, Part, PartKind, Rule, Stage, Zero

_COMMON_KEYS = {"kind", "label", "strict", "threshold", "stages", "zero"}


def _allowed_keys(kind: PartKind) -> set[str]:
    if kind.is_answer:
        return {"kind", "label", "answer", "question"}
    if kind.is_range:
        extra = {"high", "beyond"} | ({"numerator", "denominator"} if kind.is_ratio else {"figure"})
        return (_COMMON_KEYS - {"stages"}) | extra
    if kind.is_ratio:
        return _COMMON_KEYS | {"numerator", "denominator"}
    return _COMMON_KEYS | ({"figure", "baseline"} if kind.is_change else {"figure"})


def rule_from_dict(data: Mapping | None) -> Rule | None:
    """Build a Rule from its JSON form; ``None`` (no automatic scoring) stays ``None``.

    Raises ValueError with a Chinese message naming the faulty clause or part.
    """
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise ValueError("评分规则应为对象")
    if set(data) == {"parts"}:
        return _legacy(data["parts"])
    if "clauses" not in data or set(data) - {"clauses", "requires"}:
        raise ValueError("评分规则应为只含“clauses”（及可选“requires”）的对象")
    clauses = data["clauses"]
    if not isinstance(clauses, list) or not clauses:
        raise ValueError("评分规则的“clauses”应为非空列表")
    requires = data.get("requires", [])
    if not isinstance(requires, list):
        raise ValueError("评分规则的“requires”应为列表")
    gates = tuple(_part_from_dict(f"前提第{i}项", part) for i, part in enumerate(requires, start=1))
    if any(not part.kind.is_answer for part in gates):
        raise ValueError("“requires”只能是街镇作答的是否条件（answer）")
    rule = Rule(tuple(_clause(i, clause) for i, clause in enumerate(clauses, start=1)), gates)
    _check_unique_answers(rule)
    return rule


def _legacy(parts: object) -> Rule:
    """The earlier form: each part a clause of its own; a zero denominator counts as not met."""
    if not isinstance(parts, list) or not parts:
        raise ValueError("评分规则的“parts”应为非空列表")
    built = [_part_from_dict(f"第{index}项条件", part) for index, part in enumerate(parts, start=1)]
    rule = Rule(tuple(Clause(part.label, (part,)) for part in built))
    _check_unique_answers(rule)
    return rule


def _clause(index: int, data: object) -> Clause:
    where = f"第{index}项条件"
    if not isinstance(data, Mapping) or set(data) - {"label", "quote", "parts"}:
        raise ValueError(f"{where}应为只含“label”“quote”“parts”的对象")
    parts = data.get("parts")
    if not isinstance(parts, list) or not parts:
        raise ValueError(f"{where}的“parts”应为非空列表")
    quote = data.get("quote", "")
    if not isinstance(quote, str):
        raise ValueError(f"{where}的“quote”应为文字")
    built = tuple(_part_from_dict(f"{where}第{i}部分", part) for i, part in enumerate(parts, start=1))
    return Clause(label=_text(where, data, "label"), parts=built, quote=quote)


def _check_unique_answers(rule: Rule) -> None:
    codes = [part.answer for part in (*rule.requires, *rule.parts) if part.kind.is_answer]
    if len(codes) != len(set(codes)):
        raise ValueError("同一评分规则中作答项代码重复")


def _part_from_dict(where: str, data: object) -> Part:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}应为对象")
    try:
        kind = PartKind(data.get("kind"))
    except ValueError:
        raise ValueError(f"{where}的类型“{data.get('kind')}”无效") from None
    unknown = set(data) - _allowed_keys(kind)
    if unknown:
        raise ValueError(f"{where}含有无法识别的字段：{'、'.join(sorted(unknown))}")
    if kind.is_answer:
        return Part(kind=kind, label=_text(where, data, "label"), answer=_text(where, data, "answer"),
                    question=_text(where, data, "question"))
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
        zero=_choice(where, data, "zero", Zero, Zero.NOT_MET),
        **(_range(where, data, threshold) if kind.is_range else {}),
    )


def _range(where: str, data: Mapping, low: Decimal) -> dict:
    if data["strict"]:
        raise ValueError(f"{where}：区间两端均含本数，“strict”应为 false")
    if "high" not in data:
        raise ValueError(f"{where}缺少区间上限“high”")
    high = _decimal(where, data["high"])
    if high < low:
        raise ValueError(f"{where}的区间上限小于下限")
    return {"high": high, "beyond": _choice(where, data, "beyond", Beyond, Beyond.NONE)}


def _choice(where: str, data: Mapping, key: str, enum_type, default):
    if key not in data:
        return default
    try:
        return enum_type(data[key])
    except ValueError:
        allowed = "、".join(member.value for member in enum_type if member.value)
        raise ValueError(f"{where}的“{key}”应为 {allowed} 之一") from None


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
    if not isinstance(text, str):
        raise ValueError(f'{where}的阈值应写成字符串，如 "0.10"')
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{where}的阈值“{text}”不是数字") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{where}的阈值“{text}”应为非负数")
    return value
