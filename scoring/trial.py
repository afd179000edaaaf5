"""试算: reading posted figures and yes/no answers, and the proposal as JSON, for the item page and the API.

Both read the posted values the same way and answer with the same shape, computed by the engine through
`scoring.loader.propose_with`, so what a town sees while filling in is what the reviewer's proposal will be.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from scoring import engine

MAX_FIGURE = Decimal("1e12")


class TrialError(ValueError):
    """Posted figures or answers that cannot be read; the message is for the user."""


def read_figures(raw, codes):
    """Code → Decimal for the rule's figures present in `raw`; empty strings and null are left out (missing)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise TrialError(_("figures 应为对象（指标代码 → 数值）。"))
    figures = {}
    for code in codes:
        value = raw.get(code)
        if value is None or value == "":
            continue
        figures[code] = _decimal(code, value)
    return figures


def _decimal(code, value):
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TrialError(_("指标“%(code)s”应为数字。") % {"code": code})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise TrialError(_("指标“%(code)s”应为数字。") % {"code": code}) from None
    if not number.is_finite() or number < 0 or number > MAX_FIGURE:
        raise TrialError(_("指标“%(code)s”应为不小于 0 的数字。") % {"code": code})
    return number


def read_answers(raw, codes):
    """Code → True / False for the rule's questions; true/false, "yes"/"no"; null or "" is unanswered."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise TrialError(_("answers 应为对象（作答代码 → 是否）。"))
    answers = {}
    for code in codes:
        value = raw.get(code)
        if value in (None, ""):
            continue
        if value in (True, "yes"):
            answers[code] = True
        elif value in (False, "no"):
            answers[code] = False
        else:
            raise TrialError(_("作答“%(code)s”应为 true 或 false。") % {"code": code})
    return answers


def payload(criterion, rule, proposal, labels):
    """The proposal as the page and the API show it: points, reasoning, each condition's verdict, the rule in words."""
    return {
        "criterion": criterion.code,
        "max_points": str(criterion.points),
        "points": None if proposal.points is None else str(proposal.points),
        "reasoning": proposal.explanation.splitlines(),
        "conditions": [{"key": c.key, "label": c.label, "verdict": c.verdict.value, "verdict_label": c.verdict.label,
                        "answered": c.answered} for c in proposal.conditions],
        "rule": engine.describe_rule(rule, labels),
        "note": _("仅供参考，以评审员评分为准。"),
    }
