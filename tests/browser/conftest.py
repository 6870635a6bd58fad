"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live_server.

Mark tests with `@pytest.mark.browser`. Fixtures:
- `browser`: one Chromium per module (Playwright cannot download its own here: /usr/bin/chromium).
- `page`: a fresh Chinese-locale page (own cookies) per test.
- `login(page, username, password)`: logs in through the real login form.
- `login_as(page, user)`: logs in by session cookie, for tests that are not about logging in.
- `screenshot(page, name)`: saves tests/artifacts/<name>.png (gitignored) and returns its path.
Look at the screenshots with an image viewer after changing a page.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # this machine has no network: no background fetches
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM calls
    (the test's own, and pytest-django's database set-up) while one runs, unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set: it is set for as long as the loop lives, and removed after.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    if not shutil.which(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(live_server):
    def login(page, username: str, password: str):
        page.goto(live_server.url + reverse("login"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        return page

    return login


@pytest.fixture
def login_as(live_server):
    def login_as(page, user):
        client = Client()
        client.force_login(user)
        page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        return page

    return login_as


@pytest.fixture
def screenshot(request):
    def screenshot(page, name: str, *, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return screenshot
