"""试算 and the propose API give the reviewer's proposal; zeros and yes/no answers through the real workflow;
the review page's conditions; 城管局 merged into 区城管局."""

import datetime
import importlib
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from assessment import services
from assessment.models import CriterionUnit, Figure, Metric, ResponsibleUnit, Review, Submission
from scoring.loader import propose_for
from tests.factories import UserFactory, upload

SITES = {"key_site_systems_ok": "91", "key_site_systems": "100", "gov_uptime_pct": "99", "gov_image_usable_pct": "90"}
MECHANISM = {"operation_mechanism": True}


def _item(open_round, town, code):
    return Submission.objects.get(round=open_round, town=town, criterion__code=code)


def _fill(item, user, figures, answers):
    """Save figures and answers through the service, as the item page does."""
    metrics = {m.code: m for m in Metric.objects.filter(rubric=item.round.rubric, code__in=figures)}
    return services.save_draft(item, user=user, narrative="已落实。", completed_on=datetime.date(2026, 10, 1),
                               figures={metrics[c]: Decimal(v) for c, v in figures.items()}, version=item.version,
                               answers=answers)


@pytest.fixture
def item_5_3(open_round, town_a, official_a):
    return _fill(_item(open_round, town_a, "5.3.1"), official_a, SITES, MECHANISM)


def test_api_propose_and_item_trial_give_the_reviewers_proposal(client, official_a, reviewer, open_round, item_5_3):
    reviewers = propose_for(item_5_3)
    assert reviewers.points == Decimal("5.0")  # clause one met, one rate of clause two: 10 × 1/2
    client.force_login(reviewer)
    body = {"criterion": "5.3.1", "round": open_round.pk, "figures": SITES, "answers": MECHANISM}
    api = client.post("/api/v1/propose/", body, content_type="application/json")
    client.force_login(official_a)
    trial = client.post(reverse("submission-trial", args=[item_5_3.pk]), {"figures": SITES, "answers": {
        "operation_mechanism": "yes"}}, content_type="application/json")
    assert (api.status_code, trial.status_code) == (200, 200)
    assert api.json() == trial.json()
    assert api.json()["points"] == str(reviewers.points)
    assert api.json()["reasoning"] == reviewers.explanation.splitlines()
    assert [(c["key"], c["verdict"]) for c in api.json()["conditions"]] == [
        ("r1", "met"), ("c1", "met"), ("c2", "not_met")]
    assert api.json()["note"] == "仅供参考，以评审员评分为准。"


def test_item_page_shows_the_trial_the_reviewer_will_see(client, official_a, item_5_3):
    client.force_login(official_a)
    page = client.get(reverse("submission", args=[item_5_3.pk]))
    assert page.context["trial"].points == propose_for(item_5_3).points == Decimal("5.0")
    html = page.content.decode()
    assert "仅供参考，以评审员评分为准" in html
    assert 'src="/static/js/trial.js"' in html
    assert 'name="answer_operation_mechanism"' in html
    assert "<li>满足1/2项条件，建议得分5.0分（满分10.0分）。</li>" in html


def test_trial_reads_typed_values_without_saving(client, official_a, item_5_3):
    client.force_login(official_a)
    typed = {**SITES, "gov_image_usable_pct": "95"}
    response = client.post(reverse("submission-trial", args=[item_5_3.pk]),
                           json.dumps({"figures": typed, "answers": MECHANISM}), content_type="application/json")
    assert response.json()["points"] == "10.0"
    assert Figure.objects.get(metric__code="gov_image_usable_pct", town=item_5_3.town).value == Decimal("90")


@pytest.mark.parametrize(
    "body, status, detail",
    [
        ({"criterion": "5.3.1", "figures": {"gov_uptime_pct": "abc"}}, 400, "指标“gov_uptime_pct”应为数字。"),
        ({"criterion": "5.3.1", "figures": {"gov_uptime_pct": -1}}, 400, "指标“gov_uptime_pct”应为不小于 0 的数字。"),
        ({"criterion": "5.3.1", "answers": {"operation_mechanism": "maybe"}}, 400,
         "作答“operation_mechanism”应为 true 或 false。"),
        ({"criterion": "5.3.1", "figures": []}, 400, "figures 应为对象（指标代码 → 数值）。"),
        ({"criterion": "9.9"}, 404, "本轮评估标准中没有该考察点。"),
        ({"criterion": "1.1.1"}, 400, "该考察点没有可量化的评分标准，由评审员直接评分。"),
    ],
    ids=["not_a_number", "negative", "bad_answer", "figures_not_object", "unknown_criterion", "no_rule"],
)
def test_api_propose_refuses_bad_input_with_a_chinese_detail(client, reviewer, open_round, body, status, detail):
    client.force_login(reviewer)
    response = client.post("/api/v1/propose/", {"round": open_round.pk, **body}, content_type="application/json")
    assert (response.status_code, response.json()["detail"]) == (status, detail)


def test_api_propose_needs_login_and_a_visible_round(client, open_round, official_b):
    body = {"criterion": "5.3.1", "round": open_round.pk}
    assert client.post("/api/v1/propose/", body, content_type="application/json").status_code in (401, 403)
    client.force_login(UserFactory(role="reviewer", username="elsewhere", district=_other_district()))
    response = client.post("/api/v1/propose/", body, content_type="application/json")
    assert response.status_code == 404


def _other_district():
    from assessment.models import District

    return District.objects.create(name="浦口区")


def test_4_1_with_no_watch_staff_is_submittable_and_proposes_zero(client, official_a, open_round, town_a):
    item = _item(open_round, town_a, "4.1.1")
    client.force_login(official_a)
    response = client.post(reverse("submission", args=[item.pk]), {
        "narrative": "本镇尚未配备值守人员。", "completed_on": "2026-10-01", "version": str(item.version),
        "metric_key_cameras": "30", "metric_watch_staff": "0", "answer_watch_mechanism": "no", "action": "submit",
        "evidence_file": upload(), "evidence_description": "值守安排", "missing_note": "区公安分局的部分另行提交",
    })
    item.refresh_from_db()
    assert (response.status_code, item.status, item.answers) == (302, Submission.Status.SUBMITTED,
                                                                 {"watch_mechanism": False})
    proposal = propose_for(item)
    assert proposal.points == Decimal("0.0")
    assert "（“值守人员数”为0，按未满足计）" in proposal.explanation


def test_submit_asks_for_an_unanswered_condition(open_round, town_a, official_a):
    item = _fill(_item(open_round, town_a, "5.3.1"), official_a, SITES, {})
    services.add_evidence(item, user=official_a, upload=upload(), description="d")
    with pytest.raises(services.Incomplete) as refused:
        services.submit(item, user=official_a, missing_note="区公安分局的部分另行提交")
    assert refused.value.missing == ["作答“是否已明确维护管理责任主体、落实运行管理资金、依法加强日常检查”"]


@pytest.fixture
def submitted_5_3(item_5_3, official_a):
    services.add_evidence(item_5_3, user=official_a, upload=upload(), description="d")
    return services.submit(item_5_3, user=official_a, missing_note="区公安分局的部分另行提交")


def test_review_page_shows_each_condition_and_asks_reasons_per_condition(client, reviewer, submitted_5_3):
    client.force_login(reviewer)
    url = reverse("review", args=[submitted_5_3.pk])
    page = client.get(url).content.decode()
    assert '<tr data-condition="c2"><td>政府投资建设的治安监控系统正常运行率和视频图像可利用率均达95%以上</td>' \
           '<td><span class="badge verdict-not_met">未满足</span>' in page
    assert 'name="reason_c2"' in page
    data = {"points": "10", "comment": "", "version": str(submitted_5_3.version), "action": "score"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "得分与系统建议分 5.0 分不同，请在判定不同的条件旁写明理由。" in refused.content.decode()
    client.post(url, {**data, "reason_c2": "图像可利用率复核后为96%"})
    review = Review.objects.get(submission=submitted_5_3)
    assert (review.points, review.proposed_points) == (Decimal("10.0"), Decimal("5.0"))
    assert review.override_reason == ("政府投资建设的治安监控系统正常运行率和视频图像可利用率均达95%以上"
                                      "（系统判定：未满足）：图像可利用率复核后为96%")


def test_migration_merges_the_spelling_城管局_into_区城管局_keeping_links_and_accounts(rubric, criteria):
    merged = ResponsibleUnit.objects.get(name="区城管局")
    old = ResponsibleUnit.objects.create(name="城管局", level=ResponsibleUnit.Level.DISTRICT)
    link = CriterionUnit.objects.get(criterion=criteria["2.2①"], unit=merged)
    link.unit = old
    link.save()
    account = UserFactory(role="department", username="chengguan", unit=old)
    migration = importlib.import_module("assessment.migrations.0010_rule_answers")
    for _run in range(2):
        migration.merge_units(apps, None)
    account.refresh_from_db()
    assert (account.unit_id, ResponsibleUnit.objects.filter(name="城管局").exists()) == (merged.pk, False)
    assert [link.unit.name for link in criteria["2.2①"].unit_links.all()] == ["街道（镇）综治办", "区城管局", "区公安分局"]
    assert account.can_fill(Submission(criterion=criteria["2.2①"], town_id=1))
