"""The restore drill: back up, lose the database and the uploads, restore, and find everything as
it was. Run on the test database of the embedded server (never the development database), with
committed data, since pg_dump sees only what is committed."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from comments.models import Comment
from portal import backups
from reports import services as report_services
from reports.models import Report
from takedowns.models import TakedownNotice
from tests.factories import CommentFactory, ReportFactory, TakedownNoticeFactory
from tests.servers import postgres_cluster, redis_server
from tests.takedowns.helpers import PDF, pdf

PROJECT = Path(__file__).resolve().parents[2]
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


@pytest.mark.django_db(transaction=True)
def test_pages_cached_after_the_backup_are_not_served_after_a_restore(client, region, category, schema_back_if_lost):
    """The shared cache outlives the database: without a bump it would keep serving the pages of
    data the restore took away."""
    with redis_server() as url:
        redis = {
            **environ.Env.cache_url_config(url),
            "BACKEND": "portal.redis_cache.RedisCache",
            "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        }
        with override_settings(CACHES={"default": redis}):
            report = ReportFactory(region=region, category=category, title="二〇二二年政府工作报告")
            call_command("backup", verbosity=0)
            report.title = "备份之后改过的标题"
            report_services.report_save(report=report)
            address = report.get_absolute_url()
            assert "备份之后改过的标题" in client.get(address).content.decode()
            assert client.get(address)["X-Page-Cache"] == "hit"

            call_command("restore", str(backups.backups_list()[-1]), yes=True, verbosity=0)

            page = client.get(address).content.decode()
            assert "二〇二二年政府工作报告" in page and "备份之后改过的标题" not in page


@pytest.mark.django_db(transaction=True)
def test_a_restore_with_the_cache_down_completes_and_says_to_clear_the_cache(
    region, category, capsys, schema_back_if_lost
):
    with redis_server() as url:
        redis = {**environ.Env.cache_url_config(url), "BACKEND": "portal.redis_cache.RedisCache"}
    # The Redis is gone from here on.
    with override_settings(CACHES={"default": redis}):
        report = ReportFactory(region=region, category=category, title="备份里的报告")
        evidence = Path(settings.PRIVATE_MEDIA_ROOT) / "takedowns" / "证据.pdf"
        evidence.parent.mkdir(parents=True)
        evidence.write_bytes(EVIDENCE)
        call_command("backup", verbosity=0)
        report_services.reports_delete(report_ids=[report.pk])
        shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)

        call_command("restore", backups.backups_list()[-1].name, yes=True)

        assert "缓存未能清除" in capsys.readouterr().err
        assert Report.objects.get(pk=report.pk).title == "备份里的报告"
        assert evidence.read_bytes() == EVIDENCE


@pytest.mark.django_db
def test_retention_keeps_the_newest_backups_and_nothing_else_is_touched(places, capsys):
    places.BACKUP_KEEP = 2
    Path(places.BACKUP_DIR).mkdir(parents=True)
    (Path(places.BACKUP_DIR) / "notes.txt").write_text("运维笔记")
    (Path(places.BACKUP_DIR) / "manual-copy").mkdir()

    made = []
    for _ in range(3):
        call_command("backup")
        made.append(backups.backups_list()[-1])

    assert backups.backups_list() == made[1:]
    assert not made[0].exists()
    assert f"removed {made[0].name}" in capsys.readouterr().out
    assert (Path(places.BACKUP_DIR) / "notes.txt").exists() and (Path(places.BACKUP_DIR) / "manual-copy").is_dir()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("damaged", [backups.DATABASE_FILE, backups.UPLOADS_FILE])
def test_a_corrupted_backup_is_refused_and_nothing_is_changed(region, category, damaged, schema_back_if_lost):
    ReportFactory(region=region, category=category, title="备份里的报告")
    call_command("backup", verbosity=0)
    (backup,) = backups.backups_list()
    later = ReportFactory(region=region, category=category, title="备份之后的报告")
    evidence = Path(settings.PRIVATE_MEDIA_ROOT) / "takedowns" / "later.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(EVIDENCE)
    data = bytearray((backup / damaged).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (backup / damaged).write_bytes(bytes(data))

    with pytest.raises(CommandError, match=f"{damaged} 的校验和不符.*拒绝恢复"):
        call_command("restore", backup.name, yes=True)

    assert Report.objects.filter(pk=later.pk).exists() and evidence.read_bytes() == EVIDENCE


@pytest.mark.django_db(transaction=True)
def test_a_backup_missing_its_checksums_is_refused(region, category, schema_back_if_lost):
    call_command("backup", verbosity=0)
    (backup,) = backups.backups_list()
    (backup / backups.CHECKSUMS_FILE).unlink()
    later = ReportFactory(region=region, category=category)

    with pytest.raises(CommandError, match="缺少校验清单"):
        call_command("restore", backup.name, yes=True)
    assert Report.objects.filter(pk=later.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_restore_without_yes_is_refused_and_changes_nothing(region, category, schema_back_if_lost):
    call_command("backup", verbosity=0)
    (backup,) = backups.backups_list()
    later = ReportFactory(region=region, category=category)

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", backup.name)
    assert Report.objects.filter(pk=later.pk).exists()


@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused(places, tmp_path):
    bin_dir = tmp_path / "old-postgresql" / "bin"
    bin_dir.mkdir(parents=True)
    old = bin_dir / "pg_dump"
    old.write_text('#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n')
    old.chmod(0o755)
    places.PG_BIN_DIR = str(bin_dir)
    server_major = connection.pg_version // 10000

    with pytest.raises(CommandError, match=f"pg_dump 的版本（9）低于数据库服务器（{server_major}）.*DJANGO_PG_BIN_DIR"):
        call_command("backup")
    assert backups.backups_list() == []


def test_an_operator_backs_up_and_restores_a_password_protected_server_and_the_password_never_shows(tmp_path):
    """As in production: the commands run on their own, against PostgreSQL over TCP with a password
    (a throw-away cluster). pg_dump and pg_restore are the real ones, behind wrappers that record
    their command lines, which anyone on the machine could read (ps)."""
    import psycopg2

    secret = "Backup-pw-7Qx2"
    with postgres_cluster() as cluster:
        cluster.create_database("portal")
        connect = {"host": "127.0.0.1", "port": cluster.port, "user": "postgres", "dbname": "portal"}
        with psycopg2.connect(**connect) as db, db.cursor() as cursor:
            cursor.execute("ALTER USER postgres PASSWORD %s", [secret])
            cursor.execute("CREATE TABLE drill (id integer PRIMARY KEY, body text NOT NULL)")
            cursor.execute("INSERT INTO drill VALUES (1, '2023年政府工作报告全文')")
        hba = cluster.data / "pg_hba.conf"
        hba.write_text(hba.read_text().replace(" trust", " scram-sha-256"))
        cluster._run("pg_ctl", "-D", str(cluster.data), "reload")
        with pytest.raises(psycopg2.OperationalError, match="password"):
            psycopg2.connect(**connect, password="wrong").close()

        wrappers, calls = tmp_path / "bin", tmp_path / "calls.log"
        wrappers.mkdir()
        for tool in ("pg_dump", "pg_restore"):
            wrapper = wrappers / tool
            wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$0 $*" >> {calls}\nexec {cluster.bin / tool} "$@"\n')
            wrapper.chmod(0o755)
        private = tmp_path / "evidence"
        (private / "takedowns").mkdir(parents=True)
        (private / "takedowns" / "证据.pdf").write_bytes(EVIDENCE)
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PG", "DJANGO_CACHE"))}
        env |= {
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": f"postgres://postgres:{secret}@127.0.0.1:{cluster.port}/portal",
            "DJANGO_PRIVATE_MEDIA_ROOT": str(private),
            "DJANGO_BACKUP_DIR": str(tmp_path / "backups"),
            "DJANGO_PG_BIN_DIR": str(wrappers),
        }

        def manage(*args: str) -> str:
            done = subprocess.run(
                [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, done.stderr
            return done.stdout

        manage("createcachetable")
        assert "backup written" in manage("backup")
        with psycopg2.connect(**connect, password=secret) as db, db.cursor() as cursor:
            cursor.execute("DROP TABLE drill")
        shutil.rmtree(private)

        assert "restored" in manage("restore", "--yes", next((tmp_path / "backups").iterdir()).name)

        with psycopg2.connect(**connect, password=secret) as db, db.cursor() as cursor:
            cursor.execute("SELECT id, body FROM drill")
            assert cursor.fetchall() == [(1, "2023年政府工作报告全文")]
        assert (private / "takedowns" / "证据.pdf").read_bytes() == EVIDENCE
        command_lines = calls.read_text()
        assert "--format=custom" in command_lines and "--single-transaction" in command_lines
        assert secret not in command_lines
