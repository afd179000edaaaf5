"""Year after year in a real browser: an admin opens next year's round through the page; a town official still
finds last year's results through the round switcher, then fills an item of the new round with last year's figures."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessment import round_services, services
from assessment.models import District, Figure, Metric, Round, Submission
from tests.browser.conftest import login
from tests.factories import UserFactory, score_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def last_year(rubric):
    """Last year's round of 六合区: town A's 2.3④ scored with its figures, then published and archived."""
    from assessment.models import Town

    town = Town.objects.order_by("order").first()
    official = UserFactory(role="town", username="official1", town=town, last_name="填报员一")
    reviewer = UserFactory(role="reviewer", username="reviewer", last_name="评审员")
    admin = UserFactory(role="admin", username="admin", is_staff=True, is_superuser=True)
    today = datetime.date.today()
    round_ = services.open_round(rubric=rubric, district=District.objects.get(name="六合区"), name="2025年度达标评估",
                                 opens_on=today - datetime.timedelta(days=10), closes_on=today + datetime.timedelta(days=10),
                                 pass_mark=Decimal("60"))
    item = Submission.objects.get(round=round_, town=town, criterion__code="2.3④")
    score_item(item, official, reviewer, "1.0", completed_on=datetime.date(2025, 6, 1))
    Round.objects.filter(pk=round_.pk).update(opens_on=datetime.date(2025, 1, 10), closes_on=datetime.date(2025, 12, 20))
    for state in (Round.State.REVIEWING, Round.State.PUBLISHED, Round.State.ARCHIVED):
        round_services.change_state(round_, state, user=reviewer, reason="演示")
    return {"round": round_, "official": official, "admin": admin, "town": town}


def test_admin_opens_next_year_and_official_works_in_both(page, live_server, last_year):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/rounds/new/")
    expect(page.locator("#id_name")).to_have_value("2026年度技防街镇达标评估")
    page.locator("#id_opens_on").fill(datetime.date.today().isoformat())
    page.locator("#id_closes_on").fill((datetime.date.today() + datetime.timedelta(days=60)).isoformat())
    page.locator("#id_open_now").check()
    page.locator("#preview-button").click()
    expect(page.locator("#preview")).to_contain_text("已逾期")
    if page.locator("#preview .error").count():
        page.locator("#id_confirm_past").check()
    page.locator("#save-round").click()
    expect(page.locator("#round-state")).to_have_text("填报中")
    new = Round.objects.get(name="2026年度技防街镇达标评估")
    page.get_by_role("button", name="退出").click()

    login(page, live_server, "official1")
    with page.expect_navigation():
        page.locator("#round-select").select_option(str(last_year["round"].pk))
    page.get_by_role("link", name="评估结果").click()
    expect(page.locator("#round-select")).to_have_value(str(last_year["round"].pk))
    expect(page.locator("h1")).to_contain_text("2025年度达标评估")
    expect(page.locator(f'tr[data-town="{last_year["town"].pk}"] .total')).to_have_text("1.0")

    with page.expect_navigation():
        page.locator("#round-select").select_option(str(new.pk))
    item = Submission.objects.get(round=new, town=last_year["town"], criterion__code="2.3④")
    page.goto(f"{live_server.url}/items/{item.pk}/")
    expect(page.locator("#last-year-metric_cameras_total")).to_contain_text("10")
    page.get_by_role("link", name="沿用上年数据").click()
    expect(page.locator("input[name=metric_cameras_total]")).to_have_value("10")
    page.locator("textarea[name=narrative]").fill("沿用上年数据核对无误。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".msg-success")).to_have_text("草稿已保存。")
    total = Metric.objects.get(code="cameras_total")
    assert Figure.objects.get(round=new, town=last_year["town"], metric=total).value == Decimal("10")
