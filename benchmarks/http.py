"""HTTP benchmark: the portal as production serves it, against a static file of the same size.

Usage (wrk from Debian's package; the database is named by PORTAL_DB_NAME, default portal_bench):

    PORTAL_DB_NAME=portal .venv/bin/python benchmarks/http.py [--seconds 10] [--rounds 2]

It runs collectstatic and starts gunicorn (3 sync workers, portal.settings.production, plain http on
a free loopback port, the same database as the development settings), fetches one article and puts
its HTML into STATIC_ROOT, where whitenoise serves it from the same workers: the baseline, byte for
byte the article's size. wrk (16 connections, 2 threads, benchmarks/http.lua) then loads each path
in rounds that alternate with the baseline (static, path, static, path, static …), so that drift in
machine load hits both alike. Paths: one article again and again; random articles out of 10,000;
the first, middle and last page of /baogao/; the province with most reports; the home page; and the
article revalidated with the ETag (or Last-Modified) it was served with, expecting 304.

For each path it prints the median over its rounds of req/s, of the ratio to the baseline's req/s in
the rounds either side, of p50 and of p99; then each worker's resident memory. It stops with a
non-zero exit and says why as soon as any response is not 200 (304 for the revalidation).
"""

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from timing import PROJECT, first_middle_last, setup_django

SETTINGS = "portal.settings.production"
WORKERS = 3
CONNECTIONS = 16
THREADS = 2
RANDOM_ARTICLES = 10_000
LUA_SCRIPT = Path(__file__).resolve().with_suffix(".lua")
BASELINE_NAME = "bench-http-baseline.html"


class BenchmarkFailed(Exception):
    """The server answered or behaved otherwise than the benchmark requires; the message says how."""


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    expect: int = 200
    headers: tuple[str, ...] = ()
    paths_file: str = ""  # a file of paths, one a line, asked for in turn instead of `path`
    cold: bool = False  # each round starts with an empty page cache: every request is a miss


@dataclass(frozen=True)
class Round:
    rps: float
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen
    port: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk round (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per path, each between two static ones")
    options = parser.parse_args()
    setup_django()
    from django.conf import settings

    # A plain kill must still reach the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    environment = production_environment(settings.DATABASES["default"])
    with ExitStack() as stack:
        if "DJANGO_CACHE_URL" not in environment:
            from tests.servers import redis_server

            # Production's page cache is Redis or Valkey: a throw-away one unless one is named.
            environment["DJANGO_CACHE_URL"] = stack.enter_context(redis_server())
        run(options, environment)


def run(options: argparse.Namespace, environment: dict[str, str]) -> None:
    from django.conf import settings

    baseline_file = Path(settings.STATIC_ROOT) / BASELINE_NAME
    baseline = Target("static file (the baseline)", settings.STATIC_URL + BASELINE_NAME)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as scratch:
        article, targets = page_targets(Path(scratch))
        print_header(settings.DATABASES["default"]["NAME"], options)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=PROJECT,
            env=environment,
            check=True,
        )
        log = Path(scratch) / "gunicorn.log"
        try:
            # whitenoise lists STATIC_ROOT when a worker starts, so the baseline is written between two starts.
            with gunicorn(environment, log) as server:
                body = fetch(server.port, article.path, expect=200)[1]
            baseline_file.write_bytes(body)
            with gunicorn(environment, log) as server:
                if len(fetch(server.port, baseline.path, expect=200)[1]) != len(body):
                    raise BenchmarkFailed(f"{baseline.path} is not served at the article's size")
                # The validator of this server's page: its absolute links name its port.
                revalidation = revalidation_target(article, fetch(server.port, article.path, expect=200)[0])
                targets += [revalidation] if revalidation else []
                print(f"article {article.path}: {len(body):,} bytes, so is the baseline\n", flush=True)
                empty_cache = page_cache_emptier(environment["DJANGO_CACHE_URL"])
                measure(server.port, baseline, targets, options.seconds, options.rounds, empty_cache)
                if revalidation is None:
                    print(f"{'article revalidation (304)':<44} not available: no ETag, no Last-Modified")
                print_memory(server.process.pid)
        finally:
            baseline_file.unlink(missing_ok=True)


def production_environment(database: dict) -> dict[str, str]:
    """What portal.settings.production requires, for plain http on loopback, on the benchmark's database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SITE_URL": "http://127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # django-environ puts ?host= into OPTIONS, where psycopg takes it for the embedded server's socket directory.
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"postgres://{database['USER']}@/{database['NAME']}?host={quote(database['HOST'])}",
    }


def page_targets(scratch: Path) -> tuple[Target, list[Target]]:
    """The article that is fetched again and again, and every path to measure but its revalidation."""
    from django.conf import settings

    from reports.models import Category, Report
    from reports.selectors import ListFilter, big_regions_with_provinces

    reports = Report.objects.published().select_related("category", "big_region")
    first = reports.order_by("pk").first()
    if first is None:
        raise BenchmarkFailed("no published reports: load demo content or run generate_reports first")
    article = Target(f"one article, hit {first.get_absolute_url()}", first.get_absolute_url())
    sample = reports.only("id", "category__slug", "big_region__slug").order_by("?")[:RANDOM_ARTICLES]
    paths = [report.get_absolute_url() for report in sample]
    paths_file = scratch / "articles.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    random_articles = Target(
        f"distinct articles, miss (of {len(paths):,})", article.path, paths_file=str(paths_file), cold=True
    )

    category = Category.objects.get(slug="baogao")
    url = category.get_absolute_url()
    pages = first_middle_last(ListFilter(category=category).total(), settings.REPORTS_PER_PAGE)
    lists = [
        Target(f"{url} page {number:,} of {pages[-1]:,}", url + (f"?page={number}" if number > 1 else ""))
        for number in pages
    ]
    provinces = [province for _, provinces in big_regions_with_provinces() for province in provinces]
    province = max(provinces, key=lambda province: province.report_count)
    return article, [
        article,
        random_articles,
        *lists,
        Target(f"province {province.get_absolute_url()}", province.get_absolute_url()),
        Target("home /", "/"),
    ]


def revalidation_target(article: Target, headers: dict[str, str]) -> Target | None:
    """The article asked for again with the validator it came with, expecting 304; None without one."""
    if "etag" in headers:
        return Target("article revalidation (If-None-Match)", article.path, 304, (f"If-None-Match: {headers['etag']}",))
    if "last-modified" in headers:
        condition = f"If-Modified-Since: {headers['last-modified']}"
        return Target("article revalidation (If-Modified-Since)", article.path, 304, (condition,))
    return None


def print_header(database_name: str, options: argparse.Namespace) -> None:
    from reports.models import Report

    print(
        f"database {database_name}: {Report.objects.published().count():,} published reports\n"
        f"gunicorn: {SETTINGS}, {WORKERS} sync workers; wrk: {CONNECTIONS} connections, {THREADS} threads,"
        f" {options.rounds} rounds of {options.seconds} s per path, alternating with the baseline",
        flush=True,
    )


@contextmanager
def gunicorn(environment: dict[str, str], log: Path) -> Iterator[Server]:
    """gunicorn on a free loopback port, stopped on the way out whatever happened."""
    port = free_port()
    command = [Path(sys.executable).parent / "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}"]
    # No control socket: its one default path in $HOME would be fought over by any other gunicorn.
    command += ["--workers", str(WORKERS), "--worker-class", "sync", "--no-control-socket"]
    with log.open("ab") as output:
        # A session of its own: the terminal's Ctrl-C reaches only this script, which stops the whole group.
        process = subprocess.Popen(
            command, cwd=PROJECT, env=environment, stdout=output, stderr=output, start_new_session=True
        )
    try:
        wait_until_listening(process, port)
        yield Server(process, port)
    except BenchmarkFailed as error:
        raise BenchmarkFailed(f"{error}\n--- end of {log.name} ---\n{tail(log)}") from None
    finally:
        stop(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(process: subprocess.Popen, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkFailed(f"gunicorn exited with status {process.returncode}")
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise BenchmarkFailed(f"gunicorn did not listen on port {port} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """TERM (gunicorn's graceful shutdown), then KILL whatever is left of its process group."""
    if process.poll() is None:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=35)  # gunicorn gives workers 30 s to finish
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def fetch(port: int, path: str, *, expect: int) -> tuple[dict[str, str], bytes]:
    """Headers (names in lower case) and body of one GET, which must answer `expect`; redirects are not followed."""
    import http.client  # only now: until setup_django() this very file would be imported as `http`

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)  # the first request waits for a worker
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        headers, body = {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()
    if response.status != expect:
        raise BenchmarkFailed(f"GET {path} answered {response.status}, not {expect}")
    return headers, body


def wrk(port: int, target: Target, seconds: int) -> Round:
    wait_until_idle(port)
    command = ["wrk", f"--threads={THREADS}", f"--connections={CONNECTIONS}", f"--duration={seconds}s"]
    command += ["--timeout=30s", f"--script={LUA_SCRIPT}", *[f"--header={header}" for header in target.headers]]
    environment = {**os.environ, "BENCH_HTTP_PATHS": target.paths_file}
    finished = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{target.path}"], capture_output=True, text=True, env=environment
    )
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if finished.returncode or not lines:
        raise BenchmarkFailed(f"wrk failed on {target.path}: {finished.stderr or finished.stdout}")
    result = json.loads(lines[-1])
    wrong = {status: count for status, count in result["statuses"].items() if int(status) != target.expect}
    errors = {name: count for name, count in result["errors"].items() if count}
    if wrong or errors or not result["requests"]:
        raise BenchmarkFailed(
            f"{target.label}: expected only {target.expect}, got statuses {result['statuses']},"
            f" socket errors {errors or 'none'}, {result['requests']} responses"
        )
    return Round(result["requests"] / result["duration_us"] * 1e6, result["p50_us"] / 1000, result["p99_us"] / 1000)


def wait_until_idle(port: int, timeout: float = 120) -> None:
    """Until no connection to the server is open. When wrk's time is up it closes its connections, but the
    requests they had sent are still served, and would be during the next round, which would pay for them."""
    busy = {"01", "03", "08"}  # ESTABLISHED, SYN_RECV, CLOSE_WAIT: not yet answered and closed by a worker
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sockets = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
        if not any(int(local.split(":")[1], 16) == port and state in busy for _, local, _, state, *_ in sockets):
            return
        time.sleep(0.05)
    raise BenchmarkFailed(f"connections to port {port} still open after {timeout:.0f} s")


def page_cache_emptier(url: str):
    """Empties the servers' shared cache, so that a cold round measures misses only."""
    import environ
    from django.core.cache import CacheHandler

    config = environ.Env.cache_url_config(url)
    return lambda: CacheHandler({"default": config})["default"].clear()


def measure(port: int, baseline: Target, targets: list[Target], seconds: int, rounds: int, empty_cache) -> None:
    """Alternate rounds of each target with rounds of the baseline and print a row per target as it ends."""
    # Every worker boots, connects and renders once before anything counts.
    for target in (baseline, targets[0]):
        wrk(port, target, min(seconds, 2))
    print(f"{'path':<44} {'req/s':>8} {'static':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8}")
    statics = [wrk(port, baseline, seconds)]
    for target in targets:
        results, ratios, neighbours = [], [], []
        if not target.cold:
            # A hit round measures hits: the cold round before emptied the cache, and 16 connections
            # asking at once for a page no worker has rendered measure a stampede instead.
            fetch(port, target.path, expect=200)
        for _ in range(rounds):
            if target.cold:
                empty_cache()
            results.append(wrk(port, target, seconds))
            statics.append(wrk(port, baseline, seconds))
            neighbours.append(statistics.mean(static.rps for static in statics[-2:]))
            ratios.append(results[-1].rps / neighbours[-1])
        print_row(target.label, results, statistics.median(neighbours), statistics.median(ratios))
    print_row(f"{baseline.label}, all rounds", statics, statistics.median(static.rps for static in statics), 1.0)


def print_row(label: str, results: list[Round], static_rps: float, ratio: float) -> None:
    rps = statistics.median(result.rps for result in results)
    p50 = statistics.median(result.p50_ms for result in results)
    p99 = statistics.median(result.p99_ms for result in results)
    print(f"{label:<44} {rps:>8,.0f} {static_rps:>8,.0f} {ratio:>6.2f} {p50:>8.1f} {p99:>8.1f}", flush=True)


def print_memory(master: int) -> None:
    """Resident memory of each worker (the master's children) after the load, from /proc."""
    workers = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in workers:
        status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
        sizes.append(int(status["VmRSS"].split()[0]) / 1024)
    listed = ", ".join(f"{pid} {size:.0f} MB" for pid, size in zip(workers, sizes, strict=True))
    print(f"\nworker RSS after the load: {listed} (total {sum(sizes):.0f} MB)")


if __name__ == "__main__":
    try:
        main()
    except BenchmarkFailed as error:
        sys.exit(f"benchmarks/http.py FAILED: {error}")
