"""Moderation: services keep reader counts right; editors work the queue in admin."""

import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment, CommentSettings, CommentStatus, CommentThread
from portal.roles import EDITORS, SITE_OWNERS
from tests.factories import CommentFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


def shown_count(client, report) -> int:
    html = client.get(report.get_absolute_url()).content.decode()
    start = html.index("(共有 <span data-comment-count>") + len("(共有 <span data-comment-count>")
    return int(html[start : html.index("</span>", start)])


def stored_count(report) -> int:
    return CommentThread.objects.get(report=report).visible_count


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", is_staff=True, groups=[EDITORS])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def act(client, action: str, comments) -> None:
    response = client.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [c.pk for c in comments]}, follow=True
    )
    assert response.status_code == 200


# Counts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,action,end,change",
    [
        (CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.APPROVED, +1),
        (CommentStatus.APPROVED, CommentStatus.REJECTED, CommentStatus.REJECTED, -1),
        (CommentStatus.APPROVED, CommentStatus.SPAM, CommentStatus.SPAM, -1),
        (CommentStatus.APPROVED, CommentStatus.REMOVED, CommentStatus.REMOVED, -1),
        (CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.REJECTED, 0),
    ],
)
def test_status_changes_keep_the_count_right(client, report, start, action, end, change):
    CommentFactory.create_batch(2, report=report)
    comment = CommentFactory(report=report, status=start)
    before = shown_count(client, report)
    assert services.comments_set_status(comment_ids=[comment.pk], status=action) == 1
    comment.refresh_from_db()
    assert comment.status == end
    assert shown_count(client, report) == before + change == stored_count(report)


def test_restore_brings_a_removed_comment_back(client, report):
    comment = CommentFactory(report=report)
    services.comments_set_status(comment_ids=[comment.pk], status=CommentStatus.REMOVED)
    assert shown_count(client, report) == 0
    pending = CommentFactory(report=report, status=CommentStatus.PENDING)
    assert services.comments_restore(comment_ids=[comment.pk, pending.pk]) == 1
    assert shown_count(client, report) == 1
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING  # restore only undoes removals


def test_restriction_hides_and_uncounts_and_lifting_it_restores(client, report):
    comments = CommentFactory.create_batch(3, report=report)
    assert services.comments_set_restricted(comment_ids=[c.pk for c in comments[:2]], restricted=True) == 2
    assert services.comments_set_restricted(comment_ids=[comments[0].pk], restricted=True) == 0
    assert shown_count(client, report) == 1
    assert services.comments_set_restricted(comment_ids=[comments[0].pk], restricted=False) == 1
    assert shown_count(client, report) == 2


def test_bulk_action_across_reports_recounts_each(report, region, category):
    other = ReportFactory(region=region, category=category)
    ours = CommentFactory.create_batch(2, report=report, status=CommentStatus.PENDING)
    theirs = CommentFactory(report=other, status=CommentStatus.PENDING)
    services.comments_set_status(comment_ids=[*[c.pk for c in ours], theirs.pk], status=CommentStatus.APPROVED)
    assert (stored_count(report), stored_count(other)) == (2, 1)


def test_moderation_stamps_who_and_when(report, editor):
    comment = CommentFactory(report=report, status=CommentStatus.PENDING)
    services.comments_set_status(comment_ids=[comment.pk], status=CommentStatus.APPROVED, moderator=editor)
    comment.refresh_from_db()
    assert comment.moderated_by == editor and comment.moderated_at is not None


# Admin -----------------------------------------------------------------------------------------


def test_editor_approves_from_the_queue_and_the_count_goes_up(editor_client, report):
    CommentFactory(report=report)
    waiting = CommentFactory(report=report, status=CommentStatus.PENDING, body="等待审核的评论")
    queue = editor_client.get(reverse(CHANGELIST), {"status__exact": "pending"}).content.decode()
    assert "等待审核的评论" in queue and report.title in queue and waiting.ip in queue
    assert f'href="{waiting.get_absolute_url()}"' in queue
    act(editor_client, "approve", [waiting])
    assert stored_count(report) == 2
    assert "等待审核的评论" in editor_client.get(report.get_absolute_url()).content.decode()


@pytest.mark.parametrize("action,status", [("reject", "rejected"), ("mark_spam", "spam"), ("remove", "removed")])
def test_editor_bulk_actions(editor_client, report, action, status):
    comments = CommentFactory.create_batch(3, report=report)
    act(editor_client, action, comments[:2])
    assert sorted(Comment.objects.values_list("status", flat=True)) == sorted(["approved", status, status])
    assert stored_count(report) == 1


def test_editor_restores_removed_comments(editor_client, report):
    comments = CommentFactory.create_batch(2, report=report, status=CommentStatus.REMOVED)
    act(editor_client, "restore", comments)
    assert stored_count(report) == 2


def test_queue_filters_and_search(editor_client, report, region, category):
    other = ReportFactory(region=region, category=category)
    CommentFactory(report=report, body="关于公交的建议", ip="203.0.113.5")
    CommentFactory(report=other, body="关于医院的建议", nickname="王五", status=CommentStatus.SPAM)
    url = reverse(CHANGELIST)

    def listed(**params) -> str:
        response = editor_client.get(url, params)
        assert response.status_code == 200
        return response.content.decode()

    assert "关于医院" in listed(status__exact="spam") and "关于公交" not in listed(status__exact="spam")
    assert "关于公交" in listed(q="公交") and "关于医院" not in listed(q="公交")
    assert "关于医院" in listed(q="王五")
    assert "关于公交" in listed(q="203.0.113") and "关于医院" not in listed(q="203.0.113")
    assert "关于医院" in listed(report=other.pk) and "关于公交" not in listed(report=other.pk)


def test_change_form_is_read_only_so_counts_cannot_drift(editor_client, report):
    comment = CommentFactory(report=report)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    assert editor_client.get(url).status_code == 200
    editor_client.post(url, {"status": "removed", "body": "改了"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED and comment.body != "改了"


def test_staff_without_the_editor_group_cannot_moderate(client, report):
    client.force_login(UserFactory(username="intern", is_staff=True))
    comment = CommentFactory(report=report, status=CommentStatus.PENDING)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_editors_close_comments_on_one_report(editor_client, report):
    response = editor_client.post(reverse("admin:comments_commentthread_add"), {"report": report.pk, "is_closed": "on"})
    assert response.status_code == 302
    assert "评论已关闭" in editor_client.get(report.get_absolute_url()).content.decode()


def test_site_settings_are_for_site_owners(editor_client, client, report):
    url = reverse("admin:comments_commentsettings_change", args=[1])
    assert editor_client.get(url).status_code == 200  # editors may look
    editor_client.post(url, {"moderation_mode": "post", "min_interval_seconds": 15, "hourly_limit": 20})
    assert CommentSettings.current().moderation_mode == "pre"
    owner = UserFactory(username="owner", is_staff=True, groups=[SITE_OWNERS])
    client.force_login(owner)
    response = client.post(
        url,
        {
            "moderation_mode": "post",
            "comments_closed": "",
            "moderation_words": "广告\n代开发票",
            "block_words": "博彩",
            "min_interval_seconds": 30,
            "hourly_limit": 5,
            "flag_hide_threshold": 5,
            "flag_hourly_limit": 3,
        },
    )
    assert response.status_code == 302
    configuration = CommentSettings.current()
    assert configuration.moderation_mode == "post" and configuration.moderation_word_list == ["广告", "代开发票"]
    assert (configuration.min_interval_seconds, configuration.hourly_limit) == (30, 5)
    assert (configuration.flag_hide_threshold, configuration.flag_hourly_limit) == (5, 3)


def test_admin_index_shows_how_many_comments_wait(editor_client, report):
    CommentFactory.create_batch(3, report=report, status=CommentStatus.PENDING)
    CommentFactory(report=report)
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "3 条等待审核" in html
    assert f"{reverse(CHANGELIST)}?status__exact=pending" in html
