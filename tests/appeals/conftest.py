import datetime
from decimal import Decimal

import pytest

from assessment import round_services
from assessment.models import Round, Submission
from tests.factories import score_item

GRANTED = datetime.date(2026, 10, 15)  # score_item completes items on 2026-10-01; the standard's deadlines are 2017's


@pytest.fixture
def deduct_round(open_round):
    Round.objects.filter(pk=open_round.pk).update(late_policy="deduct", late_deduction=Decimal("0.20"))
    open_round.refresh_from_db()
    return open_round


def item_of(round_, town, criterion):
    return Submission.objects.select_related("round", "criterion").get(round=round_, town=town, criterion=criterion)


@pytest.fixture
def scored_pair(deduct_round, town_a, town_b, criteria, official_a, official_b, reviewer):
    """1.1.1 and 1.2.1 of town A and 1.1.1 of town B scored, all completed after their deadlines."""
    return {
        "a": score_item(item_of(deduct_round, town_a, criteria["1.1.1"]), official_a, reviewer, "2.5"),
        "a_other": score_item(item_of(deduct_round, town_a, criteria["1.2.1"]), official_a, reviewer, "2"),
        "b": score_item(item_of(deduct_round, town_b, criteria["1.1.1"]), official_b, reviewer, "2.5"),
    }


@pytest.fixture
def published(open_round, reviewer, scored_a):
    """The round with town A's 1.1.1 scored 2.5, published through the state service (so it has a publication time)."""
    round_services.change_state(open_round, Round.State.REVIEWING, user=reviewer)
    round_services.change_state(open_round, Round.State.PUBLISHED, user=reviewer, reason="部分考察点未评分，按未得分公布。")
    open_round.refresh_from_db()
    return open_round
