"""Playwright driving Debian's Chromium (never a downloaded browser) against pytest-django's live_server.

Browser tests need the transactional database of live_server; mark them with
`pytest.mark.django_db(transaction=True)` so the data that migrations
create (categories, big regions, staff groups) is restored for the tests that follow.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make around it
    # are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open_page(browser, **context_options):
    # A reader's Chromium, not "HeadlessChrome", which the view counter takes for a crawler.
    agent = (
        f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{browser.version} Safari/537.36"
    )
    context_options.setdefault("user_agent", agent)
    context = browser.new_context(locale="zh-CN", **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def page(browser):
    yield from _open_page(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser):
    yield from _open_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)


@pytest.fixture
def no_js_page(browser):
    yield from _open_page(browser, java_script_enabled=False)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under artifacts/screenshots/ (kept out of git) and return its path."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
