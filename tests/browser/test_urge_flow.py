"""催办 in a real browser: the reviewer urges a town; its official sees the unread count, opens the message and lands on
the item still owed, whose history shows the 催办."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessment.models import Submission
from notices.models import Message
from tests.browser.conftest import login
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def official1(town_a):
    return UserFactory(role="town", username="official1", town=town_a, last_name="街镇填报员一")


@pytest.fixture
def one_item_owed(open_round, town_a, item):
    """Town A has handed in everything but 2.3④."""
    Submission.objects.filter(round=open_round, town=town_a).exclude(pk=item.pk).update(
        status=Submission.Status.SUBMITTED)
    return item


def test_reviewer_urges_and_official_lands_on_the_item(page, live_server, reviewer, official1, town_a, open_round,
                                                       one_item_owed):
    login(page, live_server, "reviewer")
    page.get_by_role("link", name="催办", exact=True).click()
    row = page.locator(f'#urge-towns tr[data-town="{town_a.pk}"]')
    expect(row.locator("td.num").first).to_have_text("1")
    row.get_by_role("checkbox").check()
    page.locator("textarea[name=note]").fill("请本周内提交")
    page.get_by_role("button", name="发送催办").click()
    expect(page.locator(".msg-success")).to_have_text(f"已发送催办：{town_a.name}。")
    expect(page.locator("#urge-log tbody tr")).to_have_count(1)
    expect(page.locator("#urge-log tbody tr")).to_contain_text("请本周内提交")
    page.get_by_role("button", name="退出").click()

    login(page, live_server, "official1")
    expect(page.locator("#unread-count")).to_have_text("1")
    page.locator("#nav-messages").click()
    page.get_by_role("link", name=re.compile(r"^【催办】")).click()
    expect(page).to_have_url(f"{live_server.url}{reverse('submission', args=[one_item_owed.pk])}")
    expect(page.locator("h1")).to_contain_text("2.3④")
    expect(page.locator("#timeline")).to_contain_text("催办：请本周内提交")
    expect(page.locator("#unread-count")).to_have_count(0)
    assert Message.objects.get(user=official1).read_at is not None
