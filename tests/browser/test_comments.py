"""A reader comments on an article in Chromium (with and without JavaScript); an editor approves it."""

import re

import pytest
from captcha.models import CaptchaStore
from django.utils.text import Truncator
from playwright.sync_api import expect

from comments.models import Comment, CommentStatus
from portal.roles import EDITORS
from tests.factories import PASSWORD, CommentFactory, ReportFactory, UserFactory, jishou, update_comment_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "希望新区的公交线路早日开通。\n第二行：<b>不是粗体</b> 👍"


@pytest.fixture(autouse=True)
def quick_forms(settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 0


@pytest.fixture
def report(db):
    report = ReportFactory(region=jishou(), title="吉首市人民政府工作报告")
    CommentFactory.create_batch(2, report=report)
    return report


def solve_captcha(page) -> None:
    key = page.locator("input[name=captcha_0]").input_value()
    page.get_by_label("验证码").fill(CaptchaStore.objects.get(hashkey=key).response)


def count_heading(n: int) -> str:
    return f"留言与评论(共有 {n} 条评论)"


def reopen_article(page, live_server, report) -> None:
    """The article may be cached for a minute (Cache-Control: public); a reload asks again, as a
    reader coming back later would."""
    page.goto(live_server.url + report.get_absolute_url())
    page.reload()


def editor_approves(page, live_server, text: str) -> None:
    UserFactory(username="editor", is_staff=True, groups=[EDITORS])
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#comments-panel")).to_contain_text("1 条等待审核")
    page.locator("#comments-panel").get_by_role("link", name="待审核评论").click()
    row = page.locator("#result_list tbody tr").filter(has_text=text.split("\n")[0])
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator(".actions button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 条评论已通过")


def test_comment_journey_with_javascript(live_server, page, report, screenshot):
    captchas = CaptchaStore.objects.count()  # other tests' servers may have left some behind
    page.goto(live_server.url + report.get_absolute_url())
    expect(page.get_by_role("heading", name=count_heading(2))).to_be_visible()
    assert CaptchaStore.objects.count() == captchas  # reading draws no captcha
    assert page.context.cookies() == []  # the article set no cookie
    page.get_by_role("link", name="发表评论").click()
    expect(page.get_by_label("评论内容")).to_be_focused()
    assert CaptchaStore.objects.count() == captchas + 1
    expect(page.get_by_role("img", name=re.compile("验证码图片"))).to_be_visible()
    page.get_by_label("评论内容").fill(TEXT)
    expect(page.locator("[data-counter-for]")).to_have_text(f"{len(TEXT)} / 2000 字")
    page.get_by_label("昵称（选填）").fill("吉首读者")
    # A wrong answer first: the text stays, a new captcha comes.
    page.get_by_label("验证码").fill("zzzz")
    page.get_by_role("button", name="发表评论").click()
    expect(page.get_by_role("alert").first).to_contain_text("提交未成功")
    expect(page.get_by_text("验证码错误")).to_be_visible()
    expect(page.get_by_label("评论内容")).to_have_value(TEXT)
    screenshot(page, "comments-wrong-captcha")
    solve_captcha(page)
    page.get_by_role("button", name="发表评论").click()
    expect(page.get_by_role("status")).to_have_text("评论已提交，审核通过后显示。")
    assert Comment.objects.get(nickname="吉首读者").status == CommentStatus.PENDING
    screenshot(page, "comments-pending")

    editor_approves(page, live_server, TEXT)

    reopen_article(page, live_server, report)
    expect(page.get_by_role("heading", name=count_heading(3))).to_be_visible()
    comment = page.locator(".comment").filter(has_text="吉首读者")
    expect(comment.locator(".comment-text")).to_have_text(TEXT.replace("\n", ""))
    expect(comment.locator("b")).to_have_count(0)
    screenshot(page, "comments-approved")


def test_a_keyboard_reader_who_tabs_on_while_the_form_loads_keeps_their_place(live_server, page, report):
    held = []  # the request for the form's tokens, answered only once the reader has moved on
    page.route("**/comments/*/tokens/", lambda route: held.append(route))
    page.goto(live_server.url + report.get_absolute_url())
    page.locator(".comment-start-box").focus()
    while not held:
        page.wait_for_timeout(50)
    in_slot = "() => document.activeElement.closest('[data-comment-slot]') !== null"
    while page.evaluate(in_slot):
        page.keyboard.press("Tab")
    place = page.evaluate("() => document.activeElement.outerHTML")

    held[0].continue_()

    expect(page.get_by_label("评论内容")).to_be_visible()
    assert page.evaluate("() => document.activeElement.outerHTML") == place
    page.unroute("**/comments/*/tokens/")
    page.get_by_role("link", name="回复").first.click()  # a click still moves into the form it opens
    expect(page.locator("#comment-reply-slot").get_by_label("评论内容")).to_be_focused()


def test_comment_journey_without_javascript(live_server, no_js_page, report, screenshot):
    page = no_js_page
    page.goto(live_server.url + report.get_absolute_url())
    expect(page.get_by_role("heading", name=count_heading(2))).to_be_visible()
    page.get_by_role("link", name="发表评论").click()
    expect(page).to_have_url(re.compile(rf"/comments/{report.pk}/#comment-form$"))
    page.get_by_label("评论内容").fill(TEXT)
    solve_captcha(page)
    page.get_by_role("button", name="发表评论").click()
    expect(page.get_by_role("status")).to_have_text("评论已提交，审核通过后显示。")
    screenshot(page, "comments-pending-nojs")

    editor_approves(page, live_server, TEXT)

    reopen_article(page, live_server, report)
    expect(page.get_by_role("heading", name=count_heading(3))).to_be_visible()
    expect(page.locator(".comment-text").filter(has_text="希望新区")).to_be_visible()


def test_reply_with_javascript_appears_under_its_comment(live_server, page, report, screenshot):
    from comments.models import ModerationMode

    update_comment_settings(moderation_mode=ModerationMode.POST)
    parent = Comment.objects.filter(report=report).first()
    page.goto(live_server.url + report.get_absolute_url())
    page.locator(f"#comment-{parent.pk}").get_by_role("link", name="回复").click()
    expect(page.locator(".comment-replying")).to_contain_text(parent.nickname)
    page.get_by_label("评论内容").fill("同意楼上")
    solve_captcha(page)
    page.get_by_role("button", name="发表评论").click()
    expect(page.get_by_role("status")).to_have_text("评论已发表。")
    expect(page.locator(f"#comment-{parent.pk} .comment-replies")).to_contain_text("同意楼上")
    expect(page.get_by_role("heading", name=count_heading(3))).to_be_visible()
    screenshot(page, "comments-reply")


def test_a_reply_names_its_comment_and_can_be_cancelled(live_server, page, report):
    parent = CommentFactory(report=report, nickname="老吉首", body="这条评论的正文比四十个字还要长一些，" * 3)
    page.goto(live_server.url + report.get_absolute_url())
    page.locator(f"#comment-{parent.pk}").get_by_role("link", name="回复").click()
    replying = page.locator("#comment-reply-slot .comment-replying")
    shortened = Truncator(parent.body).chars(40)  # as the comment page's reply line shows it
    expect(replying).to_have_text(re.compile(rf"回复 老吉首：{shortened}\s+取消回复"))
    expect(page.locator("#comment-reply-slot input[name=parent]")).to_have_value(str(parent.pk))
    replying.get_by_role("link", name="取消回复").click()
    expect(page.locator("#comment-reply-slot")).to_have_count(0)
    expect(page.locator(f"#comment-{parent.pk}").get_by_role("link", name="回复")).to_be_focused()


def test_comments_closed_after_the_article_was_loaded(live_server, page, report):
    from comments import services

    page.goto(live_server.url + report.get_absolute_url())
    services.comment_thread_set_closed(report=report, closed=True)
    captchas = CaptchaStore.objects.count()
    page.get_by_role("link", name="发表评论").click()
    expect(page.locator(".comment-start")).to_have_text("这篇报告的评论已关闭。")
    assert CaptchaStore.objects.count() == captchas


def test_captcha_refresh_gives_a_new_image(live_server, page, report):
    page.goto(live_server.url + report.get_absolute_url())
    page.get_by_role("link", name="发表评论").click()
    key = page.locator("input[name=captcha_0]")
    image = page.get_by_role("img", name=re.compile("验证码图片"))
    old_key = key.input_value()
    expect(image).to_have_attribute("srcset", f"/captcha/image/{old_key}@2/ 2x")
    page.get_by_role("link", name="换一张").click()
    expect(key).not_to_have_value(old_key)
    expect(image).to_have_attribute("srcset", f"/captcha/image/{key.input_value()}@2/ 2x")
    assert page.get_by_label("评论内容").is_visible()


def test_phone_layout(live_server, phone_page, report, screenshot):
    phone_page.goto(live_server.url + report.get_absolute_url())
    phone_page.get_by_role("link", name="发表评论").click()
    expect(phone_page.get_by_label("评论内容")).to_be_visible()
    screenshot(phone_page, "comments-phone")
