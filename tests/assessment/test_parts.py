"""Parts of co-owned items (填报部分): each 责任单位 writes its own; the lead unit submits."""

import datetime

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Part, ResponsibleUnit, Submission, Transition
from assessment.parts import lead_unit, save_part
from tests.factories import UserFactory, upload


@pytest.fixture
def co_item(open_round, town_a, criteria):
    """Town A's 2.3②, named to 区公安分局 and 各街镇: the town leads, the police give a part."""
    return Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.3②"])


@pytest.fixture
def traffic(db, rubric):
    return UserFactory(role="department", username="traffic", unit=ResponsibleUnit.objects.get(name="区交通运输局"))


def _ready(item, official):
    """Fill the lead's own answer so that only the parts can stand in the way of submitting."""
    saved = services.save_draft(
        item, user=official, narrative="已建设", completed_on=datetime.date(2026, 9, 1),
        figures={m: 10 for m in item.criterion.metrics.all()}, version=item.version,
    )
    services.add_evidence(saved, user=official, upload=upload(), description="证明")
    return Submission.objects.get(pk=saved.pk)


def test_lead_is_the_town_when_named_else_first_unit(criteria):
    assert lead_unit(criteria["2.3②"]).level == ResponsibleUnit.Level.TOWN
    assert lead_unit(criteria["3.2.1"]).name == "维稳办"


def test_unit_saves_its_own_part(co_item, police):
    part = save_part(co_item, user=police, narrative="已接入公安视频专网", version=0)
    assert (part.unit.name, part.narrative, part.version, part.updated_by) == ("区公安分局", "已接入公安视频专网", 1, police)


def test_unit_cannot_touch_another_units_part(co_item, police, official_a):
    save_part(co_item, user=police, narrative="公安部分", version=0)
    town_unit = lead_unit(co_item.criterion)
    police_unit = police.unit
    with pytest.raises(services.ServiceError, match="不能修改其他单位（区公安分局）"):
        save_part(co_item, user=official_a, narrative="改写", version=1, unit=police_unit)
    with pytest.raises(services.ServiceError, match="不能修改其他单位"):
        save_part(co_item, user=police, narrative="改写", version=0, unit=town_unit)
    assert Part.objects.get(submission=co_item, unit=police_unit).narrative == "公安部分"


def test_unit_not_named_cannot_write_a_part(co_item, traffic):
    with pytest.raises(services.ServiceError, match="不是该考察点的责任单位"):
        save_part(co_item, user=traffic, narrative="x", version=0)
    assert not Part.objects.exists()


def test_stale_part_save_refused(co_item, police):
    save_part(co_item, user=police, narrative="第一版", version=0)
    with pytest.raises(services.ServiceError, match="已被"):
        save_part(co_item, user=police, narrative="旧表单", version=0)
    assert Part.objects.get(submission=co_item).narrative == "第一版"
    assert save_part(co_item, user=police, narrative="第二版", version=1).version == 2


def test_lead_submit_refused_while_a_part_is_owed(co_item, official_a, police):
    item = _ready(co_item, official_a)
    with pytest.raises(services.ServiceError, match="尚未填写其填报部分：区公安分局"):
        services.submit(item, user=official_a)
    assert Submission.objects.get(pk=item.pk).status == Submission.Status.DRAFT


def test_lead_submit_allowed_with_missing_note(co_item, official_a, police):
    item = _ready(co_item, official_a)
    saved = services.submit(item, user=official_a, missing_note="公安分局材料另行报送")
    assert saved.status == Submission.Status.SUBMITTED
    comment = Transition.objects.get(submission=item, to_status="submitted").comment
    assert "区公安分局" in comment and "公安分局材料另行报送" in comment


def test_lead_submit_allowed_once_parts_given(co_item, official_a, police):
    item = _ready(co_item, official_a)
    save_part(item, user=police, narrative="公安部分", version=0)
    assert services.submit(item, user=official_a).status == Submission.Status.SUBMITTED


def test_unit_without_account_owes_nothing(co_item, official_a):
    item = _ready(co_item, official_a)
    assert services.submit(item, user=official_a).status == Submission.Status.SUBMITTED


def test_non_lead_unit_submit_refused(co_item, official_a, police):
    item = _ready(co_item, official_a)
    save_part(item, user=police, narrative="公安部分", version=0)
    with pytest.raises(services.ServiceError, match="由牵头单位（各街镇）提交"):
        services.submit(item, user=police)
    assert Submission.objects.get(pk=item.pk).status == Submission.Status.DRAFT


def test_item_page_shows_parts_and_saves_own_part(client, co_item, police):
    client.force_login(police)
    page = client.get(reverse("submission", args=[co_item.pk])).content.decode()
    assert 'id="parts"' in page and page.count('name="part_narrative"') >= 1
    response = client.post(reverse("submission-part", args=[co_item.pk]),
                           {"unit": police.unit_id, "version": "0", "part_narrative": "公安部分"})
    assert response.status_code == 302
    assert Part.objects.get(submission=co_item, unit=police.unit).narrative == "公安部分"
    town_unit = lead_unit(co_item.criterion)
    client.post(reverse("submission-part", args=[co_item.pk]), {"unit": town_unit.pk, "version": "0", "part_narrative": "x"})
    assert not Part.objects.filter(unit=town_unit).exists()


def test_co_owner_cannot_overwrite_the_leads_answer_or_delete_its_evidence(open_round, town_a, criteria, official_a, police):
    """区公安分局 on 1.1.1 (led by the town): it writes its part, not the town's narrative, and cannot remove the
    town's evidence; it may remove its own."""
    import datetime

    from assessment import services
    from assessment.models import Evidence, Submission
    from tests.factories import upload

    item = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["1.1.1"])
    saved = services.save_draft(item, user=official_a, narrative="街镇说明", completed_on=datetime.date(2026, 10, 1),
                                figures={}, version=item.version)
    town_file = services.add_evidence(saved, user=official_a, upload=upload(), description="街镇材料")
    police_file = services.add_evidence(saved, user=police, upload=upload(), description="公安材料")
    with pytest.raises(services.ServiceError) as error:
        services.save_draft(saved, user=police, narrative="公安改写", completed_on=None, figures={}, version=saved.version)
    assert error.value.message == "该考察点的说明和数据由牵头单位（各街镇）填写，贵单位请填写下方“本单位填报部分”。"
    with pytest.raises(services.ServiceError) as error:
        services.delete_evidence(Evidence.objects.get(pk=town_file.pk), user=police)
    assert error.value.message == "只能删除本单位上传的佐证材料。"
    services.delete_evidence(Evidence.objects.get(pk=police_file.pk), user=police)
    saved.refresh_from_db()
    assert (saved.narrative, list(saved.evidence.values_list("description", flat=True))) == ("街镇说明", ["街镇材料"])
