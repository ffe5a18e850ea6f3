"""The editor's dashboard on the admin index: drafts waiting, scheduled reports with their time,
and the latest changes by every staff member (only of records the viewer may see)."""

import datetime
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from portal.models import SiteConfiguration
from reports import services
from reports.models import ReportStatus
from tests.factories import ReportFactory, UserFactory
from tests.queries import PageQueries

pytestmark = pytest.mark.django_db


def dashboard(client) -> str:
    html = client.get(reverse("admin:index")).content.decode()
    match = re.search(r'<div class="module editor-dashboard".*?</div>', html, re.S)
    assert match, "no dashboard on the admin index"
    return match.group(0)


def schedule(region, category, title: str, at: datetime.datetime):
    return services.report_create(
        title=title, region=region, category=category, date=datetime.date(2026, 3, 1), body="正文。", publish_at=at
    )


def test_an_editor_sees_drafts_scheduled_reports_with_their_time_and_everyones_changes(
    client, editor, site_owner, region, category, report
):
    ReportFactory(region=region, category=category, title="还没定时的草稿", status=ReportStatus.DRAFT)
    at = timezone.make_aware(datetime.datetime(2030, 5, 1, 9, 30))
    scheduled = schedule(region, category, "五月一日发布的报告", at)
    # A site owner edits a report in admin.
    client.force_login(site_owner)
    form = {
        "title": "改过标题的报告",
        "region": region.pk,
        "category": category.pk,
        "date": "2023-02-14",
        "status": "published",
        "body": report.body,
    }
    assert client.post(reverse("admin:reports_report_change", args=[report.pk]), form).status_code == 302

    client.force_login(editor)
    panel = dashboard(client)
    assert "待处理草稿：1 篇" in panel and "还没定时的草稿" in panel
    assert "五月一日发布的报告" not in panel.split("定时发布：")[0]  # a scheduled draft is not "waiting"
    assert "定时发布：1 篇" in panel
    assert "五月一日发布的报告" in panel and "2030-05-01 09:30" in panel  # the site's time, Asia/Shanghai
    assert reverse("admin:reports_report_change", args=[scheduled.pk]) in panel
    assert "zhanzhang" in panel and "修改报告" in panel and "改过标题的报告" in panel
    assert "标题" in panel.split("改过标题的报告", 1)[1]  # Django's change message names the field


def test_an_editor_does_not_see_changes_to_what_only_site_owners_may_see(client, editor, site_owner, report):
    LogEntry.objects.create(
        user=site_owner,
        content_type=ContentType.objects.get_for_model(SiteConfiguration),
        object_id="1",
        object_repr="站点设置（ICP 备案号已改）",
        action_flag=CHANGE,
        change_message="[]",
    )
    client.force_login(editor)
    assert "站点设置（ICP 备案号已改）" not in dashboard(client)
    client.force_login(site_owner)
    assert "站点设置（ICP 备案号已改）" in dashboard(client)


def test_the_dashboard_is_not_shown_to_staff_who_may_not_see_reports(client, report):
    client.force_login(UserFactory(username="kefu", is_staff=True))
    assert "editor-dashboard" not in client.get(reverse("admin:index")).content.decode()


def test_the_admin_index_costs_the_same_queries_with_one_row_or_many(client, editor, region, category):
    def add_rows(numbers: range) -> None:
        for number in numbers:
            ReportFactory(region=region, category=category, status=ReportStatus.DRAFT)
            schedule(region, category, f"定时{number}", timezone.now() + datetime.timedelta(days=number + 1))
            LogEntry.objects.create(
                user=editor,
                content_type=ContentType.objects.get(app_label="reports", model="report"),
                object_id=str(number),
                object_repr=f"报告{number}",
                action_flag=CHANGE,
                change_message="[]",
            )

    def index_queries() -> int:
        client.get(reverse("admin:index"))  # session, permissions and lookups warmed
        with PageQueries() as queries:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(queries)

    client.force_login(editor)
    add_rows(range(1))
    one = index_queries()
    add_rows(range(1, 20))
    assert index_queries() == one
    assert "定时发布：20 篇" in dashboard(client)
