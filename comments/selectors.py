"""Whole-page reads: the comment section under an article and on the comment page."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Prefetch

from portal.caching import cached_lookup
from portal.pagination import KnownCountPaginator, page_of
from reports.models import Report
from reports.selectors import report_for_article, report_for_comments

from .models import Comment, CommentSettings, CommentThread

COMMENT_COLUMNS = ("id", "report_id", "parent_id", "nickname", "body", "status", "is_restricted", "created_at")


@dataclass(frozen=True)
class CommentSection:
    report: Report
    count: int
    is_open: bool
    page: Page

    @property
    def threads(self) -> list[Comment]:
        return self.page.object_list


def public_report(report_id: int) -> Report | None:
    """The report if readers may see it, and so comment on it, with its comment thread: read by the
    article's own prepared statement, which costs no planning (the ORM's query compiled and planned
    anew took 3 ms of every comment form and post)."""
    report = report_for_article(report_id)
    return report if report is not None and report.is_public else None


def commentable_report(report_id: int) -> Report | None:
    """What the comment form and a post need of a report readers may see (no text, no places)."""
    return report_for_comments(report_id)


def comment_settings() -> CommentSettings:
    """Read by every article: shared until an editor changes them."""
    return cached_lookup("comment-settings", [], CommentSettings.current)


def _thread(report: Report) -> CommentThread:
    """The report's counts and closing, joined into the article's own query where it asked for it."""
    try:
        return report.comment_thread
    except CommentThread.DoesNotExist:
        return CommentThread(report=report)


def comments_are_open(*, report: Report, configuration: CommentSettings | None = None) -> bool:
    return _thread(report).accepts_comments(configuration or comment_settings())


def reply_parent(*, report: Report, parent_id: int | None) -> Comment | None:
    """The comment a reply attaches to: a visible comment of the same report, or the top of its
    thread when it is itself a reply (one level of replies)."""
    if parent_id is None:
        return None
    parent = Comment.objects.visible().filter(report=report, pk=parent_id).select_related("parent").first()
    if parent is None:
        return None
    return parent.parent or parent


def comment_section(*, report: Report, page: str | None = None) -> CommentSection:
    """The heading count, whether the form is offered, and one page of threads (oldest first), each
    with its visible replies: two queries whatever the number of comments, none without any."""
    thread = _thread(report)
    threads = []  # an empty queryset would still be compiled when the page is rendered
    if thread.thread_count:  # most reports have no comments; building the query alone costs 2 ms
        replies = Comment.objects.visible().oldest_first().only(*COMMENT_COLUMNS)
        threads = (
            Comment.objects.filter(report=report)
            .shown_in_thread_list()
            .oldest_first()
            .only(*COMMENT_COLUMNS)
            .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
        )
    paginator = KnownCountPaginator(threads, total=thread.thread_count, per_page=settings.COMMENTS_PER_PAGE)
    return CommentSection(
        report=report,
        count=thread.visible_count,
        is_open=thread.accepts_comments(comment_settings()),
        page=page_of(paginator, page),
    )


def page_number_of(comment: Comment) -> int:
    """The page of the comment page that shows `comment` (its thread, for a reply)."""
    top = comment.parent or comment
    earlier = (
        Comment.objects.filter(report_id=comment.report_id, created_at__lt=top.created_at)
        .shown_in_thread_list()
        .count()
    )
    return earlier // settings.COMMENTS_PER_PAGE + 1


def visible_count(*, report: Report) -> int:
    return CommentThread.objects.filter(report=report).values_list("visible_count", flat=True).first() or 0


def flaggable_comment(comment_id: int) -> Comment | None:
    """A comment readers may report (one they can see, under a report they can see), with what
    the report page shows of it and the link back to it."""
    return (
        Comment.objects.visible()
        .filter(pk=comment_id, report__in=Report.objects.published())
        .select_related("report__category", "report__big_region")
        .defer("report__body", "report__search_vector")
        .first()
    )
