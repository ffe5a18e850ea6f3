"""Open-data benchmark: API pages of 100 reports, uncached, and the bulk downloads' build.

Usage (after `generate_reports --count 1000000` into a database of its own):

    PORTAL_DB_NAME=portal_bench .venv/bin/python benchmarks/api.py [--runs 30] [--skip-downloads]

API: each path is requested through Django's test client (middleware, rate limit, queries, JSON)
with a session cookie, so that the page cache never answers and every sample is a miss; deep pages
are reached by a cursor in the middle of the list. The baseline, measured in the same run, is the
same client asking for /api/v1/areas/ (the request path and a tiny JSON, no report read); the ratio
is a path's p95 over the baseline's p95. The target is p95 ≤ 50 ms at a million reports.

Unless DJANGO_CACHE_URL names one, a throw-away Redis is started for the cache, as production has.
DEBUG is off (DJANGO_DEBUG=false, as in production) unless the environment says otherwise: with it
on, Django keeps a log of every query, which cost the search page 6 to 9 ms in one run.

Downloads: `manage.py build_downloads --force` in a child process writing into a temporary folder,
timed, with the child's peak resident memory (targets: whole corpus < 10 minutes, RSS ≤ 200 MB).
"""

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import PROJECT, setup_django, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-downloads", action="store_true", help="time the API only")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_DEBUG", "false")
    with contextlib.ExitStack() as stack:
        if not os.environ.get("DJANGO_CACHE_URL"):
            # As production has it: rate limit, versions and lookups in Redis, not in a database table.
            sys.path.insert(0, str(PROJECT))
            from tests.servers import redis_server

            os.environ["DJANGO_CACHE_URL"] = stack.enter_context(redis_server())
        run(arguments)


def run(arguments) -> None:
    runs = arguments.runs
    setup_django()
    import datetime

    from django.conf import settings
    from django.test import Client

    from opendata.params import Cursor
    from reports.models import Category, Region, Report

    settings.ALLOWED_HOSTS = ["*"]
    settings.API_RATE_LIMIT = 10**9
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "benchmark"  # never a page cache hit
    published = Report.objects.published()
    total = published.count()
    print(f"database {settings.DATABASES['default']['NAME']}: {total:,} published reports, {runs} runs each\n")

    province = Region.objects.get(code="43")
    county = Region.objects.filter(level=3, province=province).order_by("code").first() or Region.objects.get(code="43")
    category = Category.objects.get(slug="baogao")
    middle = published.order_by("-date", "-id").values_list("date", "id")[total // 2]
    middle_cursor = Cursor("date", middle).encode()
    oldest_change = published.order_by("updated_at", "id").values_list("updated_at", flat=True).first()
    sync_middle = published.order_by("updated_at", "id").values_list("updated_at", "id")[total // 2]
    sync_cursor = Cursor("sync", sync_middle).encode()
    since = (oldest_change - datetime.timedelta(seconds=1)).isoformat().replace("+", "%2B")
    year = middle[0].year
    paths = {
        "newest 100": "/api/v1/reports/?limit=100",
        "middle of all (cursor)": f"/api/v1/reports/?limit=100&cursor={middle_cursor}",
        "province 43": "/api/v1/reports/?limit=100&region=43",
        f"county {county.code}": f"/api/v1/reports/?limit=100&region={county.code}",
        "category + area": f"/api/v1/reports/?limit=100&category={category.slug}&area=huazhong",
        f"year {year}": f"/api/v1/reports/?limit=100&year={year}",
        "date range": f"/api/v1/reports/?limit=100&date_from={year}-03-01&date_to={year}-06-30",
        "province + category + year": f"/api/v1/reports/?limit=100&region=43&category={category.slug}&year={year}",
        "newest 100 with bodies": "/api/v1/reports/?limit=100&body=1",
        "sync from the start": f"/api/v1/reports/?limit=100&updated_since={since}",
        "sync, middle (cursor)": f"/api/v1/reports/?limit=100&updated_since={since}&cursor={sync_cursor}",
        "q=水库 (site search)": "/api/v1/reports/?limit=100&q=%E6%B0%B4%E5%BA%93",
        "one report with body": f"/api/v1/reports/{middle[1]}/",
        "regions with counts": "/api/v1/regions/",
    }

    def get(path: str):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")
        return response

    baseline_p50, baseline_p95 = summary(timed(lambda: get("/api/v1/areas/"), runs))
    print("API answers, uncached, milliseconds (baseline: /api/v1/areas/ through the same client)")
    print(f"{'path':32} {'rows':>5} {'p50':>8} {'p95':>8} {'p95/baseline':>13} {'≤ 50 ms':>8}")
    print(f"{'baseline /api/v1/areas/':32} {'':>5} {baseline_p50:8.1f} {baseline_p95:8.1f} {1:13.1f}")
    slowest = 0.0
    for name, path in paths.items():
        rows = len(get(path).json().get("results", [None]))
        p50, p95 = summary(timed(lambda path=path: get(path), runs))
        if rows == 100:  # the target's "API page of 100 reports" (not one report, not the regions tree)
            slowest = max(slowest, p95)
        verdict = "yes" if p95 <= 50 else "NO"
        print(f"{name:32} {rows:5} {p50:8.1f} {p95:8.1f} {p95 / baseline_p95:13.1f} {verdict:>8}")
    print(f"\nslowest p95 of the pages of 100 reports: {slowest:.1f} ms (target ≤ 50)\n")

    if not arguments.skip_downloads:
        downloads(total)


def downloads(total: int) -> None:
    with tempfile.TemporaryDirectory(prefix="opendata-bench-") as folder:
        env = {**os.environ, "DJANGO_OPENDATA_ROOT": folder}
        command = [sys.executable, "manage.py", "build_downloads", "--force"]
        started = time.monotonic()
        subprocess.run(command, cwd=PROJECT, env=env, check=True)
        elapsed = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        files = sorted(Path(folder).glob("reports-*.jsonl.gz"))
        sizes = {path.name: path.stat().st_size for path in files}
        biggest = max(sizes, key=sizes.get) if sizes else "-"
        print("bulk downloads (build_downloads --force, one child process)")
        print(f"  {len(files)} year files, {sum(sizes.values()) / 1e6:,.0f} MB compressed, largest {biggest}")
        print(f"  {elapsed:.1f} s for {total:,} reports ({total / elapsed:,.0f} reports/s)")
        print(f"  at this rate 1,000,000 reports take {1_000_000 / (total / elapsed) / 60:.1f} min (target < 10)")
        print(f"  peak resident memory of the child: {peak_mb:.0f} MB (target ≤ 200)")


if __name__ == "__main__":
    main()
