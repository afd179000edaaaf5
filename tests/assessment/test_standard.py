import copy
from decimal import Decimal

import pytest
from django.core.management import call_command

from assessment.models import Criterion, Indicator, Metric, ResponsibleUnit, Rubric, Section, Town
from assessment.standard import RubricIntegrityError, check_tree, load_default_standard, read_fixture, rubric_to_tree

SPAN = ("2018-12", True)
# (code, points, (deadline, deadline_is_span)) as printed in 附件1.
EXPECTED_CRITERIA = [
    ("1.1.1", "3", ("2017-09", False)), ("1.2.1", "3", ("2017-09", False)), ("1.3.1", "3", SPAN),
    ("1.4.1", "1", SPAN), ("1.4.2", "2", SPAN), ("1.5.1", "3", SPAN),
    ("2.1.1", "1", SPAN), ("2.2①", "1", ("2017-09", False)), ("2.2②", "1", ("2017-09", False)), ("2.2③", "1", SPAN),
    ("2.3①", "1", SPAN), ("2.3②", "0.5", ("2017-12", False)), ("2.3③", "0.5", ("2017-12", False)),
    ("2.3④", "1", SPAN), ("2.3⑤", "1", SPAN), ("2.3⑥", "1", SPAN),
    ("2.4①", "0.5", ("2017-12", False)), ("2.4②", "1", SPAN), ("2.4③", "0.5", ("2017-12", False)), ("2.4④", "1", SPAN),
    ("2.5①", "1", SPAN), ("2.5②", "1", SPAN), ("2.5③", "1", SPAN), ("2.6.1", "2", SPAN),
    ("2.7①", "1", SPAN), ("2.7②", "0.5", SPAN), ("2.7③", "1", SPAN), ("2.7④", "0.5", SPAN),
    ("3.1①", "1", SPAN), ("3.1②", "2", SPAN), ("3.1③", "1", SPAN), ("3.1④", "1", SPAN),
    ("3.2.1", "5", SPAN), ("3.3.1", "5", SPAN), ("3.4.1", "5", SPAN),
    ("4.1.1", "5", SPAN), ("4.2.1", "5", SPAN),
    ("5.1.1", "5", SPAN), ("5.2.1", "5", SPAN), ("5.3.1", "10", SPAN),
    ("6.1.1", "15", SPAN),
]
SECTION_POINTS = {"领导重视": "15", "科学建设": "20", "强化应用": "20", "队伍建设": "10", "健全机制": "20", "改革创新": "15"}
DISTRICT_ONLY = {"2.3①", "2.4③", "3.1①", "3.1②", "3.1③", "3.1④", "3.2.1", "3.3.1", "3.4.1"}


def test_rubric_total_is_100(rubric):
    assert rubric.total_points == Decimal("100")
    assert sum(s.points for s in rubric.sections.all()) == Decimal("100")


def test_sections_have_points_as_printed(rubric):
    assert {s.title: s.points for s in rubric.sections.all()} == {k: Decimal(v) for k, v in SECTION_POINTS.items()}


def test_every_criterion_present_with_points_and_deadline(criteria):
    actual = {
        code: (c.points, (c.deadline_month, c.deadline_is_span)) for code, c in criteria.items()
    }
    assert actual == {code: (Decimal(points), deadline) for code, points, deadline in EXPECTED_CRITERIA}


def test_criteria_sum_to_their_indicator(rubric):
    for indicator in Indicator.objects.filter(section__rubric=rubric).prefetch_related("criteria"):
        assert sum(c.points for c in indicator.criteria.all()) == indicator.points, indicator.code


def test_district_only_criteria_are_the_nine_in_the_text(criteria):
    district_only = {
        code for code, c in criteria.items()
        if all(link.unit.level == ResponsibleUnit.Level.DISTRICT for link in c.unit_links.all())
    }
    assert district_only == DISTRICT_ONLY
    assert sum(criteria[code].points for code in DISTRICT_ONLY) == Decimal("21.5")


def test_responsible_units_keep_printed_order(criteria):
    units = [link.unit.name for link in criteria["1.4.2"].unit_links.all()]
    assert units == ["综治办", "区财政局", "各部门", "各街镇"]


def test_criterion_content_is_transcribed_in_full(criteria):
    assert criteria["2.3④"].content == "政府投资建设的监控摄像机占本辖区监控摄像机比超过10%。"
    assert criteria["2.4④"].content.count("\n") == 3


def test_thresholds_are_data_on_the_criterion(criteria):
    with_rules = {code for code, c in criteria.items() if c.rule}
    assert with_rules == {
        "1.4.2", "2.3④", "2.3⑤", "2.3⑥", "2.4④", "2.5③", "2.6.1", "2.7①", "2.7②", "2.7③", "3.3.1", "3.4.1", "4.1.1",
        "5.3.1",
    }
    assert [m.code for m in criteria["2.3④"].metrics.all()] == ["cameras_total", "cameras_gov"]


def test_towns_of_liuhe_loaded(db):
    assert Town.objects.count() == 11
    assert Town.objects.filter(kind=Town.Kind.TOWN).count() == 1


def test_loading_again_changes_nothing(rubric):
    counts = [m.objects.count() for m in (Rubric, Section, Indicator, Criterion, Metric, Town, ResponsibleUnit)]
    assert load_default_standard() == rubric
    assert [m.objects.count() for m in (Rubric, Section, Indicator, Criterion, Metric, Town, ResponsibleUnit)] == counts


@pytest.mark.django_db(transaction=True)
def test_migrate_twice_changes_nothing():
    call_command("migrate", verbosity=0)
    before = (Criterion.objects.count(), Town.objects.count())
    call_command("migrate", "assessment", "0001", verbosity=0)  # undoes nothing of the data: noop reverse
    call_command("migrate", verbosity=0)
    assert (Criterion.objects.count(), Town.objects.count()) == before == (41, 11)


def test_stored_standard_equals_fixture(rubric):
    fixture = read_fixture()
    stored = rubric_to_tree(rubric)
    assert [s["code"] for s in stored["sections"]] == [s["code"] for s in fixture["sections"]]
    stored_criteria = [c for s in stored["sections"] for i in s["indicators"] for c in i["criteria"]]
    fixture_criteria = [c for s in fixture["sections"] for i in s["indicators"] for c in i["criteria"]]
    assert [(c["code"], c["title"], c["content"], c["units"]) for c in stored_criteria] == [
        (c["code"], c["title"], c["content"], c["units"]) for c in fixture_criteria
    ]


def test_check_tree_accepts_fixture():
    check_tree(read_fixture())


def test_check_tree_rejects_criterion_sum_naming_node():
    tree = copy.deepcopy(read_fixture())
    tree["sections"][0]["indicators"][3]["criteria"][1]["points"] = "2.5"
    with pytest.raises(RubricIntegrityError) as error:
        check_tree(tree)
    assert str(error.value) == "二类指标 1.4 经费落实：考察点分值合计 3.5 分，与其分值 3 分不符。"


def test_check_tree_rejects_section_sum():
    tree = copy.deepcopy(read_fixture())
    tree["sections"][3]["points"] = "12"
    with pytest.raises(RubricIntegrityError) as error:
        check_tree(tree)
    assert str(error.value) == "一类指标 4 队伍建设：二类指标分值合计 10 分，与其分值 12 分不符。"


def test_check_tree_rejects_rubric_total():
    tree = copy.deepcopy(read_fixture())
    tree["total_points"] = "90"
    with pytest.raises(RubricIntegrityError) as error:
        check_tree(tree)
    assert str(error.value) == "评估标准 南京市六合区技防街道（镇）规范化达标建设评估标准：一类指标分值合计 100 分，与其分值 90 分不符。"


def test_check_tree_rejects_missing_points():
    tree = copy.deepcopy(read_fixture())
    del tree["sections"][0]["indicators"][0]["criteria"][0]["points"]
    with pytest.raises(RubricIntegrityError) as error:
        check_tree(tree)
    assert str(error.value) == "考察点 1.1.1 的分值缺失或不是数字。"
