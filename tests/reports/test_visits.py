"""The view counter counts readers, not requests: once per reader and report in a window, only
from the site's own pages, never crawlers, and without keeping anyone's address."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from reports.models import Report

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
# What a browser sends with the beacon of one of our own pages.
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver", "User-Agent": BROWSER}


def beacon(report, *, address="203.0.113.7", headers=SAME_ORIGIN, **extra):
    client = Client(REMOTE_ADDR=address)
    return client.post(reverse("reports:record_view", kwargs={"pk": report.pk}), headers=headers, **extra)


def views(report) -> int:
    return Report.objects.values_list("views", flat=True).get(pk=report.pk)


def test_one_reader_hitting_the_beacon_500_times_is_one_view(report):
    responses = [beacon(report) for _ in range(500)]
    assert {response.status_code for response in responses} == {200}
    assert views(report) == 1
    assert responses[-1].json() == {"views": 1}  # the page still shows the total


def test_each_reader_counts_once(report):
    for reader in range(1, 6):
        beacon(report, address=f"203.0.113.{reader}")
        beacon(report, address=f"203.0.113.{reader}")
    assert views(report) == 5


def test_readers_behind_the_trusted_proxy_are_told_apart(report, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    for forwarded in ("198.51.100.1", "198.51.100.2", "9.9.9.9, 198.51.100.2"):
        beacon(report, address="127.0.0.1", headers={**SAME_ORIGIN, "X-Forwarded-For": forwarded})
    # The address the client wrote itself (9.9.9.9) does not make a third reader.
    assert views(report) == 2


def test_the_same_reader_on_another_report_is_another_view(report, region, category):
    from tests.factories import ReportFactory

    other = ReportFactory(region=region, category=category)
    beacon(report)
    beacon(other)
    assert (views(report), views(other)) == (1, 1)


def test_a_reader_counts_again_once_the_window_has_passed(report, settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"), "moves the clock of the cache table"
    beacon(report)
    beacon(report)
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET expires = now() - interval '1 second' WHERE cache_key LIKE %s", ["%viewed:%"]
        )
        assert cursor.rowcount == 1
    beacon(report)
    assert views(report) == 2


@pytest.mark.parametrize(
    "headers",
    [
        {**SAME_ORIGIN, "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {**SAME_ORIGIN, "Sec-Fetch-Site": "same-site", "Origin": "https://www.testserver"},
        {**SAME_ORIGIN, "Sec-Fetch-Site": "none"},  # typed into the address bar, or a tool
        {"Origin": "https://evil.example", "User-Agent": BROWSER},  # an older browser on another site
        {"Origin": "null", "User-Agent": BROWSER},  # a sandboxed frame
        {"Referer": "https://evil.example/page.html", "User-Agent": BROWSER},
        {"User-Agent": BROWSER},  # neither Origin nor Referer: no browser's beacon
    ],
    ids=["cross-site", "same-site", "no-initiator", "old-browser-other-site", "null-origin", "other-referer", "bare"],
)
def test_hits_from_other_sites_are_not_views(report, headers):
    responses = [beacon(report, address=f"203.0.113.{n}", headers=headers) for n in range(1, 11)]
    assert views(report) == 0
    assert all(response.json() == {"views": 0} for response in responses)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver", "User-Agent": BROWSER},
        {"Referer": "http://testserver/baogao/huazhong/1.html", "User-Agent": BROWSER},
    ],
    ids=["origin", "referer"],
)
def test_browsers_without_fetch_metadata_count_from_our_pages(report, headers):
    beacon(report, headers=headers)
    assert views(report) == 1


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
        "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
        "(compatible; Bytespider; spider-feedback@bytedance.com)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "",
    ],
)
def test_crawlers_are_not_views(report, agent):
    for n in range(1, 4):
        beacon(report, address=f"203.0.113.{n}", headers={**SAME_ORIGIN, "User-Agent": agent})
    assert views(report) == 0


def test_no_address_is_kept(report, settings):
    beacon(report, address="203.0.113.77")
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")
        stored = " ".join(f"{key} {value}" for key, value in cursor.fetchall())
    assert "viewed:" in stored
    assert "203.0.113.77" not in stored


def test_hidden_reports_are_not_counted_and_not_named(report, region, category):
    from reports.models import ReportStatus
    from tests.factories import ReportFactory

    draft = ReportFactory(region=region, category=category, status=ReportStatus.DRAFT, title="草稿里的报告")
    response = beacon(draft)
    assert response.status_code == 404
    assert "草稿里的报告" not in response.content.decode()
    assert views(draft) == 0


def test_while_the_cache_is_down_the_page_shows_the_total_and_counts_nothing(report, caplog):
    from django.conf import settings
    from django.test import override_settings

    from tests.servers import redis_server

    server = redis_server()
    redis = {
        "BACKEND": "portal.redis_cache.RedisCache",
        "LOCATION": server.__enter__(),
        "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    with override_settings(CACHES={"default": redis}):
        beacon(report, address="203.0.113.1")
        beacon(report, address="203.0.113.1")
        assert views(report) == 1
        server.__exit__(None, None, None)  # Redis stops
        responses = [beacon(report, address=f"203.0.113.{n}") for n in range(2, 6)]
    assert [(r.status_code, r.json()) for r in responses] == [(200, {"views": 1})] * 4
    assert views(report) == 1  # a repeat cannot be told from a first visit: none is counted
    assert "not counted" in caplog.text
