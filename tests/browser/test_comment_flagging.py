"""A reader reports a comment (举报) in Chromium; with the other readers' reports it reaches the
site's threshold and is gone from the article the next time anyone opens it."""

import pytest
from playwright.sync_api import expect

from comments import services
from comments.models import CommentStatus
from tests.factories import CommentFactory, ReportFactory, jishou, update_comment_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFENSIVE = "这条评论在骂人"


def test_report_a_comment(live_server, page, browser, screenshot):
    update_comment_settings(flag_hide_threshold=2)
    report = ReportFactory(region=jishou(), title="吉首市人民政府工作报告")
    CommentFactory(report=report, body="一条正常的评论")
    offensive = CommentFactory(report=report, body=OFFENSIVE)
    services.comment_flag_create(comment_id=offensive.pk, reason="abuse", ip="198.51.100.99")  # another reader

    page.goto(live_server.url + report.get_absolute_url())
    assert page.context.cookies() == []  # the article with its 举报 links sets no cookie
    page.locator(f"#comment-{offensive.pk}").get_by_role("link", name="举报").click()
    expect(page.get_by_role("heading", name="举报评论")).to_be_visible()
    expect(page.locator(".flag-quote")).to_contain_text(OFFENSIVE)
    page.get_by_role("button", name="提交举报").click()  # no reason chosen: the browser asks for one
    assert page.locator("input[name=reason]:invalid").count() == 6
    page.get_by_label("辱骂、人身攻击").check()
    page.get_by_label("补充说明（选填）").fill("对其他读者进行人身攻击")
    screenshot(page, "flag-form")
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_role("status")).to_contain_text("举报已收到")
    screenshot(page, "flag-sent")
    offensive.refresh_from_db()
    assert offensive.status == CommentStatus.PENDING

    # Anyone opening the article next no longer sees it; the other comment stays.
    reader = browser.new_page(locale="zh-CN")
    reader.goto(live_server.url + report.get_absolute_url())
    expect(reader.get_by_role("heading", name="留言与评论(共有 1 条评论)")).to_be_visible()
    expect(reader.locator(".comment-list")).to_contain_text("一条正常的评论")
    expect(reader.locator(".comment-list")).not_to_contain_text(OFFENSIVE)
    reader.close()


def test_report_page_on_a_phone(live_server, phone_page, screenshot):
    report = ReportFactory(region=jishou())
    comment = CommentFactory(report=report)
    phone_page.goto(live_server.url + report.get_absolute_url())
    phone_page.locator(f"#comment-{comment.pk}").get_by_role("link", name="举报").click()
    phone_page.get_by_label("垃圾广告").check()
    screenshot(phone_page, "flag-form-phone")
    expect(phone_page.get_by_role("button", name="提交举报")).to_be_in_viewport()
