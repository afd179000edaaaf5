"""A town official's day in a real browser: fill in an item, attach evidence, submit; and what must not happen."""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from assessment import services
from assessment.models import Evidence, Figure, Submission, Transition
from tests.browser.conftest import fill_login_form, login
from tests.factories import PDF_BYTES, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = Submission.Status


def item_url(live_server, item):
    return f"{live_server.url}/items/{item.pk}/"


def test_official_fills_and_submits_item_with_pdf(page, live_server, official_a, item):
    completed_on = timezone.localdate() - datetime.timedelta(days=30)
    login(page, live_server, "official_a")
    expect(page).to_have_url(f"{live_server.url}/items/")

    page.get_by_role("link", name=re.compile(r"^2\.3④")).click()
    expect(page).to_have_url(item_url(live_server, item))
    page.locator("textarea[name=narrative]").fill("全镇监控摄像机 200 台，其中政府投资 30 台。")
    page.locator("input[name=completed_on]").fill(completed_on.isoformat())
    page.locator("input[name=metric_cameras_total]").fill("200")
    page.locator("input[name=metric_cameras_gov]").fill("30")
    page.locator("input[name=evidence_file]").set_input_files(
        {"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.locator("input[name=evidence_description]").fill("监控建设验收报告")
    page.get_by_role("button", name="保存草稿").click()

    expect(page.locator(".msg-success")).to_have_text("草稿已保存。")
    evidence_rows = page.locator("#evidence tbody tr")
    expect(evidence_rows).to_have_count(1)
    expect(evidence_rows.first.get_by_role("link")).to_have_text("验收报告.pdf")
    expect(evidence_rows.first).to_contain_text("监控建设验收报告")
    expect(page.locator("#status")).to_have_text("草稿")

    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#status")).to_have_text("已提交")
    expect(page.locator(".msg-success")).to_have_text("已提交，等待视频办评审。")

    page.get_by_role("link", name="← 返回填报清单").click()
    expect(page).to_have_url(f"{live_server.url}/items/")
    expect(page.locator(f'tr[data-item="{item.pk}"] .badge.status')).to_have_text("已提交")

    item.refresh_from_db()
    assert (item.status, item.narrative, item.completed_on) == (
        Status.SUBMITTED, "全镇监控摄像机 200 台，其中政府投资 30 台。", completed_on,
    )
    assert [(e.original_name, e.description, e.kind) for e in Evidence.objects.filter(submission=item)] == [
        ("验收报告.pdf", "监控建设验收报告", "pdf"),
    ]
    assert [(t.from_status, t.to_status, t.actor_id) for t in Transition.objects.filter(submission=item)] == [
        (Status.DRAFT, Status.SUBMITTED, official_a.pk),
    ]
    assert dict(Figure.objects.filter(town=item.town).values_list("metric__code", "value")) == {
        "cameras_total": 200, "cameras_gov": 30,
    }


def test_other_town_official_cannot_reach_item(page, live_server, official_a, official_b, item):
    evidence = services.add_evidence(item, user=official_a, upload=upload(), description="验收报告")
    login(page, live_server, "official_b")

    response = page.goto(item_url(live_server, item))
    assert response.status == 404
    expect(page.locator("#submission-form")).to_have_count(0)

    response = page.goto(f"{live_server.url}/evidence/{evidence.pk}/")
    assert response.status == 404


def test_bad_figure_keeps_typed_text(page, live_server, official_a, item):
    login(page, live_server, "official_a")
    page.goto(item_url(live_server, item))
    page.locator("textarea[name=narrative]").fill("我输入的说明文字")
    page.locator("input[name=metric_cameras_total]").fill("200")
    page.locator("input[name=metric_cameras_gov]").fill("300")
    page.get_by_role("button", name="保存草稿").click()

    expect(page.locator(".msg-error")).to_have_text("填写有误，内容尚未保存，请按提示修改。")
    expect(page.locator("ul.errorlist", has_text="不能大于")).to_have_text(
        "政府投资建设的监控摄像机数（300）不能大于辖区监控摄像机总数（200）。"
    )
    expect(page.locator("textarea[name=narrative]")).to_have_value("我输入的说明文字")

    item.refresh_from_db()
    assert (item.narrative, item.version, item.status) == ("", 0, Status.DRAFT)
    assert Figure.objects.count() == 0


def test_typed_text_survives_expired_session(page, live_server, official_a, item):
    login(page, live_server, "official_a")
    page.goto(item_url(live_server, item))
    page.locator("textarea[name=narrative]").fill("会话过期前输入的说明")

    Session.objects.all().delete()
    page.get_by_role("button", name="保存草稿").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    item.refresh_from_db()
    assert item.narrative == ""

    fill_login_form(page, "official_a")
    expect(page).to_have_url(item_url(live_server, item))
    expect(page.locator("#restored-note")).to_be_visible()
    expect(page.locator("textarea[name=narrative]")).to_have_value("会话过期前输入的说明")

    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".msg-success")).to_have_text("草稿已保存。")
    item.refresh_from_db()
    assert item.narrative == "会话过期前输入的说明"
