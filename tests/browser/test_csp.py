"""The Content-Security-Policy in Chromium: reader pages, the comment form and the admin work with
not one violation; an injected inline script does not run, and browsers' reports reach the log."""

import datetime
import logging
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.roles import SITE_OWNERS
from tests.factories import PASSWORD, CommentFactory, ReportFactory, TakedownNoticeFactory, UserFactory, jishou

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Registered before any script of the page runs (Playwright injects it past the policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.disposition} ${event.effectiveDirective} ${event.blockedURI} ${event.sample}`);
});
"""

INJECT_INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__injectedRan = true;";
  document.body.append(script);
  return window.__injectedRan === true;
}"""


class Violations:
    """Every CSP violation the page reports, as events and as console messages."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def assert_none(self, where: str) -> None:
        events = self.page.evaluate("() => window.__cspViolations || []")
        assert events == [] and self.console == [], (where, events, self.console)

    def open(self, url: str, *, header: str = "content-security-policy"):
        response = self.page.goto(url)
        assert "script-src 'self'" in response.headers[header], url
        return response


@pytest.fixture
def violations(page):
    return Violations(page)


@pytest.fixture
def reader_site(db):
    report = ReportFactory(region=jishou(), title="吉首市人民政府工作报告")
    CommentFactory.create_batch(2, report=report)
    return report


def test_reader_pages_and_the_comment_form_without_violations(live_server, page, violations, reader_site):
    report = reader_site
    violations.open(live_server.url)
    violations.assert_none("home")

    violations.open(live_server.url + report.get_absolute_url())
    expect(page.locator(".views")).to_have_text("1")  # views.js ran
    page.get_by_role("link", name="发表评论").click()  # comments.js fetches the form
    expect(page.get_by_label("评论内容")).to_be_focused()
    page.get_by_label("评论内容").fill("一条评论")
    expect(page.locator("[data-counter-for]")).to_have_text("4 / 2000 字")
    image = page.get_by_role("img", name="验证码图片", exact=False)
    first_image = image.get_attribute("src")
    page.get_by_role("link", name="换一张").click()  # captcha.js swaps the image
    expect(image).not_to_have_attribute("src", first_image)
    violations.assert_none("article and comment form")

    violations.open(f"{live_server.url}/comments/{report.pk}/")
    violations.assert_none("comment page")
    violations.open(f"{live_server.url}/search/?q=吉首")
    violations.assert_none("search")
    violations.open(f"{live_server.url}/takedown/")
    violations.assert_none("takedown form")

    # The error page's "返回上一页" is behaviour of site.js now, not a javascript: link.
    violations.open(f"{live_server.url}/no/such/page/")
    page.get_by_role("link", name="返回上一页").click()
    expect(page).to_have_url(f"{live_server.url}/takedown/")
    violations.assert_none("404 and back")


def test_phone_menu_folds_under_the_policy(live_server, phone_page):
    violations = Violations(phone_page)
    jishou()
    violations.open(live_server.url)
    menu = phone_page.get_by_role("navigation", name="导航菜单")
    expect(menu.get_by_role("link", name="华中")).to_be_hidden()  # site.js folded it
    violations.assert_none("home on a phone")


def test_admin_works_without_violations(live_server, page, violations, reader_site):
    report = reader_site
    UserFactory(username="zhanzhang", is_staff=True, is_superuser=True, groups=[SITE_OWNERS])
    overdue = TakedownNoticeFactory(report=report, now=timezone.now() - datetime.timedelta(hours=30))

    violations.open(f"{live_server.url}/admin/login/?next=/admin/")
    violations.assert_none("admin login")
    page.get_by_label("用户名").fill("zhanzhang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    panel = page.locator("#takedown-panel")
    expect(panel.locator("strong.takedown-overdue")).to_have_css("color", "rgb(186, 33, 33)")
    violations.assert_none("admin index")

    # The report change form: the region autocomplete (select2 + jQuery) and the date shortcuts.
    violations.open(f"{live_server.url}/admin/reports/report/{report.pk}/change/")
    page.locator(".field-region .select2-selection").click()
    page.locator(".select2-search__field").fill("吉首")
    page.get_by_role("option", name="吉首市").click()
    date = page.locator("#id_date")
    expect(date).to_have_value(report.date.strftime("%Y/%m/%d"))
    page.locator(".field-date .datetimeshortcuts a", has_text="今天").click()
    expect(date).not_to_have_value(report.date.strftime("%Y/%m/%d"))
    today = date.input_value()
    violations.assert_none("report change form")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    report.refresh_from_db()
    assert report.date.strftime("%Y/%m/%d") == today
    violations.assert_none("report changelist")

    # The takedown notice: its decision forms are styled from a file, not style attributes.
    violations.open(f"{live_server.url}/admin/takedowns/takedownnotice/")
    expect(page.locator("td.field-age strong.takedown-overdue")).to_have_css("color", "rgb(186, 33, 33)")
    violations.open(f"{live_server.url}/admin/takedowns/takedownnotice/{overdue.pk}/change/")
    expect(page.locator(".takedown-decision").first).to_have_css("padding-left", "10px")
    violations.assert_none("takedown notice change form")


def test_an_injected_inline_script_does_not_run(live_server, page, violations, reader_site):
    violations.open(live_server.url + reader_site.get_absolute_url())
    assert page.evaluate(INJECT_INLINE_SCRIPT) is False
    events = page.evaluate("() => window.__cspViolations")
    assert [event.split()[:2] for event in events] == [["enforce", "script-src-elem"]]


def wait_for_log(caplog, text: str, *, seconds: float = 10) -> logging.LogRecord | None:
    """Chromium sends reports on its own schedule; wait for the endpoint to have logged one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for record in caplog.records:
            if record.name == "portal.csp" and text in record.getMessage():
                return record
        time.sleep(0.1)
    return None


def test_report_only_mode_lets_the_script_run_and_reports_it(
    live_server, page, violations, reader_site, caplog, settings
):
    settings.SECURE_CSP_REPORT_ONLY, settings.SECURE_CSP = settings.SECURE_CSP, {}
    with caplog.at_level(logging.WARNING, logger="portal.csp"):
        violations.open(live_server.url + reader_site.get_absolute_url(), header="content-security-policy-report-only")
        assert page.evaluate(INJECT_INLINE_SCRIPT) is True
        record = wait_for_log(caplog, "window.__injectedRan")
    assert record is not None, "the violation report did not reach the endpoint"
    message = record.getMessage()
    assert "(report)" in message and "script-src-elem" in message and reader_site.get_absolute_url() in message
