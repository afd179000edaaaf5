import datetime
from decimal import Decimal

import pytest

from assessment.models import RoundDeadline, Submission
from scoring.engine import YearMonth
from scoring.loader import load_round, round_results
from tests.factories import score_item


def test_load_round_is_one_query(open_round, django_assert_num_queries):
    with django_assert_num_queries(1):
        inputs = load_round(open_round)
    assert (len(inputs.criteria), len(inputs.towns), len(inputs.items)) == (41, 11, 451)
    assert sum(c.points for c in inputs.criteria) == Decimal("100")


def test_load_round_uses_round_deadline(open_round, criteria):
    RoundDeadline.objects.create(round=open_round, criterion=criteria["1.1.1"], deadline=datetime.date(2026, 12, 1))
    by_code = {c.code: c for c in load_round(open_round).criteria}
    assert by_code["1.1.1"].deadline == YearMonth(2026, 12)
    assert by_code["1.2.1"].deadline == YearMonth(2017, 9)


def test_round_results_totals_and_ranks(open_round, town_a, town_b, criteria, official_a, official_b, reviewer):
    for code, points in [("1.1.1", "3"), ("1.2.1", "2.5")]:
        score_item(Submission.objects.get(round=open_round, town=town_a, criterion=criteria[code]), official_a, reviewer, points)
    score_item(Submission.objects.get(round=open_round, town=town_b, criterion=criteria["6.1.1"]), official_b, reviewer, "12")
    results = {r.town_name: r for r in round_results(open_round, as_of=datetime.date(2026, 11, 1))}
    assert (results[town_b.name].total, results[town_b.name].rank) == (Decimal("12.0"), 1)
    assert (results[town_a.name].total, results[town_a.name].rank) == (Decimal("5.5"), 2)
    assert results[town_a.name].sections["1"] == Decimal("5.5")
    assert results[town_a.name].passed is False
    assert {r.rank for r in results.values() if r.total == 0} == {3}


def test_round_results_ignore_unscored_review_after_return(open_round, item, official_a, reviewer):
    scored = score_item(item, official_a, reviewer, "1")
    assert scored.status == Submission.Status.SCORED
    results = {r.town_id: r for r in round_results(open_round)}
    assert results[item.town_id].total == Decimal("1.0")


@pytest.mark.parametrize(("policy", "expected"), [("flag", Decimal("3.0")), ("deduct", Decimal("2.4"))])
def test_round_results_late_policy(open_round, town_a, criteria, official_a, reviewer, policy, expected):
    open_round.late_policy, open_round.late_deduction = policy, Decimal("0.20")
    open_round.save()
    score_item(Submission.objects.get(round=open_round, town=town_a, criterion=criteria["1.1.1"]), official_a, reviewer, "3")
    results = {r.town_id: r for r in round_results(open_round)}
    assert results[town_a.pk].total == expected
