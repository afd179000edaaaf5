"""The stored standard: edits that break the sums, and any edit of a scored standard, are refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import Criterion, Indicator
from assessment.standard import RubricIntegrityError
from assessment.standard_guard import ReviewedStandardError, check_edit
from tests.factories import score_item


def form_data(response):
    """The admin change page's form and inlines as the browser would post them unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def post_change(client, model_name, obj, **edits):
    url = reverse(f"admin:assessment_{model_name}_change", args=[obj.pk])
    data = form_data(client.get(url))
    data.update(edits)
    return client.post(url, data)


@pytest.fixture
def c221(criteria):
    return criteria["2.2①"]


def test_service_refuses_broken_sum_naming_node_and_both_sums(rubric, c221):
    with pytest.raises(RubricIntegrityError) as error:
        check_edit(rubric.pk, changes={("criterion", c221.pk): {"points": Decimal("2")}})
    assert str(error.value) == f"二类指标 2.2 {c221.indicator.title}：考察点分值合计 4 分，与其分值 3 分不符。"


def test_service_allows_points_moved_between_siblings(rubric, criteria):
    check_edit(rubric.pk, changes={("criterion", criteria["2.2①"].pk): {"points": Decimal("1.5")},
                                   ("criterion", criteria["2.2②"].pk): {"points": Decimal("0.5")}})


def test_service_refuses_total_other_than_sections(rubric):
    with pytest.raises(RubricIntegrityError, match="一类指标分值合计 100 分，与其分值 99 分不符。"):
        check_edit(rubric.pk, changes={("rubric", rubric.pk): {"points": Decimal("99")}})


def test_admin_refuses_criterion_edit_breaking_the_sum(client, admin_user, c221):
    client.force_login(admin_user)
    response = post_change(client, "criterion", c221, points="2")
    assert response.status_code == 200
    assert f"二类指标 2.2 {c221.indicator.title}：考察点分值合计 4 分，与其分值 3 分不符。" in response.content.decode()
    assert Criterion.objects.get(pk=c221.pk).points == Decimal("1")


def test_admin_saves_points_moved_between_siblings_inline(client, admin_user, criteria, c221):
    client.force_login(admin_user)
    indicator = c221.indicator
    position = [c.pk for c in indicator.criteria.order_by("order", "id")]
    first, second = position.index(criteria["2.2①"].pk), position.index(criteria["2.2②"].pk)
    response = post_change(client, "indicator", indicator,
                           **{f"criteria-{first}-points": "1.5", f"criteria-{second}-points": "0.5"})
    assert response.status_code == 302
    assert Criterion.objects.get(pk=criteria["2.2①"].pk).points == Decimal("1.5")
    assert Criterion.objects.get(pk=criteria["2.2②"].pk).points == Decimal("0.5")


def test_admin_refuses_indicator_edit_breaking_the_section_sum(client, admin_user, c221):
    client.force_login(admin_user)
    response = post_change(client, "indicator", c221.indicator, points="4", **{"criteria-0-points": "2"})
    assert response.status_code == 200
    section = c221.indicator.section
    assert f"一类指标 2 {section.title}：二类指标分值合计 21 分，与其分值 20 分不符。" in response.content.decode()
    assert Indicator.objects.get(pk=c221.indicator_id).points == Decimal("3")


def test_scored_standard_cannot_be_edited_in_place(client, admin_user, rubric, item, official_a, reviewer):
    score_item(item, official_a, reviewer, "1")
    message = f"评估标准“{rubric}”已用于年度考评并已有评分，不能直接修改；请新建评估标准版本（如复制后改版本号）再修改。"
    with pytest.raises(ReviewedStandardError) as error:
        check_edit(rubric.pk, changes={})
    assert str(error.value) == message
    client.force_login(admin_user)
    response = post_change(client, "criterion", item.criterion, title="改过的标题")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Criterion.objects.get(pk=item.criterion_id).title != "改过的标题"
    response = post_change(client, "rubric", rubric, notes="改过")
    assert message in response.content.decode()
