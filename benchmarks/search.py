"""Search benchmark: how fast /search/ is at the size of the database it runs against.

Usage (after `generate_reports --count 1000000` into a database of its own):

    PORTAL_DB_NAME=portal_bench .venv/bin/python benchmarks/search.py [--runs 15]

For typical queries (2 to 7 characters, place + topic, with filters, by date, a later page) it
times the whole page through Django's test client (after one page, with what is loaded frozen as
portal/wsgi.py freezes it in production workers) and prints p50/p95 with the number of matches
(capped at RESULT_CAP, "5,000+"). As baselines measured in the same run it times a plain indexed lookup (the
newest 20 reports of a province, the way list pages read them) and, once, the naive alternative
a search replaces: `body LIKE '%…%'`. It also times the sitemap index, a 50,000-address sitemap
section and two feeds, and ends with the GIN index's size.
"""

import argparse
import gc
import statistics
import time
from urllib.parse import urlencode

from timing import setup_django, summary, timed

QUERIES = [
    {"q": "水库"},
    {"q": "茶旅"},
    {"q": "示范村"},
    {"q": "招商引资"},
    {"q": "大兴寨水库"},
    {"q": "乡村振兴示范村"},
    {"q": "吉首 招商引资"},
    {"q": "2023 统计公报 湖南"},
    {"q": "人民政府工作报告"},
    {"q": "GDP"},
    {"q": "水库", "category": "gongbao"},
    {"q": "招商引资", "area": "huazhong", "province": "hunan", "year": "2023"},
    {"q": "乡村振兴", "order": "date"},
    {"q": "大兴寨水库", "page": "5"},
]


def match_count(params: dict) -> str:
    """How many reports match, as the page says it: capped at RESULT_CAP ("5,000+")."""
    from django.db import transaction
    from django.http import QueryDict

    from search import matching
    from search.filters import SearchFilter
    from search.query import parse_query

    search_filter = SearchFilter.from_params(QueryDict(urlencode(params)))
    query = parse_query(params["q"])
    with transaction.atomic():  # the planner switches of the match pass are SET LOCAL
        total = matching.capped_count(query, search_filter)
    return capped_label() if total > matching.RESULT_CAP else f"{total:,}"


def capped_label() -> str:
    from search.matching import RESULT_CAP

    return f"{RESULT_CAP:,}+"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from reports.models import SEARCH_PARTITIONS, Region, Report

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.get("/search/?" + urlencode(QUERIES[0]))  # loads what a production worker has loaded
    gc.freeze()  # as portal/wsgi.py does in each production worker
    total = Report.objects.published().count()
    print(f"database {settings.DATABASES['default']['NAME']}: {total:,} published reports, {runs} runs each\n")

    hunan = Region.objects.provinces().get(slug="hunan")
    baseline = timed(
        lambda: list(Report.objects.published().filter(province=hunan).newest_first().values_list("id")[:20]), runs
    )
    base_p50, base_p95 = summary(baseline)
    print(f"baseline: newest 20 of a province by index   p50 {base_p50:7.1f} ms   p95 {base_p95:7.1f} ms\n")

    print(f"{'query':<48} {'matches':>9} {'p50 ms':>8} {'p95 ms':>8} {'p95/base':>9}")
    capped, capped_samples, all_samples = capped_label(), [], []
    for params in QUERIES:
        url = "/search/?" + urlencode(params)
        samples = timed(lambda url=url: client.get(url), runs)
        assert client.get(url).status_code == 200
        count = match_count(params)
        p50, p95 = summary(samples)
        label = " ".join(f"{k}={v}" for k, v in params.items())
        print(f"{label:<48} {count:>9} {p50:8.1f} {p95:8.1f} {p95 / base_p95:8.0f}×")
        all_samples += samples
        if count == capped:
            capped_samples += samples
    p50, p95 = summary(all_samples)
    print(f"\nall queries:            p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    if capped_samples:
        p50, p95 = summary(capped_samples)
        verdict = "within" if p95 < 200 else "OVER"
        print(f"capped ({capped}) ones:  p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({verdict} the 200 ms target)")

    print()
    for url in ("/sitemap.xml", "/sitemap-reports.xml?p=10", "/rss/", "/rss/diqu/huazhong/hunan/"):
        samples = timed(lambda url=url: client.get(url), 3)
        print(f"{url:<32} p50 {statistics.median(samples):8.1f} ms")

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "SELECT id FROM reports_report WHERE status = 'published' AND NOT is_restricted "
            "AND body LIKE %s ORDER BY date DESC, id DESC LIMIT 20",
            ["%大兴寨水库%"],
        )
        cursor.fetchall()
        print(f"naive body LIKE '%大兴寨水库%' (once):  {(time.perf_counter() - started) * 1000:,.0f} ms")
        cursor.execute(
            "SELECT sum(pg_relation_size(indexrelid)), pg_relation_size('reports_report'), "
            "pg_total_relation_size('reports_report') FROM pg_index WHERE indexrelid::regclass::text = ANY(%s)",
            [[partition.name for partition in SEARCH_PARTITIONS]],
        )
        index_size, heap_size, total_size = cursor.fetchone()
    mb = 1024 * 1024
    print(f"\nGIN indexes ({len(SEARCH_PARTITIONS)} year partitions): {index_size / mb:,.0f} MB")
    print(f"reports_report: heap {heap_size / mb:,.0f} MB, with TOAST and indexes {total_size / mb:,.0f} MB")


if __name__ == "__main__":
    main()
