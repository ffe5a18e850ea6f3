"""Every write to comments. Counts readers see are recomputed here, in the same transaction."""

import datetime
import functools
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from portal import caching, db
from portal.client import client_digest, client_digest_for
from portal.selectors import site_configuration
from reports import scopes as report_scopes
from reports import services as report_services
from reports.models import Report

from . import selectors
from .models import Comment, CommentFlag, CommentSettings, CommentStatus, CommentThread, FlagReason
from .validators import DEFAULT_NICKNAME, validate_nickname, without_invisible_characters

LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
DUPLICATE_WINDOW = datetime.timedelta(days=1)
REPORT_UNAVAILABLE = "这篇报告不存在或已下线，不能评论。"
COMMENTS_CLOSED = "这篇报告的评论已关闭。"


class CommentRejected(Exception):
    """A post that must not be stored; `message` is shown to the reader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ReportUnavailable(CommentRejected):
    pass


class CommentsClosed(CommentRejected):
    pass


class ReplyParentMissing(CommentRejected):
    pass


class FloodLimited(CommentRejected):
    pass


class DuplicateComment(CommentRejected):
    pass


def _initial_status(body: str, configuration: CommentSettings) -> tuple[str, str]:
    """(status, why it is held) for a new comment, from the site's moderation settings."""
    text = body.casefold()
    if any(word in text for word in configuration.block_word_list):
        return CommentStatus.SPAM, "含屏蔽词"
    if any(word in text for word in configuration.moderation_word_list):
        return CommentStatus.PENDING, "含待审词"
    if len(LINK.findall(body)) >= 2:
        return CommentStatus.PENDING, "含两个以上链接"
    if not configuration.is_post_moderation:
        return CommentStatus.PENDING, ""
    return CommentStatus.APPROVED, ""


# The address's comments of the last day (comment_ip_recent_idx): the newest and the number of
# the last hour, and those with the same text on the same report. Written by hand: the ORM's
# aggregate with filters took 2.8 ms to build for a 0.2 ms query, on every post; and prepared,
# since planning it cost PostgreSQL more than running it.
# Parameters: $1 an hour ago, $2 the report, $3 the text, $4 the address, $5 a day ago.
@functools.cache
def _recent_from_address() -> db.PreparedStatement:
    return db.PreparedStatement(
        "comments_recent_from_address",
        f"""SELECT max(created_at) FILTER (WHERE created_at > $1), count(*) FILTER (WHERE created_at > $1),
                   count(*) FILTER (WHERE report_id = $2 AND body = $3)
            FROM {Comment._meta.db_table} WHERE ip = $4 AND created_at > $5""",
        ("timestamptz", "bigint", "text", "inet", "timestamptz"),
    )


def _check_flood_and_repeats(
    *, report: Report, body: str, ip: str, configuration: CommentSettings, now: datetime.datetime
) -> None:
    """At most one comment per interval and `hourly_limit` per hour from one address, and not the
    same text on the same report twice within a day: one read of the address's recent comments.

    The advisory lock serialises posts from the same address, so two simultaneous posts cannot
    both see an empty last-interval; it is released when the transaction ends. The read is a
    statement of its own, after the lock: its snapshot then includes the post that held the lock.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"comments.ip:{ip}"])
        params = (now - datetime.timedelta(hours=1), report.pk, body, ip, now - DUPLICATE_WINDOW)
        _recent_from_address().execute(cursor, params)
        last, count, repeats = cursor.fetchone()
    interval = datetime.timedelta(seconds=configuration.min_interval_seconds)
    if last is not None and now - last < interval:
        wait = int((interval - (now - last)).total_seconds()) + 1
        raise FloodLimited(
            f"发表太频繁了：同一网络每 {configuration.min_interval_seconds} 秒只能发表一条评论，请 {wait} 秒后再试。"
        )
    if count >= configuration.hourly_limit:
        raise FloodLimited(f"发表太频繁了：同一网络每小时最多发表 {configuration.hourly_limit} 条评论，请稍后再试。")
    if repeats:
        raise DuplicateComment("您已经发表过相同的评论，请勿重复提交。")


def comment_create(
    *,
    report: Report,
    body: str,
    nickname: str = "",
    email: str = "",
    parent_id: int | None = None,
    ip: str | None,
    user_agent: str = "",
) -> Comment:
    """Store a reader's comment, or raise CommentRejected and store nothing."""
    configuration = selectors.comment_settings()
    body = without_invisible_characters(body).strip()
    nickname = without_invisible_characters(nickname).strip()
    if nickname:
        try:
            validate_nickname(nickname, site_name=site_configuration().site_name)
        except ValidationError as error:
            raise CommentRejected(error.messages[0]) from error
    now = timezone.now()
    with transaction.atomic():
        # Locking the report row orders this post after a concurrent takedown or withdrawal.
        if not report_services.report_lock_if_published(report_id=report.pk):
            raise ReportUnavailable(REPORT_UNAVAILABLE)
        if not selectors.comments_are_open(report=report, configuration=configuration):
            raise CommentsClosed(COMMENTS_CLOSED)
        parent = selectors.reply_parent(report=report, parent_id=parent_id)
        if parent_id is not None and parent is None:
            raise ReplyParentMissing("要回复的评论不存在或已被删除。")
        if ip is not None:
            _check_flood_and_repeats(report=report, body=body, ip=ip, configuration=configuration, now=now)
        status, hold_reason = _initial_status(body, configuration)
        comment = Comment(
            report=report,
            parent=parent,
            nickname=nickname or DEFAULT_NICKNAME,
            body=body,
            email=email.strip(),
            status=status,
            hold_reason=hold_reason,
            ip=ip,
            user_agent=user_agent,
        )
        if not body:
            raise CommentRejected("请填写评论内容。")
        try:
            # The report is locked above and the parent was just read; the database checks the
            # constraints on INSERT, and the checks above guarantee them: validating them here
            # would cost a query each.
            comment.full_clean(exclude=["report", "parent"], validate_constraints=False)
        except ValidationError as error:
            raise CommentRejected("；".join(error.messages)) from error
        db.insert(comment)
        if status == CommentStatus.APPROVED:
            comment_threads_recount(report_ids=[report.pk])
    return comment


def comments_set_status(*, comment_ids: Iterable[int], status: str, moderator=None) -> int:
    """Moderation: give the comments `status`; returns how many changed."""
    if status not in CommentStatus.values:
        raise ValueError(f"unknown status {status!r}")
    with transaction.atomic():
        comments = Comment.objects.filter(pk__in=list(comment_ids)).exclude(status=status)
        report_ids = set(comments.values_list("report_id", flat=True))
        changed = comments.update(status=status, moderated_at=timezone.now(), moderated_by=moderator)
        comment_threads_recount(report_ids=report_ids)
    return changed


def comments_restore(*, comment_ids: Iterable[int], moderator=None) -> int:
    """Undo a removal: removed comments become approved again (others are left alone)."""
    removed = Comment.objects.filter(pk__in=list(comment_ids), status=CommentStatus.REMOVED)
    return comments_set_status(
        comment_ids=list(removed.values_list("pk", flat=True)), status=CommentStatus.APPROVED, moderator=moderator
    )


def comments_set_restricted(*, comment_ids: Iterable[int], restricted: bool) -> int:
    """Copyright takedowns: block (or unblock) comments. A restricted comment keeps its place in
    the list as a notice, so replies keep their context, and no longer counts."""
    with transaction.atomic():
        comments = Comment.objects.filter(pk__in=list(comment_ids)).exclude(is_restricted=restricted)
        report_ids = set(comments.values_list("report_id", flat=True))
        changed = comments.update(is_restricted=restricted)
        comment_threads_recount(report_ids=report_ids)
    return changed


def comments_delete(*, comment_ids: Iterable[int]) -> int:
    with transaction.atomic():
        comments = Comment.objects.filter(pk__in=list(comment_ids))
        report_ids = set(comments.values_list("report_id", flat=True))
        deleted, _ = comments.delete()
        comment_threads_recount(report_ids=report_ids)
    return deleted


def comment_thread_set_closed(*, report: Report, closed: bool) -> CommentThread:
    with transaction.atomic():
        thread, _ = CommentThread.objects.select_for_update().get_or_create(report=report)
        thread.is_closed = closed
        thread.full_clean()
        thread.save(update_fields=["is_closed"])
        caching.invalidate(report_scopes.report_page(report.pk))
    return thread


def comment_threads_recount(*, report_ids: Iterable[int]) -> None:
    """Recount the reports' visible comments and list entries; their articles' cached pages are stale.

    The thread row is locked before counting: a concurrent writer waits, and under READ
    COMMITTED our counts then see its committed comments, so the stored numbers are exact.
    Reports are locked in id order so that two bulk actions cannot deadlock.
    """
    report_ids = sorted(set(report_ids))
    with transaction.atomic():
        for report_id in report_ids:
            CommentThread.objects.get_or_create(report_id=report_id)
            thread = CommentThread.objects.select_for_update().get(report_id=report_id)
            comments = Comment.objects.filter(report_id=report_id)
            thread.visible_count = comments.visible().count()
            thread.thread_count = comments.shown_in_thread_list().count()
            thread.save(update_fields=["visible_count", "thread_count"])
        caching.invalidate(*(report_scopes.report_page(report_id) for report_id in report_ids))


def comments_anonymise(*, older_than_days: int) -> int:
    """Forget the address and browser of comments older than `older_than_days`; returns how many."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    stale = Comment.objects.filter(created_at__lt=cutoff).exclude(ip__isnull=True, user_agent="")
    return stale.update(ip=None, user_agent="")


# Reporting a comment (举报) ------------------------------------------------------------------------

COMMENT_NOT_FLAGGABLE = "这条评论不存在、已被隐藏或正在审核，无需再举报。"


class CommentNotFlaggable(CommentRejected):
    pass


class AlreadyFlagged(CommentRejected):
    pass


class FlagRateLimited(CommentRejected):
    pass


def _check_flag_rate(*, client_today: str, configuration: CommentSettings, now: datetime.datetime) -> None:
    """At most `flag_hourly_limit` flags an hour from one client. The advisory lock serialises one
    client's flags, so two at once cannot both pass the count; it goes with the transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"comments.flag-client:{client_today}"]
        )
    recent = CommentFlag.objects.filter(client_today=client_today, created_at__gt=now - datetime.timedelta(hours=1))
    if recent.count() >= configuration.flag_hourly_limit:
        raise FlagRateLimited(
            f"举报太频繁了：同一网络每小时最多提交 {configuration.flag_hourly_limit} 次举报，请稍后再试。"
        )


def comment_flag_create(*, comment_id: int, reason: str, detail: str = "", ip: str | None) -> CommentFlag:
    """Store a reader's report of a visible comment, once per comment per client; when the
    comment's unreviewed reports reach the site's threshold, hide it until a moderator decides
    (its article's cached pages go with the recount). Raises CommentRejected and stores nothing."""
    configuration = selectors.comment_settings()
    address = ip or "unknown"  # readers whose address cannot be told apart share one
    detail = without_invisible_characters(detail).strip()
    now = timezone.now()
    with transaction.atomic():
        client_today = client_digest(address)
        _check_flag_rate(client_today=client_today, configuration=configuration, now=now)
        # The row lock orders flags of one comment, so the count below sees every earlier one.
        comment = (
            Comment.objects.visible()
            .filter(pk=comment_id, report__in=Report.objects.published())
            .select_for_update(of=("self",))
            .first()
        )
        if comment is None:
            raise CommentNotFlaggable(COMMENT_NOT_FLAGGABLE)
        client = client_digest_for(address, scope=f"comment-flag:{comment.pk}")
        if CommentFlag.objects.filter(comment=comment, client=client).exists():
            raise AlreadyFlagged("您已经举报过这条评论，我们会尽快核实处理，谢谢。")
        if reason == FlagReason.OTHER and not detail:
            raise CommentRejected("选择“其他”时，请写明举报原因。")
        flag = CommentFlag(comment=comment, reason=reason, detail=detail, client=client, client_today=client_today)
        try:
            flag.full_clean(exclude=["comment"], validate_constraints=False)
        except ValidationError as error:
            raise CommentRejected("；".join(error.messages)) from error
        try:
            with transaction.atomic():
                flag.save()
        except IntegrityError as error:  # the same client in another process, between check and insert
            raise AlreadyFlagged("您已经举报过这条评论，我们会尽快核实处理，谢谢。") from error
        flags = CommentFlag.objects.unreviewed(comment).count()
        if flags >= configuration.flag_hide_threshold:
            Comment.objects.filter(pk=comment.pk).update(
                status=CommentStatus.PENDING, hold_reason=f"被 {flags} 位读者举报，待复核"
            )
            comment_threads_recount(report_ids=[comment.report_id])
    return flag
