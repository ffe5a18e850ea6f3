"""The comment section under an article: what readers see, and that the page stays cacheable."""

import re

import pytest
from captcha.models import CaptchaStore
from django.contrib.sessions.models import Session
from django.urls import reverse

from comments import services
from comments.models import CommentStatus
from tests.comments.conftest import fetch_tokens
from tests.factories import CommentFactory, update_comment_settings
from tests.queries import PageQueries, uncached

pytestmark = pytest.mark.django_db


def article(client, report) -> str:
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_plain_get_creates_no_captcha_no_session_and_sets_no_cookie(client, report):
    CommentFactory(report=report)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    assert not response.cookies
    assert "public" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")
    assert CaptchaStore.objects.count() == 0
    assert Session.objects.count() == 0
    # The form rides along for the script to fill in, with nothing of a reader's in it.
    form = html_form(response.content.decode())
    assert 'name="csrfmiddlewaretoken" value=""' in form and 'name="captcha_0" value=""' in form
    assert "<img alt=" in form and "/captcha/image/" not in form
    assert 'name="body"' in form and 'name="captcha_1"' in form


def html_form(html: str) -> str:
    assert html.count("<template data-comment-form-template>") == 1
    return html.split("<template data-comment-form-template>")[1].split("</template>")[0]


def test_the_article_carries_the_comment_pages_form_for_its_script(client, report):
    page = client.get(reverse("comments:page", kwargs={"report_id": report.pk})).content.decode()
    form = page[
        page.index('<form class="comment-form"') : page.index("</form>", page.index('<form class="comment-form"'))
    ]
    fields = set(re.findall(r'<(?:input|textarea)[^>]* name="(\w+)"', form))
    assert fields == {
        "csrfmiddlewaretoken",
        "stamp",
        "parent",
        "body",
        "nickname",
        "email",
        "website",
        "captcha_0",
        "captcha_1",
    }
    assert set(re.findall(r'<(?:input|textarea)[^>]* name="(\w+)"', html_form(article(client, report)))) == fields


def test_heading_counts_visible_comments_and_offers_the_comment_page(client, report):
    CommentFactory.create_batch(3, report=report)
    CommentFactory(report=report, status=CommentStatus.PENDING)
    html = article(client, report)
    assert "留言与评论(共有 <span data-comment-count>3</span> 条评论)" in html
    comment_page = reverse("comments:page", kwargs={"report_id": report.pk})
    assert f'href="{comment_page}#comment-form" data-comment-start>发表评论</a>' in html


def test_only_approved_comments_show_oldest_first(client, report):
    first = CommentFactory(report=report, body="第一条")
    second = CommentFactory(report=report, body="第二条")
    for status in (CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.SPAM, CommentStatus.REMOVED):
        CommentFactory(report=report, body=f"不该出现-{status}", status=status)
    html = article(client, report)
    assert html.index(first.body) < html.index(second.body)
    assert "不该出现" not in html


def test_text_is_shown_as_typed_plain_text(client, report):
    CommentFactory(
        report=report,
        nickname="<b>昵称</b>",
        body="<script>alert(1)</script>\n第二行 https://example.com 👍🏽 👨‍👩‍👧 𠀀 مرحبا",
    )
    html = article(client, report)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>第二行 https://example.com 👍🏽 👨‍👩‍👧 𠀀 مرحبا" in html
    assert "&lt;b&gt;昵称&lt;/b&gt;" in html
    assert 'href="https://example.com' not in html


def test_replies_show_under_the_comment_they_answer(client, report):
    parent = CommentFactory(report=report, body="楼主")
    CommentFactory(report=report, body="另一楼")
    reply = CommentFactory(report=report, parent=parent, body="回复楼主")
    html = article(client, report)
    assert html.index("楼主") < html.index("回复楼主") < html.index("另一楼")
    assert f'id="comment-{reply.pk}"' in html
    assert "(共有 <span data-comment-count>3</span> 条评论)" in html


def test_restricted_comment_keeps_its_place_as_a_notice_and_is_not_counted(client, report):
    parent = CommentFactory(report=report, body="受投诉的内容")
    CommentFactory(report=report, parent=parent, body="对它的回复")
    assert services.comments_set_restricted(comment_ids=[parent.pk], restricted=True) == 1
    html = article(client, report)
    assert "受投诉的内容" not in html
    assert "该评论因版权投诉已被屏蔽" in html and "对它的回复" in html
    assert "(共有 <span data-comment-count>1</span> 条评论)" in html


def test_removed_comment_with_visible_replies_shows_a_notice(client, report):
    parent = CommentFactory(report=report, body="被删的楼")
    CommentFactory(report=report, parent=parent, body="仍可见的回复")
    services.comments_set_status(comment_ids=[parent.pk], status=CommentStatus.REMOVED)
    html = article(client, report)
    assert "被删的楼" not in html and "该评论已删除" in html and "仍可见的回复" in html
    assert "(共有 <span data-comment-count>1</span> 条评论)" in html


def test_long_discussions_are_paginated_on_the_comment_page(client, report, settings):
    settings.COMMENTS_PER_PAGE = 2
    comments = [CommentFactory(report=report, body=f"楼层{n}") for n in range(5)]
    html = article(client, report)
    assert "楼层0" in html and "楼层1" in html and "楼层2" not in html
    page_three = reverse("comments:page", kwargs={"report_id": report.pk}) + "?page=3#comments"
    assert f'href="{page_three}"' in html
    last = client.get(page_three.split("#")[0]).content.decode()
    assert comments[4].body in last and comments[0].body not in last


def test_time_is_relative_with_the_full_date_on_hover(client, report):
    CommentFactory(report=report)
    html = article(client, report)
    assert "刚刚</time>" in html
    assert 'title="20' in html


@pytest.mark.parametrize("close", ["site", "report"])
def test_closed_comments_show_the_list_but_no_way_to_post(client, report, close):
    CommentFactory(report=report, body="关闭前的评论")
    if close == "site":
        update_comment_settings(comments_closed=True)
    else:
        services.comment_thread_set_closed(report=report, closed=True)
    html = article(client, report)
    assert "关闭前的评论" in html and "评论已关闭" in html
    assert "data-comment-start" not in html and "data-comment-form-template" not in html
    # A reader who opened the article before comments closed starts to comment.
    tokens = fetch_tokens(client, report)
    assert tokens.status_code == 403 and tokens.json() == {"closed": "这篇报告的评论已关闭。"}
    assert CaptchaStore.objects.count() == 0


@pytest.mark.parametrize("threads", [1, 20])
def test_query_count_does_not_grow_with_comments(client, report, threads):
    first = CommentFactory(report=report)
    CommentFactory(report=report, parent=first)
    client.get(uncached(report.get_absolute_url()))  # warm up shared lookups (site settings, navigation)
    with PageQueries() as baseline:
        client.get(uncached(report.get_absolute_url()))
    CommentFactory.create_batch(threads - 1, report=report)
    for parent in list(report.comments.filter(parent=None))[:5]:
        CommentFactory(report=report, parent=parent)
    with PageQueries() as measured:
        html = client.get(uncached(report.get_absolute_url())).content.decode()
    assert len(measured) == len(baseline), measured.queries
    assert html.count('class="comment"') == threads
