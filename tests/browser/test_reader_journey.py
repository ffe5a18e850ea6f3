import pytest
from playwright.sync_api import expect

from tests.factories import ReportFactory, jishou

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_to_big_region_to_list_to_article(live_server, page, screenshot):
    report = ReportFactory(region=jishou(), title="吉首市人民政府工作报告")
    page.goto(live_server.url)
    page.get_by_role("navigation", name="导航菜单").get_by_role("link", name="华中").click()
    expect(page.get_by_role("heading", name="华中地区")).to_be_visible()
    page.get_by_role("link", name="湖南省").first.click()
    expect(page.get_by_role("heading", name="湖南省", exact=True)).to_be_visible()
    page.get_by_role("link", name=report.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(report.display_title)
    expect(page.locator(".permalink")).to_contain_text(f"本文地址:{report.get_absolute_url()}")
    expect(page.locator(".views")).to_have_text("1")  # the beacon counted this visit
    page.reload()  # the same reader again within the window: shown the total, not counted twice
    expect(page.locator(".views")).to_have_text("1")
    report.refresh_from_db()
    assert report.views == 1
    assert screenshot(page, "article").stat().st_size > 10_000


def test_phone_navigation_menu_folds_and_opens(live_server, phone_page, screenshot):
    jishou()
    phone_page.goto(live_server.url)
    menu = phone_page.get_by_role("navigation", name="导航菜单")
    expect(menu.get_by_role("link", name="华中")).to_be_hidden()
    menu.get_by_text("导航菜单").click()
    menu.get_by_role("link", name="华中").click()
    expect(phone_page.get_by_role("heading", name="华中地区")).to_be_visible()
    screenshot(phone_page, "big-region-phone")


def test_navigation_works_without_javascript(live_server, no_js_page):
    report = ReportFactory(region=jishou())
    no_js_page.goto(live_server.url)
    no_js_page.get_by_role("navigation", name="导航菜单").get_by_role("link", name="报告").click()
    no_js_page.get_by_role("link", name=report.title).click()
    expect(no_js_page.get_by_role("heading", level=1)).to_have_text(report.display_title)


def test_reader_pages_load_nothing_that_fails(live_server, page):
    """Every request a reader's browser makes answers: no 404 for a favicon it goes looking for."""
    report = ReportFactory(region=jishou())
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.on("requestfailed", lambda request: failed.append(request.url))
    for path in ("/", report.get_absolute_url()):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert failed == []
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(live_server.url + icon).status == 200
