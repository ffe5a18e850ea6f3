"""The page cache, across processes: pages are cached by a gunicorn with two workers, changes are
made in this process through the services and admin, and the very next request must show them.

Both processes share the cache the suite runs with: the default (a table of the test database), or
Redis when TEST_CACHE=redis (see tests/conftest.py and .ci/run)."""

import datetime
import http.client
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from comments import services as comment_services
from comments.models import CommentSettings, CommentStatus
from portal.models import SiteConfiguration
from portal.roles import SITE_OWNERS
from reports import services as report_services
from reports.importing import import_reports
from reports.models import ReportStatus
from takedowns import services as takedown_services
from tests.factories import CommentFactory, ReportFactory, TakedownNoticeFactory, UserFactory, update_comment_settings
from tests.servers import free_port, wait_until_listening

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[2]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def from_cache(self) -> bool:
        return self.headers.get("x-page-cache") == "hit"


@pytest.fixture(scope="module")
def app_server(django_db_setup, django_db_blocker, cache_url):
    """gunicorn, two workers, on the test database and the suite's cache."""
    from django.db import connection

    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
    }
    if cache_url:
        env["DJANGO_CACHE_URL"] = cache_url
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "--no-control-socket"], cwd=PROJECT, env=env)
    if not wait_until_listening(port):
        server.kill()
        pytest.fail("gunicorn did not start")
    yield port
    server.terminate()
    server.wait(timeout=20)


def fetch(port: int, path: str, *, method: str = "GET", **headers) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request(method, path, headers={key.replace("_", "-"): value for key, value in headers.items()})
    response = connection.getresponse()
    answer = Answer(
        response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode(errors="replace")
    )
    connection.close()
    return answer


def cached(port: int, path: str) -> str:
    """The page, once it is in the cache: a second request must be answered from it."""
    first = fetch(port, path)
    assert first.status == 200, (path, first.status)
    second = fetch(port, path)
    assert second.from_cache, (path, second.headers)
    return second.text


def test_publishing_editing_and_withdrawing_show_on_the_next_request(app_server, region, category):
    report = ReportFactory(region=region, category=category, title="已发布的报告")
    draft = ReportFactory(region=region, category=category, title="尚未发布的报告", status=ReportStatus.DRAFT)
    lists = [category.get_absolute_url(), region.get_absolute_url(), region.province.get_absolute_url(), "/"]
    for path in lists:
        assert "尚未发布的报告" not in cached(app_server, path)

    report_services.reports_set_status(report_ids=[draft.pk], status=ReportStatus.PUBLISHED)
    for path in lists:
        assert "尚未发布的报告" in fetch(app_server, path).text, path

    cached(app_server, report.get_absolute_url())
    report.title = "改过标题的报告"
    report_services.report_save(report=report)
    assert "改过标题的报告" in fetch(app_server, report.get_absolute_url()).text
    assert "改过标题的报告" in fetch(app_server, category.get_absolute_url()).text
    assert "改过标题的报告" in fetch(app_server, draft.get_absolute_url()).text  # its previous/next link

    report_services.reports_set_status(report_ids=[report.pk], status=ReportStatus.WITHDRAWN)
    assert fetch(app_server, report.get_absolute_url()).status == 404
    assert "改过标题的报告" not in fetch(app_server, category.get_absolute_url()).text


def test_imported_reports_show_on_the_next_request(app_server, region, category, tmp_path):
    assert "导入的报告" not in cached(app_server, category.get_absolute_url())
    rows = tmp_path / "rows.jsonl"
    row = {
        "title": "导入的报告",
        "region": region.code,
        "category": category.slug,
        "date": "2024-03-01",
        "body": "正文",
    }
    rows.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_reports(rows).created == 1
    assert "导入的报告" in fetch(app_server, category.get_absolute_url()).text


def test_comment_moderation_and_settings_show_on_the_next_request(app_server, report):
    article = report.get_absolute_url()
    comment = CommentFactory(report=report, status=CommentStatus.PENDING, body="等待审核的留言")
    assert "等待审核的留言" not in cached(app_server, article)

    comment_services.comments_set_status(comment_ids=[comment.pk], status=CommentStatus.APPROVED)
    assert "等待审核的留言" in cached(app_server, article)

    comment_services.comments_set_status(comment_ids=[comment.pk], status=CommentStatus.REMOVED)
    assert "等待审核的留言" not in cached(app_server, article)

    comment_services.comments_restore(comment_ids=[comment.pk])
    assert "等待审核的留言" in cached(app_server, article)
    comment_services.comments_delete(comment_ids=[comment.pk])
    assert "等待审核的留言" not in cached(app_server, article)

    assert "评论已关闭" not in fetch(app_server, article).text
    configuration = CommentSettings.current()
    configuration.comments_closed = True
    configuration.save()
    assert "评论已关闭" in fetch(app_server, article).text


def test_a_comment_hidden_by_readers_reports_is_gone_on_the_next_request(app_server, report):
    article = report.get_absolute_url()
    update_comment_settings(flag_hide_threshold=2)
    comment = CommentFactory(report=report, body="被举报的留言")
    assert "被举报的留言" in cached(app_server, article)
    comment_services.comment_flag_create(comment_id=comment.pk, reason="abuse", ip="203.0.113.1")
    assert "被举报的留言" in cached(app_server, article)  # below the threshold the page stays
    comment_services.comment_flag_create(comment_id=comment.pk, reason="spam", ip="203.0.113.2")
    assert "被举报的留言" not in fetch(app_server, article).text
    flag_page = fetch(app_server, reverse("comments:flag", args=[comment.pk]))
    assert flag_page.status == 404 and "x-page-cache" not in flag_page.headers


def test_a_takedown_answers_451_at_once_never_from_the_cache_and_restoration_brings_it_back(app_server, report):
    article = report.get_absolute_url()
    cached(app_server, article)
    site_owner = UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])
    takedown_services.notice_uphold(notice=TakedownNoticeFactory(report=report), actor=site_owner)
    for _ in range(2):
        answer = fetch(app_server, article)
        assert answer.status == 451 and "x-page-cache" not in answer.headers
    assert report.title not in fetch(app_server, report.category.get_absolute_url()).text

    report_services.reports_set_restricted(report_ids=[report.pk], restricted=False)
    assert fetch(app_server, article).status == 200
    assert report.title in fetch(app_server, report.category.get_absolute_url()).text


def test_site_settings_region_and_category_edits_show_on_the_next_request(app_server, report, admin_client):
    article = report.get_absolute_url()
    cached(app_server, article)
    SiteConfiguration.objects.get_or_create(pk=1)
    response = admin_client.post(
        reverse("admin:portal_siteconfiguration_change", args=[1]),
        {"site_name": "新站名", "tagline": "简介", "disclaimer": "声明", "icp_number": "", "contact_email": ""},
    )
    assert response.status_code == 302
    assert "新站名" in fetch(app_server, article).text

    region = report.region
    region.name = "改名市"
    report_services.region_save(region=region)
    assert "改名市" in fetch(app_server, article).text

    category = report.category
    category.name = "改名栏目"
    category.save()
    assert "改名栏目" in fetch(app_server, "/").text


def test_session_holders_neither_get_nor_poison_cached_pages(app_server, client, report):
    article = report.get_absolute_url()
    staff = UserFactory(username="bianji", is_staff=True)
    client.force_login(staff)
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    # A staff view first: it must not be stored for anonymous readers.
    assert "x-page-cache" not in fetch(app_server, article, Cookie=session).headers
    assert fetch(app_server, article).headers["x-page-cache"] == "miss"
    cached(app_server, article)
    # A change behind the services' back shows whom the cache serves: not the session holder.
    type(report).objects.filter(pk=report.pk).update(title="绕过服务改的标题")
    assert "绕过服务改的标题" not in fetch(app_server, article).text
    assert "绕过服务改的标题" in fetch(app_server, article, Cookie=session).text
    draft = ReportFactory(region=report.region, category=report.category, status=ReportStatus.DRAFT)
    assert fetch(app_server, draft.get_absolute_url(), Cookie=session).status == 200  # the staff preview
    assert fetch(app_server, draft.get_absolute_url()).status == 404


def test_comment_pages_are_never_cached(app_server, report):
    for path in (reverse("comments:page", args=[report.pk]), reverse("comments:tokens", args=[report.pk])):
        for _ in range(2):
            answer = fetch(app_server, path, X_Requested_With="XMLHttpRequest")
            assert answer.status == 200 and "x-page-cache" not in answer.headers
            assert "no-store" in answer.headers["cache-control"]


def test_a_scripts_request_is_neither_answered_from_nor_kept_in_the_page_cache(app_server, report):
    article = report.get_absolute_url()
    cached(app_server, article)
    for _ in range(2):
        answer = fetch(app_server, article, X_Requested_With="XMLHttpRequest")
        assert answer.status == 200 and "x-page-cache" not in answer.headers
    assert fetch(app_server, article).headers["x-page-cache"] == "hit"


def test_revalidation_is_answered_304_and_head_without_a_body(app_server, report):
    article = report.get_absolute_url()
    cached(app_server, article)
    page = fetch(app_server, article)
    assert page.headers["etag"] and page.headers["last-modified"]
    assert "s-maxage=" in page.headers["cache-control"] and "public" in page.headers["cache-control"]
    assert "cookie" not in page.headers.get("vary", "").lower()
    assert f"report:{report.pk}" in page.headers["surrogate-key"].split()

    again = fetch(app_server, article, If_None_Match=page.headers["etag"])
    assert again.status == 304 and again.text == "" and again.from_cache
    since = fetch(app_server, article, If_Modified_Since=page.headers["last-modified"])
    assert since.status == 304
    head = fetch(app_server, article, method="HEAD")
    assert head.status == 200 and head.text == "" and head.headers["etag"] == page.headers["etag"]

    CommentFactory(report=report, body="新的留言")
    changed = fetch(app_server, article, If_None_Match=page.headers["etag"])
    assert changed.status == 200 and "新的留言" in changed.text and changed.headers["etag"] != page.headers["etag"]


def test_a_day_old_entry_is_a_miss_once_its_report_changes_even_without_a_request_between(app_server, report):
    """Bumping touches only the scope's version: nothing is scanned or deleted, whatever the number
    of cached pages, and an entry is checked against the versions when it is read."""
    cached(app_server, report.get_absolute_url())
    report.date = report.date - datetime.timedelta(days=1)
    report_services.report_save(report=report)
    assert fetch(app_server, report.get_absolute_url()).headers["x-page-cache"] == "miss"


def test_a_hit_answered_before_django_carries_the_headers_of_the_page_it_stored(app_server, report):
    """Under gunicorn, hits are answered by portal.wsgi's front before Django's middleware runs:
    the security headers and the policy must come from the stored page, the same as on the miss."""
    article = report.get_absolute_url()
    first = fetch(app_server, f"{article}?first=1")
    hit = fetch(app_server, f"{article}?first=1")
    assert first.headers["x-page-cache"] == "miss" and hit.from_cache
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options", "etag"):
        assert hit.headers[name] == first.headers[name], name
    assert int(hit.headers["content-length"]) == len(hit.text.encode()) and hit.text == first.text
    static = fetch(app_server, "/static/css/site.css")
    assert "x-page-cache" not in static.headers  # static files never touch the page cache


def test_a_page_rendered_again_with_the_same_content_keeps_its_etag(app_server, report):
    """Each render has a new Content-Security-Policy nonce; the validator must not, or a crawler
    revalidating after the cache was emptied (a restart, an eviction) would never get 304."""
    from django.core.cache import cache

    article = report.get_absolute_url()
    first = fetch(app_server, article)
    cache.clear()
    again = fetch(app_server, article, If_None_Match=first.headers["etag"])
    assert again.status == 304 and "content-security-policy" not in again.headers
