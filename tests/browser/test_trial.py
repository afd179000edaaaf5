"""试算 in a real browser: as an official types figures and answers, the item page shows the reviewer's proposal."""

import pytest
from playwright.sync_api import expect

from assessment.models import Submission
from scoring.loader import propose_for
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trial_follows_typing_and_matches_the_reviewers_proposal(page, live_server, official_a, open_round, town_a):
    item = Submission.objects.get(round=open_round, town=town_a, criterion__code="5.3.1")
    login(page, live_server, "official_a")
    page.goto(f"{live_server.url}/items/{item.pk}/")
    trial = page.locator("#trial")
    expect(trial).to_contain_text("仅供参考，以评审员评分为准")
    expect(page.locator("#trial-points")).to_have_text("—")
    for code, value in {"key_site_systems": "100", "key_site_systems_ok": "91", "gov_uptime_pct": "99",
                        "gov_image_usable_pct": "90"}.items():
        page.locator(f"input[name=metric_{code}]").fill(value)
    page.locator("select[name=answer_operation_mechanism]").select_option("yes")
    expect(page.locator("#trial-points")).to_have_text("5.0 分（满分 10.0 分）")
    expect(page.locator("#trial-reasoning li").first).to_have_text("满足1/2项条件，建议得分5.0分（满分10.0分）。")
    page.locator("input[name=metric_gov_image_usable_pct]").fill("95")
    expect(page.locator("#trial-points")).to_have_text("10.0 分（满分 10.0 分）")
    page.locator("input[name=metric_gov_image_usable_pct]").fill("90")
    expect(page.locator("#trial-points")).to_have_text("5.0 分（满分 10.0 分）")
    shown = page.locator("#trial-reasoning li").all_inner_texts()

    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".msg-success")).to_have_text("草稿已保存。")
    item.refresh_from_db()
    reviewers = propose_for(item)
    assert (str(reviewers.points), reviewers.explanation.splitlines()) == ("5.0", shown)
