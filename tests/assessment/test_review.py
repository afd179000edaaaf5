import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import services
from assessment.forms import rule_questions
from assessment.models import Figure, Metric, Review, Round, Submission, Transition
from scoring.loader import proposals_for, propose_for
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
    with django_assert_num_queries(12):  # the deadline filter counts in Python
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
    links = sorted(set(re.findall(r'href="(/review/\d+/(?:\?[^"]*)?)"', page)))  # with the queue's query string
    assert len(links) >= 2
    for link in links:
        assert client_r.get(html.unescape(link)).status_code == 200


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


# --------------------------------------------------------------------------- one pass through a town

FIGURES = {
    "cameras_total": "200", "cameras_gov": "30", "key_area_cameras": "100", "key_area_cameras_hd": "90",
    "key_units_total": "20", "key_units_alarm": "5", "project_cost": "1000000", "maintenance_budget": "60000",
    "interval_main_road": "2", "interval_secondary_road": "3", "interval_township_road": "5", "interval_alley": "8",
}
MORE_CODES = ["2.3⑤", "1.4.2", "2.4④", "1.2.1", "1.3.1"]  # for the larger of two data sizes


def _hand_in(round_, town, official, code, files=1):
    """Fill an item (with FIGURES where its criterion asks for figures), attach evidence and submit it."""
    item = Submission.objects.get(round=round_, town=town, criterion__code=code)
    saved = services.save_draft(
        item, user=official, narrative="已完成。", completed_on=datetime.date(2026, 10, 1), version=item.version,
        figures={m: Decimal(FIGURES[m.code]) for m in item.criterion.metrics.all()},
        answers=dict.fromkeys(rule_questions(item.criterion), True),
    )
    for n in range(files):
        services.add_evidence(saved, user=official, upload=upload(), description=f"材料{n + 1}")
    return services.submit(saved, user=official)


@pytest.fixture
def town_pass(open_round, town_a, town_b, official_a, official_b):
    """Town A hands in 2.3④ (proposal 1.0), town B 2.3④, then town A 1.1.1 (no rule, two files) and 2.3⑥ (0.0)."""
    first = _hand_in(open_round, town_a, official_a, "2.3④")
    other = _hand_in(open_round, town_b, official_b, "2.3④")
    second = _hand_in(open_round, town_a, official_a, "1.1.1", files=2)
    third = _hand_in(open_round, town_a, official_a, "2.3⑥")
    return {"first": first, "other": other, "second": second, "third": third}


def _nav(response):
    context = response.context
    return context["previous_id"], context["next_id"], context["position"], context["queue_total"]


def test_previous_and_next_follow_the_queue_filter(client_r, town_pass, town_a):
    first, other, second, third = (town_pass[k] for k in ("first", "other", "second", "third"))
    query = f"town={town_a.pk}"
    response = client_r.get(f"{reverse('review', args=[second.pk])}?{query}")
    assert _nav(response) == (first.pk, third.pk, 2, 3)
    page = response.content.decode()
    assert f'<a href="/review/?{query}" id="back-to-queue">← 返回评审队列</a>' in page
    assert f'<a href="/review/{first.pk}/?{query}" id="previous-item" rel="prev">上一项</a>' in page
    assert f'<a href="/review/{third.pk}/?{query}" id="next-item" rel="next"' in page
    assert "队列中第 2 / 3 项" in page
    assert _nav(client_r.get(f"{reverse('review', args=[first.pk])}?{query}")) == (None, second.pk, 1, 3)
    assert _nav(client_r.get(f"{reverse('review', args=[third.pk])}?{query}")) == (second.pk, None, 3, 3)
    # Without a filter the queue is every submitted item, town B's among them; outside the filter, no neighbours.
    assert _nav(client_r.get(reverse("review", args=[second.pk]))) == (other.pk, third.pk, 3, 4)
    assert _nav(client_r.get(f"{reverse('review', args=[second.pk])}?criterion=2.3④")) == (None, None, None, 2)


def test_saving_opens_the_next_item_of_the_filter(client_r, town_pass, town_a):
    first, second, third = (town_pass[k] for k in ("first", "second", "third"))
    query = f"town={town_a.pk}&status=submitted"
    response = _score_in_queue(client_r, first, query)
    assert (response.status_code, response["Location"]) == (302, f"/review/{second.pk}/?{query}")
    page = client_r.get(response["Location"])
    assert "已评分：1.0 分。" in page.content.decode()
    assert _nav(page) == (None, third.pk, 1, 2)  # the scored item has left the 已提交 filter
    response = _score_in_queue(client_r, second, query, points="2.5")
    assert (response.status_code, response["Location"]) == (302, f"/review/{third.pk}/?{query}")
    # The last one left: back to the queue, same filter, with the message.
    response = _score_in_queue(client_r, third, query, action="return", return_reason="请补充联网报警清单")
    assert (response.status_code, response["Location"]) == (302, f"/review/?{query}")
    assert f"已退回{town_a.name}修改。" in client_r.get(response["Location"]).content.decode()
    statuses = dict(Submission.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "status"))
    assert statuses == {first.pk: Status.SCORED, second.pk: Status.SCORED, third.pk: Status.RETURNED}


def _score_in_queue(client, item, query, **fields):
    item.refresh_from_db()
    data = {"points": "1.0", "comment": "", "override_reason": "", "return_reason": "", "version": str(item.version),
            "action": "score"}
    data.update(fields)
    return client.post(f"{reverse('review', args=[item.pk])}?{query}", data)


def test_failed_save_stays_on_the_item(client_r, town_pass, town_a):
    first = town_pass["first"]
    response = _score_in_queue(client_r, first, f"town={town_a.pk}", points="0.5")  # differs without a reason
    assert response.status_code == 400
    assert "得分与系统建议分 1.0 分不同，请在判定不同的条件旁写明理由。" in response.content.decode()


def _queue_rows(page):
    """data-item → (建议分, number of evidence files, has a checkbox) of each row."""
    rows = {}
    for pk, row in re.findall(r'<tr data-item="(\d+)">(.*?)</tr>', page, re.S):
        proposal = re.search(r'<td class="num proposal">(.*?)</td>', row).group(1)
        files = re.search(r'<td class="num evidence-count">(\d+)</td>', row).group(1)
        rows[int(pk)] = (proposal, int(files), 'name="item"' in row)
    return rows


def test_queue_shows_proposal_and_evidence_count(client_r, town_pass, town_a):
    first, second, third = (town_pass[k] for k in ("first", "second", "third"))
    response = client_r.get(reverse("review-queue"), {"town": town_a.pk})
    page = response.content.decode()
    assert _queue_rows(page) == {first.pk: ("1.0", 1, True), second.pk: ("—", 2, False), third.pk: ("0.0", 1, True)}
    assert f'href="/review/{first.pk}/?town={town_a.pk}" class="open"' in page
    assert "采纳所选建议分" in page


def test_queue_filters_by_criterion(client_r, town_pass, town_a):
    first, other = town_pass["first"], town_pass["other"]
    page = client_r.get(reverse("review-queue"), {"criterion": "2.3④"}).content.decode()
    assert re.findall(r'<tr data-item="(\d+)">', page) == [str(first.pk), str(other.pk)]
    assert 'data-status="submitted">已提交 2<' in page
    assert 'href="?criterion=2.3%E2%91%A3&status=draft"' in page  # the status counts keep the criterion
    assert '<option value="2.3④" selected>' in page
    both = client_r.get(reverse("review-queue"), {"criterion": "2.3④", "town": town_a.pk}).content.decode()
    assert re.findall(r'<tr data-item="(\d+)">', both) == [str(first.pk)]
    # An unknown code is ignored like any bad filter value.
    assert client_r.get(reverse("review-queue"), {"criterion": "9.9⑨"}).content.decode().count("data-item=") == 4


@pytest.fixture(params=[0, len(MORE_CODES)], ids=["small", "large"])
def more_items(request, town_pass, open_round, town_a, official_a):
    """The larger data size: more of town A's items handed in, with and without rules."""
    return [_hand_in(open_round, town_a, official_a, code) for code in MORE_CODES[:request.param]]


def test_filtered_queue_query_count_constant(client_r, town_pass, more_items, town_a, django_assert_num_queries):
    with django_assert_num_queries(12):
        page = client_r.get(reverse("review-queue"), {"town": town_a.pk, "criterion": "", "section": ""}).content.decode()
    assert page.count("data-item=") == 3 + len(more_items)


def test_review_page_query_count_constant(client_r, town_pass, more_items, town_a, django_assert_num_queries):
    with django_assert_num_queries(21):  # of which the queue's: its ids, and its towns to check ?town=
        response = client_r.get(f"{reverse('review', args=[town_pass['second'].pk])}?town={town_a.pk}")
    assert _nav(response)[1:] == (town_pass["third"].pk, 2, 3 + len(more_items))


def _confirm(client, query, items):
    return client.post(f"/review/?{query}", {"action": "confirm", "item": [item.pk for item in items]})


def _hidden_fields(page):
    fields = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page):
        fields.setdefault(name, []).append(value)
    return fields


def test_bulk_accept_confirms_then_scores_each(client_r, town_pass, town_a, reviewer):
    first, second, third = (town_pass[k] for k in ("first", "second", "third"))
    query = f"town={town_a.pk}"
    page = _confirm(client_r, query, [third, first, second]).content.decode()
    rows = re.findall(r'<tr data-item="(\d+)"( class="skipped")?>.*?<td class="num proposal">(.*?)</td>', page, re.S)
    assert rows == [(str(first.pk), "", "1.0"), (str(second.pk), ' class="skipped"', "—"), (str(third.pk), "", "0.0")]
    assert not Review.objects.exists()
    fields = _hidden_fields(page)
    assert fields["item"] == [str(first.pk), str(third.pk)]
    response = client_r.post(f"/review/?{query}", {**fields, "action": "accept"})
    assert (response.status_code, response["Location"]) == (302, f"/review/?{query}")
    assert "已采纳 2 项系统建议分。" in client_r.get(response["Location"]).content.decode()
    reviews = Review.objects.filter(submission__in=[first, third]).order_by("submission_id")
    assert [(r.submission_id, r.points, r.proposed_points, r.comment, r.reviewer) for r in reviews] == [
        (first.pk, Decimal("1.0"), Decimal("1.0"), "采纳系统建议分", reviewer),
        (third.pk, Decimal("0.0"), Decimal("0.0"), "采纳系统建议分", reviewer)]


def test_bulk_accept_reports_what_was_skipped(client_r, town_pass, town_a, official_a):
    first, third = town_pass["first"], town_pass["third"]
    query = f"town={town_a.pk}"
    fields = _hidden_fields(_confirm(client_r, query, [first, third]).content.decode())
    fields[f"version_{first.pk}"] = [str(first.version - 1)]  # somebody saved it since the queue was read
    response = client_r.post(f"/review/?{query}", {**fields, "action": "accept"})
    page = client_r.get(response["Location"]).content.decode()
    assert "已采纳 1 项系统建议分。" in page
    assert f"1 项未采纳——{town_a.name} 2.3④：已被 {official_a.display_name} 修改，请打开该项核对后再评分" in page


def test_bulk_accept_without_selection(client_r, town_pass):
    response = client_r.post("/review/", {"action": "confirm"})
    assert (response.status_code, response["Location"]) == (302, "/review/")
    assert "请先勾选要采纳建议分的考察点。" in client_r.get("/review/").content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_bulk_accept_confirmation_query_count_constant(client_r, town_pass, django_assert_num_queries, count):
    items = [town_pass[k] for k in ("first", "other", "third")][:count]
    with django_assert_num_queries(7):
        page = _confirm(client_r, "", items).content.decode()
    assert page.count("<tr data-item=") == count


def test_accept_proposals_records_each_as_its_own_review(town_pass, reviewer):
    items = [town_pass["first"], town_pass["third"]]
    scored, skipped = services.accept_proposals(items, user=reviewer, versions={s.pk: s.version for s in items})
    assert ([s.pk for s in scored], skipped) == ([s.pk for s in items], [])
    for item, points in zip(items, [Decimal("1.0"), Decimal("0.0")], strict=True):
        review = Review.objects.get(submission=item)
        assert (review.points, review.proposed_points, review.comment, review.reviewer) == (
            points, points, "采纳系统建议分", reviewer)
        assert [(h.points, h.history_user) for h in review.history.all()] == [(points, reviewer)]
        assert list(Transition.objects.filter(submission=item, to_status=Status.SCORED).values_list("actor", "comment")) == [
            (reviewer.pk, "采纳系统建议分")]
        item.refresh_from_db()
        assert item.status == Status.SCORED


def test_accept_proposals_skips_stale_unproposed_and_changed_items(town_pass, reviewer, official_a, open_round, town_b):
    first, second, third, other = (town_pass[k] for k in ("first", "second", "third", "other"))
    items = [first, second, third, other]
    versions = {s.pk: s.version for s in items} | {first.pk: first.version - 1}
    scored, skipped = services.accept_proposals(items, user=reviewer, versions=versions,
                                                confirmed={other.pk: "0.5", third.pk: "0.0"})
    assert [s.pk for s in scored] == [third.pk]
    assert [(s.pk, reason) for s, reason in skipped] == [
        (first.pk, f"已被 {official_a.display_name} 修改，请打开该项核对后再评分"),
        (second.pk, "没有系统建议分（无量化标准或指标数据不全）"),
        (other.pk, "系统建议分已变为 1.0 分，请重新确认"),
    ]
    assert list(Review.objects.values_list("submission_id", flat=True)) == [third.pk]
    assert dict(Submission.objects.filter(pk__in=[first.pk, second.pk, other.pk]).values_list("pk", "status")) == {
        first.pk: Status.SUBMITTED, second.pk: Status.SUBMITTED, other.pk: Status.SUBMITTED}


def test_accept_proposals_skips_items_not_submitted(town_pass, reviewer):
    first = town_pass["first"]
    scored_first = services.score(first, user=reviewer, points=Decimal("1.0"), comment="已核", version=first.version)
    scored, skipped = services.accept_proposals([scored_first], user=reviewer, versions={first.pk: scored_first.version})
    assert (scored, [(s.pk, reason) for s, reason in skipped]) == ([], [(first.pk, "当前状态为“已评分”，只采纳已提交的考察点")])
    assert Review.objects.get(submission=first).comment == "已核"


def test_accept_proposals_refused_to_non_reviewers(town_pass, official_a):
    first = town_pass["first"]
    with pytest.raises(services.ServiceError) as error:
        services.accept_proposals([first], user=official_a, versions={first.pk: first.version})
    assert error.value.message == "只有视频办评审员可以评分。"
    assert not Review.objects.exists()


def test_proposals_for_is_propose_for_of_each_item_in_one_query(rubric, open_round, town_a, town_b,
                                                                 django_assert_num_queries):
    """Rules and none, a figure missing, and 3.3's baseline from last round's count, for two towns at once."""
    last = Round.objects.create(rubric=rubric, district=open_round.district, name="2025年度达标评估", state="published",
                                opens_on=datetime.date(2025, 1, 1), closes_on=datetime.date(2025, 12, 31))
    metrics = {m.code: m for m in Metric.objects.filter(rubric=rubric)}
    for round_, town, code, value in [
        (last, town_a, "cases_preventable", "40"), (last, town_b, "cases_preventable", "400"),
        (open_round, town_a, "cases_preventable", "30"), (open_round, town_b, "cases_preventable", "500"),
        (open_round, town_a, "cameras_total", "200"), (open_round, town_a, "cameras_gov", "30"),
        (open_round, town_b, "cameras_total", "100"),
    ]:
        Figure.objects.create(round=round_, town=town, metric=metrics[code], value=Decimal(value))
    items = list(Submission.objects.filter(round=open_round, town__in=[town_a, town_b],
                                           criterion__code__in=["3.3.1", "2.3④", "1.1.1"]).select_related("round", "criterion"))
    with django_assert_num_queries(1):
        batched = proposals_for(items)
    assert batched == {item.pk: propose_for(item) for item in items}
    points = {(item.town_id, item.criterion.code): getattr(batched[item.pk], "points", "无规则") for item in items}
    assert points == {
        (town_a.pk, "3.3.1"): Decimal("5.0"), (town_b.pk, "3.3.1"): Decimal("0.0"),
        (town_a.pk, "2.3④"): Decimal("1.0"), (town_b.pk, "2.3④"): None,
        (town_a.pk, "1.1.1"): "无规则", (town_b.pk, "1.1.1"): "无规则",
    }
