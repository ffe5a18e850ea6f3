"""Article-page benchmark: the cost of the comment section.

Usage (against a database with demo content, e.g. after `make run` or load_demo):

    PORTAL_DB_NAME=dev_comments .venv/bin/python benchmarks/comments.py [--runs 50] [--comments 20]

Takes one published report, renders its article page through Django's test client (middleware,
queries, templates) without comments, then again with N approved comments (a quarter of them
replies), and prints the median and p95 render times, the query counts and the ratio. Everything
it writes is rolled back.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from timing import setup_django, summary

if TYPE_CHECKING:
    from django.test import Client

    from reports.models import Report

ROUNDS = 5


def count_queries(client: Client, url: str) -> int:
    from django.db import connection

    executed = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: executed.append(sql) or execute(sql, params, many, context)
    ):
        assert client.get(url).status_code == 200
    return len(executed)


def timings(client: Client, url: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def add_comments(report: Report, count: int) -> None:
    from comments.models import Comment, CommentStatus
    from comments.services import comment_threads_recount

    tops = count - count // 4
    threads = Comment.objects.bulk_create(
        Comment(report=report, nickname=f"读者{n}", body=f"第{n}条评论。" * 10, status=CommentStatus.APPROVED)
        for n in range(tops)
    )
    Comment.objects.bulk_create(
        Comment(report=report, parent=threads[n], nickname="回复者", body="同意。", status=CommentStatus.APPROVED)
        for n in range(count - tops)
    )
    comment_threads_recount(report_ids=[report.pk])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--comments", type=int, default=20)
    options = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from reports.models import Report

    settings.ALLOWED_HOSTS = ["*"]
    # Time the page, not the static manifest (which needs collectstatic when DEBUG is off).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    bare, full, queries = [], [], {}
    with transaction.atomic():
        report = Report.objects.published().filter(comments__isnull=True).order_by("id").first()
        if report is None:
            sys.exit("no published report without comments: load demo content first")
        url = report.get_absolute_url()
        client.get(url)  # warm caches and the connection
        # Alternate the two states in rounds, so that drift in machine load hits both alike.
        for _ in range(ROUNDS):
            bare += timings(client, url, options.runs // ROUNDS)
            queries["bare"] = count_queries(client, url)
            with transaction.atomic():
                add_comments(report, options.comments)
                full += timings(client, url, options.runs // ROUNDS)
                queries["full"] = count_queries(client, url)
                transaction.set_rollback(True)
        transaction.set_rollback(True)

    bare_median, full_median = summary(bare)[0], summary(full)[0]
    print(f"article {url}, {options.runs} runs each (database {settings.DATABASES['default']['NAME']})")
    for label, samples, count in (
        ("without comments", bare, queries["bare"]),
        (f"with {options.comments} approved comments", full, queries["full"]),
    ):
        median, p95 = summary(samples)
        print(f"  {label:<32} median {median:6.2f} ms   p95 {p95:6.2f} ms   {count} queries")
    print(f"  ratio of medians (with / without) {full_median / bare_median:.2f}x")


if __name__ == "__main__":
    main()
