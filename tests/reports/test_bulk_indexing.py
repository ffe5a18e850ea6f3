"""Generate, import and reindex tokenise in a pool of processes, and store exactly the vectors that
saving one report stores (reports.services.report_save) for the same text.

These tests commit (transaction=True): the pool's workers have connections of their own and only
see committed rows.
"""

import asyncio
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from reports import services
from reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def stored_vectors() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, search_vector::text FROM reports_report ORDER BY id")
        return dict(cursor.fetchall())


def vectors_of_a_single_save() -> dict[int, str]:
    """Every report saved again, one at a time, through the path the admin uses."""
    for report in Report.objects.select_related("region__province", "region__prefecture"):
        services.report_save(report=report)
    return stored_vectors()


@pytest.fixture
def regions():
    call_command("load_regions", verbosity=0)


def test_generate_with_a_pool_stores_the_single_save_vectors(regions):
    call_command("generate_reports", count=120, seed=3, batch=20, workers=2, verbosity=0)
    generated = stored_vectors()
    assert len(generated) == 120 and all(generated.values())
    assert generated == vectors_of_a_single_save()


def test_import_with_a_pool_stores_the_single_save_vectors(regions, tmp_path):
    rows = [
        {"title": f"吉首市{year}年乡村振兴工作报告", "region": "433101", "category": "baogao", "date": f"{year}-03-01",
         "body": "湘西州深化放管服改革，一网通办。大兴寨水库全面动工。2023年GDP增长7.5%。"}
        for year in range(2001, 2031)
    ]  # fmt: skip
    rows.append(
        {"title": "泸溪县统计公报", "region": "433122", "category": "gongbao", "date": "2024-01-02", "body": "ＡＢＣ"}
    )
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    call_command("import_reports", str(path), workers=2, verbosity=0)
    imported = stored_vectors()
    assert len(imported) == len(rows) and all(imported.values())
    assert imported == vectors_of_a_single_save()


def test_reindex_with_a_pool_rebuilds_the_single_save_vectors(regions, capsys):
    call_command("generate_reports", count=90, seed=4, workers=1, verbosity=0)
    expected = vectors_of_a_single_save()
    Report.objects.filter(pk__in=list(expected)[::2]).update(search_vector=None)

    call_command("reindex", batch=7, workers=2)

    assert stored_vectors() == expected
    assert "重建了 90 篇报告的索引，其中 45 篇有变化" in capsys.readouterr().out


def test_workers_never_use_a_connection_the_parent_left_open_elsewhere(regions, monkeypatch):
    """Django keeps a thread's connections apart from those of an event loop running in it (the
    browser tests run Playwright's). A command run under a loop closes the loop's connection before
    forking, but a forked worker has no running loop and so sees the thread's, still open: both
    workers used the parent's socket at once, and their queries failed."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    failures = []

    async def under_an_event_loop():
        try:
            call_command("generate_reports", count=120, seed=3, batch=20, workers=2, verbosity=0)
        finally:
            connections.close_all()  # the loop's connection, which would outlive the test

    def in_a_thread_of_its_own():  # free of any loop this test's thread may run already
        try:
            Report.objects.exists()  # the thread's own connection, left open
            asyncio.run(under_an_event_loop())
        except Exception as error:  # reported by the test thread
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=in_a_thread_of_its_own)
    thread.start()
    thread.join()

    assert failures == []
    assert len(stored_vectors()) == 120
    assert stored_vectors() == vectors_of_a_single_save()
