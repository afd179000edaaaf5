"""The pure scoring engine, without a database; rules come from the real rubric fixture."""

import datetime
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import (
    FLAG_ONLY,
    Beyond,
    CriterionInput,
    DeadlineState,
    ItemInput,
    LatePolicy,
    Part,
    PartKind,
    Stage,
    TownInput,
    YearMonth,
    Zero,
    apply_late_policy,
    compute_results,
    deadline_state,
    item_outcome,
    propose,
    rule_from_dict,
)

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = json.loads((ROOT / "fixtures" / "rubric_2017.json").read_text(encoding="utf-8"))
FIXTURE_CRITERIA = {
    criterion["code"]: (section["code"], criterion)
    for section in RUBRIC["sections"]
    for indicator in section["indicators"]
    for criterion in indicator["criteria"]
}
METRIC_LABELS = {metric["code"]: metric["label"] for metric in RUBRIC["metrics"]}
AS_OF = datetime.date(2017, 6, 30)


def _propose(code, figures, as_of=AS_OF, answers=None):
    data = FIXTURE_CRITERIA[code][1]
    decimals = {key: Decimal(value) for key, value in figures.items()}
    return propose(rule_from_dict(data["rule"]), Decimal(data["points"]), decimals, as_of, answers=answers,
                   metric_labels=METRIC_LABELS)


def _outcome(code, figures, as_of=AS_OF, answers=None):
    proposal = _propose(code, figures, as_of, answers)
    return proposal.points, tuple(result.met for result in proposal.parts)


# The threshold rows of 附件1, boundary by boundary, are in test_rule_boundaries.py.


@pytest.mark.parametrize(
    "kind, figures, met",
    [
        ("value_at_most", {"x": "3"}, (False,)),
        ("value_at_most", {"x": "2.9"}, (True,)),
        ("ratio_at_most", {"a": "3", "b": "1"}, (False,)),
        ("ratio_at_most", {"a": "2.9", "b": "1"}, (True,)),
    ],
    ids=["value_edge", "value_under", "ratio_edge", "ratio_under"],
)
def test_propose_strict_upper_bound_must_stay_below_threshold(kind, figures, met):
    keys = {"figure": "x"} if kind.startswith("value") else {"numerator": "a", "denominator": "b"}
    rule = rule_from_dict({"parts": [{"kind": kind, "label": "上限", "threshold": "3", "strict": True, **keys}]})
    decimals = {code: Decimal(value) for code, value in figures.items()}
    assert tuple(result.met for result in propose(rule, Decimal("1"), decimals, AS_OF).parts) == met


def test_propose_explanation_lists_each_clause_verdict():
    proposal = _propose("2.5③", {"interval_crowded_area": "3.1", "interval_general_area": "5"},
                        answers={"high_altitude_points": True})
    assert proposal.explanation == (
        "满足2/3项条件，建议得分0.6分（满分1分）。\n"
        "未达到：治安复杂区域和人群密集广场、大型集会场所正常行走不超过3分钟被拍摄一次（实测3.1，要求不超过3）\n"
        "达到：一般区域正常行走不超过5分钟被拍摄一次（实测5，要求不超过5）\n"
        "达到：同时建设高空视频监控点位，实现全面覆盖（街镇答复：是，须经评审员核对佐证材料）"
    )


# --------------------------------------------------------------------------- unmeasurable and zero parts


def test_propose_missing_figure_gives_no_points():
    proposal = _propose("2.3④", {"cameras_total": "100"})
    assert (proposal.points, proposal.parts[0].met, proposal.parts[0].missing) == (None, None, ("cameras_gov",))
    assert (
        proposal.explanation
        == "无法自动评分：\n政府投资建设的监控摄像机占本辖区监控摄像机比超过10%：缺少“政府投资建设的监控摄像机数”"
    )


def test_legacy_rule_zero_denominator_counts_as_not_met():
    rule = rule_from_dict({"parts": [{"kind": "ratio_at_least", "label": "占比", "numerator": "a", "denominator": "b",
                                      "threshold": "0.5", "strict": False}]})
    proposal = propose(rule, Decimal("2"), {"a": Decimal("0"), "b": Decimal("0")}, AS_OF)
    result = proposal.parts[0]
    assert (proposal.points, result.value, result.met, result.zero_denominator) == (Decimal("0.0"), None, False, True)
    assert proposal.explanation == "满足0/1项条件，建议得分0.0分（满分2分）。\n未达到：占比（“b”为0，按未满足计）"


def test_propose_one_missing_figure_withholds_whole_proposal():
    figures = {"interval_main_road": "1", "interval_secondary_road": "1", "interval_township_road": "3"}
    proposal = _propose("2.4④", figures, answers={"alley_entrances_captured": True})
    assert (proposal.points, tuple(result.met for result in proposal.parts)) == (None, (True, True, True, True, None))


def test_propose_unanswered_question_withholds_proposal_and_is_never_taken_as_yes():
    proposal = _propose("2.5③", {"interval_crowded_area": "1", "interval_general_area": "1"})
    assert proposal.points is None
    assert proposal.explanation == (
        "无法自动评分：\n同时建设高空视频监控点位，实现全面覆盖：尚未作答“是否同时建设高空视频监控点位，实现全面覆盖”"
    )


def test_propose_none_figure_counts_as_missing():
    rule = rule_from_dict(FIXTURE_CRITERIA["3.4.1"][1]["rule"])
    proposal = propose(rule, Decimal("5"), {"cases_solved_video": None, "cases_solved": Decimal("10")}, AS_OF)
    assert (proposal.points, proposal.parts[0].missing) == (None, ("cases_solved_video",))


def test_propose_float_figure_is_rejected():
    rule = rule_from_dict(FIXTURE_CRITERIA["3.4.1"][1]["rule"])
    with pytest.raises(TypeError):
        propose(rule, Decimal("5"), {"cases_solved_video": 3.0, "cases_solved": Decimal("10")}, AS_OF)


# --------------------------------------------------------------------------- stages


@pytest.mark.parametrize(
    "as_of, threshold",
    [
        (datetime.date(2015, 6, 30), Decimal("0.80")),
        (datetime.date(2016, 6, 30), Decimal("0.80")),
        (datetime.date(2016, 12, 30), Decimal("0.80")),
        (datetime.date(2016, 12, 31), Decimal("1.00")),
        (datetime.date(2017, 6, 30), Decimal("1.00")),
    ],
    ids=["before_any_stage", "after_first_stage", "day_before_second_ends", "second_ends", "after_second_stage"],
)
def test_stage_threshold_in_force_follows_ended_months(as_of, threshold):
    figures = {"villages_covered": "80", "villages_total": "100"}
    assert _propose("2.6.1", figures, as_of).parts[0].threshold == threshold


NETWORKED = {"villages_networked": True}


def test_village_coverage_2_6_1_as_of_2016_06_needs_eighty_percent():
    june_2016 = datetime.date(2016, 6, 15)
    reached = _outcome("2.6.1", {"villages_covered": "80", "villages_total": "100"}, june_2016, NETWORKED)
    short = _outcome("2.6.1", {"villages_covered": "79", "villages_total": "100"}, june_2016, NETWORKED)
    assert (reached, short) == ((Decimal("2.0"), (True, True)), (Decimal("1.0"), (False, True)))


def test_village_coverage_2_6_1_as_of_2017_06_needs_full_coverage():
    june_2017 = datetime.date(2017, 6, 15)
    eighty = _outcome("2.6.1", {"villages_covered": "80", "villages_total": "100"}, june_2017, NETWORKED)
    full = _outcome("2.6.1", {"villages_covered": "100", "villages_total": "100"}, june_2017, NETWORKED)
    assert (eighty, full) == ((Decimal("1.0"), (False, True)), (Decimal("2.0"), (True, True)))


def test_access_control_2_7_2_as_of_2016_06_needs_half():
    figures = {"estates_networked": "50", "estates_eligible": "100"}
    assert _outcome("2.7②", figures, datetime.date(2016, 6, 30)) == (Decimal("0.5"), (True,))


def test_rule_from_dict_reads_clauses_requirements_ranges_and_zero_meanings():
    rule = rule_from_dict(FIXTURE_CRITERIA["5.3.1"][1]["rule"])
    assert [clause.label for clause in rule.clauses] == [
        "重点单位、要害部位技防监控系统正常运行和设施完好率超过90%",
        "政府投资建设的治安监控系统正常运行率和视频图像可利用率均达95%以上",
    ]
    assert [len(clause.parts) for clause in rule.clauses] == [1, 2]
    assert rule.answers == {"operation_mechanism": "是否已明确维护管理责任主体、落实运行管理资金、依法加强日常检查"}
    assert rule.divisors == {"key_site_systems": Zero.NOT_APPLICABLE}
    budget = rule_from_dict(FIXTURE_CRITERIA["1.4.2"][1]["rule"]).clauses[1].parts[0]
    assert (budget.threshold, budget.high, budget.beyond) == (Decimal("0.05"), Decimal("0.10"), Beyond.ABOVE)


# --------------------------------------------------------------------------- rules from JSON


def test_rule_from_dict_none_gives_none():
    assert rule_from_dict(None) is None


def test_rule_from_dict_loads_every_fixture_rule():
    loaded = {code: rule_from_dict(data["rule"]) for code, (_, data) in FIXTURE_CRITERIA.items()}
    automatic = sorted(code for code, rule in loaded.items() if rule is not None)
    assert automatic == sorted(
        ["1.4.2", "2.3④", "2.3⑤", "2.3⑥", "2.4④", "2.5③", "2.6.1", "2.7①", "2.7②", "2.7③", "3.3.1", "3.4.1", "4.1.1",
         "5.3.1"]
    )


def test_rule_from_dict_builds_staged_part():
    part = rule_from_dict(FIXTURE_CRITERIA["2.7②"][1]["rule"]).parts[0]
    assert part == Part(
        kind=PartKind.RATIO_AT_LEAST,
        label="具备条件的小区门禁联网率2015年底达50%，2016年底达70%",
        strict=False,
        stages=(Stage(YearMonth(2015, 12), Decimal("0.50")), Stage(YearMonth(2016, 12), Decimal("0.70"))),
        numerator="estates_networked",
        denominator="estates_eligible",
        zero=Zero.NOT_APPLICABLE,
    )


def test_rule_metrics_lists_each_code_once():
    rule = rule_from_dict(FIXTURE_CRITERIA["5.3.1"][1]["rule"])
    assert rule.metrics == ("key_site_systems_ok", "key_site_systems", "gov_uptime_pct", "gov_image_usable_pct")


def _part(**changes):
    part = {"kind": "value_at_most", "label": "间隔", "figure": "x", "threshold": "3", "strict": False}
    part.update(changes)
    return {key: value for key, value in part.items() if value is not None}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"parts": []}, "评分规则的“parts”应为非空列表"),
        ({"parts": [], "extra": 1}, "评分规则应为只含“clauses”（及可选“requires”）的对象"),
        ({"parts": [_part(kind="ratio_between")]}, "第1项条件的类型“ratio_between”无效"),
        ({"parts": [_part(), _part(treshold="3")]}, "第2项条件含有无法识别的字段：treshold"),
        ({"parts": [_part(numerator="a")]}, "第1项条件含有无法识别的字段：numerator"),
        ({"parts": [_part(figure=None)]}, "第1项条件缺少“figure”"),
        ({"parts": [_part(label=" ")]}, "第1项条件缺少“label”"),
        ({"parts": [_part(strict="false")]}, "第1项条件的“strict”应为 true 或 false"),
        ({"parts": [_part(threshold=None)]}, "第1项条件应有且只有“threshold”或“stages”之一"),
        ({"parts": [_part(stages=[])]}, "第1项条件应有且只有“threshold”或“stages”之一"),
        ({"parts": [_part(threshold=0.1)]}, '第1项条件的阈值应写成字符串，如 "0.10"'),
        ({"parts": [_part(threshold="十")]}, "第1项条件的阈值“十”不是数字"),
        ({"parts": [_part(threshold="-1")]}, "第1项条件的阈值“-1”应为非负数"),
        (
            {
                "parts": [
                    _part(
                        threshold=None,
                        stages=[{"until": "2016-12", "threshold": "1"}, {"until": "2015-12", "threshold": "0.8"}],
                    )
                ]
            },
            "第1项条件的阶段应按时间先后排列且不重复",
        ),
        (
            {"parts": [_part(threshold=None, stages=[{"until": "2016/12", "threshold": "1"}])]},
            "第1项条件的阶段：年月格式应为“YYYY-MM”：'2016/12'",
        ),
    ],
    ids=[
        "no_parts",
        "extra_key",
        "unknown_kind",
        "misspelt_key",
        "ratio_key_on_value_part",
        "no_figure",
        "blank_label",
        "strict_not_bool",
        "no_threshold",
        "threshold_and_stages",
        "float_threshold",
        "non_numeric_threshold",
        "negative_threshold",
        "unordered_stages",
        "bad_month",
    ],
)
def test_rule_from_dict_bad_rule_raises_chinese_message(data, message):
    with pytest.raises(ValueError) as raised:
        rule_from_dict(data)
    assert str(raised.value) == message


# --------------------------------------------------------------------------- deadlines

SEPTEMBER_2017 = YearMonth(2017, 9)


@pytest.mark.parametrize(
    "completed_on, as_of, state",
    [
        (datetime.date(2017, 9, 30), datetime.date(2018, 1, 1), DeadlineState.ON_TIME),
        (datetime.date(2017, 10, 1), datetime.date(2018, 1, 1), DeadlineState.LATE),
        (None, datetime.date(2017, 9, 30), DeadlineState.DUE_SOON),
        (None, datetime.date(2017, 10, 1), DeadlineState.OVERDUE),
        (None, datetime.date(2017, 8, 31), DeadlineState.DUE_SOON),
        (None, datetime.date(2017, 8, 30), DeadlineState.NOT_DUE),
    ],
    ids=[
        "completed_on_last_day",
        "completed_day_after",
        "open_on_last_day",
        "open_day_after",
        "open_30_days_before",
        "open_31_days_before",
    ],
)
def test_deadline_state_around_boundaries(completed_on, as_of, state):
    assert deadline_state(SEPTEMBER_2017, completed_on, as_of) == state


def test_deadline_state_accepts_year_month_tuple_in_leap_february():
    states = [deadline_state((2016, 2), None, day) for day in (datetime.date(2016, 2, 29), datetime.date(2016, 3, 1))]
    assert states == [DeadlineState.DUE_SOON, DeadlineState.OVERDUE]


def test_deadline_state_soon_days_zero_only_on_last_day():
    states = [deadline_state(SEPTEMBER_2017, None, datetime.date(2017, 9, day), soon_days=0) for day in (29, 30)]
    assert states == [DeadlineState.NOT_DUE, DeadlineState.DUE_SOON]


def test_deadline_state_labels_are_chinese():
    assert {state.name: state.label for state in DeadlineState} == {
        "ON_TIME": "按时完成",
        "LATE": "逾期完成",
        "OVERDUE": "已逾期",
        "DUE_SOON": "即将到期",
        "NOT_DUE": "未到期",
    }


def test_year_month_invalid_month_is_rejected():
    with pytest.raises(ValueError):
        YearMonth(2017, 13)


DEDUCT_FIFTH = LatePolicy("deduct", Decimal("0.2"))


@pytest.mark.parametrize(
    "awarded, state, policy, kept",
    [
        (Decimal("5.0"), DeadlineState.OVERDUE, LatePolicy(), Decimal("5.0")),
        (Decimal("5.0"), DeadlineState.LATE, LatePolicy(), Decimal("5.0")),
        (Decimal("5.0"), DeadlineState.LATE, DEDUCT_FIFTH, Decimal("4.0")),
        (Decimal("2.5"), DeadlineState.OVERDUE, DEDUCT_FIFTH, Decimal("2.0")),
        (Decimal("5.0"), DeadlineState.ON_TIME, DEDUCT_FIFTH, Decimal("5.0")),
        (Decimal("5.0"), DeadlineState.DUE_SOON, DEDUCT_FIFTH, Decimal("5.0")),
        (Decimal("0.5"), DeadlineState.LATE, LatePolicy("deduct", Decimal("0.15")), Decimal("0.5")),
        (Decimal("1.0"), DeadlineState.LATE, LatePolicy("deduct", Decimal("0.25")), Decimal("0.8")),
        (Decimal("3.0"), DeadlineState.OVERDUE, LatePolicy("deduct", Decimal("1")), Decimal("0.0")),
        (None, DeadlineState.OVERDUE, DEDUCT_FIFTH, None),
    ],
    ids=[
        "flag_overdue",
        "flag_late",
        "deduct_late",
        "deduct_overdue",
        "deduct_on_time",
        "deduct_due_soon",
        "deduction_rounds_down",
        "deduction_truncated_to_one_decimal",
        "deduct_all_not_below_zero",
        "unscored_stays_none",
    ],
)
def test_apply_late_policy_flag_or_deduct(awarded, state, policy, kept):
    assert apply_late_policy(awarded, state, policy) == kept


@pytest.mark.parametrize(
    "kind, deduction",
    [("fine", Decimal("0.2")), ("deduct", Decimal("1.5")), ("deduct", Decimal("-0.1")), ("deduct", 0.2)],
    ids=["unknown_kind", "above_one", "negative", "float"],
)
def test_late_policy_invalid_setting_is_rejected(kind, deduction):
    with pytest.raises(ValueError):
        LatePolicy(kind, deduction)


# --------------------------------------------------------------------------- results

CRITERION_A = CriterionInput(1, "1.1.1", "1", Decimal("3"), YearMonth(2017, 9))
CRITERION_B = CriterionInput(2, "2.1.1", "2", Decimal("2"), YearMonth(2018, 12))
SMALL_RUBRIC = (CRITERION_A, CRITERION_B)
LATE_2017 = datetime.date(2017, 12, 1)


def _item(town_id, criterion, awarded, completed_on=None):
    return ItemInput(town_id, criterion.id, None if awarded is None else Decimal(awarded), completed_on)


def _results(towns, items, pass_mark=None, policy=FLAG_ONLY):
    return compute_results(SMALL_RUBRIC, towns, items, pass_mark=pass_mark, as_of=LATE_2017, policy=policy)


def test_compute_results_caps_awarded_between_zero_and_max():
    towns = [TownInput(1, "雄州街道")]
    (result,) = _results(towns, [_item(1, CRITERION_A, "5"), _item(1, CRITERION_B, "-1")])
    assert (result.sections, result.total, result.scored) == (
        {"1": Decimal("3.0"), "2": Decimal("0.0")},
        Decimal("3.0"),
        2,
    )


def test_compute_results_unscored_counts_zero():
    towns = [TownInput(1, "雄州街道")]
    (result,) = _results(towns, [_item(1, CRITERION_A, None, datetime.date(2017, 9, 1))])
    assert (result.sections, result.total, result.scored) == (
        {"1": Decimal("0.0"), "2": Decimal("0.0")},
        Decimal("0.0"),
        0,
    )


def test_compute_results_total_has_one_decimal_place():
    towns = [TownInput(1, "雄州街道")]
    (result,) = _results(towns, [_item(1, CRITERION_A, "2.25"), _item(1, CRITERION_B, "0.7")])
    assert str(result.total) == "2.9"


def test_compute_results_ties_share_rank_and_sort_by_name():
    towns = [TownInput(1, "龙池街道"), TownInput(2, "程桥街道"), TownInput(3, "雄州街道"), TownInput(4, "竹镇镇")]
    items = [
        _item(1, CRITERION_A, "2"),
        _item(2, CRITERION_A, "3"),
        _item(3, CRITERION_A, "3"),
        _item(4, CRITERION_A, "1"),
    ]
    ranking = [(result.rank, result.town_name, result.total) for result in _results(towns, items)]
    assert ranking == [
        (1, "程桥街道", Decimal("3.0")),
        (1, "雄州街道", Decimal("3.0")),
        (3, "龙池街道", Decimal("2.0")),
        (4, "竹镇镇", Decimal("1.0")),
    ]


def test_compute_results_pass_mark_is_inclusive():
    towns = [TownInput(1, "雄州街道"), TownInput(2, "龙池街道")]
    items = [
        _item(1, CRITERION_A, "3"),
        _item(1, CRITERION_B, "1"),
        _item(2, CRITERION_A, "3"),
        _item(2, CRITERION_B, "0.9"),
    ]
    passed = {result.town_id: result.passed for result in _results(towns, items, pass_mark=Decimal("4.0"))}
    assert passed == {1: True, 2: False}


def test_compute_results_without_pass_mark_passed_is_none():
    (result,) = _results([TownInput(1, "雄州街道")], [_item(1, CRITERION_A, "3")])
    assert result.passed is None


def test_compute_results_counts_overdue_and_late_items():
    towns = [TownInput(1, "雄州街道"), TownInput(2, "龙池街道"), TownInput(3, "程桥街道")]
    items = [
        _item(1, CRITERION_A, "3"),
        _item(2, CRITERION_A, "3", datetime.date(2017, 10, 8)),
        _item(3, CRITERION_A, "3", datetime.date(2017, 9, 8)),
    ]
    counts = {result.town_id: (result.overdue, result.late) for result in _results(towns, items)}
    assert counts == {1: (1, 0), 2: (0, 1), 3: (0, 0)}


def test_compute_results_deduct_policy_reduces_late_items_only():
    towns = [TownInput(1, "雄州街道"), TownInput(2, "龙池街道")]
    items = [
        _item(1, CRITERION_A, "3", datetime.date(2017, 10, 8)),
        _item(2, CRITERION_A, "3", datetime.date(2017, 9, 8)),
    ]
    totals = {result.town_id: result.total for result in _results(towns, items, policy=DEDUCT_FIFTH)}
    assert totals == {1: Decimal("2.4"), 2: Decimal("3.0")}


@pytest.mark.parametrize(
    "items",
    [
        [_item(9, CRITERION_A, "1")],
        [ItemInput(1, 99, Decimal("1"), None)],
        [_item(1, CRITERION_A, "1"), _item(1, CRITERION_A, "2")],
    ],
    ids=["unknown_town", "unknown_criterion", "duplicate_item"],
)
def test_compute_results_inconsistent_items_are_rejected(items):
    with pytest.raises(ValueError):
        _results([TownInput(1, "雄州街道")], items)


# --------------------------------------------------------------------------- the real rubric


def _rubric_inputs():
    return tuple(
        CriterionInput(index, code, section_code, Decimal(data["points"]), YearMonth.parse(data["deadline"]))
        for index, (code, (section_code, data)) in enumerate(FIXTURE_CRITERIA.items(), start=1)
    )


REAL_CRITERIA = _rubric_inputs()
TOWN_NAMES = [town["name"] for town in RUBRIC["towns"]]


def test_compute_results_full_marks_on_real_rubric_make_one_hundred():
    items = [ItemInput(1, criterion.id, criterion.points, datetime.date(2017, 9, 1)) for criterion in REAL_CRITERIA]
    (result,) = compute_results(REAL_CRITERIA, [TownInput(1, "雄州街道")], items, pass_mark=None, as_of=LATE_2017)
    assert (result.total, result.sections) == (
        Decimal("100.0"),
        {
            "1": Decimal("15"),
            "2": Decimal("20"),
            "3": Decimal("20"),
            "4": Decimal("10"),
            "5": Decimal("20"),
            "6": Decimal("15"),
        },
    )


@st.composite
def scenarios(draw):
    town_ids = range(1, draw(st.integers(1, 5)) + 1)
    towns = [TownInput(town_id, TOWN_NAMES[town_id - 1]) for town_id in town_ids]
    awarded = st.one_of(st.none(), st.decimals(min_value=-2, max_value=20, places=1))
    completed = st.one_of(st.none(), st.dates(datetime.date(2017, 1, 1), datetime.date(2019, 12, 31)))
    items = [
        ItemInput(town.id, criterion.id, draw(awarded), draw(completed))
        for town in towns
        for criterion in REAL_CRITERIA
        if draw(st.booleans())
    ]
    deduction = draw(st.decimals(min_value=0, max_value=1, places=2))
    policy = draw(st.sampled_from([LatePolicy(), LatePolicy("deduct", deduction)]))
    as_of = draw(st.dates(datetime.date(2017, 1, 1), datetime.date(2019, 12, 31)))
    pass_mark = draw(st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1)))
    return towns, items, {"pass_mark": pass_mark, "as_of": as_of, "policy": policy}


@settings(deadline=None)
@given(scenarios())
def test_compute_results_total_is_sum_of_sections_within_max(scenario):
    towns, items, options = scenario
    for result in compute_results(REAL_CRITERIA, towns, items, **options):
        assert result.total == sum(result.sections.values())
        assert Decimal(0) <= result.total <= Decimal(100)
        assert result.total == result.total.quantize(Decimal("0.1"))


@settings(deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_compute_results_independent_of_input_order(scenario, rnd):
    towns, items, options = scenario
    shuffled = [list(part) for part in (REAL_CRITERIA, towns, items)]
    for part in shuffled:
        rnd.shuffle(part)
    assert compute_results(*shuffled, **options) == compute_results(REAL_CRITERIA, towns, items, **options)


@settings(deadline=None)
@given(scenarios(), st.data())
def test_compute_results_raising_one_score_never_lowers_total_or_rank(scenario, data):
    towns, items, options = scenario
    town = data.draw(st.sampled_from(towns))
    criterion = data.draw(st.sampled_from(REAL_CRITERIA))
    raise_by = data.draw(st.decimals(min_value=0, max_value=10, places=1))
    old = next((item for item in items if (item.town_id, item.criterion_id) == (town.id, criterion.id)), None)
    new = ItemInput(
        town.id,
        criterion.id,
        (old.awarded if old and old.awarded is not None else Decimal(0)) + raise_by,
        old.completed_on if old else None,
    )
    raised = [item for item in items if item is not old] + [new]
    before = {result.town_id: result for result in compute_results(REAL_CRITERIA, towns, items, **options)}[town.id]
    after = {result.town_id: result for result in compute_results(REAL_CRITERIA, towns, raised, **options)}[town.id]
    assert after.total >= before.total
    assert after.rank <= before.rank


@settings(deadline=None)
@given(st.sampled_from(sorted(code for code, (_, data) in FIXTURE_CRITERIA.items() if data["rule"])), st.data())
def test_propose_points_stay_between_zero_and_max_in_tenths(code, data):
    data_rule = FIXTURE_CRITERIA[code][1]
    rule = rule_from_dict(data_rule["rule"])
    figure = st.one_of(st.none(), st.decimals(min_value=0, max_value=1000, places=2))
    figures = {metric: data.draw(figure) for metric in rule.metrics}
    answers = {code: data.draw(st.one_of(st.none(), st.booleans())) for code in rule.answers}
    proposal = propose(rule, Decimal(data_rule["points"]), figures, data.draw(st.dates()), answers=answers)
    if proposal.points is not None:
        assert Decimal(0) <= proposal.points <= Decimal(data_rule["points"])
        assert proposal.points == proposal.points.quantize(Decimal("0.1"))


# --------------------------------------------------------------------------- decrease against a baseline (3.3)


@pytest.mark.parametrize(
    "current, baseline, expected",
    [
        ("99", "100", ("5.0", (True,))),
        ("100", "100", ("0.0", (False,))),
        ("101", "100", ("0.0", (False,))),
        ("0", "1", ("5.0", (True,))),
        ("0", "0", ("0.0", (False,))),
        ("3", "0", ("0.0", (False,))),
    ],
    ids=["one_fewer", "edge_unchanged", "one_more", "down_to_zero", "zero_baseline_zero", "zero_baseline_rise"],
)
def test_preventable_cases_3_3_1_any_decrease_on_last_year_earns_full_points(current, baseline, expected):
    figures = {"cases_preventable": current, "cases_preventable_baseline": baseline}
    points = None if expected[0] is None else Decimal(expected[0])
    assert _outcome("3.3.1", figures) == (points, expected[1])


def test_preventable_cases_3_3_1_explains_the_change():
    def explanation(current):
        return _propose("3.3.1", {"cases_preventable": current, "cases_preventable_baseline": "80"}).explanation

    assert "达到：辖区可防性案件数较上一年度下降（实测下降12.5%，要求降幅超过0%）" in explanation("70")
    assert "未达到：辖区可防性案件数较上一年度下降（实测持平，要求降幅超过0%）" in explanation("80")
    assert "未达到：辖区可防性案件数较上一年度下降（实测上升25%，要求降幅超过0%）" in explanation("100")


def test_preventable_cases_3_3_1_without_a_baseline_is_not_scored_and_a_zero_one_cannot_fall():
    missing = _propose("3.3.1", {"cases_preventable": "5"})
    zero = _propose("3.3.1", {"cases_preventable": "5", "cases_preventable_baseline": "0"})
    assert (missing.points, zero.points) == (None, Decimal("0.0"))
    assert "辖区可防性案件数较上一年度下降：缺少“上一年度可防性案件数”" in missing.explanation
    assert "未达到：辖区可防性案件数较上一年度下降（“上一年度可防性案件数”为0，按未满足计）" in zero.explanation


def _decrease_rule(threshold, strict):
    return rule_from_dict({"parts": [{
        "kind": "decrease_at_least", "label": "下降", "figure": "now", "baseline": "before",
        "threshold": threshold, "strict": strict,
    }]})


@pytest.mark.parametrize(
    "now, strict, met",
    [("2.7", False, True), ("2.7", True, False), ("2.71", False, False), ("2.69", True, True)],
    ids=["edge_reaches", "edge_strict", "just_short", "just_over_strict"],
)
def test_decrease_at_least_compares_exactly_with_share_of_baseline(now, strict, met):
    # A 10% fall from 3 is exactly 0.3: no rounded quotient decides the edge.
    proposal = propose(_decrease_rule("0.10", strict), Decimal("1"), {"now": Decimal(now), "before": Decimal("3")}, AS_OF)
    assert proposal.parts[0].met is met
    assert proposal.parts[0].value == (Decimal("3") - Decimal(now)) / Decimal("3")


def test_rule_from_dict_builds_decrease_part_with_its_baseline():
    rule = rule_from_dict(FIXTURE_CRITERIA["3.3.1"][1]["rule"])
    assert rule.parts[0] == Part(
        kind=PartKind.DECREASE_AT_LEAST, label="辖区可防性案件数较上一年度下降", strict=True, threshold=Decimal("0"),
        figure="cases_preventable", baseline="cases_preventable_baseline",
    )
    assert rule.metrics == ("cases_preventable", "cases_preventable_baseline")
    assert rule.baselines == {"cases_preventable_baseline": "cases_preventable"}
    assert rule_from_dict(FIXTURE_CRITERIA["3.4.1"][1]["rule"]).baselines == {}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"baseline": None}, "第1项条件缺少“baseline”"),
        ({"numerator": "x"}, "第1项条件含有无法识别的字段：numerator"),
        ({"kind": "value_at_most"}, "第1项条件含有无法识别的字段：baseline"),
    ],
    ids=["no_baseline", "ratio_key", "baseline_on_value_part"],
)
def test_rule_from_dict_rejects_malformed_decrease_part(changes, message):
    part = {"kind": "decrease_at_least", "label": "下降", "figure": "now", "baseline": "before", "threshold": "0",
            "strict": True}
    part.update(changes)
    with pytest.raises(ValueError) as error:
        rule_from_dict({"parts": [{key: value for key, value in part.items() if value is not None}]})
    assert str(error.value) == message


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_preventable_cases_3_3_1_full_points_exactly_when_fewer_than_last_year(current, baseline):
    figures = {"cases_preventable": str(current), "cases_preventable_baseline": str(baseline)}
    assert _outcome("3.3.1", figures)[0] == (Decimal("5.0") if current < baseline else Decimal("0.0"))


# --------------------------------------------------------------------------- purity


def test_engine_imports_no_django():
    code = "import sys, scoring.engine; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert output == "[]\n"


# --------------------------------------------------------------------------- granted extensions (延期)

EXTENDED_TO = datetime.date(2017, 11, 15)  # CRITERION_A is due by 2017-09-30


def _extended(awarded, completed_on, extended_to=EXTENDED_TO):
    return ItemInput(1, CRITERION_A.id, None if awarded is None else Decimal(awarded), completed_on, extended_to)


@pytest.mark.parametrize(
    "completed_on, as_of, expected",
    [
        (datetime.date(2017, 11, 15), LATE_2017, DeadlineState.ON_TIME),
        (datetime.date(2017, 11, 16), LATE_2017, DeadlineState.LATE),
        (datetime.date(2017, 10, 1), LATE_2017, DeadlineState.ON_TIME),
        (None, datetime.date(2017, 11, 16), DeadlineState.OVERDUE),
        (None, datetime.date(2017, 11, 15), DeadlineState.DUE_SOON),
        (None, datetime.date(2017, 10, 16), DeadlineState.DUE_SOON),
        (None, datetime.date(2017, 10, 15), DeadlineState.NOT_DUE),
    ],
    ids=["on_extended_day", "day_after", "after_month_before_extension", "open_after", "open_on_day",
         "open_30_days_before", "open_31_days_before"],
)
def test_extension_day_replaces_the_deadline_month(completed_on, as_of, expected):
    outcome = item_outcome(CRITERION_A, _extended(None, completed_on), town_id=1, as_of=as_of, soon_days=30)
    assert (outcome.state, outcome.extended, outcome.extended_to) == (expected, True, EXTENDED_TO)
    assert outcome.deadline == YearMonth(2017, 9)


def test_without_extension_the_month_decides_and_nothing_is_marked():
    outcome = item_outcome(CRITERION_A, _item(1, CRITERION_A, None, datetime.date(2017, 10, 1)), town_id=1,
                           as_of=LATE_2017)
    assert (outcome.state, outcome.extended, outcome.extended_to) == (DeadlineState.LATE, False, None)


def test_extension_may_also_shorten_the_deadline_day():
    # The engine takes the granted day as given; the service only grants days after the deadline.
    outcome = item_outcome(CRITERION_A, _extended(None, datetime.date(2017, 9, 20), datetime.date(2017, 9, 10)),
                           town_id=1, as_of=LATE_2017)
    assert outcome.state == DeadlineState.LATE


def test_extension_keeps_points_a_deduct_policy_would_take():
    policy = LatePolicy("deduct", Decimal("0.20"))
    done = datetime.date(2017, 10, 20)
    late = item_outcome(CRITERION_A, _item(1, CRITERION_A, "2.5", done), town_id=1, as_of=LATE_2017, policy=policy)
    extended = item_outcome(CRITERION_A, _extended("2.5", done), town_id=1, as_of=LATE_2017, policy=policy)
    assert (late.state, late.kept) == (DeadlineState.LATE, Decimal("2.0"))
    assert (extended.state, extended.kept, extended.deducted) == (DeadlineState.ON_TIME, Decimal("2.5"), False)


def test_extension_changes_only_its_own_item_in_results():
    policy = LatePolicy("deduct", Decimal("0.20"))
    done = datetime.date(2017, 10, 20)
    towns = [TownInput(1, "雄州街道"), TownInput(2, "龙池街道")]
    items = [_extended("2.5", done), _item(2, CRITERION_A, "2.5", done),
             _item(1, CRITERION_B, "2", done), _item(2, CRITERION_B, "2", done)]
    by_town = {r.town_id: r for r in _results(towns, items, policy=policy)}
    assert (by_town[1].total, by_town[1].late) == (Decimal("4.5"), 0)
    assert (by_town[2].total, by_town[2].late) == (Decimal("4.0"), 1)
    assert [o.extended for o in by_town[1].items] == [True, False]
    assert [o.extended for o in by_town[2].items] == [False, False]

