"""Tallies stay exact when writers change the same count at the same moment, on real, separate
database connections.

A third connection holds the tally row locked while both writers reach it, so that each has made
its change and is waiting on the count; released, they go on one after the other, as they would
have if they had only been a little less lucky with their timing."""

import datetime
import threading
from collections.abc import Callable

import psycopg2
import pytest
from django.db import connection, connections

from comments import services as comment_services
from comments.models import CommentStatus, CommentThread
from reports import services
from reports.models import ReportStatus, ReportTally
from tests.factories import CategoryFactory, CommentFactory, ReportFactory, jishou

pytestmark = pytest.mark.django_db(transaction=True)


def other_connection() -> "psycopg2.extensions.connection":
    """A connection of its own to the test database, outside Django's per-thread handling."""
    return psycopg2.connect(**connections["default"].get_connection_params())


def waiting_on_locks() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def write_at_once(lock_sql: str, params: list, writers: list[Callable[[], None]]) -> None:
    """Run the writers in threads while `lock_sql` holds their row; let go once all of them wait on it."""
    blocker = other_connection()
    errors = []

    def run(write):
        try:
            write()
        except Exception as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    try:
        with blocker.cursor() as cursor:
            cursor.execute(lock_sql, params)
            assert cursor.fetchall(), "nothing to lock"
        threads = [threading.Thread(target=run, args=(write,)) for write in writers]
        for thread in threads:
            thread.start()
        while waiting_on_locks() < len(writers) and all(thread.is_alive() for thread in threads):
            threading.Event().wait(0.01)
        blocker.commit()
    finally:
        blocker.close()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_two_reports_published_at_once_are_both_counted():
    region, category, date = jishou(), CategoryFactory(), datetime.date(2023, 5, 1)
    ReportFactory(region=region, category=category, date=date)
    drafts = [ReportFactory(region=region, category=category, date=date, status=ReportStatus.DRAFT) for _ in range(2)]
    write_at_once(
        "SELECT 1 FROM reports_reporttally WHERE region_id = %s AND category_id = %s AND year = %s FOR UPDATE",
        [region.pk, category.pk, 2023],
        [
            lambda report=report: services.reports_set_status(report_ids=[report.pk], status=ReportStatus.PUBLISHED)
            for report in drafts
        ],
    )
    tally = ReportTally.objects.get(region=region, category=category, year=2023)
    assert tally.count == 3
    services.tally_rebuild()  # what the hourly housekeeping would have made of it
    assert ReportTally.objects.get(region=region, category=category, year=2023).count == 3


def test_a_report_withdrawn_while_another_is_published_leaves_the_count_right():
    region, category, date = jishou(), CategoryFactory(), datetime.date(2023, 5, 1)
    published = ReportFactory(region=region, category=category, date=date)
    ReportFactory(region=region, category=category, date=date)
    draft = ReportFactory(region=region, category=category, date=date, status=ReportStatus.DRAFT)
    write_at_once(
        "SELECT 1 FROM reports_reporttally WHERE region_id = %s AND category_id = %s AND year = %s FOR UPDATE",
        [region.pk, category.pk, 2023],
        [
            lambda: services.reports_set_status(report_ids=[published.pk], status=ReportStatus.WITHDRAWN),
            lambda: services.reports_set_status(report_ids=[draft.pk], status=ReportStatus.PUBLISHED),
        ],
    )
    assert ReportTally.objects.get(region=region, category=category, year=2023).count == 2


def test_two_comments_approved_at_once_are_both_counted():
    report = ReportFactory(region=jishou(), category=CategoryFactory())
    CommentFactory(report=report)
    pending = [CommentFactory(report=report, status=CommentStatus.PENDING) for _ in range(2)]
    write_at_once(
        "SELECT 1 FROM comments_commentthread WHERE report_id = %s FOR UPDATE",
        [report.pk],
        [
            lambda comment=comment: comment_services.comments_set_status(
                comment_ids=[comment.pk], status=CommentStatus.APPROVED
            )
            for comment in pending
        ],
    )
    thread = CommentThread.objects.get(report=report)
    assert (thread.visible_count, thread.thread_count) == (3, 3)
