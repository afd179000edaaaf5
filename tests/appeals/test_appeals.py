import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, RoundAppealSettings
from assessment.models import Review, RoundTransition
from assessment.services import ServiceError
from assessment.timeline import build_timeline
from assessment.workbook import build_round_workbook
from scoring.loader import round_results
from tests.appeals.conftest import item_of
from tests.factories import score_item


def _ask(item, user, reason="评分未计入补充的验收报告"):
    return services.request_appeal(item_of(item.round, item.town, item.criterion), user=user, reason=reason)


def _change(appeal, reviewer, points="3", reply="补充材料符合要求"):
    appeal.submission.refresh_from_db()
    return services.decide_appeal(appeal, user=reviewer, change=True, points=Decimal(points), reply=reply,
                                  version=appeal.version, submission_version=appeal.submission.version)


def _keep(appeal, reviewer, reply="材料已核，维持原评分"):
    return services.decide_appeal(appeal, user=reviewer, change=False, reply=reply, version=appeal.version)


def _totals(round_):
    return {r.town_id: r.total for r in round_results(round_)}


def _summary_status(round_, town):
    sheet = openpyxl.load_workbook(io.BytesIO(build_round_workbook(round_)))["汇总"]
    return next(row[2].value for row in sheet.iter_rows(min_row=4) if row[1].value == town.name)


def test_changed_score_changes_the_published_total_and_is_recorded(published, scored_a, official_a, reviewer, town_a,
                                                                   town_b):
    before = _totals(published)
    assert before[town_a.pk] == Decimal("2.5")
    appeal = _change(_ask(scored_a, official_a), reviewer)
    assert (appeal.status, appeal.points_before, appeal.points_after) == ("changed", Decimal("2.5"), Decimal("3.0"))
    after = _totals(published)
    assert after[town_a.pk] == Decimal("3.0")
    assert {k: v for k, v in after.items() if k != town_a.pk} == {k: v for k, v in before.items() if k != town_a.pk}
    review = Review.objects.get(submission=scored_a)
    assert (review.points, review.comment, review.reviewer) == (Decimal("3.0"), "复核调整：补充材料符合要求", reviewer)
    assert [h.points for h in review.history.order_by("history_date", "history_id")] == [Decimal("2.5"), Decimal("3.0")]
    published.refresh_from_db()
    assert published.state == "published"


def test_changed_score_marked_in_results_drilldown_and_workbook(client, published, scored_a, official_a, reviewer,
                                                                 town_a, town_b):
    appeal = _change(_ask(scored_a, official_a), reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("results"), {"round": published.pk}).content.decode()
    row_a = page[page.index(f'data-town="{town_a.pk}"'):]
    row_b = page[page.index(f'data-town="{town_b.pk}"'):]
    assert "已复核" in row_a[:row_a.index("</tr>")] and "已复核" not in row_b[:row_b.index("</tr>")]
    assert '<td class="num total">3.0</td>' in row_a[:row_a.index("</tr>")]
    drill = client.get(reverse("town-results", args=[town_a.pk]), {"round": published.pk}).content.decode()
    item_row = drill[drill.index(f'data-item="{scored_a.pk}"'):]
    assert "已复核" in item_row[:item_row.index("</tr>")]
    assert drill.count("已复核") == 1
    when = timezone.localtime(appeal.decided_at, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")
    assert _summary_status(published, town_a).endswith(f"\n发布后复核调整：{when}")
    assert "复核" not in _summary_status(published, town_b)


def test_kept_score_is_marked_reviewed_but_changes_no_total(client, published, scored_a, official_a, reviewer, town_a):
    before = _totals(published)
    appeal = _keep(_ask(scored_a, official_a), reviewer)
    assert (appeal.status, appeal.points_before, appeal.points_after) == ("kept", Decimal("2.5"), Decimal("2.5"))
    assert _totals(published) == before
    assert "复核" not in _summary_status(published, town_a)
    client.force_login(official_a)
    drill = client.get(reverse("town-results", args=[town_a.pk]), {"round": published.pk}).content.decode()
    assert drill.count("已复核") == 1


def test_request_and_decision_on_the_items_timeline(published, scored_a, official_a, reviewer):
    _change(_ask(scored_a, official_a), reviewer)
    texts = [(e.who, e.text, e.detail) for e in build_timeline(scored_a)][:2]
    assert texts == [("评审员甲", "复核：得分由 2.5 分调整为 3.0 分", "补充材料符合要求"),
                     ("填报员甲", "申请复核", "评分未计入补充的验收报告")]


def test_town_cannot_appeal_another_towns_item(client, published, scored_a, official_b):
    with pytest.raises(ServiceError) as error:
        _ask(scored_a, official_b)
    assert error.value.message == "只有本街镇的填报员可以对本街镇的考察点申请复核。"
    client.force_login(official_b)
    assert client.get(reverse("appeals:appeal-new", args=[scored_a.pk])).status_code == 404
    assert client.post(reverse("appeals:appeal-new", args=[scored_a.pk]), {"reason": "x"}).status_code == 404
    assert not Appeal.objects.exists()


def test_no_appeal_outside_the_window(published, scored_a, official_a):
    publication = RoundTransition.objects.get(round=published, to_state="published")
    RoundTransition.objects.filter(pk=publication.pk).update(at=publication.at - datetime.timedelta(days=15, minutes=1))
    closes = timezone.localtime(publication.at - datetime.timedelta(minutes=1), timezone.get_default_timezone())
    with pytest.raises(ServiceError) as error:
        _ask(scored_a, official_a)
    assert error.value.message == f"复核申请期已于 {closes:%Y-%m-%d %H:%M} 结束。"
    RoundAppealSettings.objects.create(round=published, appeal_days=20)
    assert _ask(scored_a, official_a).status == "pending"


def test_window_counts_from_the_latest_publication(published, scored_a, official_a, reviewer):
    RoundTransition.objects.filter(round=published).update(at=timezone.now() - datetime.timedelta(days=30))
    RoundTransition.objects.create(round=published, from_state="reviewing", to_state="published", actor=reviewer)
    assert _ask(scored_a, official_a).status == "pending"


def test_no_appeal_before_publication_or_of_unscored_items_or_twice(open_round, scored_a, item, official_a, reviewer):
    with pytest.raises(ServiceError) as error:
        _ask(scored_a, official_a)
    assert error.value.message == "本轮考评当前为“填报中”，不能申请复核。"
    from assessment import round_services

    round_services.change_state(open_round, "reviewing", user=reviewer)
    round_services.change_state(open_round, "published", user=reviewer, reason="按未得分公布")
    with pytest.raises(ServiceError) as error:
        _ask(item, official_a)
    assert error.value.message == "只有已评分的考察点可以申请复核。"
    _keep(_ask(scored_a, official_a), reviewer)
    with pytest.raises(ServiceError) as error:
        _ask(scored_a, official_a)
    assert error.value.message == "该考察点已申请过复核，每个考察点只能申请一次。"


def test_change_keeps_the_score_checks(published, scored_a, official_a, reviewer):
    appeal = _ask(scored_a, official_a)
    with pytest.raises(ServiceError) as error:
        _change(appeal, reviewer, points="3.5")
    assert error.value.message == "得分应在 0 到 3.0 分之间。"
    with pytest.raises(ServiceError) as error:
        _change(appeal, reviewer, points="2.5")
    assert error.value.message == "复核后的得分与原得分相同；如不调整，请选择“维持原评分”。"
    with pytest.raises(ServiceError) as error:
        services.decide_appeal(appeal, user=reviewer, change=True, points=Decimal("3"), reply="x", version=appeal.version,
                               submission_version=appeal.submission.version - 1)
    assert error.value.message.startswith("该考察点已被 ")
    with pytest.raises(ServiceError) as error:
        _keep(appeal, official_a)
    assert error.value.message == "只有视频办评审员可以处理复核申请。"
    assert Review.objects.get(submission=scored_a).points == Decimal("2.5")
    assert Appeal.objects.get().status == "pending"


def test_no_decision_once_archived(published, scored_a, official_a, reviewer):
    from assessment import round_services

    appeal = _ask(scored_a, official_a)
    round_services.change_state(published, "archived", user=reviewer)
    with pytest.raises(ServiceError) as error:
        _change(appeal, reviewer)
    assert error.value.message == "本轮考评当前为“已归档”，不能处理复核申请。"


def test_request_and_decision_through_the_pages(client, published, scored_a, official_a, reviewer, town_a):
    client.force_login(official_a)
    item_page = client.get(reverse("submission", args=[scored_a.pk])).content.decode()
    assert f'href="{reverse("appeals:appeal-new", args=[scored_a.pk])}"' in item_page
    form = client.get(reverse("appeals:appeal-new", args=[scored_a.pk])).content.decode()
    assert "当前得分 2.5 分" in form and "复核申请截止：" in form
    response = client.post(reverse("appeals:appeal-new", args=[scored_a.pk]), {"reason": "请复核"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    client.force_login(reviewer)
    assert f'data-appeal="{appeal.pk}"' in client.get(reverse("appeals:pending")).content.decode()
    scored_a.refresh_from_db()
    response = client.post(reverse("appeals:appeal-decide", args=[appeal.pk]), {
        "version": appeal.version, "submission_version": scored_a.version, "decision": "change", "points": "2.8",
        "reply": "补充材料部分符合"})
    assert response.status_code == 302
    assert _totals(published)[town_a.pk] == Decimal("2.8")
    assert f'data-appeal="{appeal.pk}"' not in client.get(reverse("appeals:pending")).content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _more_scored(round_, town, criteria, official, reviewer, codes):
    """Score more items of an already published round (put back to 填报中 for the while)."""
    from assessment.models import Round

    Round.objects.filter(pk=round_.pk).update(state="open")
    items = [score_item(item_of(round_, town, criteria[code]), official, reviewer, "1") for code in codes]
    Round.objects.filter(pk=round_.pk).update(state="published")
    return items


def test_pending_page_queries_do_not_grow_with_appeals(client, published, town_a, town_b, criteria, official_a,
                                                       official_b, reviewer, scored_a):
    client.force_login(reviewer)
    _ask(scored_a, official_a)
    one = _queries(client, reverse("appeals:pending"))
    for item in _more_scored(published, town_a, criteria, official_a, reviewer, ["1.2.1", "1.3.1"]):
        _ask(item, official_a)
    for item in _more_scored(published, town_b, criteria, official_b, reviewer, ["1.2.1"]):
        _ask(item, official_b)
    assert _queries(client, reverse("appeals:pending")) == one
    assert client.get(reverse("appeals:pending")).content.decode().count("data-appeal=") == 4


def test_request_page_and_results_queries_do_not_grow_with_appeals(client, published, scored_a, town_a, criteria,
                                                                  official_a, reviewer):
    client.force_login(official_a)
    urls = [reverse("appeals:appeal-new", args=[scored_a.pk]), reverse("results") + f"?round={published.pk}",
            reverse("town-results", args=[town_a.pk]) + f"?round={published.pk}"]
    [_queries(client, url) for url in urls]  # the first visit remembers the round in the session
    before = [_queries(client, url) for url in urls]
    for item in _more_scored(published, town_a, criteria, official_a, reviewer, ["1.2.1", "1.3.1"]):
        _keep(_ask(item, official_a), reviewer)
    assert [_queries(client, url) for url in urls] == before
