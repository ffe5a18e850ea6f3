"""Reading aids in Chromium: the table of contents, print, 大字版 and large browser fonts."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from reports.demo import SEED_DATE, read_seed
from reports.models import Category
from tests.browser.conftest import _open_page
from tests.factories import CommentFactory, ReportFactory, jishou

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}

# Elements wider than the viewport, and how far the page scrolls sideways.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && (box.right > width + 1 || box.left < -1) && !element.closest(".visually-hidden");
    })
    .map((element) => `${element.tagName}.${element.className}`);
  return { scroll: document.documentElement.scrollWidth - width, wide: wide.slice(0, 10) };
}"""


@pytest.fixture
def seed_report(db):
    seed = read_seed()
    return ReportFactory(
        region=jishou(), title=seed.title, body=seed.body, date=SEED_DATE, source_name="吉首市人民政府"
    )


@pytest.fixture
def no_js_phone_page(browser):
    yield from _open_page(browser, java_script_enabled=False, **PHONE)


def test_use_the_table_of_contents_on_a_phone_viewport(live_server, phone_page, seed_report, screenshot):
    phone_page.goto(live_server.url + seed_report.get_absolute_url())
    toc = phone_page.get_by_role("navigation", name="目录")
    entry = toc.get_by_role("link", name="(五)奋力推进全国文明城市创建")
    # Folded at the top: the reader sees the control before the text, not the whole list.
    expect(entry).to_be_hidden()
    assert toc.bounding_box()["y"] < phone_page.locator(".article-body").bounding_box()["y"]
    screenshot(phone_page, "toc-phone-folded")
    toc.get_by_text("目录").click()
    expect(toc.get_by_role("link")).to_have_count(3)
    screenshot(phone_page, "toc-phone-open")
    entry.click()
    expect(phone_page).to_have_url(live_server.url + seed_report.get_absolute_url() + "#toc-2")
    heading = phone_page.locator("#toc-2")
    expect(heading).to_be_in_viewport()
    expect(heading.locator(".section-heading")).to_have_text(
        "(五)奋力推进全国文明城市创建,以人为核心的新型城镇化建设全面提速。"
    )


def test_the_table_of_contents_works_on_a_phone_without_javascript(live_server, no_js_phone_page, seed_report):
    no_js_phone_page.goto(live_server.url + seed_report.get_absolute_url())
    toc = no_js_phone_page.get_by_role("navigation", name="目录")
    toc.get_by_text("目录").click()
    toc.get_by_role("link", name="(六)坚持抓招商引项目优环境").click()
    expect(no_js_phone_page.locator("#toc-3")).to_be_in_viewport()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_the_table_of_contents_stays_beside_the_text_on_wide_screens(
    live_server, browser, seed_report, screenshot, javascript
):
    page = next(_open_page(browser, viewport={"width": 1280, "height": 800}, java_script_enabled=javascript))
    page.goto(live_server.url + seed_report.get_absolute_url())
    toc = page.get_by_role("navigation", name="目录")
    links = toc.get_by_role("link")
    expect(links).to_have_count(3)
    for index in range(3):
        expect(links.nth(index)).to_be_visible()  # open without a click
    body = page.locator(".article-body").bounding_box()
    assert toc.bounding_box()["x"] >= body["x"] + body["width"]  # beside the text, not above it
    page.locator("#toc-3").scroll_into_view_if_needed()
    page.mouse.wheel(0, 600)
    expect(toc).to_be_in_viewport()  # sticky while the text scrolls
    expect(links.nth(0)).to_be_in_viewport()
    if javascript:
        screenshot(page, "toc-desktop")
    page.context.close()


def test_an_article_prints_without_navigation_comments_or_buttons(live_server, page, seed_report, screenshot):
    CommentFactory(report=seed_report, nickname="老读者", body="写得很实在。")
    address = live_server.url + seed_report.get_absolute_url()
    page.goto(address)
    page.emulate_media(media="print")
    for hidden in (
        page.get_by_role("navigation", name="导航菜单"),
        page.get_by_role("search"),
        page.get_by_role("navigation", name="当前位置"),
        page.get_by_role("navigation", name="目录"),
        page.locator("#comments"),
        page.get_by_text("写得很实在。"),
        page.get_by_role("link", name="大字版"),
        page.locator(".site-footer"),
    ):
        expect(hidden).to_be_hidden()
    expect(page.locator("button:visible")).to_have_count(0)
    expect(page.locator("form:visible")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(seed_report.display_title)
    meta = page.locator(".article-meta")
    expect(meta).to_contain_text("2023年2月14日")
    expect(meta).to_contain_text("来源：吉首市人民政府")
    expect(page.locator(".permalink")).to_contain_text(f"本文地址:{seed_report.get_absolute_url()}（{address}）")
    expect(page.locator("#toc-1")).to_be_visible()  # the headings stay in the text
    screenshot(page, "article-print")

    # innerText is the text as laid out for the emulated medium: what the printed pages carry.
    printed = "".join(page.evaluate("() => document.body.innerText").split())
    assert "吉首市人民政府工作报告" in printed and f"本文地址:{seed_report.get_absolute_url()}" in printed
    for absent in ("导航菜单", "搜索", "大字版", "发表评论", "写得很实在", "目录", "上一篇"):
        assert absent not in printed, absent
    pdf = page.pdf(format="A4")
    # The seed text fits on a few sheets: no empty columns or sidebars stretching it.
    assert 1 <= len(re.findall(rb"/Type\s*/Page\b", pdf)) <= 4


def test_large_text_is_kept_in_the_browser_and_the_page_stays_cached(live_server, phone_page, seed_report):
    address = live_server.url + seed_report.get_absolute_url()
    phone_page.goto(address)
    normal = phone_page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    control = phone_page.get_by_role("button", name="大字版")
    expect(control).to_have_attribute("aria-pressed", "false")
    control.click()
    expect(control).to_have_attribute("aria-pressed", "true")
    larger = phone_page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger >= normal * 1.2
    response = phone_page.reload()
    # The choice lives in the browser: the server sends the cached page everyone gets.
    assert response.headers["x-page-cache"] == "hit"
    assert not [cookie for cookie in phone_page.context.cookies() if "text" in cookie["name"]]
    expect(phone_page.locator("html")).to_have_class("large-text")
    expect(phone_page.get_by_role("button", name="大字版")).to_have_attribute("aria-pressed", "true")
    assert phone_page.evaluate(OVERFLOW) == {"scroll": 0, "wide": []}
    phone_page.get_by_role("button", name="大字版").click()
    assert phone_page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") == normal


def test_without_javascript_large_text_explains_the_browser_zoom(live_server, no_js_phone_page, seed_report):
    no_js_phone_page.goto(live_server.url + seed_report.get_absolute_url())
    help_text = no_js_phone_page.locator("#text-size-help")
    expect(help_text).to_be_hidden()
    no_js_phone_page.get_by_role("link", name="大字版").click()
    expect(help_text).to_be_visible()
    expect(help_text).to_contain_text("Ctrl 和 +")
    expect(help_text).to_contain_text("字体大小")


def test_pages_hold_on_a_phone_with_a_very_large_browser_font(live_server, phone_page, seed_report, screenshot):
    """A reader who set the phone's (or browser's) font to twice the default, then also chose 大字版."""
    CommentFactory(report=seed_report, nickname="老读者", body="写得很实在。")
    session = phone_page.context.new_cdp_session(phone_page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    region = seed_report.region
    pages = [
        "/",
        seed_report.get_absolute_url(),
        region.get_absolute_url(),
        region.province.get_absolute_url(),
        "/baogao/",
        "/diqu/",
        "/search/?q=吉首",
    ]
    for large_text in (False, True):
        for path in pages:
            phone_page.goto(live_server.url + path)
            if large_text and path == "/":
                phone_page.get_by_role("button", name="大字版").click()
            size = phone_page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
            assert size == (40 if large_text else 32), path
            assert phone_page.evaluate(OVERFLOW) == {"scroll": 0, "wide": []}, (path, large_text)
    screenshot(phone_page, "large-font-phone-search")
    phone_page.goto(live_server.url + seed_report.get_absolute_url())
    screenshot(phone_page, "large-font-phone-article")


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_a_region_page_shows_its_reports_per_year_as_a_chart(live_server, browser, screenshot, viewport):
    region = jishou()
    for year, count in ((2019, 2), (2020, 5), (2022, 1), (2023, 3)):
        for day in range(count):
            ReportFactory(region=region, date=datetime.date(year, 2, day + 1))
    ReportFactory(region=region, category=Category.objects.get(slug="gongbao"), date=datetime.date(2023, 4, 1))
    page = next(_open_page(browser, viewport=viewport))
    page.goto(live_server.url + region.province.get_absolute_url())
    chart = page.get_by_role("img", name="湖南省2019—2023年各栏目报告数量")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] <= viewport["width"] - 20 and box["height"] > 100
    legend = page.locator(".chart-legend")
    expect(legend).to_have_text(re.compile("报告.*公报"))
    # Its labels are set in the page's CJK font, not a fallback of the SVG.
    fonts = page.evaluate(
        """() => [getComputedStyle(document.querySelector('.year-chart text')).fontFamily,
                  getComputedStyle(document.body).fontFamily]"""
    )
    assert fonts[0] == fonts[1] and "Noto Sans CJK SC" in fonts[0]
    totals = page.locator(".year-chart text.total").all_text_contents()
    assert totals == ["2", "5", "1", "4"]
    assert page.evaluate(OVERFLOW) == {"scroll": 0, "wide": []}
    screenshot(page, f"region-chart-{'phone' if viewport['width'] < 400 else 'desktop'}")
    page.context.close()
