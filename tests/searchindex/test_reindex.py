"""manage.py reindex: selections, and resuming after the process was killed mid-way."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from reports import services
from reports.models import Report
from searchindex.models import ReindexRun, ReindexStatus
from searchindex.selectors import partition_of

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def reports():
    call_command("load_regions", verbosity=0)
    call_command("generate_reports", count=60, seed=5, workers=1, verbosity=0)
    for report in Report.objects.select_related("region__province", "region__prefecture"):
        services.report_save(report=report)
    return dict(Report.objects.values_list("pk", "search_vector"))


def stale() -> set[int]:
    return set(Report.objects.filter(search_vector__isnull=True).values_list("pk", flat=True))


@pytest.mark.django_db
def test_reindex_rebuilds_only_the_selected_reports(reports, capsys):
    Report.objects.update(search_vector=None)
    in_2020 = set(Report.objects.filter(date__year=2020).values_list("pk", flat=True))
    assert in_2020

    call_command("reindex", year=2020, workers=1)

    assert stale() == set(reports) - in_2020
    assert f"重建了 {len(in_2020)} 篇报告的索引" in capsys.readouterr().out
    assert ReindexRun.objects.get().status == ReindexStatus.FINISHED


@pytest.mark.django_db
def test_reindex_refuses_an_unknown_region_in_chinese(reports):
    with pytest.raises(CommandError, match="找不到行政区划代码为 999999 的地区"):
        call_command("reindex", region="999999")


def wait_for(condition, *, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def waiting_for_a_lock() -> bool:
    # Not from the holder's session: in a transaction, statistics views keep their first snapshot.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_reindex_killed_mid_way_resumes_where_it_stopped(reports, capsys):
    Report.objects.update(search_vector=None)
    order = sorted(Report.objects.values_list("pk", "date"), key=lambda row: (partition_of(row[1]), row[0]))
    blocked = order[30][0]  # half-way through, in the order reindex works (year partitions, then id)
    database = settings.DATABASES["default"]
    # Another session holds that row: the batch with it waits, after the batches before it committed.
    holder = psycopg2.connect(host=database["HOST"], user=database["USER"], dbname=database["NAME"])
    with holder.cursor() as cursor:
        cursor.execute("SELECT 1 FROM reports_report WHERE id = %s FOR UPDATE", [blocked])
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": f"postgres://{database['USER']}@/{database['NAME']}?host={database['HOST']}",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "reindex", "--batch", "10", "--workers", "1", "--verbosity", "0"],
        cwd=PROJECT,
        env=environment,
    )
    try:
        wait_for(waiting_for_a_lock)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        holder.rollback()
        holder.close()

    run = ReindexRun.objects.get()
    left = stale()
    assert blocked in left and 0 < run.done < 60
    assert (run.status, run.total) == (ReindexStatus.RUNNING, 60)
    assert left == {pk for pk, _ in order[run.done :]}  # everything before the checkpoint, nothing after

    call_command("reindex", batch=10, workers=1)

    output = capsys.readouterr().out
    assert f"继续上次中断的重建（all）：已完成 {run.done} 篇，还剩 {len(left)} 篇。" in output
    assert f"重建了 {len(left)} 篇报告的索引，其中 {len(left)} 篇有变化" in output
    assert dict(Report.objects.values_list("pk", "search_vector")) == reports
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == (ReindexStatus.FINISHED, 60, 60)


@pytest.mark.django_db
def test_restart_starts_over_instead_of_resuming(reports, capsys):
    interrupted = ReindexRun.objects.create(selection="all", partition=5, last_id=10**9, done=7)
    call_command("reindex", restart=True, workers=1)
    assert "继续" not in capsys.readouterr().out
    interrupted.refresh_from_db()
    assert interrupted.status == ReindexStatus.FINISHED
    assert ReindexRun.objects.latest("id").done == 60


def test_every_date_has_one_partition():
    assert partition_of(datetime.date(2023, 2, 14)) == partition_of(datetime.date(2023, 12, 31))
    assert partition_of(datetime.date(1999, 1, 1)) != partition_of(datetime.date(2040, 1, 1))
