"""Under the Content-Security-Policy the pages still work in a real browser: the charts draw from our own static
ECharts, the round switcher submits on change, and the browser reports no blocked script or frame."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_charts_and_round_switcher_work_with_no_policy_violation(page, live_server, reviewer, open_round):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    login(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/results/charts/?round={open_round.pk}")
    for chart in ("#chart-totals", "#chart-sections", "#chart-progress"):
        expect(page.locator(chart)).to_have_attribute("data-ready", "1")
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
    expect(page.locator("#charts-missing")).to_be_hidden()

    with page.expect_navigation():
        page.locator("#round-select").select_option(str(open_round.pk))
    expect(page.locator("#round-select")).to_have_value(str(open_round.pk))
    assert violations == []
