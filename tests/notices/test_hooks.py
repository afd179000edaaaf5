"""The workflow's messages: an item returned, a round opened, results published (one digest per town official)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from assessment import round_services, services
from assessment.models import District, Round
from notices.models import Message
from tests.factories import upload


@pytest.fixture
def submitted(item, official_a):
    saved = services.save_draft(item, user=official_a, narrative="已建设", completed_on=datetime.date(2026, 10, 1),
                                figures={m: Decimal("10") for m in item.criterion.metrics.all()}, version=item.version)
    services.add_evidence(saved, user=official_a, upload=upload(), description="验收报告")
    return services.submit(saved, user=official_a)


def test_returning_an_item_tells_its_town_officials_why(submitted, reviewer, official_a, official_a2, official_b, police,
                                                        django_capture_on_commit_callbacks):
    official_a.email = "a@example.com"
    official_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_for_revision(submitted, user=reviewer, reason="缺少验收报告", version=submitted.version)
    messages = Message.objects.filter(kind="returned").order_by("user__username")
    assert [m.user.username for m in messages] == ["official_a", "official_a2"]
    town = submitted.town.name
    assert messages[0].subject == f"【退回修改】{town} · 2.3④ 加强政府投资的视频监控建设"
    assert messages[0].body.endswith("退回原因：缺少验收报告")
    assert messages[0].url == reverse("submission", args=[submitted.pk])
    assert [m.to for m in mail.outbox] == [["a@example.com"]]


def test_a_refused_return_sends_nothing(submitted, reviewer, official_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ServiceError):
        services.return_for_revision(submitted, user=reviewer, reason="x", version=submitted.version - 1)
    assert Message.objects.count() == 0


def test_opening_a_round_tells_its_town_and_department_officials(rubric, reviewer, official_a, official_b, police,
                                                                 viewer, django_capture_on_commit_callbacks):
    round_ = Round.objects.create(rubric=rubric, district=District.objects.get(name="六合区"), name="2031年度",
                                  opens_on=datetime.date(2031, 3, 1), closes_on=datetime.date(2031, 11, 30))
    with django_capture_on_commit_callbacks(execute=True):
        round_services.change_state(round_, Round.State.OPEN, user=reviewer)
    messages = Message.objects.filter(kind="round_opened").order_by("user__username")
    assert [m.user.username for m in messages] == ["official_a", "official_b", "police"]
    assert messages[0].subject == "【开始填报】2031年度"
    assert messages[0].url == f"{reverse('dashboard')}?round={round_.pk}"


def test_officials_of_another_district_are_not_told(rubric, reviewer, official_a, django_capture_on_commit_callbacks):
    other = District.objects.create(name="浦口区")
    round_ = Round.objects.create(rubric=rubric, district=other, name="浦口2031", opens_on=datetime.date(2031, 3, 1),
                                  closes_on=datetime.date(2031, 11, 30))
    with django_capture_on_commit_callbacks(execute=True):
        round_services.change_state(round_, Round.State.OPEN, user=reviewer)
    assert Message.objects.count() == 0


def test_scores_reach_towns_only_when_published_one_digest_each(open_round, scored_a, reviewer, official_a, official_b,
                                                                police, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        round_services.change_state(open_round, Round.State.REVIEWING, user=reviewer)
    assert Message.objects.count() == 0  # scoring and closing tell nobody yet
    with django_capture_on_commit_callbacks(execute=True):
        round_services.change_state(open_round, Round.State.PUBLISHED, user=reviewer, reason="其余未提交")
    digest = Message.objects.get(user=official_a)
    assert (digest.kind, digest.subject) == ("results", "【结果公布】2026年度达标评估")
    assert digest.url == f"{reverse('town-results', args=[official_a.town_id])}?round={open_round.pk}"
    assert digest.body.splitlines() == [
        "“2026年度达标评估”的评估结果已公布。",
        "本街镇总分 2.5 分，排名第 1 名，未达标（暂定：尚有考察点未评分）。",  # 达标线 80
        "",
        "已评分的考察点：",
        "· 1.1.1 建立专项工作班子：2.5 / 3.0 分",
    ]
    assert Message.objects.get(user=official_b).body.splitlines()[1].startswith("本街镇总分 0.0 分")
    assert Message.objects.get(user=police).url == f"{reverse('dashboard')}?round={open_round.pk}"
    assert Message.objects.count() == 3
