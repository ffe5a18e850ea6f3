"""Comment load benchmark: many readers commenting at once on the site as production serves it.

Usage:

    .venv/bin/python benchmarks/comments_load.py [--readers 1500] [--concurrency 12] [--reports 300]

It uses a small database of its own (COMMENTS_LOAD_DB_NAME, default portal_bench_comments, on the
embedded server): created, migrated and given regions and a few hundred published reports on the
first run. It starts a throw-away Redis and gunicorn as benchmarks/http.py does
(portal.settings.production, 3 sync workers, plain http on a free loopback port), with
DJANGO_TRUSTED_PROXY_HEADER=X-Forwarded-For and COMMENTS_MIN_FILL_SECONDS=0, so that each simulated
reader is a distinct client address and may post as soon as the form is loaded. The flood limits
stay as the site's comment settings have them (one comment per address every 15 s by default).

Each reader does what the article's script does: fetches the tokens of the comment form of a random
report (a captcha, the form's stamp, the CSRF token and cookie: the form itself came with the cached
article), reads the captcha's answer from the store in the database, as a reader reads the image,
and posts. Most post once with the right answer (expected:
201); every 20th answers wrongly (400); every 20th posts a second comment right away, which the
flood limit refuses (429). It prints accepted comments per second over the whole run (target: at
least 100/s on the project's 2-core machine), the request rate and latencies, and then checks the
database: every accepted comment exists exactly once, with its reader's address; no refused one
exists. Any 5xx, unexpected status or failed check ends it with a non-zero exit.
"""

import argparse
import importlib.util
import json
import os
import random
import re
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from timing import BENCHMARKS, percentile, setup_django

DEFAULT_DB_NAME = "portal_bench_comments"
TARGET_PER_SECOND = 100
WARM_UP_READERS = 30
WARM_UP_FIRST = 250 * 65536  # readers numbered from here have addresses 10.250.… and above
BODY_PREFIX = "压力测试"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def _serving():
    """benchmarks/http.py's gunicorn helpers. Loaded under another name: imported as `http`, it
    would stand in for the standard library's package."""
    spec = importlib.util.spec_from_file_location("bench_http", BENCHMARKS / "http.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serving = _serving()
BenchmarkFailed = serving.BenchmarkFailed


@dataclass
class Outcome:
    """What the readers saw, gathered from every thread."""

    accepted: dict[str, str] = field(default_factory=dict)  # body -> reader's address
    refused: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=1500, help="simulated readers (default 1500)")
    parser.add_argument("--concurrency", type=int, default=12, help="readers at the same time (default 12)")
    parser.add_argument("--reports", type=int, default=300, help="published reports in its database (default 300)")
    options = parser.parse_args()
    os.environ["PORTAL_DB_NAME"] = os.environ.get("COMMENTS_LOAD_DB_NAME", DEFAULT_DB_NAME)
    setup_django()
    from django.conf import settings

    # A plain kill must still reach the finally blocks that stop gunicorn and Redis.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    paths = prepare_database(options.reports)
    environment = serving.production_environment(settings.DATABASES["default"])
    environment.update(
        {"DJANGO_TRUSTED_PROXY_HEADER": "X-Forwarded-For", "COMMENTS_MIN_FILL_SECONDS": "0"},
    )
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-comments-") as scratch:
        if "DJANGO_CACHE_URL" not in os.environ:
            from tests.servers import redis_server

            environment["DJANGO_CACHE_URL"] = stack.enter_context(redis_server())
        server = stack.enter_context(serving.gunicorn(environment, Path(scratch) / "gunicorn.log"))
        print_header(settings.DATABASES["default"]["NAME"], options, len(paths))
        # Workers boot and connect; addresses of their own, which the flood limit then holds for a while.
        load(server.port, paths, WARM_UP_READERS, options.concurrency, run="warm-up", first=WARM_UP_FIRST)
        run = secrets.token_hex(3)
        started = time.perf_counter()
        outcome = load(server.port, paths, options.readers, options.concurrency, run=run)
        elapsed = time.perf_counter() - started
    report(outcome, elapsed, options)
    verify(outcome, run)


def prepare_database(reports: int) -> list[str]:
    """Migrate, load regions and reports the first time; forget the comments of earlier runs (the
    flood limits count them). Returns the comment form paths of the published reports."""
    from django.core.management import call_command

    from comments import services
    from comments.models import Comment
    from reports.models import Region, Report

    call_command("migrate", verbosity=0)
    call_command("createcachetable")  # this process's cache; gunicorn's is the throw-away Redis
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    missing = reports - Report.objects.published().count()
    if missing > 0:
        call_command("generate_reports", count=missing, seed=1, verbosity=0)
    earlier = list(Comment.objects.filter(body__startswith=BODY_PREFIX).values_list("pk", flat=True))
    services.comments_delete(comment_ids=earlier)
    ids = Report.objects.published().order_by("pk").values_list("pk", flat=True)[:reports]
    return [f"/comments/{pk}/" for pk in ids]


def print_header(database: str, options: argparse.Namespace, reports: int) -> None:
    from comments.models import CommentSettings

    configuration = CommentSettings.current()
    print(
        f"database {database}: {reports} reports; {options.readers:,} readers, {options.concurrency} at a time\n"
        f"gunicorn: {serving.SETTINGS}, {serving.WORKERS} sync workers, client addresses by X-Forwarded-For;"
        f" moderation {configuration.moderation_mode}, one comment per address every"
        f" {configuration.min_interval_seconds} s, {configuration.hourly_limit} an hour",
        flush=True,
    )


def load(port: int, paths: list[str], readers: int, concurrency: int, *, run: str, first: int = 0) -> Outcome:
    outcome = Outcome()
    queue = iter(range(first, first + readers))
    queue_lock = threading.Lock()

    def work():
        from django.db import connection

        try:
            while True:
                with queue_lock:
                    number = next(queue, None)
                if number is None:
                    return
                reader(port, random.choice(paths), number, run, outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def reader(port: int, path: str, number: int, run: str, outcome: Outcome) -> None:
    """One reader: load the form, answer, post; every 20th answers wrongly, every 20th posts twice."""
    address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
    kind = {7: "wrong", 17: "twice"}.get(number % 20, "once")
    body = f"{BODY_PREFIX} {run} 第{number}位读者：建议把公交线路延伸到新区。"
    status = comment(port, path, address, body, outcome, wrong_answer=kind == "wrong")
    expect(outcome, status, 400 if kind == "wrong" else 201, body, address)
    if kind == "twice":
        again = f"{body}（补充）"
        expect(outcome, comment(port, path, address, again, outcome), 429, again, address)


def expect(outcome: Outcome, status: int, expected: int, body: str, address: str) -> None:
    with outcome.lock:
        outcome.statuses[status] += 1
        if status == 201:
            outcome.accepted[body] = address
        else:
            outcome.refused.append(body)
        if status != expected:
            outcome.unexpected.append(f"{body}: {status}, expected {expected}")


def comment(port: int, path: str, address: str, body: str, outcome: Outcome, *, wrong_answer: bool = False) -> int:
    from django.db import connection

    headers = {"X-Forwarded-For": address, "X-Requested-With": "XMLHttpRequest", "User-Agent": USER_AGENT}
    status, response_headers, text = request(port, "GET", f"{path}tokens/", headers)
    if status != 200:
        return status
    tokens = json.loads(text)
    cookie = re.search(r"csrftoken=([^;]+)", response_headers.get("set-cookie", ""))
    key = tokens["captcha"]["key"]
    with connection.cursor() as cursor:  # as a reader reads the image; plain SQL leaves the CPU to the server
        cursor.execute("SELECT response FROM captcha_captchastore WHERE hashkey = %s", [key])
        answer = (cursor.fetchone() or [""])[0]
    form = {
        "csrfmiddlewaretoken": tokens["csrf_token"],
        "stamp": tokens["stamp"],
        "captcha_0": key,
        "captcha_1": "wrong" if wrong_answer else answer,
        "nickname": f"读者{address.rsplit('.', 1)[-1]}",
        "body": body,
        "email": "",
        "website": "",
    }
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Cookie"] = f"csrftoken={cookie.group(1) if cookie else ''}"
    started = time.perf_counter()
    status, _, _ = request(port, "POST", path, headers, urlencode(form))
    with outcome.lock:
        outcome.post_ms.append((time.perf_counter() - started) * 1000)
        outcome.requests += 2
    return status


def request(port: int, method: str, path: str, headers: dict, body: str | None = None) -> tuple[int, dict, str]:
    import http.client  # only now: until setup_django() this very folder's http.py would be imported

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body.encode() if body else None, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        return response.status, {name.lower(): value for name, value in response.getheaders()}, text
    finally:
        connection.close()


def report(outcome: Outcome, elapsed: float, options: argparse.Namespace) -> None:
    accepted = len(outcome.accepted)
    rate = accepted / elapsed
    statuses = ", ".join(f"{status}: {count:,}" for status, count in sorted(outcome.statuses.items()))
    print(
        f"{accepted:,} comments accepted in {elapsed:.1f} s: {rate:,.0f} accepted comments/s"
        f" (target {TARGET_PER_SECOND}/s: {'met' if rate >= TARGET_PER_SECOND else 'NOT met'})\n"
        f"{outcome.requests / elapsed:,.0f} requests/s (form tokens and post); post latency p50"
        f" {statistics.median(outcome.post_ms):.1f} ms, p95 {percentile(outcome.post_ms, 0.95):.1f} ms\n"
        f"statuses: {statuses}",
        flush=True,
    )


def verify(outcome: Outcome, run: str) -> None:
    from comments.models import Comment

    server_errors = sum(count for status, count in outcome.statuses.items() if status >= 500)
    if server_errors:
        raise BenchmarkFailed(f"{server_errors} responses were 5xx")
    if outcome.unexpected:
        raise BenchmarkFailed(f"{len(outcome.unexpected)} unexpected answers, e.g. {outcome.unexpected[:3]}")
    stored = Counter(Comment.objects.filter(body__contains=f" {run} ").values_list("body", "ip"))
    twice = [body for (body, _), count in stored.items() if count > 1]
    missing = [body for body, address in outcome.accepted.items() if stored[(body, address)] != 1]
    present = [body for body in outcome.refused if any(body == stored_body for stored_body, _ in stored)]
    if twice or missing or present or sum(stored.values()) != len(outcome.accepted):
        raise BenchmarkFailed(
            f"database disagrees: {len(twice)} stored twice, {len(missing)} accepted but missing or under another"
            f" address, {len(present)} refused but stored, {sum(stored.values())} stored for"
            f" {len(outcome.accepted)} accepted"
        )
    print(
        f"checked: each of the {len(outcome.accepted):,} accepted comments stored once with its reader's address;"
        f" none of the {len(outcome.refused):,} refused ones stored; no 5xx"
    )


if __name__ == "__main__":
    try:
        main()
    except BenchmarkFailed as error:
        sys.exit(f"benchmarks/comments_load.py FAILED: {error}")
