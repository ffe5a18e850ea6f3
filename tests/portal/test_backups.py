"""The restore drill: back up, lose the database and the uploads, restore, and find everything as
it was. Run on the test database of the embedded server (never the development database), with
committed data, since pg_dump sees only what is committed."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from comments.models import Comment
from portal import backups
from reports.models import Report
from takedowns.models import TakedownNotice
from tests.factories import CommentFactory, ReportFactory, TakedownNoticeFactory
from tests.takedowns.helpers import PDF, pdf

EVIDENCE = PDF + "证据：某某统计年鉴第 12 页扫描件。".encode()


@pytest.fixture(autouse=True)
def places(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings


@pytest.fixture
def schema_back_if_lost(django_db_blocker):
    """A failed drill must not leave the rest of the suite without tables."""
    yield
    with django_db_blocker.unblock():
        if "django_migrations" not in connection.introspection.table_names():
            call_command("migrate", verbosity=0)


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def drop_every_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_brings_back_every_row_and_every_upload(region, category, schema_back_if_lost):
    body = "  （一）全年地区生产总值 1234.5 亿元，增长 6.5%。\n\n  （二）城镇新增就业 1.2 万人。"
    reports = [ReportFactory(region=region, category=category, body=body if n == 0 else "  正文。") for n in range(3)]
    report = reports[0]
    comment = CommentFactory(report=report, body="数据很详细，谢谢整理。")
    notice = TakedownNoticeFactory(report=reports[1], attachments=[pdf("版权证明.pdf", EVIDENCE)])
    attachment = notice.attachments.get()
    attachment_path = Path(settings.PRIVATE_MEDIA_ROOT) / attachment.file.name
    assert attachment_path.read_bytes() == EVIDENCE
    counts = row_counts()
    assert counts["reports_report"] == 3 and counts["comments_comment"] == 1 and counts["takedowns_takedownnotice"] == 1

    call_command("backup", verbosity=0)
    (backup,) = backups.backups_list()

    drop_every_table()
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)
    assert "reports_report" not in connection.introspection.table_names()

    call_command("restore", str(backup), yes=True, verbosity=0)

    assert row_counts() == counts
    restored = Report.objects.get(pk=report.pk)
    assert (restored.title, restored.body, restored.date) == (report.title, body, report.date)
    restored_comment = Comment.objects.get(pk=comment.pk)
    assert (restored_comment.nickname, restored_comment.body, restored_comment.report_id) == (
        comment.nickname,
        "数据很详细，谢谢整理。",
        report.pk,
    )
    restored_notice = TakedownNotice.objects.get(pk=notice.pk)
    assert (restored_notice.receipt, restored_notice.claimant_name, restored_notice.work_title) == (
        notice.receipt,
        notice.claimant_name,
        notice.work_title,
    )
    restored_attachment = restored_notice.attachments.get()
    assert restored_attachment.file.name == attachment.file.name
    with restored_attachment.file.open("rb") as file:
        assert file.read() == EVIDENCE
    # The site writes on after a restore: sequences came back with the rows.
    assert ReportFactory(region=region, category=category).pk > max(r.pk for r in reports)
