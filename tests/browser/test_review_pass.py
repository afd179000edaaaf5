"""One pass through a town in a real browser: the reviewer scores a town's 8 submitted items from the queue.

Before this flow the same 8 items took 59 clicks and 35 page loads. Here every click and every page load of the
main frame is counted and printed (run with -s to see it).
"""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessment import services
from assessment.forms import rule_questions
from assessment.models import Review, Submission
from scoring.loader import propose_for
from tests.browser.conftest import login
from tests.factories import PNG_BYTES, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Eight items a town answers itself, each with an automatic rule, in the order the town hands them in.
CODES = ["2.3④", "2.3⑤", "2.3⑥", "1.4.2", "2.4④", "2.5③", "2.6.1", "2.7①"]
FIGURES = {
    "cameras_total": "200", "cameras_gov": "30", "key_area_cameras": "100", "key_area_cameras_hd": "90",
    "key_units_total": "20", "key_units_alarm": "5", "project_cost": "1000000", "maintenance_budget": "60000",
    "interval_main_road": "2", "interval_secondary_road": "3", "interval_township_road": "5", "interval_alley": "12",
    "interval_crowded_area": "3", "interval_general_area": "4", "villages_total": "10", "villages_covered": "10",
    "shops_total": "120", "shops_covered": "120", "urban_households_total": "1000", "urban_households_covered": "950",
    "rural_households_total": "800", "rural_households_covered": "600",
}


def hand_in(round_, town, official, code):
    """As tests.factories.score_item, but stopping at 已提交: fill with FIGURES, attach evidence, submit."""
    item = Submission.objects.get(round=round_, town=town, criterion__code=code)
    saved = services.save_draft(
        item, user=official, narrative=f"{code} 已按要求完成。", completed_on=datetime.date(2026, 10, 1),
        figures={m: Decimal(FIGURES[m.code]) for m in item.criterion.metrics.all()}, version=item.version,
        answers=dict.fromkeys(rule_questions(item.criterion), True),
    )
    services.add_evidence(saved, user=official, upload=upload(), description="验收报告")
    services.add_evidence(saved, user=official, upload=upload("现场照片.png", PNG_BYTES, "image/png"), description="现场照片")
    return services.submit(saved, user=official)


@pytest.fixture
def town_items(open_round, town_a, town_b, official_a, official_b):
    """Town A's 8 submitted items, and one of town B's that the town filter leaves out."""
    items = [hand_in(open_round, town_a, official_a, code) for code in CODES]
    hand_in(open_round, town_b, official_b, "2.3④")
    return items


class Counter:
    """Clicks made through `click`, and loads of the main frame (a POST answered by a redirect is one load)."""

    def __init__(self, page):
        self.page, self.clicks, self.loads = page, 0, []
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.loads.append(frame.url))

    def click(self, locator):
        self.clicks += 1
        locator.click()


def test_reviewer_scores_a_town_in_one_pass(page, live_server, reviewer, town_items, town_a):
    page.set_viewport_size({"width": 1280, "height": 720})
    login(page, live_server, "reviewer")
    queue_url = f"{live_server.url}/review/?town={town_a.pk}"
    page.goto(queue_url)
    expect(page.locator("tr[data-item]")).to_have_count(8)
    proposals = {item.pk: propose_for(item).points for item in town_items}
    counter = Counter(page)

    # Per item: its clicks (the first item's include opening it from the queue) and the loads that brought it up.
    per_item, clicks_before, loads_before = [], 0, 0
    counter.click(page.locator(f'tr[data-item="{town_items[0].pk}"] a.open'))
    for index, item in enumerate(town_items):
        expect(page).to_have_url(f"{live_server.url}/review/{item.pk}/?town={town_a.pk}")
        expect(page.locator("#queue-position")).to_have_text(f"队列中第 1 / {8 - index} 项")
        arrival = len(counter.loads) - loads_before
        button = page.get_by_role("button", name="评分", exact=True)
        # The score panel beside the evidence: 评分 in view on a 1280-px-wide screen without scrolling.
        expect(button).to_be_in_viewport()
        assert page.evaluate("window.scrollY") == 0
        viewer, panel = page.locator("#evidence-viewer").bounding_box(), page.locator("#score-panel").bounding_box()
        assert viewer["x"] + viewer["width"] <= panel["x"]
        expect(page.locator("input[name=points]")).to_have_value(str(proposals[item.pk]))  # the proposal, accepted
        expect(page.locator("textarea[name=override_reason]")).to_be_hidden()
        loads_before = len(counter.loads)
        counter.click(button)
        expect(page.locator(".msg-success")).to_have_text(f"已评分：{proposals[item.pk]} 分。")
        per_item.append((counter.clicks - clicks_before, arrival))
        clicks_before = counter.clicks

    expect(page).to_have_url(queue_url)  # none left in the filter: back to the queue, filter kept
    expect(page.locator("tr[data-item]")).to_have_count(0)
    # What the browser kept of each form until the server had it is gone now that all are saved.
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('submission-'))") == []
    print(f"\n8 items of one town scored from the filtered queue: {counter.clicks} clicks, {len(counter.loads)} page loads;"
          f" per item (clicks, loads): {per_item}, then {len(counter.loads) - loads_before} load back to the queue")
    assert all(clicks <= 2 and loads <= 1 for clicks, loads in per_item)
    assert (counter.clicks, len(counter.loads)) == (9, 9)
    reviews = Review.objects.filter(submission__in=town_items)
    assert {r.submission_id: (r.points, r.proposed_points, r.reviewer_id) for r in reviews} == {
        pk: (points, points, reviewer.pk) for pk, points in proposals.items()}


def test_keyboard_moves_through_queue_and_items(page, live_server, reviewer, town_items, town_a):
    login(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/review/?town={town_a.pk}")
    rows = page.locator("tr[data-item]")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("k")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bcurrent\b"))
    expect(rows.nth(0)).not_to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/review/{town_items[1].pk}/?town={town_a.pk}")

    # "n" while typing is a letter; elsewhere it opens 下一项.
    page.locator("textarea[name=comment]").press("n")
    expect(page.locator("textarea[name=comment]")).to_have_value("n")
    page.locator("h1").click()
    page.keyboard.press("n")
    expect(page).to_have_url(f"{live_server.url}/review/{town_items[2].pk}/?town={town_a.pk}")
    page.keyboard.press("p")
    expect(page).to_have_url(f"{live_server.url}/review/{town_items[1].pk}/?town={town_a.pk}")

    # Enter in the points field scores the item and opens the next one.
    page.locator("input[name=points]").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/review/{town_items[2].pk}/?town={town_a.pk}")
    expect(page.locator(".msg-success")).to_have_text(f"已评分：{propose_for(town_items[1]).points} 分。")
    page.locator("#back-to-queue").click()
    expect(page).to_have_url(f"{live_server.url}/review/?town={town_a.pk}")
    expect(rows).to_have_count(7)


def test_evidence_list_switches_the_viewer(page, live_server, reviewer, town_items):
    login(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/review/{town_items[0].pk}/")
    expect(page.locator("#evidence-viewer iframe")).to_have_count(1)
    page.locator("#evidence-list a", has_text="现场照片.png").click()
    expect(page.locator("#evidence-viewer img")).to_have_attribute("alt", "现场照片.png")
    expect(page.locator("#evidence-viewer iframe")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/review/{town_items[0].pk}/")


def test_bulk_accept_from_the_queue(page, live_server, reviewer, town_items, town_a):
    login(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/review/?town={town_a.pk}")
    chosen = town_items[:3]
    for item in chosen:
        page.locator(f'tr[data-item="{item.pk}"] input[name=item]').check()
    page.get_by_role("button", name="采纳所选建议分").click()
    confirm_rows = page.locator("#accept-items tr[data-item]")
    expect(confirm_rows).to_have_count(3)
    for row, item in zip(confirm_rows.all(), chosen, strict=True):
        expect(row.locator("td.proposal")).to_have_text(str(propose_for(item).points))
    page.get_by_role("button", name="确认采纳").click()
    expect(page).to_have_url(f"{live_server.url}/review/?town={town_a.pk}")
    expect(page.locator(".msg-success")).to_have_text("已采纳 3 项系统建议分。")
    expect(page.locator("tr[data-item]")).to_have_count(5)
    assert sorted(Review.objects.values_list("submission_id", "comment")) == sorted(
        (item.pk, "采纳系统建议分") for item in chosen)
