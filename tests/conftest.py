import pytest

from assessment.models import Criterion, Rubric
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
    return UserFactory(role="reviewer", username="reviewer")


@pytest.fixture
def admin_user(db):
    return UserFactory(role="admin", username="admin", is_staff=True, is_superuser=True)
