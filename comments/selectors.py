"""Whole-page reads: the comment section under an article and on the comment page."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch

from reports.models import Report
from reports.pagination import parse_page_number

from .models import Comment, CommentSettings, CommentThread

COMMENT_COLUMNS = ("id", "report_id", "parent_id", "nickname", "body", "status", "is_restricted", "created_at")


class ThreadPaginator(Paginator):
    """Pages of top-level comments; the total comes from CommentThread, not from a COUNT."""

    def __init__(self, object_list, per_page: int, *, total: int):
        super().__init__(object_list, per_page, allow_empty_first_page=True)
        self._total = total

    @property
    def count(self) -> int:
        return self._total


@dataclass(frozen=True)
class CommentSection:
    report: Report
    count: int
    is_open: bool
    page: Page

    @property
    def threads(self) -> list[Comment]:
        return self.page.object_list


def comment_section(*, report: Report, page: str | None = None) -> CommentSection:
    """The heading count, whether the form is offered, and one page of threads (oldest first), each
    with its visible replies: four queries whatever the number of comments."""
    thread = CommentThread.objects.filter(report=report).first() or CommentThread(report=report)
    configuration = CommentSettings.current()
    replies = Comment.objects.visible().oldest_first().only(*COMMENT_COLUMNS)
    threads = (
        Comment.objects.filter(report=report)
        .shown_in_thread_list()
        .oldest_first()
        .only(*COMMENT_COLUMNS)
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
    )
    paginator = ThreadPaginator(threads, settings.COMMENTS_PER_PAGE, total=thread.thread_count)
    number = min(parse_page_number(page), paginator.num_pages)
    return CommentSection(
        report=report,
        count=thread.visible_count,
        is_open=not (configuration.comments_closed or thread.is_closed),
        page=paginator.page(number),
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
