"""A reader compares the seed report with the year before, and follows a 新提法 to its sentence."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from reports import demo, services
from reports.models import Category, ReportStatus
from tests.factories import ReportFactory, jishou

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed_and_year_before():
    """As load_demo stores them: the seed page as report 5618, and the made-up report of 2022."""
    region, category = jishou(), Category.objects.get(slug=demo.SEED_CATEGORY)
    seed, previous = demo.read_seed(), demo.seed_previous_year()
    report = services.report_create(
        pk=demo.SEED_ID,
        title=seed.title,
        body=seed.body,
        region=region,
        category=category,
        date=demo.SEED_DATE,
        status=ReportStatus.PUBLISHED,
    )
    services.report_create(
        title=previous.title,
        body=previous.body,
        region=region,
        category=category,
        date=demo.SEED_PREVIOUS_DATE,
        source_name=demo.SEED_PREVIOUS_SOURCE,
        status=ReportStatus.PUBLISHED,
    )
    return report


def test_from_the_seed_article_to_a_new_term_in_its_sentence(live_server, page, screenshot, seed_and_year_before):
    ReportFactory(region=jishou(), date=datetime.date(2019, 3, 1), body="（一）二〇一九年只有这一段。")
    page.goto(live_server.url + "/baogao/huazhong/5618.html")
    page.get_by_role("link", name="与上一年对比").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("吉首市报告：2022年与2023年对比")
    screenshot(page, "compare")

    new_terms = page.locator("section", has=page.get_by_role("heading", name=re.compile("^新提法")))
    word = new_terms.get_by_role("link", name="家禽", exact=True)
    word.click()
    expect(page).to_have_url(re.compile(r"/baogao/huazhong/5618/duibi/#n-\d+$"))
    target = page.locator(":target")
    expect(target).to_contain_text("家禽")
    expect(target).to_be_in_viewport()
    assert target.evaluate("element => element.closest('.compare-cell').classList.contains('newer')")

    page.get_by_label("2023年的报告与").select_option("2019")
    page.get_by_role("button", name="对比").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("吉首市报告：2019年与2023年对比")
    expect(page.get_by_text("二〇一九年只有这一段。")).to_be_visible()


def test_the_chart_draws_its_words_in_a_cjk_font(live_server, page, seed_and_year_before):
    page.goto(live_server.url + "/baogao/huazhong/5618/duibi/")
    chart = page.get_by_role("img", name=re.compile("用词变化"))
    expect(chart).to_be_visible()
    label = chart.locator("text", has_text="全面").first
    # A CJK glyph is about one em wide; a missing font draws nothing or boxes of another width.
    width = label.evaluate("element => element.getComputedTextLength()")
    assert 2 * 14 * 0.85 <= width <= 2 * 14 * 1.15
    bars = chart.locator("rect")
    assert bars.count() == len(chart.locator("g.shift-bar").all()) > 0


def test_on_a_phone_the_two_years_are_stacked(live_server, phone_page, screenshot, seed_and_year_before):
    phone_page.goto(live_server.url + "/baogao/huazhong/5618/duibi/")
    row = phone_page.locator(".compare-row.is-changed").first
    older, newer = row.locator(".compare-cell.older"), row.locator(".compare-cell.newer")
    expect(older.locator(".cell-year")).to_have_text("2022年")
    expect(newer.locator(".cell-year")).to_have_text("2023年")
    older_box, newer_box = older.bounding_box(), newer.bounding_box()
    assert newer_box["y"] >= older_box["y"] + older_box["height"]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "compare-phone")


def test_without_javascript_the_years_can_still_be_chosen(live_server, no_js_page, seed_and_year_before):
    ReportFactory(region=jishou(), date=datetime.date(2019, 3, 1), body="（一）二〇一九年只有这一段。")
    no_js_page.goto(live_server.url + "/baogao/huazhong/5618.html")
    no_js_page.get_by_role("link", name="与上一年对比").click()
    no_js_page.get_by_label("2023年的报告与").select_option("2019")
    no_js_page.get_by_role("button", name="对比").click()
    expect(no_js_page.get_by_role("heading", level=1)).to_have_text("吉首市报告：2019年与2023年对比")
