"""Real headless Chromium against pytest-django's live_server, with the sync Playwright API.

Browser tests need Debian's `chromium`; without it they are skipped, except under CI=true where that is a failure.
Every test is marked `browser` and `django_db(transaction=True)`: the live server runs in another thread, so data
must be committed. A transactional test ends by emptying every table, so the standard (附件1, 街镇, 责任单位) that
the data migration loaded is gone for the next one; the `rubric` fixture below loads it again. (serialized_rollback
is not used: after a plain transactional test such as tests/assessment/test_standard.py's, Django has re-created the
content types and restoring the serialized copy fails on their unique constraint.)
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from assessment.standard import load_default_standard

# The sync Playwright API runs an event loop in the test thread; Django would otherwise refuse ORM calls there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser():
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium 未安装：apt-get install chromium")
        pytest.skip("浏览器测试需要 Chromium：apt-get update && apt-get install -y chromium")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_failed = report.failed
    return report


@pytest.fixture
def rubric(transactional_db):
    """附件1 and 六合区's towns as the data migration loads them (the loader keeps what already exists)."""
    return load_default_standard()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    try:
        if getattr(request.node, "browser_call_failed", False):
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    finally:
        context.close()


def login(page, live_server, username, password=PASSWORD):
    """Log in through the real form at /accounts/login/."""
    page.goto(f"{live_server.url}/accounts/login/")
    fill_login_form(page, username, password)


def fill_login_form(page, username, password=PASSWORD):
    """Fill the login form already on screen (e.g. after a redirect with ?next=) and wait until logged in."""
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
