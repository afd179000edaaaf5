import datetime
from decimal import Decimal

import pytest

from assessment import services
from assessment.models import Figure, Metric, Submission, Transition
from tests.factories import upload

Status = Submission.Status


def _fill(item, user, **overrides):
    metrics = {m.code: m for m in item.criterion.metrics.all()}
    values = {"cameras_total": Decimal("200"), "cameras_gov": Decimal("30")}
    data = {
        "narrative": "已建成政府投资监控 30 台。",
        "completed_on": datetime.date(2026, 10, 1),
        "figures": {metrics[code]: value for code, value in values.items()},
        "version": item.version,
    }
    data.update(overrides)
    return services.save_draft(item, user=user, **data)


def _complete(item, user):
    saved = _fill(item, user)
    services.add_evidence(saved, user=user, upload=upload(), description="验收报告")
    return saved


def test_open_round_gives_every_town_full_checklist(open_round):
    assert open_round.submissions.count() == 11 * 41
    assert set(open_round.submissions.values_list("status", flat=True)) == {Status.DRAFT}


def test_ensure_checklist_twice_adds_nothing(open_round):
    services.ensure_checklist(open_round)
    assert open_round.submissions.count() == 11 * 41


def test_save_draft_stores_text_and_shared_figures(item, official_a):
    saved = _fill(item, official_a)
    assert (saved.narrative, saved.version, saved.status) == ("已建成政府投资监控 30 台。", 1, Status.DRAFT)
    figures = dict(Figure.objects.filter(round=item.round, town=item.town).values_list("metric__code", "value"))
    assert figures == {"cameras_total": Decimal("200"), "cameras_gov": Decimal("30")}


def test_save_draft_stale_version_is_conflict_and_keeps_first(item, official_a, official_a2):
    _fill(item, official_a)
    with pytest.raises(services.Conflict) as conflict:
        _fill(item, official_a2, narrative="第二人的内容", version=0)
    assert conflict.value.message.startswith("该考察点已被 填报员甲 于 ")
    item.refresh_from_db()
    assert item.narrative == "已建成政府投资监控 30 台。"


def test_submit_incomplete_names_what_is_missing(item, official_a):
    with pytest.raises(services.Incomplete) as error:
        services.submit(item, user=official_a)
    assert error.value.missing == ["说明", "完成日期", "辖区监控摄像机总数", "政府投资建设的监控摄像机数", "至少一份佐证材料"]
    assert error.value.message == "尚不能提交，请补充：说明；完成日期；辖区监控摄像机总数；政府投资建设的监控摄像机数；至少一份佐证材料。"
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_submit_complete_item_records_transition(item, official_a):
    submitted = services.submit(_complete(item, official_a), user=official_a)
    assert submitted.status == Status.SUBMITTED
    assert list(Transition.objects.filter(submission=item).values_list("from_status", "to_status")) == [
        (Status.DRAFT, Status.SUBMITTED)
    ]


def test_submit_twice_is_refused_once_submitted(item, official_a):
    services.submit(_complete(item, official_a), user=official_a)
    with pytest.raises(services.ServiceError) as error:
        services.submit(item, user=official_a)
    assert error.value.message == "该考察点已提交，无需重复提交。"
    assert Transition.objects.filter(submission=item).count() == 1


def test_submitted_item_cannot_be_edited(item, official_a):
    services.submit(_complete(item, official_a), user=official_a)
    item.refresh_from_db()
    with pytest.raises(services.ServiceError) as error:
        _fill(item, official_a, narrative="改动")
    assert error.value.message == "该考察点已提交，不能修改。"


def test_closed_round_refuses_edit_and_keeps_content(item, official_a):
    _fill(item, official_a)
    item.round.closes_on = datetime.date(2020, 1, 1)
    item.round.opens_on = datetime.date(2019, 1, 1)
    item.round.save()
    item.refresh_from_db()
    with pytest.raises(services.ServiceError) as error:
        _fill(item, official_a, narrative="截止后修改", version=1)
    assert error.value.message == "本轮考评已于 2020-01-01 截止填报，填报内容只读，已填内容均已保存。"
    item.refresh_from_db()
    assert item.narrative == "已建成政府投资监控 30 台。"


def test_return_and_resubmit_keeps_every_round_trip(item, official_a, reviewer):
    submitted = services.submit(_complete(item, official_a), user=official_a)
    returned = services.return_for_revision(item, user=reviewer, reason="请补充验收材料", version=submitted.version)
    assert (returned.status, returned.return_reason) == (Status.RETURNED, "请补充验收材料")
    _fill(returned, official_a, narrative="已补充")
    services.submit(returned, user=official_a)
    steps = list(Transition.objects.filter(submission=item).values_list("to_status", "comment"))
    assert steps == [(Status.SUBMITTED, ""), (Status.RETURNED, "请补充验收材料"), (Status.SUBMITTED, "")]


def test_return_needs_reason_and_reviewer(item, official_a, reviewer):
    submitted = services.submit(_complete(item, official_a), user=official_a)
    with pytest.raises(services.ServiceError) as error:
        services.return_for_revision(item, user=reviewer, reason="  ", version=submitted.version)
    assert error.value.message == "请填写退回原因。"
    with pytest.raises(services.ServiceError) as error:
        services.return_for_revision(item, user=official_a, reason="自己退回", version=submitted.version)
    assert error.value.message == "只有视频办评审员可以退回填报。"


def test_return_of_draft_is_refused(item, reviewer):
    with pytest.raises(services.ServiceError) as error:
        services.return_for_revision(item, user=reviewer, reason="原因", version=item.version)
    assert error.value.message == "只有已提交的考察点可以退回，当前状态：草稿。"


def test_town_cannot_edit_district_only_item(open_round, town_a, criteria, official_a):
    item = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["3.4.1"])
    assert services.edit_refusal(item, official_a) == "您不是该考察点的填报单位，只能查看。"


def test_department_edits_its_item_for_any_town(open_round, town_b, criteria, police):
    item = Submission.objects.get(round=open_round, town=town_b, criterion=criteria["3.4.1"])
    metrics = {m.code: m for m in Metric.objects.filter(code__in=["cases_solved", "cases_solved_video"])}
    saved = services.save_draft(
        item, user=police, narrative="视频破案 30 起", completed_on=datetime.date(2026, 9, 1),
        figures={metrics["cases_solved"]: Decimal("100"), metrics["cases_solved_video"]: Decimal("30")}, version=0,
    )
    assert saved.updated_by == police
    assert services.edit_refusal(item, police) is None


def test_evidence_delete_only_while_editable(item, official_a):
    saved = _complete(item, official_a)
    evidence = saved.evidence.get()
    services.submit(saved, user=official_a)
    with pytest.raises(services.ServiceError):
        services.delete_evidence(evidence, user=official_a)
    assert item.evidence.count() == 1


def test_evidence_delete_in_draft(item, official_a, django_capture_on_commit_callbacks):
    evidence = _complete(item, official_a).evidence.get()
    name = evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_evidence(evidence, user=official_a)
    assert item.evidence.count() == 0
    assert not evidence.file.storage.exists(name)


# --------------------------------------------------------------------------- 撤回 (withdraw)


def _submitted(item, user):
    return services.submit(_complete(item, user), user=user)


def test_withdraw_submitted_item_back_to_draft(item, official_a, official_a2):
    submitted = _submitted(item, official_a)
    withdrawn = services.withdraw(item, user=official_a2, version=submitted.version)
    assert (withdrawn.status, withdrawn.version, withdrawn.submitted_at, withdrawn.updated_by) == (
        Status.DRAFT, submitted.version + 1, None, official_a2,
    )
    assert list(Transition.objects.filter(submission=item).values_list("from_status", "to_status", "actor", "comment")) == [
        (Status.DRAFT, Status.SUBMITTED, official_a.pk, ""),
        (Status.SUBMITTED, Status.DRAFT, official_a2.pk, "填报单位撤回修改"),
    ]
    _fill(withdrawn, official_a, narrative="撤回后修改")  # editable again, and can be handed in again
    assert services.submit(item, user=official_a).status == Status.SUBMITTED


def test_withdraw_with_stale_version_is_conflict(item, official_a):
    submitted = _submitted(item, official_a)
    with pytest.raises(services.Conflict) as conflict:
        services.withdraw(item, user=official_a, version=submitted.version - 1)
    assert conflict.value.message.startswith("该考察点已被 填报员甲 于 ")
    item.refresh_from_db()
    assert (item.status, item.version) == (Status.SUBMITTED, submitted.version)


def test_withdraw_of_scored_item_is_refused(item, official_a, reviewer):
    submitted = _submitted(item, official_a)
    scored = services.score(submitted, user=reviewer, points=Decimal("1"), comment="", version=submitted.version)
    with pytest.raises(services.ServiceError) as error:
        services.withdraw(item, user=official_a, version=scored.version)
    assert error.value.message == "只有已提交、尚未评分的考察点可以撤回，当前状态：已评分。"
    item.refresh_from_db()
    assert item.status == Status.SCORED
    assert Transition.objects.filter(submission=item, to_status=Status.DRAFT).count() == 0


def test_withdraw_of_draft_is_refused(item, official_a):
    with pytest.raises(services.ServiceError) as error:
        services.withdraw(item, user=official_a, version=item.version)
    assert error.value.message == "只有已提交、尚未评分的考察点可以撤回，当前状态：草稿。"


@pytest.mark.parametrize("who", ["official_b", "reviewer", "police"])
def test_withdraw_by_someone_who_does_not_fill_it_is_refused(request, item, official_a, who):
    submitted = _submitted(item, official_a)
    with pytest.raises(services.ServiceError) as error:
        services.withdraw(item, user=request.getfixturevalue(who), version=submitted.version)
    assert error.value.message == "您不是该考察点的填报单位，不能撤回。"
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


@pytest.mark.parametrize("state_or_dates", ["reviewing", "closed"])
def test_withdraw_while_round_not_open_is_refused(item, official_a, state_or_dates):
    from assessment.models import Round

    submitted = _submitted(item, official_a)
    if state_or_dates == "reviewing":
        Round.objects.filter(pk=item.round_id).update(state=Round.State.REVIEWING)
    else:
        Round.objects.filter(pk=item.round_id).update(opens_on=datetime.date(2019, 1, 1), closes_on=datetime.date(2020, 1, 1))
    with pytest.raises(services.ServiceError) as error:
        services.withdraw(item, user=official_a, version=submitted.version)
    assert error.value.message == "本轮考评当前不在填报时间内，不能撤回。"
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED
