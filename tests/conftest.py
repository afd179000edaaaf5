import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment import services
from assessment.models import Criterion, District, Rubric, Submission, Town
from tests.factories import UserFactory


@pytest.fixture
def rubric(db):
    """附件1 as loaded by the data migration."""
    return Rubric.objects.get(version="2017")


@pytest.fixture
def criteria(rubric):
    return {c.code: c for c in Criterion.objects.filter(indicator__section__rubric=rubric)}


@pytest.fixture
def reviewer(db):
    return UserFactory(role="reviewer", username="reviewer", last_name="评审员甲")


@pytest.fixture
def viewer(db):
    return UserFactory(role="viewer", username="leader")


@pytest.fixture
def admin_user(db):
    return UserFactory(role="admin", username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def towns(rubric):
    return list(Town.objects.order_by("order")[:2])


@pytest.fixture
def town_a(towns):
    return towns[0]


@pytest.fixture
def town_b(towns):
    return towns[1]


@pytest.fixture
def official_a(town_a):
    return UserFactory(role="town", username="official_a", town=town_a, last_name="填报员甲")


@pytest.fixture
def official_a2(town_a):
    return UserFactory(role="town", username="official_a2", town=town_a, last_name="填报员乙")


@pytest.fixture
def official_b(town_b):
    return UserFactory(role="town", username="official_b", town=town_b)


@pytest.fixture
def police(db, rubric):
    from assessment.models import ResponsibleUnit

    return UserFactory(role="department", username="police", unit=ResponsibleUnit.objects.get(name="区公安分局"))


@pytest.fixture
def open_round(rubric):
    today = timezone.localdate()
    return services.open_round(
        rubric=rubric, district=District.objects.get(name="六合区"), name="2026年度达标评估",
        opens_on=today - datetime.timedelta(days=10), closes_on=today + datetime.timedelta(days=30),
        pass_mark=Decimal("80"),
    )


@pytest.fixture
def item(open_round, town_a, criteria):
    """Town A's submission for 2.3④ (government-funded cameras), which asks for two figures."""
    return Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.3④"])


@pytest.fixture
def item_b(open_round, town_b, criteria):
    return Submission.objects.get(round=open_round, town=town_b, criterion=criteria["2.3④"])


@pytest.fixture
def scored_a(open_round, town_a, criteria, official_a, reviewer):
    """Town A's 1.1.1 scored 2.5 of 3 by the reviewer."""
    from tests.factories import score_item

    item = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["1.1.1"])
    return score_item(item, official_a, reviewer, "2.5")
