import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Metric, Review, Submission, Transition
from tests.factories import upload

Status = Submission.Status


def _submit(item, user, gov="30", total="200"):
    metrics = {m.code: m for m in Metric.objects.filter(code__in=["cameras_total", "cameras_gov"])}
    saved = services.save_draft(
        item, user=user, narrative="已建成。", completed_on=datetime.date(2026, 10, 1), version=item.version,
        figures={metrics["cameras_total"]: Decimal(total), metrics["cameras_gov"]: Decimal(gov)},
    )
    services.add_evidence(saved, user=user, upload=upload(), description="验收报告")
    return services.submit(saved, user=user)


@pytest.fixture
def submitted(item, official_a):
    return _submit(item, official_a)


def _score(client, item, **fields):
    data = {"points": "1.0", "comment": "符合要求", "override_reason": "", "return_reason": "",
            "version": str(item.version), "action": "score"}
    data.update(fields)
    return client.post(reverse("review", args=[item.pk]), data)


@pytest.fixture
def client_r(client, reviewer):
    client.force_login(reviewer)
    return client


def test_score_submitted_item_with_proposal(submitted, reviewer):
    scored = services.score(submitted, user=reviewer, points=Decimal("1.0"), comment="好", version=submitted.version)
    review = Review.objects.get(submission=submitted)
    assert (scored.status, review.points, review.proposed_points, review.reviewer) == (
        Status.SCORED, Decimal("1.0"), Decimal("1.0"), reviewer)
    assert Transition.objects.filter(submission=submitted).last().to_status == Status.SCORED


def test_override_of_proposal_needs_reason(submitted, reviewer):
    with pytest.raises(services.ServiceError) as error:
        services.score(submitted, user=reviewer, points=Decimal("0.5"), comment="", version=submitted.version)
    assert error.value.message == "得分与系统建议分 1.0 分不同，请填写调整理由。"
    scored = services.score(submitted, user=reviewer, points=Decimal("0.5"), comment="", override_reason="部分摄像机未联网",
                            version=submitted.version)
    assert (scored.review.points, scored.review.override_reason) == (Decimal("0.5"), "部分摄像机未联网")


def test_proposal_not_met_below_threshold(item, official_a, reviewer):
    from scoring.loader import propose_for

    submitted = _submit(item, official_a, gov="20", total="200")
    assert propose_for(submitted).points == Decimal("0.0")


@pytest.mark.parametrize(
    ("points", "message"),
    [(Decimal("1.5"), "得分应在 0 到 1.0 分之间。"), (Decimal("-0.1"), "得分应在 0 到 1.0 分之间。"),
     (Decimal("0.25"), "得分最多保留一位小数。")],
)
def test_score_out_of_range_refused(submitted, reviewer, points, message):
    with pytest.raises(services.ServiceError) as error:
        services.score(submitted, user=reviewer, points=points, comment="", override_reason="x", version=submitted.version)
    assert error.value.message == message
    assert not Review.objects.exists()


def test_score_draft_refused(item, reviewer):
    with pytest.raises(services.ServiceError) as error:
        services.score(item, user=reviewer, points=Decimal("1"), comment="", version=item.version)
    assert error.value.message == "只有已提交的考察点可以评分，当前状态：草稿。"


def test_score_by_town_official_refused(submitted, official_a):
    with pytest.raises(services.ServiceError) as error:
        services.score(submitted, user=official_a, points=Decimal("1"), comment="", version=submitted.version)
    assert error.value.message == "只有视频办评审员可以评分。"


def test_second_reviewer_is_told_and_nothing_overwritten(client, submitted, reviewer):
    from tests.factories import UserFactory

    other = UserFactory(role="reviewer", username="reviewer2", last_name="评审员乙")
    stale_version = submitted.version
    services.score(submitted, user=other, points=Decimal("1.0"), comment="乙的评语", version=stale_version)
    client.force_login(reviewer)
    response = _score(client, submitted, points="0.5", override_reason="甲的理由", version=str(stale_version))
    page = response.content.decode()
    assert response.status_code == 400
    assert "该考察点已被 评审员乙 于" in page
    assert "甲的理由" in page
    assert Review.objects.get(submission=submitted).comment == "乙的评语"


def test_rescore_keeps_history(submitted, reviewer):
    services.score(submitted, user=reviewer, points=Decimal("1.0"), comment="初评", version=submitted.version)
    submitted.refresh_from_db()
    services.score(submitted, user=reviewer, points=Decimal("0.5"), comment="复核", override_reason="复核扣分",
                   version=submitted.version)
    review = Review.objects.get(submission=submitted)
    assert [(h.points, h.comment) for h in review.history.order_by("history_date")] == [
        (Decimal("1.0"), "初评"), (Decimal("0.5"), "复核")]
    assert all(h.history_user == reviewer for h in review.history.all())


def test_review_page_shows_proposal_and_figures(client_r, submitted):
    page = client_r.get(reverse("review", args=[submitted.pk])).content.decode()
    assert "满足1/1项条件，建议得分1.0分（满分1.0分）。" in page
    assert "200 台" in page and "30 台" in page
    assert 'name="points" value="1.0"' in page
    assert "?inline=1" in page


def test_review_page_scores_via_form(client_r, submitted):
    response = _score(client_r, submitted)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review.points) == (Status.SCORED, Decimal("1.0"))


@pytest.mark.parametrize(
    ("fields", "error"),
    [({"points": "3"}, "得分不能超过该考察点的满分 1.0 分。"), ({"points": "-1"}, "确保该值大于或等于0。"),
     ({"points": "0.25"}, "确认小数不超过 1 位."), ({"points": ""}, "请填写得分。")],
)
def test_review_form_bad_points(client_r, submitted, fields, error):
    response = _score(client_r, submitted, **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Review.objects.exists()


def test_review_form_return_needs_reason(client_r, submitted):
    response = _score(client_r, submitted, action="return", return_reason="")
    assert "退回时必须填写退回原因。" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_review_form_returns_with_reason(client_r, submitted):
    _score(client_r, submitted, action="return", return_reason="请补充照片", points="")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.return_reason) == (Status.RETURNED, "请补充照片")


@pytest.mark.parametrize("username", ["official_a", "leader", "police"])
def test_review_pages_refused_to_non_reviewers(client, submitted, official_a, viewer, police, username):
    from assessment.models import User

    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("review-queue")).status_code == 403
    assert client.get(reverse("review", args=[submitted.pk])).status_code == 403


def test_review_queue_anonymous_redirected(client):
    assert client.get(reverse("review-queue")).status_code == 302


def test_queue_shows_submitted_oldest_first_with_counts(client_r, open_round, town_a, town_b, criteria, official_a, official_b):
    first = _submit(Submission.objects.get(round=open_round, town=town_b, criterion=criteria["2.3④"]), official_b)
    second = _submit(Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.3④"]), official_a)
    page = client_r.get(reverse("review-queue")).content.decode()
    assert page.index(f'data-item="{first.pk}"') < page.index(f'data-item="{second.pk}"')
    assert page.count("data-item=") == 2
    assert 'data-status="submitted">已提交 2<' in page
    assert f'data-status="draft">草稿 {11 * 41 - 2}<' in page


def test_queue_filters_by_town_and_section(client_r, open_round, town_a, town_b, criteria, official_a, official_b):
    _submit(Submission.objects.get(round=open_round, town=town_b, criterion=criteria["2.3④"]), official_b)
    mine = _submit(Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.3④"]), official_a)
    page = client_r.get(reverse("review-queue"), {"town": town_a.pk}).content.decode()
    assert page.count("data-item=") == 1 and f'data-item="{mine.pk}"' in page
    section_1 = criteria["1.1.1"].indicator.section
    assert client_r.get(reverse("review-queue"), {"section": section_1.pk}).content.decode().count("data-item=") == 0


def test_queue_filters_by_deadline_state(client_r, submitted):
    assert client_r.get(reverse("review-queue"), {"deadline": "late"}).content.decode().count("data-item=") == 1
    assert client_r.get(reverse("review-queue"), {"deadline": "on_time"}).content.decode().count("data-item=") == 0


def test_queue_bad_filter_value_is_not_500(client_r, open_round):
    response = client_r.get(reverse("review-queue"), {"town": "abc", "status": "nonsense"})
    assert response.status_code == 200


@pytest.mark.parametrize("submitted_count", [1, 6])
def test_queue_query_count_constant(client_r, open_round, town_a, criteria, official_a, django_assert_num_queries,
                                    submitted_count):
    for code in ["2.3④", "1.1.1", "1.2.1", "1.3.1", "1.5.1", "2.1.1"][:submitted_count]:
        item = Submission.objects.get(round=open_round, town=town_a, criterion=criteria[code])
        services.save_draft(item, user=official_a, narrative="x", completed_on=datetime.date(2026, 1, 1),
                            figures={m: Decimal("10") for m in item.criterion.metrics.all()}, version=0)
        services.add_evidence(item, user=official_a, upload=upload(), description="d")
        services.submit(item, user=official_a)
    with django_assert_num_queries(12):
        page = client_r.get(reverse("review-queue")).content.decode()
    assert page.count("data-item=") == submitted_count
    with django_assert_num_queries(11):  # the deadline filter counts in Python
        page = client_r.get(reverse("review-queue"), {"deadline": "late"}).content.decode()
    assert page.count("data-item=") == submitted_count


def test_queue_pages_by_100(client_r, open_round, settings):
    page = client_r.get(reverse("review-queue"), {"status": "draft"}).content.decode()
    assert page.count("data-item=") == 100
    assert "第 1 / 5 页" in page
    last = client_r.get(reverse("review-queue"), {"status": "draft", "page": 5}).content.decode()
    assert last.count("data-item=") == 11 * 41 - 400


def test_stale_return_is_refused_like_a_stale_score(client, submitted, official_a, reviewer):
    """A opens the item; B returns it and the town resubmits; A's return from the old page is refused."""
    stale_version = submitted.version
    returned = services.return_for_revision(submitted, user=reviewer, reason="请补充照片", version=stale_version)
    services.save_draft(returned, user=official_a, narrative="已补充照片。", completed_on=datetime.date(2026, 10, 1),
                        figures={}, version=returned.version)
    resubmitted = services.submit(returned, user=official_a)
    with pytest.raises(services.Conflict) as stale_return:
        services.return_for_revision(resubmitted, user=reviewer, reason="照片模糊", version=stale_version)
    with pytest.raises(services.Conflict) as stale_score:
        services.score(resubmitted, user=reviewer, points=Decimal("1.0"), comment="", override_reason="x",
                       version=stale_version)
    assert stale_return.value.message == stale_score.value.message
    resubmitted.refresh_from_db()
    assert (resubmitted.status, resubmitted.return_reason) == (Status.SUBMITTED, "请补充照片")


def test_stale_return_through_the_page_keeps_the_reason_typed(client_r, submitted, official_a, reviewer):
    stale_version = submitted.version
    returned = services.return_for_revision(submitted, user=reviewer, reason="请补充照片", version=stale_version)
    services.submit(returned, user=official_a)
    response = _score(client_r, submitted, action="return", return_reason="照片模糊", version=str(stale_version))
    assert response.status_code == 400
    page = response.content.decode()
    assert "您的内容尚未保存" in page and "照片模糊" in page
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.parametrize("filters", [{"status": "draft"}, {"status": "", "deadline": "overdue"}])
def test_every_queue_link_opens(client_r, open_round, submitted, filters):
    """The 草稿 and 已逾期 filters list untouched items: their links open a read-only review page, not a 404."""
    page = client_r.get(reverse("review-queue"), {"round": open_round.pk, **filters}).content.decode()
    links = sorted(set(re.findall(r'href="/review/(\d+)/"', page)))
    assert len(links) >= 2
    for pk in links:
        assert client_r.get(reverse("review", args=[pk])).status_code == 200


def test_untouched_item_review_page_cannot_be_scored(client_r, item):
    page = client_r.get(reverse("review", args=[item.pk])).content.decode()
    assert 'name="points"' not in page


def test_admin_role_may_review_and_score(client, submitted):
    """管理员 without superuser rights: the page and the service agree that it may score."""
    from tests.factories import UserFactory

    manager = UserFactory(role="admin", username="manager", is_superuser=False)
    client.force_login(manager)
    assert client.get(reverse("review", args=[submitted.pk])).status_code == 200
    response = _score(client, submitted, points="0.5", override_reason="按材料评定")
    assert response.status_code == 302
    submitted.review.refresh_from_db()
    assert submitted.review.points == Decimal("0.5")
