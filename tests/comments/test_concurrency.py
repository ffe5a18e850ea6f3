"""Simultaneous posts on real, separate database connections."""

import threading

import pytest
from django.db import connection
from django.test import Client

from comments import services
from comments.models import Comment, CommentFlag, CommentStatus, CommentThread
from tests.comments.conftest import fetch_form, post
from tests.factories import CategoryFactory, CommentFactory, ReportFactory, jishou, update_comment_settings

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def fire_at_once(posts) -> list[int]:
    """Run the callables in threads released together; each thread has its own connection."""
    statuses, barrier = [], threading.Barrier(len(posts))

    def run(send):
        try:
            barrier.wait()
            statuses.append(send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(send,)) for send in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.fixture
def live_report(db):
    return ReportFactory(region=jishou(), category=CategoryFactory())


def test_same_captcha_answer_from_many_clients_makes_one_comment(live_report):
    data = fetch_form(Client(), live_report)
    # Different addresses and texts, so that only the captcha can stop the copies.
    posts = [
        lambda n=n: (
            post(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), live_report, {**data, "body": f"副本{n}"}).status_code
        )
        for n in range(THREADS)
    ]
    statuses = fire_at_once(posts)
    assert sorted(statuses) == [302] + [400] * (THREADS - 1)
    assert Comment.objects.count() == 1


def test_simultaneous_posts_from_one_address_pass_the_flood_limit_once(live_report):
    # Forms fetched from different addresses, so that each has a captcha of its own (one address is
    # shown its unanswered captcha again); the posts all come from one.
    forms = [fetch_form(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), live_report) for n in range(THREADS)]
    posts = [
        lambda n=n: post(Client(), live_report, {**forms[n], "body": f"第{n}条"}).status_code for n in range(THREADS)
    ]
    statuses = fire_at_once(posts)
    assert sorted(statuses) == [302] + [429] * (THREADS - 1)
    assert Comment.objects.count() == 1


def _flag(comment_id: int, ip: str) -> str:
    try:
        services.comment_flag_create(comment_id=comment_id, reason="abuse", ip=ip)
    except services.CommentRejected as rejection:
        return type(rejection).__name__
    return "stored"


def test_simultaneous_reports_from_one_reader_store_one(live_report):
    comment = CommentFactory(report=live_report)
    statuses = fire_at_once([lambda: _flag(comment.pk, "203.0.113.9") for _ in range(THREADS)])
    assert sorted(statuses) == ["AlreadyFlagged"] * (THREADS - 1) + ["stored"]
    assert CommentFlag.objects.count() == 1


def test_simultaneous_reports_reaching_the_threshold_hide_the_comment_once(live_report):
    update_comment_settings(flag_hide_threshold=3)
    comment = CommentFactory(report=live_report)
    statuses = fire_at_once([lambda n=n: _flag(comment.pk, f"203.0.113.{n + 1}") for n in range(THREADS)])
    # The third report hides it; later ones find nothing left to report.
    assert sorted(statuses) == ["CommentNotFlaggable"] * (THREADS - 3) + ["stored"] * 3
    assert CommentFlag.objects.count() == 3
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert CommentThread.objects.get(report=live_report).visible_count == 0
