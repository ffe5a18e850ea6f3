"""Reading-aids benchmark: what the table of contents costs an article miss, and what the region
chart's query costs a region page.

Usage (against the benchmark database, see README's Benchmarks):

    .venv/bin/python benchmarks/reading.py [--runs 300]

1. Article pages rendered in-process through Django's test client (middleware, prepared
   statements, templates), each at an address the page cache has never seen, so every one is a
   miss: the seed report (three sections, so a table of contents; added for the run and rolled
   back) and a generated report. Median and p95 in ms.
2. The body alone, in the same run: `as_paragraphs` (the article body before the table of
   contents) against `outline` (body and table of contents in one pass), as a ratio.
3. Region pages: the tally reads of the province, prefecture and county with the most reports,
   before (total + years: two queries) and after (the chart's one), with PostgreSQL's plan.

Absolute figures depend on the machine's load; the ratios are taken within one run.
"""

from __future__ import annotations

import argparse
import itertools
import time

from timing import setup_django, summary

ROUNDS = 5
_fresh = itertools.count()


def page_timings(client, url: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        address = f"{url}?fresh={next(_fresh)}"
        started = time.perf_counter()
        response = client.get(address)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and response.get("X-Page-Cache", "miss") == "miss", address
    return samples


def call_timings(function, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def line(label: str, samples: list[float]) -> str:
    median, p95 = summary(samples)
    return f"  {label:<48} median {median:7.3f} ms   p95 {p95:7.3f} ms"


def articles(options) -> None:
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from reports import demo, services
    from reports.models import Category, Region, Report, ReportStatus
    from reports.templatetags.report_tags import as_paragraphs

    try:
        from reports.outline import outline
    except ImportError:  # the code before the table of contents, for a before/after run
        outline = None

    client = Client()
    with transaction.atomic():
        seed = demo.read_seed()
        seed_report = services.report_create(
            title=f"{seed.title}（基准测试）",
            region=Region.objects.get(code=demo.SEED_REGION_CODE),
            category=Category.objects.get(slug=demo.SEED_CATEGORY),
            date=demo.SEED_DATE,
            body=seed.body,
            status=ReportStatus.PUBLISHED,
        )
        generated = Report.objects.published().exclude(pk=seed_report.pk).order_by("id").first()
        pages = {
            "seed article (table of contents)": seed_report.get_absolute_url(),
            "generated article": generated.get_absolute_url(),
        }
        for region, reports in busiest_places():
            pages[f"region page: {region.name} ({reports:,} reports)"] = region.get_absolute_url()
        samples = {label: [] for label in pages}
        for url in pages.values():
            page_timings(client, url, 5)  # warm connections, statements, templates
        # Alternate the pages in rounds, so that drift in the machine's load hits all alike.
        for _ in range(ROUNDS):
            for label, url in pages.items():
                samples[label] += page_timings(client, url, options.runs // ROUNDS)
        transaction.set_rollback(True)

    print(f"Page misses, {options.runs} each (database {settings.DATABASES['default']['NAME']}):")
    for label, values in samples.items():
        print(line(label, values))
    if outline is None:
        print("  (reports.outline is missing: this is the code before the table of contents)")
        return

    from django.template import engines
    from django.template.loader import get_template

    # The article's body as the template renders it: the markup before the table of contents, and
    # the include that replaced it (outline, include, table of contents).
    old_markup = engines["django"].from_string(
        '{% load report_tags %}<div class="article-body">\n    {{ report.paragraphs|as_paragraphs }}\n  </div>'
    )
    new_markup = get_template("includes/article_text.html")
    print("The article body alone, functions and as templates render it (same run, interleaved):")
    for label, report in (("seed", seed_report), ("generated", generated)):
        paragraphs = report.paragraphs
        runs = options.runs * 4 // ROUNDS
        timed = {"as_paragraphs": [], "outline": [], "template before": [], "template after": []}
        for _ in range(ROUNDS):
            timed["as_paragraphs"] += call_timings(lambda p=paragraphs: as_paragraphs(p), runs)
            timed["outline"] += call_timings(lambda p=paragraphs: outline(p), runs)
            timed["template before"] += call_timings(lambda r=report: old_markup.render({"report": r}), runs)
            timed["template after"] += call_timings(lambda r=report: new_markup.render({"report": r}), runs)
        for name, values in timed.items():
            print(line(f"{label}: {name}", values))
        for old, new in (("as_paragraphs", "outline"), ("template before", "template after")):
            ratio = summary(timed[new])[0] / summary(timed[old])[0]
            extra = summary(timed[new])[0] - summary(timed[old])[0]
            print(f"    {label}: {new} / {old}: {ratio:.2f}x, {extra * 1000:+.0f} µs")


def busiest_places():
    """The province, prefecture and county with the most published reports."""
    from django.db.models import Count

    from reports.models import Region, Report

    for column in ("province", "prefecture", "region"):
        busiest = (
            Report.objects.published()
            .filter(**{f"{column}__isnull": False})
            .values(column)
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list(column, "n")
            .first()
        )
        if busiest is not None:
            yield Region.objects.select_related("big_region").get(pk=busiest[0]), busiest[1]


def chart_query(options) -> None:
    from django.db import connection

    from reports import selectors

    if not hasattr(selectors, "region_tallies"):
        return
    print("Region pages' tally reads: the list's total and years (two queries before) vs the chart's")
    print("counts, from which the total and the years now come (one query):")
    for region, reports in busiest_places():

        def before(region=region):
            return selectors.ListFilter(region=region).total(), selectors.ListFilter(region=region).years()

        def after(region=region):
            counts = selectors.region_tallies(region)
            listed = selectors.ListFilter(region=region, region_counts=counts)
            return listed.total(), listed.years()

        assert before() == after()
        old, new = [], []
        for _ in range(ROUNDS):
            old += call_timings(before, options.runs // ROUNDS)
            new += call_timings(after, options.runs // ROUNDS)
        print(f"  {region.name} ({reports:,} reports):")
        print(line("total + years (before)", old))
        print(line("region_tallies (chart, total, years)", new))
        print(f"    ratio of medians {summary(new)[0] / summary(old)[0]:.2f}x")
        query = (
            selectors.ListFilter(region=region)
            .tallies()
            .filter(count__gt=0)
            .order_by()
            .values_list("year", "category")
            .annotate(total=selectors.Sum("count"))
        )
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
            for (row,) in cursor.fetchall():
                print(f"      {row}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    options = parser.parse_args()
    setup_django()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    # Time the page, not the static manifest (which needs collectstatic when DEBUG is off).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    articles(options)
    chart_query(options)


if __name__ == "__main__":
    main()
