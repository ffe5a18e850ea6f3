import pytest
from playwright.sync_api import expect

from tests.factories import ReportFactory, jishou

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
    assert screenshot(page, "article").stat().st_size > 10_000


def test_phone_navigation_menu(live_server, phone_page, screenshot):
    jishou()
    phone_page.goto(live_server.url)
    expect(phone_page.get_by_text("导航菜单")).to_be_visible()
    screenshot(phone_page, "home-phone")
