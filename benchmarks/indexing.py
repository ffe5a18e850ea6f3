"""Indexing benchmark: reports/s of `generate_reports` and `reindex`, end to end, index builds included.

Usage (a database of its own, INDEXING_BENCH_DB_NAME, default portal_bench_indexing, dropped and
created afresh on the embedded server, so the figures are for an empty table):

    .venv/bin/python benchmarks/indexing.py --count 1000000 [--workers N] [--sample 20000]

In one run it measures:
1. the single-process baseline: `generate_reports --workers 1` on --sample reports (what the
   command did before the pool), then the table is emptied;
2. `generate_reports --count N` with the pool (one worker per core unless --workers);
3. every vector made stale (set to NULL and vacuumed, as after a dictionary upgrade; not timed),
   then `reindex --workers 1` on the first --sample reports (baseline) and `reindex` of the rest
   with the pool.
Each line gives wall-clock reports/s, the ratio to its baseline, and the CPU seconds per 1,000
reports spent by the command's processes and by PostgreSQL: on a busy machine the wall-clock rate
says more about the neighbours than about the code, while CPU per report does not (much), and
cores / CPU per report is what an idle machine of that many cores could reach at best.
The target is 5,000 reports/s for both at 1,000,000 reports.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from timing import PROJECT, setup_django

DEFAULT_DB_NAME = "portal_bench_indexing"
TICKS = os.sysconf("SC_CLK_TCK")


def cluster_cpu_seconds(pgdata: Path) -> float:
    """CPU time of the embedded PostgreSQL so far: the postmaster, the backends it has reaped and
    the ones still running (this benchmark has the cluster to itself)."""
    postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])

    def times(pid: int, fields: slice) -> float:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return sum(int(value) for value in stat.rsplit(")", 1)[1].split()[fields]) / TICKS

    total = times(postmaster, slice(11, 15))  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                if f"\nPPid:\t{postmaster}\n" in status:
                    total += times(int(entry.name), slice(11, 13))
            except OSError:
                continue  # gone meanwhile
    return total


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(*args: str) -> tuple[float, float, float]:
    """Run manage.py with these arguments; returns (wall seconds, client CPU s, server CPU s)."""
    from portal.devdb import data_dir

    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "portal.settings.local"}
    client, server, started = children_cpu_seconds(), cluster_cpu_seconds(data_dir()), time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args, "--verbosity", "0"], cwd=PROJECT, env=environment, check=True)
    elapsed = time.perf_counter() - started
    return elapsed, children_cpu_seconds() - client, cluster_cpu_seconds(data_dir()) - server


def line(label: str, count: int, measured: tuple[float, float, float], baseline: float | None = None) -> float:
    elapsed, client, server = measured
    rate = count / elapsed
    ratio = f"{rate / baseline:5.2f}×" if baseline else "  1.00×"
    per_thousand = (client + server) / count * 1000
    best = os.cpu_count() / ((client + server) / count)
    print(
        f"{label:<34} {count:>10,} {elapsed:>9.1f} s {rate:>9,.0f}/s {ratio:>7}"
        f"   CPU/1k: {client / count * 1000:5.2f} s + PG {server / count * 1000:5.2f} s = {per_thousand:5.2f} s"
        f"   idle {os.cpu_count()} cores ≤ {best:,.0f}/s"
    )
    return rate


def recreate_database(name: str) -> None:
    import psycopg2

    from portal.devdb import database_settings

    settings = database_settings("postgres")
    connection = psycopg2.connect(host=settings["HOST"], user=settings["USER"], dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="reports to generate and reindex (default 100,000)")
    parser.add_argument("--sample", type=int, default=10_000, help="reports for the single-process baselines")
    parser.add_argument("--workers", type=int, default=None, help="tokenising processes (default: one per core)")
    options = parser.parse_args()
    name = os.environ["PORTAL_DB_NAME"] = os.environ.get("INDEXING_BENCH_DB_NAME", DEFAULT_DB_NAME)
    sys.path.insert(0, str(PROJECT))
    recreate_database(name)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    call_command("load_regions", verbosity=0)
    connection.close()
    workers = ["--workers", str(options.workers)] if options.workers else []
    sample = min(options.sample, options.count)
    print(f"database {name}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start\n")

    baseline = line(
        "generate, 1 process (baseline)",
        sample,
        run_command("generate_reports", "--count", str(sample), "--seed", "2", "--workers", "1"),
    )
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reports_report, reports_reporttally CASCADE")
    connection.close()
    line(
        "generate, pool",
        options.count,
        run_command("generate_reports", "--count", str(options.count), "--seed", "1", *workers),
        baseline,
    )

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_report SET search_vector = NULL")
        cursor.execute("VACUUM ANALYZE reports_report")
        cursor.execute("SELECT id FROM reports_report ORDER BY id OFFSET %s LIMIT 1", [sample - 1])
        boundary = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM reports_report WHERE id > %s", [boundary])
        rest = cursor.fetchone()[0]
    connection.close()
    print(f"(every vector made stale in {time.perf_counter() - started:.1f} s, not counted)")
    baseline = line(
        "reindex, 1 process (baseline)",
        sample,
        run_command("reindex", "--to-id", str(boundary), "--workers", "1"),
    )
    line(
        "reindex, pool",
        rest,
        run_command("reindex", "--from-id", str(boundary + 1), *workers),
        baseline,
    )
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
