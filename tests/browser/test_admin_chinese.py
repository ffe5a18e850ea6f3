"""What only a browser shows in admin is Chinese too: the time-zone note of a reader whose computer
is not on Beijing time, the calendar and clock pop-ups, the two-list permission picker and the
action counter; and the editor's dashboard and a report's schedule as they look (screenshots)."""

import datetime
import re

import pytest
from django.utils import timezone

from reports import services
from reports.models import ReportStatus
from tests.factories import PASSWORD, ReportFactory
from tests.portal.test_admin_chinese import ALLOWED, DATA_TOKEN, ENGLISH_WORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


VISIBLE_TEXT = """() => {
    const texts = [document.body.innerText];
    for (const element of document.querySelectorAll("[title], [aria-label], [placeholder], img[alt]")) {
        if (element.checkVisibility && !element.checkVisibility()) continue;
        for (const name of ["title", "aria-label", "placeholder", "alt"]) {
            if (element.hasAttribute(name)) texts.push(element.getAttribute(name));
        }
    }
    return texts.join("\\n");
}"""


def english_words(page, data: set[str]) -> set[str]:
    words = set()
    for token in page.evaluate(VISIBLE_TEXT).split():
        if token in data or DATA_TOKEN.fullmatch(token):
            continue
        words |= {word for word in ENGLISH_WORD.findall(token) if word not in ALLOWED and word not in data}
    return words


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.fixture
def utc_page(browser):
    """An editor whose computer is set to UTC, eight hours behind the site's Beijing time."""
    context = browser.new_context(locale="zh-CN", timezone_id="UTC", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_report_form_calendar_clock_and_time_zone_note_are_chinese(
    live_server, utc_page, editor, region, category, screenshot
):
    page = utc_page
    data = {"bianji", region.slug, category.slug, region.big_region.slug}
    log_in(page, live_server, "bianji")
    page.goto(f"{live_server.url}/admin/reports/report/add/")

    note = page.locator("#id_publish_at_timezone_warning_helptext")
    assert note.inner_text() == "注意：请按北京时间填写时间（您的电脑比北京时间慢 8 小时）。"
    page.locator("#id_title").fill("定时发布的测试报告")
    page.locator("#calendarlink1").click()  # the calendar of 定时发布's date
    calendar = page.locator("#calendarbox1")
    assert calendar.is_visible()
    assert re.search(r"\d{4}年", calendar.inner_text()) or "月" in calendar.inner_text()
    assert english_words(page, data) == set(), "calendar"
    page.keyboard.press("Escape")
    page.locator("#clocklink0").click()
    assert page.locator("#clockbox0").is_visible()
    assert english_words(page, data) == set(), "clock"
    page.keyboard.press("Escape")
    assert english_words(page, data) == set(), "form"
    screenshot(page, "admin-report-schedule-utc")


def test_the_dashboard_changelist_and_permission_picker_in_a_browser(
    live_server, page, phone_page, browser, site_owner, region, category, screenshot
):
    ReportFactory(region=region, category=category, title="等待编辑的草稿", status=ReportStatus.DRAFT)
    services.report_create(
        title="明天上午九点发布的报告",
        region=region,
        category=category,
        date=datetime.date(2026, 3, 1),
        body="正文。",
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    data = {"zhanzhang", region.slug, category.slug, region.big_region.slug}
    log_in(page, live_server, "zhanzhang")
    dashboard = page.locator("#editor-dashboard")
    assert "待处理草稿：1 篇" in dashboard.inner_text() and "明天上午九点发布的报告" in dashboard.inner_text()
    assert english_words(page, data) == set(), "index"
    screenshot(page, "admin-dashboard")

    page.goto(f"{live_server.url}/admin/reports/report/")
    page.locator("input.action-select").first.check()
    assert "选中了" in page.locator(".action-counter").inner_text()
    assert english_words(page, data) == set(), "changelist"

    log_in(phone_page, live_server, "zhanzhang")
    assert phone_page.locator("#editor-dashboard").is_visible()
    screenshot(phone_page, "admin-dashboard-phone")


def test_the_permission_picker_is_chinese(live_server, page, admin_user):
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/auth/group/add/")
    page.locator("#id_permissions_input").fill("报告")
    assert "报告 | 报告 | 修改报告" in page.locator("#id_permissions_from").inner_text()
    assert english_words(page, {"admin"}) == set()
