"""附件1's thresholds, boundary by boundary, read from the real fixture's rules.

Every row quotes the words of 附件1 it checks (each quote is a piece of the criterion's 评估内容, asserted below)
and states the points the text gives: each threshold exactly, just under and just over, a zero denominator and a
missing figure or answer. "超过" excludes the number itself; "达 / 以上 / 不超过" include it; "5-10%" and
"3-10分钟" are ranges with both ends included.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.engine import propose, rule_from_dict

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = json.loads((ROOT / "fixtures" / "rubric_2017.json").read_text(encoding="utf-8"))
CRITERIA = {c["code"]: c for s in RUBRIC["sections"] for i in s["indicators"] for c in i["criteria"]}
LATE_2018 = datetime.date(2018, 12, 31)  # the plan's own 完成时间: every staged target at its last stage
MID_2016 = datetime.date(2016, 6, 30)  # between 2.6's and 2.7②'s first and second stages


def row(code, quote, figures, expected, answers=None, as_of=LATE_2018, label=""):
    return pytest.param(code, quote, figures, answers or {}, as_of, expected, id=f"{code}-{label}")


BUDGET = {"project_cost": "1000"}
IN_BUDGET = {"maintenance_in_budget": True}
ROADS = {"interval_main_road": "2", "interval_secondary_road": "3", "interval_township_road": "10",
         "interval_alley": "10"}
ALLEY = {"alley_entrances_captured": True}
WALK = {"interval_crowded_area": "3", "interval_general_area": "5"}
HIGH = {"high_altitude_points": True}
HOMES = {"shops_covered": "100", "shops_total": "100", "urban_households_covered": "900",
         "urban_households_total": "1000", "rural_households_covered": "800", "rural_households_total": "1000"}
COMPLIANT = {"estates_compliant": "900", "estates_total": "1000", "villages_compliant": "850",
             "villages_total": "1000", "units_compliant": "900", "units_total": "1000"}
SITES = {"key_site_systems_ok": "901", "key_site_systems": "1000", "gov_uptime_pct": "95", "gov_image_usable_pct": "95"}
MECHANISM = {"operation_mechanism": True}
WATCH = {"watch_mechanism": True}

Q_142 = "按照技防工程造价的5-10%落实"
Q_234 = "政府投资建设的监控摄像机占本辖区监控摄像机比超过10%"
Q_235 = "主要道路和党委、政府周边及主要广场建设高清监控摄像机占比超过80%"
Q_236 = "重点单位、要害部位建设联网报警系统占比超过50%"
Q_244 = "不超过2分钟被拍摄一次"
Q_253 = "正常行走不超过3分钟被拍摄一次"
Q_261 = "至2015年底，视频监控“村村通”达到80%，2016年底实现全覆盖"
Q_271 = "入户率分别达100%、90%和80%以上"
Q_272 = "2015年底联网率达50%,2016年底联网率达70%"
Q_273 = "达标率分别达90%、85%、90%以上"
Q_341 = "导致破案占比超过20%"
Q_411 = "按照重点监控摄像机数15:1的标准配备值守力量，建立相关工作机制"
Q_531 = "设施完好率超过90%"
Q_531B = "系统正常运行率和视频图像可利用率均达95%以上"

ROWS = [
    # 1.4② 2 points: "将维护经费列入预算专项解决" and "按照技防工程造价的5-10%落实", one point each.
    row("1.4.2", Q_142, {**BUDGET, "maintenance_budget": "50"}, "2.0", IN_BUDGET, label="5%_exactly"),
    row("1.4.2", Q_142, {**BUDGET, "maintenance_budget": "49.9"}, "1.0", IN_BUDGET, label="under_5%"),
    row("1.4.2", Q_142, {**BUDGET, "maintenance_budget": "50.1"}, "2.0", IN_BUDGET, label="over_5%"),
    row("1.4.2", Q_142, {**BUDGET, "maintenance_budget": "99.9"}, "2.0", IN_BUDGET, label="under_10%"),
    row("1.4.2", Q_142, {**BUDGET, "maintenance_budget": "100"}, "2.0", IN_BUDGET, label="10%_exactly"),
    row("1.4.2", Q_142, {**BUDGET, "maintenance_budget": "100.1"}, "2.0", IN_BUDGET, label="over_10%_still_落实"),
    row("1.4.2", "将维护经费列入预算专项解决", {**BUDGET, "maintenance_budget": "60"}, "1.0",
        {"maintenance_in_budget": False}, label="not_in_budget"),
    row("1.4.2", Q_142, {"project_cost": "0", "maintenance_budget": "0"}, "1.0", IN_BUDGET, label="zero_cost_not_met"),
    row("1.4.2", Q_142, BUDGET, None, IN_BUDGET, label="missing_budget"),
    row("1.4.2", "将维护经费列入预算专项解决", {**BUDGET, "maintenance_budget": "60"}, None, label="unanswered"),
    # 2.3④ 1 point: "超过10%".
    row("2.3④", Q_234, {"cameras_total": "1000", "cameras_gov": "100"}, "0.0", label="10%_exactly"),
    row("2.3④", Q_234, {"cameras_total": "1000", "cameras_gov": "99"}, "0.0", label="under"),
    row("2.3④", Q_234, {"cameras_total": "1000", "cameras_gov": "101"}, "1.0", label="over"),
    row("2.3④", Q_234, {"cameras_total": "0", "cameras_gov": "0"}, "0.0", label="no_cameras_not_met"),
    row("2.3④", Q_234, {"cameras_total": "1000"}, None, label="missing"),
    # 2.3⑤ 1 point: "超过80%".
    row("2.3⑤", Q_235, {"key_area_cameras": "1000", "key_area_cameras_hd": "800"}, "0.0", label="80%_exactly"),
    row("2.3⑤", Q_235, {"key_area_cameras": "1000", "key_area_cameras_hd": "799"}, "0.0", label="under"),
    row("2.3⑤", Q_235, {"key_area_cameras": "1000", "key_area_cameras_hd": "801"}, "1.0", label="over"),
    row("2.3⑤", Q_235, {"key_area_cameras": "0", "key_area_cameras_hd": "0"}, "0.0", label="zero_not_met"),
    row("2.3⑤", Q_235, {"key_area_cameras_hd": "801"}, None, label="missing"),
    # 2.3⑥ 1 point: "超过50%".
    row("2.3⑥", Q_236, {"key_units_total": "1000", "key_units_alarm": "500"}, "0.0", label="50%_exactly"),
    row("2.3⑥", Q_236, {"key_units_total": "1000", "key_units_alarm": "499"}, "0.0", label="under"),
    row("2.3⑥", Q_236, {"key_units_total": "1000", "key_units_alarm": "501"}, "1.0", label="over"),
    row("2.3⑥", Q_236, {"key_units_total": "0", "key_units_alarm": "0"}, "0.0", label="zero_not_met"),
    row("2.3⑥", Q_236, {"key_units_total": "1000"}, None, label="missing"),
    # 2.4④ 1 point over four rows of the table, a quarter each (rounded down: 0.75 → 0.7).
    row("2.4④", Q_244, ROADS, "1.0", ALLEY, label="every_limit_exactly"),
    row("2.4④", Q_244, {**ROADS, "interval_main_road": "1.99"}, "1.0", ALLEY, label="main_under"),
    row("2.4④", Q_244, {**ROADS, "interval_main_road": "2.01"}, "0.7", ALLEY, label="main_over"),
    row("2.4④", "不超过3分钟被拍摄一次", {**ROADS, "interval_secondary_road": "3.01"}, "0.7", ALLEY,
        label="secondary_over"),
    row("2.4④", "3-10分钟内被拍摄一次", {**ROADS, "interval_township_road": "10.01"}, "0.7", ALLEY,
        label="township_over_10"),
    row("2.4④", "3-10分钟内被拍摄一次", {**ROADS, "interval_township_road": "3"}, "1.0", ALLEY,
        label="township_3_exactly"),
    row("2.4④", "3-10分钟内被拍摄一次", {**ROADS, "interval_township_road": "2.99"}, "1.0", ALLEY,
        label="township_under_3_more_often"),
    row("2.4④", "区间连续行驶不超过10分钟被拍摄一次", {**ROADS, "interval_alley": "10.01"}, "0.7", ALLEY,
        label="alley_over"),
    row("2.4④", "进出街巷路口各被拍摄一次", ROADS, "0.7", {"alley_entrances_captured": False},
        label="alley_entrances_not_captured"),
    row("2.4④", "进出街巷路口各被拍摄一次", ROADS, None, label="alley_unanswered"),
    row("2.4④", Q_244, {k: v for k, v in ROADS.items() if k != "interval_main_road"}, None, ALLEY, label="missing"),
    # 2.5③ 1 point over three requirements, a third each (0.66 → 0.6).
    row("2.5③", Q_253, WALK, "1.0", HIGH, label="limits_exactly"),
    row("2.5③", Q_253, {**WALK, "interval_crowded_area": "2.99"}, "1.0", HIGH, label="crowded_under"),
    row("2.5③", Q_253, {**WALK, "interval_crowded_area": "3.01"}, "0.6", HIGH, label="crowded_over"),
    row("2.5③", "一般区域正常行走不超过5分钟被拍摄一次", {**WALK, "interval_general_area": "5.01"}, "0.6", HIGH,
        label="general_over"),
    row("2.5③", "同时建设高空视频监控点位", WALK, "0.6", {"high_altitude_points": False}, label="no_high_points"),
    row("2.5③", "同时建设高空视频监控点位", WALK, None, label="unanswered"),
    row("2.5③", Q_253, {"interval_crowded_area": "3"}, None, HIGH, label="missing"),
    # 2.6 2 points: coverage (staged) and "逐步实现联网运行", one point each.
    row("2.6.1", Q_261, {"villages_total": "100", "villages_covered": "100"}, "2.0", {"villages_networked": True},
        label="full_coverage"),
    row("2.6.1", Q_261, {"villages_total": "100", "villages_covered": "99"}, "1.0", {"villages_networked": True},
        label="under_full"),
    row("2.6.1", Q_261, {"villages_total": "100", "villages_covered": "80"}, "2.0", {"villages_networked": True},
        as_of=MID_2016, label="2016_80%_exactly"),
    row("2.6.1", Q_261, {"villages_total": "100", "villages_covered": "79"}, "1.0", {"villages_networked": True},
        as_of=MID_2016, label="2016_under_80%"),
    row("2.6.1", Q_261, {"villages_total": "100", "villages_covered": "81"}, "2.0", {"villages_networked": True},
        as_of=MID_2016, label="2016_over_80%"),
    row("2.6.1", "逐步实现联网运行", {"villages_total": "100", "villages_covered": "100"}, "1.0",
        {"villages_networked": False}, label="not_networked"),
    row("2.6.1", Q_261, {"villages_total": "0", "villages_covered": "0"}, "2.0", {"villages_networked": True},
        label="no_villages_not_applicable"),
    row("2.6.1", Q_261, {"villages_total": "100"}, None, {"villages_networked": True}, label="missing"),
    # 2.7① 1 point over three rates, a third each; a kind of household the town does not have is left out.
    row("2.7①", Q_271, HOMES, "1.0", label="every_rate_exactly"),
    row("2.7①", Q_271, {**HOMES, "shops_covered": "99"}, "0.6", label="shops_under"),
    row("2.7①", Q_271, {**HOMES, "urban_households_covered": "899"}, "0.6", label="urban_under"),
    row("2.7①", Q_271, {**HOMES, "urban_households_covered": "901"}, "1.0", label="urban_over"),
    row("2.7①", Q_271, {**HOMES, "rural_households_covered": "799"}, "0.6", label="rural_under"),
    row("2.7①", Q_271, {**HOMES, "rural_households_covered": "801"}, "1.0", label="rural_over"),
    row("2.7①", Q_271, {**HOMES, "shops_covered": "0", "shops_total": "0"}, "1.0", label="no_shops_others_met"),
    row("2.7①", Q_271, {**HOMES, "shops_covered": "0", "shops_total": "0", "rural_households_covered": "799"}, "0.5",
        label="no_shops_one_of_two_met"),
    row("2.7①", Q_271, {k: "0" for k in HOMES}, "1.0", label="nothing_applies"),
    row("2.7①", Q_271, {k: v for k, v in HOMES.items() if k != "shops_covered"}, None, label="missing"),
    # 2.7② 0.5 point: 70% by 2016年底 (50% before).
    row("2.7②", Q_272, {"estates_eligible": "1000", "estates_networked": "700"}, "0.5", label="70%_exactly"),
    row("2.7②", Q_272, {"estates_eligible": "1000", "estates_networked": "699"}, "0.0", label="under_70%"),
    row("2.7②", Q_272, {"estates_eligible": "1000", "estates_networked": "701"}, "0.5", label="over_70%"),
    row("2.7②", Q_272, {"estates_eligible": "1000", "estates_networked": "500"}, "0.5", as_of=MID_2016,
        label="2016_50%_exactly"),
    row("2.7②", Q_272, {"estates_eligible": "1000", "estates_networked": "499"}, "0.0", as_of=MID_2016,
        label="2016_under_50%"),
    row("2.7②", "具备条件的小区", {"estates_eligible": "0", "estates_networked": "0"}, "0.5",
        label="no_eligible_estates_not_applicable"),
    row("2.7②", Q_272, {"estates_networked": "1"}, None, label="missing"),
    # 2.7③ 1 point over three rates, a third each.
    row("2.7③", Q_273, COMPLIANT, "1.0", label="every_rate_exactly"),
    row("2.7③", Q_273, {**COMPLIANT, "estates_compliant": "899"}, "0.6", label="estates_under"),
    row("2.7③", Q_273, {**COMPLIANT, "villages_compliant": "849"}, "0.6", label="villages_under"),
    row("2.7③", Q_273, {**COMPLIANT, "villages_compliant": "851"}, "1.0", label="villages_over"),
    row("2.7③", Q_273, {**COMPLIANT, "units_compliant": "899"}, "0.6", label="units_under"),
    row("2.7③", Q_273, {**COMPLIANT, "villages_compliant": "0", "villages_total": "0"}, "1.0",
        label="no_villages_others_met"),
    row("2.7③", Q_273, {k: v for k, v in COMPLIANT.items() if k != "units_total"}, None, label="missing"),
    # 3.4 5 points: "超过20%".
    row("3.4.1", Q_341, {"cases_solved": "1000", "cases_solved_video": "200"}, "0.0", label="20%_exactly"),
    row("3.4.1", Q_341, {"cases_solved": "1000", "cases_solved_video": "199"}, "0.0", label="under"),
    row("3.4.1", Q_341, {"cases_solved": "1000", "cases_solved_video": "201"}, "5.0", label="over"),
    row("3.4.1", Q_341, {"cases_solved": "0", "cases_solved_video": "0"}, "0.0", label="no_cases_not_met"),
    row("3.4.1", Q_341, {"cases_solved": "1000"}, None, label="missing"),
    # 4.1 5 points: staff at 15:1 and the mechanism, as one requirement.
    row("4.1.1", Q_411, {"key_cameras": "30", "watch_staff": "2"}, "5.0", WATCH, label="15_to_1_exactly"),
    row("4.1.1", Q_411, {"key_cameras": "29", "watch_staff": "2"}, "5.0", WATCH, label="under"),
    row("4.1.1", Q_411, {"key_cameras": "31", "watch_staff": "2"}, "0.0", WATCH, label="over"),
    row("4.1.1", Q_411, {"key_cameras": "30", "watch_staff": "0"}, "0.0", WATCH, label="no_watch_staff_not_met"),
    row("4.1.1", "建立相关工作机制", {"key_cameras": "30", "watch_staff": "2"}, "0.0", {"watch_mechanism": False},
        label="no_mechanism"),
    row("4.1.1", "建立相关工作机制", {"key_cameras": "30", "watch_staff": "2"}, None, label="unanswered"),
    row("4.1.1", Q_411, {"key_cameras": "30"}, None, WATCH, label="missing"),
    # 5.3 10 points: the mechanism sentence first; then two clauses, five points each; "均" binds both rates.
    row("5.3.1", Q_531, SITES, "10.0", MECHANISM, label="all_met"),
    row("5.3.1", Q_531, {**SITES, "key_site_systems_ok": "900"}, "5.0", MECHANISM, label="90%_exactly"),
    row("5.3.1", Q_531, {**SITES, "key_site_systems_ok": "899"}, "5.0", MECHANISM, label="under_90%"),
    row("5.3.1", Q_531B, {**SITES, "gov_uptime_pct": "94.99"}, "5.0", MECHANISM, label="uptime_under"),
    row("5.3.1", Q_531B, {**SITES, "gov_uptime_pct": "95.01", "gov_image_usable_pct": "95.01"}, "10.0", MECHANISM,
        label="rates_over"),
    row("5.3.1", Q_531B, {**SITES, "gov_image_usable_pct": "94.99"}, "5.0", MECHANISM, label="image_under"),
    row("5.3.1", Q_531B, {**SITES, "key_site_systems_ok": "0", "key_site_systems": "0"}, "10.0", MECHANISM,
        label="no_key_sites_not_applicable"),
    row("5.3.1", "明确维护管理责任主体，落实运行管理资金，依法加强日常检查", SITES, "0.0",
        {"operation_mechanism": False}, label="no_mechanism"),
    row("5.3.1", "明确维护管理责任主体", SITES, None, label="unanswered"),
    row("5.3.1", Q_531B, {k: v for k, v in SITES.items() if k != "gov_uptime_pct"}, None, MECHANISM, label="missing"),
]


@pytest.mark.parametrize("code, quote, figures, answers, as_of, expected", ROWS)
def test_threshold_boundaries_follow_the_text(code, quote, figures, answers, as_of, expected):
    criterion = CRITERIA[code]
    assert quote in criterion["content"]
    decimals = {key: Decimal(value) for key, value in figures.items()}
    proposal = propose(rule_from_dict(criterion["rule"]), Decimal(criterion["points"]), decimals, as_of,
                       answers=answers)
    assert proposal.points == (None if expected is None else Decimal(expected))


def test_every_threshold_criterion_has_rows():
    automatic = {code for code, criterion in CRITERIA.items() if criterion["rule"]} - {"3.3.1"}
    assert automatic == {param.values[0] for param in ROWS}


def test_5_3_clause_one_and_one_rate_of_clause_two_proposes_half():
    # "重点单位、要害部位技防监控系统正常运行和设施完好率超过90%" met; of "系统正常运行率和视频图像可利用率均达95%以上"
    # only one rate: "均" makes that clause unmet, so 10 × 1/2.
    figures = {"key_site_systems_ok": "91", "key_site_systems": "100", "gov_uptime_pct": "99",
               "gov_image_usable_pct": "90"}
    criterion = CRITERIA["5.3.1"]
    proposal = propose(rule_from_dict(criterion["rule"]), Decimal("10"), {k: Decimal(v) for k, v in figures.items()},
                       LATE_2018, answers=MECHANISM)
    assert proposal.points == Decimal("5.0")
    assert [(c.met, len(c.parts)) for c in proposal.clauses] == [(True, 1), (False, 2)]


def test_2_7_1_without_shops_proposes_from_the_other_parts():
    figures = {**HOMES, "shops_covered": "0", "shops_total": "0", "rural_households_covered": "700"}
    criterion = CRITERIA["2.7①"]
    proposal = propose(rule_from_dict(criterion["rule"]), Decimal("1"), {k: Decimal(v) for k, v in figures.items()},
                       LATE_2018)
    assert proposal.points == Decimal("0.5")
    assert proposal.explanation.splitlines()[:2] == [
        "满足1/2项条件（1项不适用，不计入），建议得分0.5分（满分1分）。",
        "不适用：沿街商铺技防入户率达100%（“shops_total”为0，该项不适用，不计入）",
    ]
