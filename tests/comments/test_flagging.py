"""Reporting a comment (举报): once per comment per reader, rate-limited, and enough distinct
reports hide the comment until a moderator has looked; the article stays cacheable throughout."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Comment, CommentFlag, CommentStatus
from portal.roles import EDITORS
from tests.factories import CommentFactory, UserFactory, update_comment_settings

pytestmark = pytest.mark.django_db

BODY = "这条评论写得很过分"


@pytest.fixture
def comment(report):
    return CommentFactory(report=report, body=BODY)


@pytest.fixture
def threshold():
    def set_to(hide: int = 3, hourly: int = 10) -> None:
        update_comment_settings(flag_hide_threshold=hide, flag_hourly_limit=hourly)

    return set_to


def flag_url(comment) -> str:
    return reverse("comments:flag", kwargs={"comment_id": comment.pk})


def flag(comment, *, ip: str = "203.0.113.7", reason: str = "abuse", detail: str = "", client: Client | None = None):
    """What a reader's browser does: open the 举报 page, then send its form (with its CSRF token)."""
    client = client or Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)
    page = client.get(flag_url(comment))
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(flag_url(comment), {"csrfmiddlewaretoken": token, "reason": reason, "detail": detail})


def article(report) -> str:
    response = Client().get(report.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_each_comment_links_to_its_report_page_and_the_article_stays_cacheable(client, report, comment):
    response = client.get(report.get_absolute_url())
    assert f'href="{flag_url(comment)}"' in response.content.decode()
    assert not response.cookies and "public" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken" value=""' in response.content.decode()  # the script's to fill in


def test_report_page_shows_the_comment_and_the_reasons_and_is_never_cached(client, comment):
    response = client.get(flag_url(comment))
    html = response.content.decode()
    assert response.status_code == 200
    assert BODY in html and "举报原因" in html and "垃圾广告" in html and "提交举报" in html
    assert "no-cache" in response["Cache-Control"] and "noindex" in html


def test_a_report_is_stored_without_the_readers_address(comment):
    response = flag(comment, ip="203.0.113.7", reason="spam", detail="广告链接")
    assert response.status_code == 200
    assert "举报已收到" in response.content.decode()
    stored = CommentFlag.objects.get()
    assert (stored.comment, stored.reason, stored.detail) == (comment, "spam", "广告链接")
    assert "203.0.113.7" not in f"{stored.client}{stored.client_today}"


def test_once_per_comment_per_reader(report, comment):
    assert flag(comment, ip="203.0.113.7").status_code == 200
    again = flag(comment, ip="203.0.113.7", reason="spam")
    assert again.status_code == 409
    assert "您已经举报过这条评论" in again.content.decode()
    assert CommentFlag.objects.count() == 1
    # Another reader may, and the same reader may report another comment.
    assert flag(comment, ip="198.51.100.20").status_code == 200
    assert flag(CommentFactory(report=report), ip="203.0.113.7").status_code == 200
    assert CommentFlag.objects.count() == 3


def test_the_reader_behind_the_sites_proxy_is_the_one_counted(settings, comment):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    proxied = dict(REMOTE_ADDR="127.0.0.1", enforce_csrf_checks=True)
    first = Client(**proxied, HTTP_X_FORWARDED_FOR="203.0.113.7")
    second = Client(**proxied, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert flag(comment, client=first).status_code == 200
    assert flag(comment, client=second).status_code == 200
    assert flag(comment, client=Client(**proxied, HTTP_X_FORWARDED_FOR="203.0.113.7")).status_code == 409


def test_reports_are_rate_limited_per_reader(report, threshold):
    threshold(hide=100, hourly=2)
    comments = CommentFactory.create_batch(3, report=report)
    assert flag(comments[0]).status_code == 200
    assert flag(comments[1]).status_code == 200
    refused = flag(comments[2], reason="other", detail="我写的说明")
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "每小时最多提交 2 次举报" in html
    assert "我写的说明" in html  # the reader's words are still in the form
    assert CommentFlag.objects.count() == 2
    assert flag(comments[2], ip="198.51.100.20").status_code == 200  # others are not held back


def test_other_needs_words_and_bad_input_keeps_what_was_typed(comment):
    missing = flag(comment, reason="other", detail="   ")
    assert missing.status_code == 400 and "请写明举报原因" in missing.content.decode()
    unknown = flag(comment, reason="nonsense", detail="保留这段话")
    assert unknown.status_code == 400
    assert "请从列表中选择举报原因" in unknown.content.decode() and "保留这段话" in unknown.content.decode()
    too_long = flag(comment, reason="other", detail="长" * 501)
    assert too_long.status_code == 400 and "补充说明最多 500 字" in too_long.content.decode()
    assert "长" * 501 in too_long.content.decode()
    assert CommentFlag.objects.count() == 0


def test_a_post_without_the_cookie_is_refused_in_chinese_and_keeps_the_text(comment):
    response = Client(enforce_csrf_checks=True).post(flag_url(comment), {"reason": "other", "detail": "我的说明"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "请允许本站 Cookie 后再次提交" in html and "我的说明" in html
    assert CommentFlag.objects.count() == 0


def test_comments_readers_cannot_see_cannot_be_reported(report):
    for status in (CommentStatus.PENDING, CommentStatus.REMOVED, CommentStatus.SPAM):
        hidden = CommentFactory(report=report, status=status)
        response = Client().get(flag_url(hidden))
        assert response.status_code == 404
        assert "无需再举报" in response.content.decode()
    assert Client().get(reverse("comments:flag", kwargs={"comment_id": 10**9})).status_code == 404


def test_enough_distinct_reports_hide_the_comment_from_the_next_anonymous_view(report, comment, threshold):
    threshold(hide=3)
    assert BODY in article(report)
    assert Client().get(report.get_absolute_url()).headers.get("X-Page-Cache") == "hit"  # served from the cache
    for ip in ("203.0.113.1", "203.0.113.2"):
        flag(comment, ip=ip)
    assert BODY in article(report)  # two reports are not enough
    flag(comment, ip="203.0.113.3")
    html = article(report)
    assert BODY not in html
    assert "(共有 <span data-comment-count>0</span> 条评论)" in html
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING and comment.hold_reason == "被 3 位读者举报，待复核"
    # Once hidden, it waits for a moderator; a fourth reader finds nothing left to report.
    assert Client(REMOTE_ADDR="203.0.113.4").get(flag_url(comment)).status_code == 404


def test_approved_again_after_review_only_new_reports_hide_it_again(report, comment, threshold, editor):
    threshold(hide=2)
    flag(comment, ip="203.0.113.1")
    flag(comment, ip="203.0.113.2")
    services.comments_set_status(comment_ids=[comment.pk], status=CommentStatus.APPROVED, moderator=editor)
    assert BODY in article(report)
    flag(comment, ip="203.0.113.3")
    assert BODY in article(report)  # one report since the review
    flag(comment, ip="203.0.113.4")
    assert BODY not in article(report)


def test_the_moderation_queue_shows_how_often_a_comment_was_reported(client, report, comment, threshold):
    threshold(hide=2)
    other = CommentFactory(report=report, body="没人举报的评论")
    flag(comment, ip="203.0.113.1", reason="spam", detail="是广告")
    flag(comment, ip="203.0.113.2", reason="privacy")
    client.force_login(UserFactory(username="moderator", is_staff=True, groups=[EDITORS]))
    changelist = reverse("admin:comments_comment_changelist")
    queue = client.get(changelist, {"status__exact": "pending"}).content.decode()
    assert BODY in queue and "2 次（被 2 位读者举报，待复核）" in queue
    flagged = client.get(changelist, {"flagged": "yes"}).content.decode()
    assert BODY in flagged and other.body not in flagged
    most_reported_first = client.get(changelist, {"o": "-4"}).content.decode()  # the 举报 column
    assert most_reported_first.index(BODY) < most_reported_first.index(other.body)
    detail = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "垃圾广告" in detail and "是广告" in detail and "泄露他人隐私" in detail
    assert "203.0.113.1" not in detail


def test_the_service_takes_one_report_per_reader_whatever_the_reason(comment):
    services.comment_flag_create(comment_id=comment.pk, reason="spam", ip="203.0.113.1")
    with pytest.raises(services.AlreadyFlagged):
        services.comment_flag_create(comment_id=comment.pk, reason="abuse", ip="203.0.113.1")
    assert Comment.objects.get().flags.count() == 1


def test_a_hidden_comment_with_replies_keeps_its_place_as_a_notice(report, comment, threshold):
    threshold(hide=1)
    CommentFactory(report=report, parent=comment, body="楼下的回复")
    flag(comment)
    html = article(report)
    assert BODY not in html and "该评论正在审核" in html and "楼下的回复" in html
