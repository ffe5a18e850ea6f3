"""List-page benchmark: how fast report lists are at the size of the database it runs against.

Usage (after `generate_reports --count 1000000` into a database of its own):

    PORTAL_DB_NAME=portal_bench .venv/bin/python benchmarks/lists.py [--runs 15]

For each list it times (1) the whole page through Django's test client (middleware, queries,
templates) and (2) just the page's rows the way the portal fetches them (total from
ReportTally, ids by index-only scan, read from the nearer end) against a naive baseline measured
in the same run (Django's Paginator: COUNT(*) plus OFFSET). It prints medians, p95 and the ratio.
"""

import argparse

from timing import first_middle_last, setup_django, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    setup_django()
    from django.conf import settings
    from django.core.paginator import Paginator
    from django.test import Client

    from reports.models import Category, Region, Report
    from reports.pagination import paginate
    from reports.selectors import ListFilter

    settings.ALLOWED_HOSTS = ["*"]
    per_page = settings.REPORTS_PER_PAGE
    total = Report.objects.published().count()
    print(f"database {settings.DATABASES['default']['NAME']}: {total:,} published reports, {runs} runs each\n")

    baogao = Category.objects.get(slug="baogao")
    hunan = Region.objects.select_related("big_region").get(code="43")
    jishou = Region.objects.select_related("big_region").get(code="433101")
    filters = {
        "/baogao/": ListFilter(category=baogao),
        "/baogao/huazhong/": ListFilter(category=baogao, big_region=hunan.big_region),
        "/diqu/huazhong/hunan/": ListFilter(region=hunan),
        "/diqu/huazhong/hunan/?category=baogao&year=2020": ListFilter(region=hunan, category=baogao, year=2020),
        "/diqu/huazhong/jishoushi/": ListFilter(region=jishou),
    }

    print("rows of one page: portal vs naive Paginator (COUNT(*) + OFFSET), milliseconds")
    print(f"{'list':52} {'page':>8} {'portal p50':>10} {'p95':>7} {'naive p50':>10} {'p95':>7} {'ratio':>7}")
    for path, list_filter in filters.items():
        count = list_filter.total()
        for number in first_middle_last(count, per_page):

            def portal(list_filter=list_filter, count=count, number=number):
                return list(paginate(list_filter.reports(), total=count, page=str(number), per_page=per_page))

            def naive(list_filter=list_filter, number=number):
                queryset = list_filter.reports().for_list().newest_first()
                return list(Paginator(queryset, per_page).get_page(number))

            ours, theirs = summary(timed(portal, runs)), summary(timed(naive, runs))
            print(
                f"{path:52} {number:>8,} {ours[0]:>10.1f} {ours[1]:>7.1f} {theirs[0]:>10.1f} {theirs[1]:>7.1f}"
                f" {theirs[0] / ours[0]:>6.1f}x"
            )

    client = Client()
    seed = Report.objects.published().select_related("category", "big_region").order_by("pk").first()
    pages = ["/", "/diqu/", "/diqu/huazhong/", *filters, seed.get_absolute_url()]
    print("\nwhole pages through Django (queries + templates), milliseconds")
    print(f"{'page':52} {'p50':>8} {'p95':>8}")
    for path in pages:
        for suffix in ("", "?page=999999"):
            url = path + (("&" if "?" in path else "?") + suffix[1:] if suffix else "")
            if suffix and path.endswith(".html"):
                continue

            def fetch(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            p50, p95 = summary(timed(fetch, runs))
            print(f"{url:52} {p50:>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
