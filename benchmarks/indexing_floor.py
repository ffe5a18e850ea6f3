"""The indexing floor: the fastest any bulk path (generate, import, reindex) could go on this machine.

Usage (a database that holds at least one full year of reports, default portal_bench):

    PORTAL_DB_NAME=portal_bench .venv/bin/python benchmarks/indexing_floor.py [--year 2020] [--sample 5000]

Whatever the code around them, every report indexed costs at least three things that cannot be
skipped: segmenting its text (`reports.indexing.segment`, jieba-rs, the tokeniser of index and
query alike), writing its row, and its share of the year's GIN search index, which PostgreSQL 16
builds on one core per index. This script measures each alone and warm, on one year of stored reports:

1. `segment()` of the title and body of --sample reports, in this one process; and, not part of
   the floor, the whole of `document_vector()` (bigrams, positions, the vector's text) on the same
   texts, their places left out: what the code spends today;
2. COPY of the sample's rows, vectors included, into an empty unlogged copy of the table without
   indexes, from a file written beforehand (not timed): the cheapest way rows go in;
3. building the year's search index again, exactly as the migration defines it (read from
   `pg_get_indexdef`, under another name, dropped afterwards), with maintenance_work_mem at 2 GB,
   after one read of the year's vectors so that the disk does not count.

It prints the CPU milliseconds per report of each and the best rate their sum allows with every
core busy (years built side by side, one per core): an upper bound, since the other indexes, the
tallies, the transactions and all coordination are left out.
"""

import argparse
import os
import tempfile
import time

from timing import setup_django

TARGET_PER_SECOND = 5_000
GIN_MEMORY = "2GB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, default=2020, help="the year whose search index is rebuilt (default 2020)")
    parser.add_argument("--sample", type=int, default=5_000, help="reports segmented (default 5,000)")
    options = parser.parse_args()
    setup_django()
    from django.db import connection

    from reports import indexing

    index = f"report_search_{options.year}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [index])
        definition = cursor.fetchone()[0]
        year_filter = "date >= make_date(%s, 1, 1) AND date < make_date(%s + 1, 1, 1)"
        year = [options.year] * 2
        cursor.execute(f"SELECT count(*), sum(length(search_vector)) FROM reports_report WHERE {year_filter}", year)
        reports, lexemes = cursor.fetchone()
        cursor.execute(
            f"SELECT title, body FROM reports_report WHERE {year_filter} ORDER BY id LIMIT %s",
            [*year, options.sample],
        )
        texts = cursor.fetchall()
    if not reports or len(texts) < options.sample:
        raise SystemExit(f"{connection.settings_dict['NAME']} has too few reports of {options.year}")

    indexing.segment("预热")  # the dictionary loads once per process, not per report
    started = time.process_time()
    for title, body in texts:
        indexing.segment(title)
        indexing.segment(body)
    segment_ms = (time.process_time() - started) / len(texts) * 1000
    started = time.process_time()
    for title, body in texts:
        indexing.document_vector(title=title, places=(), body=body)
    vector_ms = (time.process_time() - started) / len(texts) * 1000

    copy_ms = _copy_ms(connection, year_filter, options)

    probe = f"{index}_floor_probe"
    build = definition.replace(f"INDEX {index} ON", f"INDEX {probe} ON", 1)
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{GIN_MEMORY}'")
        cursor.execute(f"DROP INDEX IF EXISTS {probe}")
        cursor.execute(f"SELECT sum(length(search_vector)) FROM reports_report WHERE {year_filter}", year)
        started = time.perf_counter()
        try:
            cursor.execute(build)
            gin_seconds = time.perf_counter() - started
        finally:
            cursor.execute(f"DROP INDEX IF EXISTS {probe}")
    gin_ms = gin_seconds / reports * 1000

    cores = os.cpu_count()
    per_report = segment_ms + copy_ms + gin_ms
    best = cores * 1000 / per_report
    print(
        f"database {connection.settings_dict['NAME']}, {cores} cores; year {options.year}: {reports:,} reports,"
        f" {lexemes:,} lexemes ({lexemes / reports:,.0f} a report)\n"
        f"segment title and body ({len(texts):,} reports)   {segment_ms:6.3f} ms CPU a report"
        f" (the whole vector today: {vector_ms:.3f} ms, not counted)\n"
        f"COPY the rows in, no index            {copy_ms:6.3f} ms a report\n"
        f"build the year's GIN search index     {gin_ms:6.3f} ms CPU a report ({gin_seconds:.1f} s on one core)\n"
        f"the three, every core busy            at best {best:,.0f} reports/s"
        f" (target {TARGET_PER_SECOND:,}/s: {'within reach' if best >= TARGET_PER_SECOND else 'out of reach'})"
    )


def _copy_ms(connection, year_filter: str, options: argparse.Namespace) -> float:
    with tempfile.TemporaryFile() as rows, connection.cursor() as cursor:
        query = cursor.mogrify(
            f"SELECT * FROM reports_report WHERE {year_filter} ORDER BY id LIMIT %s",
            [options.year, options.year, options.sample],
        ).decode()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT", rows)
        cursor.execute("CREATE UNLOGGED TABLE indexing_floor_probe (LIKE reports_report)")
        try:
            rows.seek(0)
            started = time.perf_counter()
            cursor.copy_expert("COPY indexing_floor_probe FROM STDIN", rows)
            return (time.perf_counter() - started) / options.sample * 1000
        finally:
            cursor.execute("DROP TABLE indexing_floor_probe")


if __name__ == "__main__":
    main()
