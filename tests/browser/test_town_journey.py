"""A town official's shortest way through an item in a real browser, on a desktop and on a 390 px phone.

The journey counts what the official does: every click or tap (a link, a field to type in, the file picker, a
button) and every page the browser loads, and prints both.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessment import services
from assessment.models import Evidence, Figure, Submission, Transition
from tests.browser.conftest import login
from tests.factories import PDF_BYTES, PNG_BYTES, publish, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = Submission.Status
PHONE = {"width": 390, "height": 844}
A4_WIDTH = 703  # 210 mm less 2 × 12 mm of margin, at 96 px per inch


class Counter:
    """Counts the official's clicks and the page loads of the main frame."""

    def __init__(self, page):
        self.page, self.clicks, self.loads = page, 0, 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def type_into(self, locator, text):
        self.click(locator)
        locator.fill(text)

    def choose_files(self, locator, files):
        with self.page.expect_file_chooser() as chooser:
            self.click(locator)
        chooser.value.set_files(files)


def test_fill_and_submit_one_item_with_two_figures_and_two_files(page, live_server, official_a, item):
    completed_on = timezone.localdate() - datetime.timedelta(days=30)
    login(page, live_server, "official_a")
    expect(page).to_have_url(f"{live_server.url}/items/")
    count = Counter(page)
    page.reload()  # the journey starts on the 待办 page, as after logging in

    count.click(page.locator(f'tr[data-item="{item.pk}"] a.item-link'))
    expect(page).to_have_url(re.compile(rf"/items/{item.pk}/$"))
    count.type_into(page.locator("textarea[name=narrative]"), "全镇监控摄像机 200 台，其中政府投资 30 台。")
    count.type_into(page.locator("input[name=completed_on]"), completed_on.isoformat())
    count.type_into(page.locator("input[name=metric_cameras_total]"), "200")
    count.type_into(page.locator("input[name=metric_cameras_gov]"), "30")
    count.choose_files(page.locator("input[name=evidence_file]"), [
        {"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        {"name": "点位图.png", "mimeType": "image/png", "buffer": PNG_BYTES},
    ])
    count.type_into(page.locator("input[name=evidence_description]"), "监控建设验收材料")
    count.click(page.get_by_role("button", name="提交", exact=True))

    expect(page.locator(".msg-success")).to_have_text("已提交，等待视频办评审。")
    expect(page.locator("#status")).to_have_text("已提交")
    expect(page.locator("#evidence tbody tr")).to_have_count(2)
    print(f"\ntown journey (2 figures, 2 files, submit): clicks={count.clicks} page loads={count.loads}")
    assert (count.clicks, count.loads) == (8, 3)

    item.refresh_from_db()
    assert (item.status, item.completed_on) == (Status.SUBMITTED, completed_on)
    assert [(e.original_name, e.description, e.kind) for e in Evidence.objects.filter(submission=item)] == [
        ("验收报告.pdf", "监控建设验收材料", "pdf"), ("点位图.png", "监控建设验收材料", "png"),
    ]
    assert dict(Figure.objects.filter(town=item.town).values_list("metric__code", "value")) == {
        "cameras_total": 200, "cameras_gov": 30,
    }

    # Changed one's mind before the reviewer looked: 撤回, and the item is a draft again.
    page.get_by_role("button", name="撤回").click()
    expect(page.locator(".msg-success")).to_have_text("已撤回为草稿，修改后请重新提交。")
    expect(page.locator("#status")).to_have_text("草稿")
    assert [(t.from_status, t.to_status) for t in Transition.objects.filter(submission=item)] == [
        (Status.DRAFT, Status.SUBMITTED), (Status.SUBMITTED, Status.DRAFT),
    ]


def test_filters_survive_a_visit_to_an_item(page, live_server, official_a, item):
    login(page, live_server, "official_a")
    cards = page.locator("#todo-cards").inner_text()
    page.locator("#card-untouched").click()
    expect(page).to_have_url(re.compile(r"/items/\?round=\d+&status=untouched$"))
    page.locator(f'tr[data-item="{item.pk}"] a.item-link').click()
    page.get_by_role("link", name="← 返回填报清单").click()
    expect(page).to_have_url(re.compile(r"/items/\?round=\d+&status=untouched$"))
    expect(page.locator("#status")).to_have_value("untouched")
    assert page.locator("#todo-cards").inner_text() == cards
    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/items/\?round=\d+&status=untouched$"))


def test_browser_draft_is_kept_per_user_and_cleared_at_logout(page, live_server, official_a, item):
    login(page, live_server, "official_a")
    page.goto(f"{live_server.url}/items/{item.pk}/")
    page.locator("textarea[name=narrative]").fill("尚未保存的说明")
    keys = page.evaluate("Object.keys(localStorage)")
    assert keys == [f"submission-{official_a.pk}-{item.pk}"]
    page.evaluate("localStorage.setItem('unrelated', '1'); localStorage.setItem('submission-999-1', '{}')")

    page.get_by_role("button", name="退出").click()
    expect(page).not_to_have_url(re.compile(rf"/items/{item.pk}/"))
    assert page.evaluate("Object.keys(localStorage)") == ["unrelated"]


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_phone_checklist_and_item_page_fit_390_px(page, live_server, official_a, item):
    services.add_evidence(item, user=official_a, upload=upload("监控建设项目竣工验收报告（第一批）.pdf"), description="验收报告")
    page.set_viewport_size(PHONE)
    login(page, live_server, "official_a")
    assert _no_sideways_scroll(page) <= 390
    link = page.locator(f'tr[data-item="{item.pk}"] a.item-link')
    assert link.bounding_box()["height"] >= 40
    assert page.locator("#card-untouched").bounding_box()["height"] >= 40
    assert page.locator("#status").bounding_box()["height"] >= 40

    link.click()
    expect(page.locator("#evidence tbody tr")).to_have_count(1)
    assert _no_sideways_scroll(page) <= 390
    for control in (page.get_by_role("button", name="提交", exact=True), page.get_by_role("button", name="保存草稿"),
                    page.locator("#evidence").get_by_role("button", name="删除"), page.locator("input[name=evidence_file]"),
                    page.get_by_role("button", name="退出")):
        assert control.bounding_box()["height"] >= 40


def test_print_hides_navigation_and_fits_a4(page, live_server, official_a, reviewer, item, scored_a, town_a):
    publish(item.round)
    login(page, live_server, "reviewer")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH, "height": 1000})
    for path in ("/results/", f"/results/towns/{town_a.pk}/", f"/items/{item.pk}/"):
        page.goto(f"{live_server.url}{path}")
        for hidden in (".topbar nav", "#round-switcher", "#logout-form", "p.back"):
            if page.locator(hidden).count():
                expect(page.locator(hidden)).to_be_hidden()
        buttons = page.locator("button, a.button")
        assert all(not buttons.nth(i).is_visible() for i in range(buttons.count())), path
        assert _no_sideways_scroll(page) <= A4_WIDTH, path
