import pytest
from django.core.exceptions import ValidationError

from assessment.models import ResponsibleUnit, User


def test_town_official_needs_a_town(db):
    with pytest.raises(ValidationError) as error:
        User(username="x", role=User.Role.TOWN).clean()
    assert error.value.message_dict == {"town": ["街镇填报员必须指定所属街镇。"]}


def test_department_official_needs_a_unit(db):
    with pytest.raises(ValidationError) as error:
        User(username="x", role=User.Role.DEPARTMENT).clean()
    assert error.value.message_dict == {"unit": ["部门填报员必须指定所属责任单位。"]}


def test_only_town_officials_are_bound_to_a_town(town_a):
    with pytest.raises(ValidationError) as error:
        User(username="x", role=User.Role.REVIEWER, town=town_a).clean()
    assert error.value.message_dict == {"town": ["只有街镇填报员可以绑定街镇。"]}


def test_bound_accounts_are_valid(town_a):
    User(username="x", role=User.Role.TOWN, town=town_a).clean()
    User(username="y", role=User.Role.DEPARTMENT, unit=ResponsibleUnit.objects.get(name="区公安分局")).clean()


def test_criterion_deadline_last_day(criteria):
    assert (criteria["2.3②"].deadline_month, str(criteria["2.3②"].deadline_last_day)) == ("2017-12", "2017-12-31")


def test_town_official_takes_district_from_town(town_a):
    with pytest.raises(ValidationError) as error:
        User(username="x", role=User.Role.TOWN, town=town_a, district=town_a.district).clean()
    assert error.value.message_dict == {"district": ["街镇填报员的所属区由其街镇决定，请留空。"]}
