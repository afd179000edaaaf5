import datetime

import pytest

from assessment import services
from assessment.models import Criterion, District, ResponsibleUnit, RoundDeadline
from tests.factories import UserFactory

AS_OF = datetime.date(2030, 6, 23)  # 7 days before the last day of June 2030


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_URL = ""


@pytest.fixture
def long_round(rubric):
    """A round open from 2020 to 2035 (so today's edits are allowed), every deadline in December 2030."""
    round_ = services.open_round(
        rubric=rubric, district=District.objects.get(name="六合区"), name="2030年度达标评估",
        opens_on=datetime.date(2020, 1, 1), closes_on=datetime.date(2035, 12, 31),
    )
    RoundDeadline.objects.bulk_create(
        RoundDeadline(round=round_, criterion=c, deadline=datetime.date(2030, 12, 1))
        for c in Criterion.objects.filter(indicator__section__rubric=rubric)
    )
    return round_


def set_deadline(round_, code, month):
    RoundDeadline.objects.filter(round=round_, criterion__code=code).update(deadline=month)


@pytest.fixture
def transport(rubric):
    return UserFactory(role="department", username="transport", unit=ResponsibleUnit.objects.get(name="区交通运输局"))
