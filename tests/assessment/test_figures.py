"""Shared figures: a stale save is refused, parts stay ≤ wholes across items, and scored items are flagged."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import services
from assessment.figures import versions
from assessment.models import Figure, Metric, Submission
from tests.factories import score_item


@pytest.fixture
def metrics(rubric):
    return {m.code: m for m in Metric.objects.filter(rubric=rubric)}


def _save(item, user, figures, read_versions):
    item = Submission.objects.get(pk=item.pk)
    return services.save_draft(item, user=user, narrative="x", completed_on=datetime.date(2026, 10, 1),
                               figures=figures, version=item.version, figure_versions=read_versions)


def _other_item(item, code):
    return Submission.objects.get(round=item.round, town=item.town, criterion__code=code)


def test_stale_figure_save_is_refused(item, official_a, official_a2, metrics):
    """14 → 50 → 14: a form opened before the 50 was saved cannot put the 14 back silently."""
    total = metrics["cameras_total"]
    _save(item, official_a, {total: Decimal("14")}, {})
    read_by_both = versions(item.round_id, item.town_id)
    other = _other_item(item, "2.3⑥")  # another item of the same town; it does not read cameras_total
    _save(item, official_a2, {total: Decimal("50")}, read_by_both)
    with pytest.raises(services.StaleFigures) as error:
        _save(item, official_a, {total: Decimal("14")}, read_by_both)
    assert error.value.message.startswith("指标“辖区监控摄像机总数”已被 填报员乙 于 ")
    assert error.value.message.endswith("改为 50，您的内容尚未保存。请核对后再次保存。")
    assert Figure.objects.get(round=item.round, town=item.town, metric=total).value == Decimal("50")
    assert other.status == Submission.Status.DRAFT


def test_unchanged_figure_is_not_a_conflict(item, official_a, official_a2, metrics):
    total = metrics["cameras_total"]
    _save(item, official_a, {total: Decimal("14")}, {})
    old = versions(item.round_id, item.town_id)
    _save(item, official_a2, {total: Decimal("50")}, old)
    _save(item, official_a, {total: Decimal("50")}, old)  # same value as stored: nothing to overwrite
    assert Figure.objects.get(metric=total, town=item.town).version == 2


def test_part_above_whole_saved_from_another_item_is_refused(open_round, town_a, official_a, metrics, criteria):
    """villages_total=1 from 2.6 while villages_covered=9 was saved from 2.7③: refused, nothing saved."""
    coverage = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.6.1"])
    compliance = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.7③"])
    _save(coverage, official_a, {metrics["villages_total"]: Decimal("10"), metrics["villages_covered"]: Decimal("9")}, None)
    with pytest.raises(services.ServiceError) as error:
        _save(compliance, official_a, {metrics["villages_total"]: Decimal("1")}, None)
    assert error.value.message == "实现视频监控“村村通”的村数（9）不能大于行政村和城郊村数（1），请核对本街镇已填报的数据。"
    assert Figure.objects.get(town=town_a, metric=metrics["villages_total"]).value == Decimal("10")
    compliance.refresh_from_db()
    assert compliance.narrative == ""  # the whole save was refused


def test_changed_figure_flags_scored_item_for_rereview(open_round, town_a, criteria, official_a, reviewer, metrics):
    coverage = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.6.1"])
    scored = score_item(coverage, official_a, reviewer, "1.0")  # villages_total = villages_covered = 10
    untouched = score_item(Submission.objects.get(round=open_round, town=town_a, criterion=criteria["1.1.1"]),
                           official_a, reviewer, "1.0")
    assert scored.figures_changed is False
    compliance = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.7③"])
    _save(compliance, official_a, {metrics["villages_total"]: Decimal("12")}, None)
    untouched.refresh_from_db()
    assert untouched.figures_changed is False
    scored.refresh_from_db()
    assert scored.figures_changed is True
    rescored = services.score(scored, user=reviewer, points=Decimal("1.0"), comment="", override_reason="复核",
                              version=scored.version)
    assert rescored.figures_changed is False


def test_item_page_refuses_stale_figures_and_keeps_typing(client, item, official_a, official_a2, metrics):
    client.force_login(official_a)
    page = client.get(reverse("submission", args=[item.pk]))
    form_versions = page.context["form"].initial["figure_versions"]
    _save(item, official_a2, {metrics["cameras_total"]: Decimal("50")}, {})
    item.refresh_from_db()
    data = {"narrative": "我的说明", "completed_on": "2026-10-01", "version": item.version,
            "figure_versions": form_versions, "metric_cameras_total": "14", "metric_cameras_gov": "3"}
    response = client.post(reverse("submission", args=[item.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "您的内容尚未保存" in body and "我的说明" in body
    assert json.loads(response.context["form"].data["figure_versions"]) == {"cameras_total": 1}
    data["figure_versions"] = response.context["form"].data["figure_versions"]
    assert client.post(reverse("submission", args=[item.pk]), data).status_code == 302
    assert Figure.objects.get(town=item.town, metric=metrics["cameras_total"]).value == Decimal("14")


def test_rereview_flag_shows_in_queue_and_review_page(client, open_round, town_a, criteria, official_a, reviewer, metrics):
    coverage = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.6.1"])
    score_item(coverage, official_a, reviewer, "1.0")
    compliance = Submission.objects.get(round=open_round, town=town_a, criterion=criteria["2.7③"])
    _save(compliance, official_a, {metrics["villages_total"]: Decimal("12")}, None)
    client.force_login(reviewer)
    queue = client.get(reverse("review-queue"), {"status": "scored"}).content.decode()
    assert queue.count("数据已变更，待复核") == 1
    page = client.get(reverse("review", args=[coverage.pk])).content.decode()
    assert 'id="figures-changed"' in page
