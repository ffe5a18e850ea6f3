"""Bulk generation with the revision history in place: `generate_reports` as it ships (history
triggers installed, skipped for the load) against the same command with the triggers removed (the
code before the history: the baseline), and, for scale, with the triggers recording every row.

Usage:

    .venv/bin/python benchmarks/history_generate.py [--count 20000] [--rounds 3]

It uses a small database of its own (HISTORY_BENCH_DB_NAME, default portal_bench_history, on the
embedded server), created, migrated and given the regions on the first run. Each round runs the
three variants one after the other, in a rotating order, each on an empty reports table (truncated
before it), so that drift in machine load hits all alike. It prints each variant's median seconds
and reports/s, and the median over rounds of its time relative to the baseline of the same round.
The triggers are put back as the migrations have them before it exits.
"""

import argparse
import contextlib
import io
import os
import statistics
import time

from timing import setup_django

DEFAULT_DB_NAME = "portal_bench_history"
WARM_UP = 5_000
BASELINE = "without history triggers (before)"
SHIPPED = "with history, skipped (as shipped)"
RECORDED = "with history recorded per row"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20_000, help="reports per run (default 20,000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the three variants (default 2)")
    options = parser.parse_args()
    os.environ["PORTAL_DB_NAME"] = os.environ.get("HISTORY_BENCH_DB_NAME", DEFAULT_DB_NAME)
    setup_django()
    from django.core.management import call_command

    from reports.models import Region

    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)

    # The generator's first reports are slow (jieba's dictionary, the tokens of the seed sentences
    # memoised as they come): warm it up untimed.
    run(SHIPPED, WARM_UP, seed=99)
    variants = [BASELINE, SHIPPED, RECORDED]
    seconds: dict[str, list[float]] = {variant: [] for variant in variants}
    ratios: dict[str, list[float]] = {variant: [] for variant in variants}
    try:
        for number in range(options.rounds):
            order = variants[number % 3 :] + variants[: number % 3]
            taken = {variant: run(variant, options.count, seed=number) for variant in order}
            for variant in variants:
                seconds[variant].append(taken[variant])
                ratios[variant].append(taken[variant] / taken[BASELINE])
            print(f"round {number + 1}: " + ", ".join(f"{v}: {taken[v]:.1f} s" for v in variants), flush=True)
    finally:
        triggers(installed=True)
        empty()
    print(f"\ngenerate_reports --count {options.count:,}, {options.rounds} round(s), median:")
    print_table(variants, seconds, ratios, options.count)
    copy_only(variants, options.count, options.rounds)


def print_table(variants, seconds, ratios, count) -> None:
    for variant in variants:
        median = statistics.median(seconds[variant])
        print(
            f"  {variant:40} {median:7.2f} s  {count / median:8,.0f} reports/s  "
            f"× {statistics.median(ratios[variant]):.3f} of the baseline"
        )


def copy_only(variants: list[str], count: int, rounds: int) -> None:
    """The part the triggers touch, without the generator's Python work and its noise: the same
    rows copied in each variant, each copy rolled back."""
    from django.db import connection, transaction

    from reports import demo, services
    from reports.management.commands import generate_reports
    from reports.models import Category
    from revisions.services import history_not_recorded

    generator = demo.SyntheticReports(regions=demo.region_choices(), categories=list(Category.objects.all()), seed=7)
    places = services.place_names_by_region()
    now = "2026-01-01T00:00:00+00:00"
    documents = [generate_reports.Command._document(generator) for _ in range(count)]
    text = demo.copy_rows(generate_reports.document_rows(documents, places=places, now=now)).getvalue()
    statement = f"COPY reports_report ({', '.join(generate_reports.COLUMNS)}) FROM STDIN"
    seconds: dict[str, list[float]] = {variant: [] for variant in variants}
    ratios: dict[str, list[float]] = {variant: [] for variant in variants}
    try:
        for number in range(rounds * 2):
            taken = {}
            for variant in variants[number % 3 :] + variants[: number % 3]:
                empty()
                triggers(installed=variant != BASELINE)
                skip = history_not_recorded if variant == SHIPPED else contextlib.nullcontext
                with transaction.atomic():
                    with skip(), connection.cursor() as cursor:
                        started = time.perf_counter()
                        cursor.copy_expert(statement, io.StringIO(text))
                        taken[variant] = time.perf_counter() - started
                    transaction.set_rollback(True)
            for variant in variants:
                seconds[variant].append(taken[variant])
                ratios[variant].append(taken[variant] / taken[BASELINE])
    finally:
        triggers(installed=True)
    print(f"\nCOPY of the same {count:,} rows alone, {rounds * 2} round(s), median:")
    print_table(variants, seconds, ratios, count)


HISTORY_TRIGGERS = ("reports.Report:history_created", "reports.Report:history_changed")


def triggers(*, installed: bool) -> None:
    import pgtrigger

    (pgtrigger.install if installed else pgtrigger.uninstall)(*HISTORY_TRIGGERS)


def empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reports_report, reports_reporttally, revisions_reportchange CASCADE")


def run(variant: str, count: int, *, seed: int) -> float:
    from django.core.management import call_command

    from reports.management.commands import generate_reports

    empty()
    triggers(installed=variant != BASELINE)
    skip = generate_reports.history_not_recorded
    if variant == RECORDED:
        generate_reports.history_not_recorded = contextlib.nullcontext
    try:
        started = time.perf_counter()
        call_command("generate_reports", count=count, seed=seed, verbosity=0, stdout=io.StringIO())
        return time.perf_counter() - started
    finally:
        generate_reports.history_not_recorded = skip


if __name__ == "__main__":
    main()
