"""Posting a comment: the real captcha flow, and every defence answering with a clean 4xx."""

import datetime
import time

import pytest
from captcha.models import CaptchaStore
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.forms import FORM_STAMP_SALT
from comments.models import Comment, CommentStatus, CommentThread
from comments.services import comment_thread_set_closed
from reports.models import Report, ReportStatus
from tests.comments.conftest import fetch_form, fetch_tokens, form_data, post, post_comment
from tests.factories import CommentFactory, ReportFactory, update_comment_settings

pytestmark = pytest.mark.django_db

BODY = "建议把公交线路延伸到新区。"


def visible_count(report) -> int:
    thread = CommentThread.objects.filter(report=report).first()
    return thread.visible_count if thread else 0


def assert_refused(response, status: int, message: str, *, typed: str = BODY):
    """A refusal readers can act on: the status, the reason in Chinese, their text, a new captcha."""
    html = response.content.decode()
    assert response.status_code == status, html[:2000]
    assert message in html
    assert typed in html
    assert f'name="captcha_0" value="{CaptchaStore.objects.latest("id").hashkey}"' in html
    assert not Comment.objects.exists()


# The reader's way in ---------------------------------------------------------------------------


def test_form_tokens_bring_a_captcha_a_stamp_and_the_csrf_cookie_and_are_not_cached(client, report):
    response = fetch_tokens(client, report)
    assert response.status_code == 200
    tokens = response.json()
    key = CaptchaStore.objects.get().hashkey
    assert tokens["captcha"] == {
        "key": key,
        "image_url": f"/captcha/image/{key}/",
        "image_2x_url": f"/captcha/image/{key}@2/",
    }
    assert tokens["stamp"] and tokens["csrf_token"]
    assert "csrftoken" in response.cookies
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_form_tokens_answer_only_the_script(client, report):
    response = client.get(reverse("comments:tokens", kwargs={"report_id": report.pk}))
    assert response.status_code == 404
    assert not CaptchaStore.objects.exists()


def test_comment_page_without_javascript_has_the_same_form(client, report):
    response = client.get(reverse("comments:page", kwargs={"report_id": report.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'name="captcha_1"' in html and 'name="body"' in html
    assert "no-store" in response["Cache-Control"]


def test_pre_moderation_holds_the_comment_and_says_so(client, report):
    response = post_comment(client, report, body=BODY, email="reader@example.com")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "评论已提交，审核通过后显示" in page
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert (comment.nickname, comment.email, comment.ip) == ("张三", "reader@example.com", "127.0.0.1")
    article = client.get(report.get_absolute_url()).content.decode()
    assert BODY not in article and "reader@example.com" not in article
    assert visible_count(report) == 0


def test_post_moderation_shows_the_comment_at_once(client, report, post_moderation):
    response = post_comment(client, report, body=BODY)
    page = client.get(response["Location"]).content.decode()
    assert "评论已发表" in page and BODY in page
    article = client.get(report.get_absolute_url()).content.decode()
    assert BODY in article and "(共有 <span data-comment-count>1</span> 条评论)" in article


def test_javascript_post_gets_a_fragment_with_the_message(client, report):
    response = post_comment(client, report, fragment=True)
    assert response.status_code == 201
    assert "评论已提交，审核通过后显示" in response.content.decode()


def test_nickname_defaults_to_wangyou(client, report):
    post_comment(client, report, nickname="  ")
    assert Comment.objects.get().nickname == "网友"


def test_all_of_unicode_is_stored_intact(client, report, post_moderation):
    text = "表情 👍🏽 👨‍👩‍👧‍👦 🇨🇳，扩展B 𠀀𪚥，阿拉伯文 مرحبا，<b>标签</b> & 行\n第二行"
    post_comment(client, report, body=text, nickname="读者😀")
    comment = Comment.objects.get()
    assert (comment.body, comment.nickname) == (text, "读者😀")
    article = client.get(report.get_absolute_url()).content.decode()
    assert "&lt;b&gt;标签&lt;/b&gt; &amp; 行<br>第二行" in article


# Captcha ---------------------------------------------------------------------------------------


def test_wrong_captcha_is_refused_with_the_text_kept(client, report):
    data = fetch_form(client, report)
    old_key = data["captcha_0"]
    response = post(client, report, {**data, "captcha_1": "WRONG"})
    assert_refused(response, 400, "验证码错误")
    assert old_key not in response.content.decode()


def test_expired_captcha_is_refused(client, report):
    data = fetch_form(client, report)
    CaptchaStore.objects.update(expiration=timezone.now() - datetime.timedelta(seconds=1))
    assert_refused(post(client, report, data), 400, "验证码已过期，请换一张")


@pytest.mark.parametrize("key", ["", "forged", "f" * 40])
def test_missing_or_forged_captcha_key_is_refused(client, report, key):
    data = fetch_form(client, report)
    assert_refused(post(client, report, {**data, "captcha_0": key}), 400, "验证码已过期，请换一张")


def test_captcha_answer_works_once(client, report):
    data = fetch_form(client, report)
    assert post(client, report, data).status_code == 302
    replay = post(client, report, {**data, "body": "换个内容再来一次"})
    assert replay.status_code == 400
    assert "验证码已过期，请换一张" in replay.content.decode()
    assert Comment.objects.count() == 1


# Form-level defences ---------------------------------------------------------------------------


def test_honeypot_is_refused(client, report):
    data = fetch_form(client, report)
    assert_refused(post(client, report, {**data, "website": "http://spam.example"}), 400, "提交未通过校验")


def test_posting_faster_than_a_person_can_type_is_refused(client, report, settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 3
    assert_refused(post_comment(client, report), 400, "提交太快了")


def test_waiting_long_enough_is_fine(client, report, settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 3
    data = fetch_form(client, report)
    data["stamp"] = signing.dumps({"report": report.pk, "at": int(time.time()) - 5}, salt=FORM_STAMP_SALT)
    assert post(client, report, data).status_code == 302


@pytest.mark.parametrize(
    "stamp",
    [
        "",
        "forged",
        signing.dumps({"report": 999999, "at": 0}, salt=FORM_STAMP_SALT),
        signing.dumps({"report": 1, "at": 0}, salt="another-salt"),
    ],
    # Signed values carry the signing time: fixed ids keep the xdist workers' collections identical.
    ids=["empty", "forged", "other-report", "other-salt"],
)
def test_forged_or_foreign_form_stamp_is_refused(client, report, stamp):
    data = fetch_form(client, report)
    response = post(client, report, {**data, "stamp": stamp})
    assert response.status_code == 400
    assert "表单已失效" in response.content.decode()
    assert not Comment.objects.exists()


def test_text_over_2000_characters_is_refused_with_the_text_kept(client, report):
    long_text = "长" * 2001
    assert_refused(post_comment(client, report, body=long_text), 400, "评论最多 2000 字", typed=long_text)


def test_exactly_2000_characters_is_fine(client, report):
    assert post_comment(client, report, body="长" * 2000).status_code == 302


def test_empty_text_is_refused(client, report):
    response = post_comment(client, report, body="   ")
    assert response.status_code == 400
    assert "请填写评论内容" in response.content.decode()


def test_one_megabyte_body_is_refused_before_it_is_read(client, report):
    data = fetch_form(client, report)
    response = post(client, report, {**data, "body": "x" * 1_000_000})
    assert response.status_code == 413
    assert "提交的内容太长了" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufffd"])
def test_control_characters_and_bad_encoding_are_refused(client, report, bad):
    response = post_comment(client, report, body=f"前{bad}后")
    html = response.content.decode()
    assert response.status_code == 400
    assert "含有无效字符" in html
    assert "前后</textarea>" in html  # what was typed, minus what cannot be shown
    assert not Comment.objects.exists()


def test_invalid_utf8_surrogate_bytes_are_refused(client, report):
    data = fetch_form(client, report)
    from urllib.parse import urlencode

    body = urlencode({**data, "body": "x"}).replace("body=x", "body=%ED%A0%80abc").encode()
    response = client.post(
        reverse("comments:page", kwargs={"report_id": report.pk}),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "含有无效字符" in response.content.decode()
    assert not Comment.objects.exists()


def test_nul_in_nickname_is_refused(client, report):
    response = post_comment(client, report, nickname="张\x00三")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_missing_csrf_token_is_refused_in_chinese_with_the_text_kept(report):
    client = Client(enforce_csrf_checks=True)
    data = fetch_form(client, report)
    data.pop("csrfmiddlewaretoken")
    response = post(client, report, data)
    assert_refused(response, 403, "请允许本站 Cookie 后再次提交")
    # The fresh form carries a token: sending it again works.
    retry = form_data(response.content.decode(), body=BODY)
    assert post(client, report, retry).status_code == 302


def test_csrf_protected_post_with_token_works(report):
    client = Client(enforce_csrf_checks=True)
    assert post_comment(client, report).status_code == 302


# Reports that take no comments -----------------------------------------------------------------


def test_unknown_report_is_404(client, report):
    data = fetch_form(client, report)
    response = client.post("/comments/99999999/", data)
    assert response.status_code == 404
    assert client.get("/comments/99999999/").status_code == 404
    assert client.get("/comments/99999999/tokens/", headers={"X-Requested-With": "XMLHttpRequest"}).status_code == 404


@pytest.mark.parametrize("change", ["draft", "withdrawn", "restricted"])
def test_unpublished_or_taken_down_report_refuses_comments(client, report, change):
    data = fetch_form(client, report)
    if change == "restricted":
        Report.objects.filter(pk=report.pk).update(is_restricted=True)
    else:
        Report.objects.filter(pk=report.pk).update(status=change)
    response = post(client, report, data)
    assert response.status_code == 404
    html = response.content.decode()
    assert "这篇报告不存在或已下线" in html and BODY in html
    assert not Comment.objects.exists()
    assert fetch_tokens(client, report).status_code == 404


def test_draft_report_has_no_comment_page(client, region, category):
    draft = ReportFactory(region=region, category=category, status=ReportStatus.DRAFT)
    assert client.get(reverse("comments:page", kwargs={"report_id": draft.pk})).status_code == 404


@pytest.mark.parametrize("close", ["site", "report"])
def test_closed_comments_refuse_posts(client, report, close):
    data = fetch_form(client, report)
    if close == "site":
        update_comment_settings(comments_closed=True)
    else:
        comment_thread_set_closed(report=report, closed=True)
    assert_refused(post(client, report, data), 403, "评论已关闭")


# Flood control and duplicates ------------------------------------------------------------------


def test_second_comment_within_15_seconds_gets_429_page_with_the_text_kept(client, report):
    assert post_comment(client, report, body="第一条").status_code == 302
    response = post_comment(client, report, body="第二条")
    html = response.content.decode()
    assert response.status_code == 429
    assert "429 · 操作太频繁" in html and "每 15 秒只能发表一条评论" in html
    assert "第二条</textarea>" in html and 'name="captcha_0"' in html
    assert Comment.objects.count() == 1


def test_flood_limit_is_per_address(client, report):
    assert post_comment(client, report, body="第一条").status_code == 302
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert post_comment(other, report, body="第二条").status_code == 302


def test_after_the_interval_posting_works_again(client, report):
    assert post_comment(client, report, body="第一条").status_code == 302
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=16))
    assert post_comment(client, report, body="第二条").status_code == 302


def test_hourly_cap_from_settings(client, report):
    update_comment_settings(min_interval_seconds=0, hourly_limit=2)
    assert post_comment(client, report, body="一").status_code == 302
    assert post_comment(client, report, body="二").status_code == 302
    response = post_comment(client, report, body="三")
    assert response.status_code == 429
    assert "每小时最多发表 2 条评论" in response.content.decode()
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert post_comment(client, report, body="三").status_code == 302


def test_javascript_flood_answer_is_the_form_fragment(client, report):
    post_comment(client, report, body="第一条")
    response = post_comment(client, report, body="第二条", fragment=True)
    assert response.status_code == 429
    html = response.content.decode()
    assert "<html" not in html and "每 15 秒只能发表一条评论" in html and "第二条</textarea>" in html


def test_proxy_header_is_ignored_unless_configured(report, settings):
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    post_comment(client, report)
    assert Comment.objects.get().ip == "10.0.0.1"


def test_configured_proxy_header_gives_the_client_address(report, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    post_comment(client, report)
    # The last address is the one our proxy saw; the first one the client could have made up.
    assert Comment.objects.get().ip == "203.0.113.7"


def test_same_text_twice_in_a_day_is_a_duplicate(client, report):
    update_comment_settings(min_interval_seconds=0)
    assert post_comment(client, report, body=BODY).status_code == 302
    response = post_comment(client, report, body=f"  {BODY}  ")
    assert response.status_code == 409
    assert "请勿重复提交" in response.content.decode()
    assert Comment.objects.count() == 1
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))
    assert post_comment(client, report, body=BODY).status_code == 302


# Automatic holds -------------------------------------------------------------------------------


def test_two_links_hold_the_comment_even_under_post_moderation(client, report, post_moderation):
    post_comment(client, report, body="看这里 https://a.example 和 www.b.example")
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING and "链接" in comment.hold_reason


def test_one_link_is_fine_under_post_moderation(client, report, post_moderation):
    post_comment(client, report, body="来源：https://www.gov.cn/")
    assert Comment.objects.get().status == CommentStatus.APPROVED


def test_moderation_word_from_admin_holds_the_comment(client, report, post_moderation):
    update_comment_settings(moderation_words="敏感\n  待审词  \n")
    post_comment(client, report, body="这里有个待审词。")
    assert Comment.objects.get().status == CommentStatus.PENDING


def test_block_word_marks_spam_without_telling_the_poster(client, report, post_moderation):
    update_comment_settings(block_words="Casino")
    response = post_comment(client, report, body="最好的 CASINO 在这里")
    assert "评论已提交，审核通过后显示" in client.get(response["Location"]).content.decode()
    assert Comment.objects.get().status == CommentStatus.SPAM
    assert visible_count(report) == 0


# Replies ---------------------------------------------------------------------------------------


def test_reply_shows_under_its_comment(client, report, post_moderation):
    parent = CommentFactory(report=report, body="楼主的话")
    response = post_comment(client, report, parent=parent, body="回复楼主")
    assert response.status_code == 302
    reply = Comment.objects.get(body="回复楼主")
    assert reply.parent == parent
    html = client.get(report.get_absolute_url()).content.decode()
    assert html.index("楼主的话") < html.index("回复楼主")


def test_reply_to_a_reply_joins_the_same_thread(client, report, post_moderation):
    parent = CommentFactory(report=report)
    reply = CommentFactory(report=report, parent=parent)
    post_comment(client, report, parent=reply, body="楼中楼")
    assert Comment.objects.get(body="楼中楼").parent == parent


def test_reply_form_names_the_comment(client, report):
    parent = CommentFactory(report=report, nickname="李四")
    html = client.get(reverse("comments:page", kwargs={"report_id": report.pk}), {"parent": parent.pk})
    assert "回复 <strong><bdi data-reply-nickname>李四</bdi></strong>" in html.content.decode()


def test_reply_to_a_hidden_comment_is_refused(client, report):
    parent = CommentFactory(report=report, status=CommentStatus.PENDING)
    data = fetch_form(client, report)
    response = post(client, report, {**data, "parent": parent.pk})
    assert response.status_code == 400
    assert "要回复的评论不存在或已被删除" in response.content.decode()
    assert Comment.objects.count() == 1
