import pytest
from playwright.sync_api import expect

from reports import demo, services
from reports.models import Category, ReportStatus
from tests.factories import ReportFactory, jishou

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed_report():
    seed = demo.read_seed()
    return services.report_create(
        pk=demo.SEED_ID,
        title=seed.title,
        body=seed.body,
        region=jishou(),
        category=Category.objects.get(slug=demo.SEED_CATEGORY),
        date=demo.SEED_DATE,
        source_name=demo.SEED_SOURCE[0],
        source_url=demo.SEED_SOURCE[1],
        status=ReportStatus.PUBLISHED,
    )


def test_search_from_an_article_header_reaches_the_seed_report(live_server, page, screenshot, seed_report):
    other = ReportFactory(region=seed_report.region, title="吉首市统计公报", body="  （一）全年经济平稳运行。")
    page.goto(live_server.url + other.get_absolute_url())
    search_box = page.get_by_role("search").get_by_role("searchbox", name="搜索报告")
    search_box.fill("大兴寨水库")
    search_box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("搜索：大兴寨水库")
    expect(page.locator(".search-count")).to_contain_text("1 条结果")
    result = page.locator(".search-result").first
    expect(result.locator("mark").first).to_have_text("大兴寨水库")
    expect(page.get_by_role("search").get_by_role("searchbox")).to_have_value("大兴寨水库")
    screenshot(page, "search-results")

    result.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(seed_report.display_title)
    expect(page).to_have_url(live_server.url + seed_report.get_absolute_url())


def test_bad_query_shows_a_message(live_server, page):
    jishou()
    page.goto(live_server.url + "/")
    page.get_by_role("search").get_by_role("searchbox").fill("！？。")
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    expect(page.get_by_role("status")).to_contain_text("没有可查找的文字")
