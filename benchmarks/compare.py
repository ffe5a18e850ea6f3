"""Compare-page benchmark: two 20,000-character reports side by side, rendered uncached.

Usage (against a database with regions and categories, e.g. after `make run` or load_demo):

    PORTAL_DB_NAME=portal .venv/bin/python benchmarks/compare.py [--runs 20] [--chars 20000]

Writes two reports of about --chars characters each to the seed's place (吉首市, 报告), a year
apart, of sentences recombined from the seed's clauses: the later one is the earlier with a third
of its paragraphs edited (a sentence or two rewritten), a tenth removed and a tenth new, as a
government report changes from one year to the next. Then it renders, through
Django's test client (middleware, queries, templates), each at an address the page cache has
never seen (the cost of a crawler's first visit; the comparison keeps nothing between requests):

* the article page of the later report (the baseline, in the same run);
* its compare page with the year before (target: under 150 ms);
* the worst case: two reports with no sentence in common (everything segmented and paired);

and the comparison alone (compare.selectors.comparison: alignment, words, chart), without the
page. Prints wall-clock medians and p95, their ratios to the article page, and the median CPU time
of this process (what other load on the machine distorts least). Everything it writes is rolled back.
"""

import argparse
import datetime
import itertools
import random
import re
import statistics
import sys
import time

from timing import setup_django, summary, timed

YEARS = (2040, 2041)  # far from real data, so that the pair is the only one of its years


def clause_pool(sentences: list[str]) -> list[str]:
    """The clauses of the seed's sentences: recombined, they make sentences that read like a report
    and rarely repeat (the seed has too few sentences to fill 20,000 characters on its own)."""
    clauses = {c.strip() for sentence in sentences for c in re.split(r"[，,；;。]", sentence)}
    return sorted(c for c in clauses if len(c) >= 4)


def sentence(rng: random.Random, clauses: list[str]) -> str:
    """A sentence of two to four clauses, its figures changed."""
    text = "，".join(rng.sample(clauses, rng.randint(2, 4))) + "。"
    return re.sub(r"\d+", lambda _: str(rng.randint(2, 9999)), text)


def paragraph(rng: random.Random, clauses: list[str]) -> list[str]:
    return [sentence(rng, clauses) for _ in range(rng.randint(3, 7))]


def first_year(rng: random.Random, clauses: list[str], chars: int) -> list[list[str]]:
    found, total = [], 0
    while total < chars:
        found.append(paragraph(rng, clauses))
        total += sum(map(len, found[-1]))
    return found


def next_year(rng: random.Random, older: list[list[str]], clauses: list[str]) -> list[list[str]]:
    """A third of the paragraphs edited (one or two sentences rewritten), a tenth dropped, a tenth new."""
    newer = []
    for sentences in older:
        roll = rng.random()
        if roll < 0.1:
            continue
        sentences = list(sentences)
        if roll < 0.43:
            for _ in range(rng.randint(1, 2)):
                sentences[rng.randrange(len(sentences))] = sentence(rng, clauses)
        newer.append(sentences)
        if rng.random() < 0.1:
            newer.append(paragraph(rng, clauses))
    return newer


def body(paragraphs: list[list[str]]) -> str:
    return "\n\n".join("".join(sentences) for sentences in paragraphs)


def cpu_median(function, runs: int) -> float:
    """Median milliseconds of this process's CPU time per call: what the page costs the worker, which
    other load on the machine inflates far less than the wall-clock time (database time not included)."""
    samples = []
    for _ in range(runs):
        started = time.process_time()
        function()
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--chars", type=int, default=20_000)
    options = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from compare import selectors
    from reports import demo, services
    from reports.models import Category, Region, ReportStatus

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    region = Region.objects.filter(code=demo.SEED_REGION_CODE).first()
    category = Category.objects.filter(slug=demo.SEED_CATEGORY).first()
    if region is None or category is None:
        sys.exit("no 吉首市 or no category baogao: run manage.py load_regions (and migrate) first")
    rng = random.Random(13)
    clauses = clause_pool(demo.seed_sentences())
    fresh = itertools.count()
    client = Client()

    def uncached(url: str) -> str:
        return f"{url}{'&' if '?' in url else '?'}fresh={next(fresh)}"

    def page(url: str):
        def fetch():
            response = client.get(uncached(url))
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    with transaction.atomic():

        def report(year: int, paragraphs: list[list[str]], title: str):
            return services.report_create(
                title=title,
                body=body(paragraphs),
                region=region,
                category=category,
                date=datetime.date(year, 2, 14),
                status=ReportStatus.PUBLISHED,
            )

        older_paragraphs = first_year(rng, clauses, options.chars)
        older = report(YEARS[0], older_paragraphs, "对比基准报告")
        newer = report(YEARS[1], next_year(rng, older_paragraphs, clauses), "对比基准报告")
        unlike = report(YEARS[0] - 1, first_year(random.Random(7), clauses, options.chars), "对比基准报告（全不相同）")
        compare_url = f"/{category.slug}/{region.big_region.slug}/{newer.pk}/duibi/"
        rows = [
            ("article page (baseline)", page(newer.get_absolute_url())),
            (f"compare page, {YEARS[0]} vs {YEARS[1]}", page(f"{compare_url}?year={YEARS[0]}")),
            ("compare page, no sentence in common", page(f"{compare_url}?year={YEARS[0] - 1}")),
        ]

        def engine():
            selectors.comparison(older, newer)

        rows.append(("comparison alone (no page)", engine))
        results = [
            (label, summary(timed(fetch, options.runs)), cpu_median(fetch, options.runs)) for label, fetch in rows
        ]
        transaction.set_rollback(True)

    sizes = f"{len(older.body):,} and {len(newer.body):,} characters, {len(unlike.body):,} for the unlike one"
    print(f"reports of {sizes}; {options.runs} runs each (database {settings.DATABASES['default']['NAME']})")
    print(f"{'':40} {'p50 ms':>8} {'p95 ms':>8} {'× article':>10} {'CPU p50 ms':>11}")
    baseline = results[0][1][0]
    for label, (median, p95), cpu in results:
        print(f"{label:40} {median:8.1f} {p95:8.1f} {median / baseline:9.1f}x {cpu:11.1f}")
    target = results[1][1][0]
    print(f"\ncompare page p50 {target:.1f} ms: {'within' if target < 150 else 'OVER'} the 150 ms target")


if __name__ == "__main__":
    main()
