"""Scheduled publishing: a draft with a time appears on the site by itself at that time, everywhere a
normal publish shows it, published by the task worker (`manage.py db_worker`, in its own process as
deployed) or, for any it missed, by housekeeping. Takedowns and withdrawals win over a schedule."""

import datetime
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports import services
from reports.models import Report, ReportStatus, ReportTally
from tests.mailworker import deliver_queued_mail
from tests.reports.test_sitemaps import locations, parse

PROJECT = Path(__file__).resolve().parents[2]
TITLE = "吉首市定时发布测试报告"


def admin_form(region, category, *, publish_at: datetime.datetime | None, status="draft", **overrides) -> dict:
    local = timezone.localtime(publish_at) if publish_at else None
    return {
        "title": TITLE,
        "region": region.pk,
        "category": category.pk,
        "date": "2026-03-01",
        "status": status,
        "publish_at_0": local.strftime("%Y-%m-%d") if local else "",
        "publish_at_1": local.strftime("%H:%M:%S") if local else "",
        "body": "第一段。\n第二段：城乡融合示范区建设。",
        "source_name": "",
        "source_url": "",
        **overrides,
    }


def seen_by_readers(reader: Client, report: Report) -> dict[str, bool]:
    """Where an anonymous reader finds the report: article, lists, feeds, sitemap and search."""
    url = report.get_absolute_url()
    article = reader.get(url)
    return {
        "article": article.status_code == 200 and TITLE in article.content.decode(),
        "category list": url in reader.get(f"/{report.category.slug}/").content.decode(),
        "region page": url in reader.get(report.region.get_absolute_url()).content.decode(),
        "home": url in reader.get("/").content.decode(),
        "feed": url in reader.get("/rss/").content.decode(),
        "sitemap": f"http://testserver{url}" in locations(parse(reader.get("/sitemap-reports.xml"))),
        "search": url in reader.get(reverse("search:results"), {"q": "城乡融合示范区"}).content.decode(),
    }


def worker_environment(cache_url: str) -> dict[str, str]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "schedule-test-secret-key-that-is-long-enough-0123456789-abcdefghij",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SITE_URL": "https://testserver",
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
    }
    if cache_url:
        env["DJANGO_CACHE_URL"] = cache_url
    return env


@pytest.mark.django_db(transaction=True)
def test_a_report_scheduled_two_seconds_ahead_appears_by_itself_everywhere(
    client, editor, region, category, cache_url, tmp_path
):
    client.force_login(editor)
    publish_at = timezone.now() + datetime.timedelta(seconds=2)
    response = client.post(reverse("admin:reports_report_add"), admin_form(region, category, publish_at=publish_at))
    assert response.status_code == 302, response.content.decode()[:3000]
    report = Report.objects.get(title=TITLE)
    assert report.status == ReportStatus.DRAFT and report.publish_at == publish_at.replace(microsecond=0)

    reader = Client()
    # Read (and so cached) before the time: the publication must make these pages stale.
    assert not any(seen_by_readers(reader, report).values())
    assert reader.get(report.get_absolute_url()).status_code == 404

    # The worker as deployed, started beforehand and left alone: nobody publishes anything by hand.
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"]
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(command, cwd=PROJECT, env=worker_environment(cache_url), stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 90
        while reader.get(report.get_absolute_url()).status_code != 200:
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the scheduled report never appeared"
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.publish_at is None
    assert report.published_at >= publish_at.replace(microsecond=0)  # the form keeps whole seconds
    assert seen_by_readers(reader, report) == dict.fromkeys(seen_by_readers(reader, report), True)
    assert ReportTally.objects.get(region=region, category=category, year=2026).count == 1


@pytest.mark.django_db
def test_the_worker_does_not_publish_before_the_time(region, category):
    report = services.report_create(
        title=TITLE,
        region=region,
        category=category,
        date=datetime.date(2026, 3, 1),
        body="正文。",
        publish_at=timezone.now() + datetime.timedelta(hours=1),
    )
    deliver_queued_mail()  # every task that is due now
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert Client().get(report.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_housekeeping_publishes_what_a_stopped_worker_missed(region, category):
    report = services.report_create(
        title=TITLE,
        region=region,
        category=category,
        date=datetime.date(2026, 3, 1),
        body="正文。",
        publish_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    # The worker was down at the time and its task is lost; the time has passed.
    DBTaskResult.objects.all().delete()
    Report.objects.filter(pk=report.pk).update(publish_at=timezone.now() - datetime.timedelta(minutes=30))
    assert Client().get(report.get_absolute_url()).status_code == 404

    call_command("housekeeping", stdout=io.StringIO())

    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.publish_at is None
    assert Client().get(report.get_absolute_url()).status_code == 200
    assert report.get_absolute_url() in Client().get("/rss/").content.decode()


@pytest.mark.django_db
def test_a_restricted_report_scheduled_to_publish_stays_unavailable(client, editor, region, category):
    report = services.report_create(
        title=TITLE,
        region=region,
        category=category,
        date=datetime.date(2026, 3, 1),
        body="正文。",
        publish_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    services.reports_set_restricted(report_ids=[report.pk], restricted=True)  # a takedown decision
    Report.objects.filter(pk=report.pk).update(publish_at=timezone.now() - datetime.timedelta(seconds=1))

    assert services.reports_publish_due() == 1

    response = Client().get(report.get_absolute_url())
    assert response.status_code == 451
    assert report.get_absolute_url() not in Client().get(f"/{category.slug}/").content.decode()
    assert report.get_absolute_url() not in Client().get("/rss/").content.decode()
    assert not ReportTally.objects.filter(region=region, category=category, year=2026, count__gt=0).exists()


@pytest.mark.django_db
def test_a_withdrawn_report_is_not_published_by_its_schedule(admin_client, region, category):
    report = services.report_create(
        title=TITLE,
        region=region,
        category=category,
        date=datetime.date(2026, 3, 1),
        body="正文。",
        publish_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    response = admin_client.post(
        reverse("admin:reports_report_changelist"), {"action": "withdraw", "_selected_action": [report.pk]}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.WITHDRAWN and report.publish_at is None

    DBTaskResult.objects.update(run_after=timezone.now())  # as if the scheduled time had come
    deliver_queued_mail()
    call_command("housekeeping", stdout=io.StringIO())

    report.refresh_from_db()
    assert report.status == ReportStatus.WITHDRAWN
    assert Client().get(report.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_rescheduling_later_holds_the_report_back_until_the_new_time(admin_client, region, category):
    soon = timezone.now() + datetime.timedelta(minutes=5)
    response = admin_client.post(reverse("admin:reports_report_add"), admin_form(region, category, publish_at=soon))
    assert response.status_code == 302
    report = Report.objects.get(title=TITLE)
    later = timezone.now() + datetime.timedelta(days=1)
    response = admin_client.post(
        reverse("admin:reports_report_change", args=[report.pk]), admin_form(region, category, publish_at=later)
    )
    assert response.status_code == 302

    # The first time comes: its task runs and finds nothing due.
    DBTaskResult.objects.filter(run_after__lt=soon + datetime.timedelta(seconds=1)).update(run_after=timezone.now())
    deliver_queued_mail()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.publish_at == later.replace(microsecond=0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "publish_at", "message"),
    [
        ("published", datetime.timedelta(hours=1), "定时发布只用于草稿"),
        ("withdrawn", datetime.timedelta(hours=1), "定时发布只用于草稿"),
        ("draft", -datetime.timedelta(minutes=1), "这个时间已经过去了"),
    ],
)
def test_a_schedule_the_form_cannot_honour_is_refused_in_chinese_keeping_the_text(
    admin_client, region, category, status, publish_at, message
):
    form = admin_form(region, category, publish_at=timezone.now() + publish_at, status=status)
    response = admin_client.post(reverse("admin:reports_report_add"), form)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "城乡融合示范区建设" in html  # the typed body is still there
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_report_list_filters_scheduled_reports_and_shows_their_time(admin_client, report, region, category):
    at = timezone.make_aware(datetime.datetime(2030, 5, 1, 9, 30))
    services.report_create(
        title=TITLE, region=region, category=category, date=datetime.date(2026, 3, 1), body="正文。", publish_at=at
    )
    scheduled = admin_client.get(reverse("admin:reports_report_changelist"), {"scheduled": "yes"}).content.decode()
    assert TITLE in scheduled and report.title not in scheduled
    assert "2030年5月1日 09:30" in scheduled
    others = admin_client.get(reverse("admin:reports_report_changelist"), {"scheduled": "no"}).content.decode()
    assert report.title in others and TITLE not in others
