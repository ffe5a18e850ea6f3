"""The open-data API as a client sees it: filters, cursor pages, incremental sync with tombstones,
errors, limits, CORS and the page cache."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.roles import SITE_OWNERS
from reports import services as report_services
from reports.models import ReportStatus
from takedowns import services as takedown_services
from tests.factories import TakedownNoticeFactory, UserFactory
from tests.queries import PageQueries

from .conftest import every_id, ids, make

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


@pytest.fixture
def spread(places):
    """One report per combination worth telling apart, by name."""
    return {
        "jishou_2023": make(places, date=datetime.date(2023, 3, 1), title="吉首市2023年政府工作报告"),
        "jishou_2022_gongbao": make(places, category="gongbao", date=datetime.date(2022, 4, 1), title="吉首统计公报"),
        "xiangxi_2021": make(places, where="xiangxi", date=datetime.date(2021, 2, 1), title="湘西州政府工作报告"),
        "hunan_2023": make(places, where="hunan", date=datetime.date(2023, 1, 20), title="湖南省政府工作报告"),
        "guangzhou_2023": make(places, where="guangzhou", date=datetime.date(2023, 2, 5), title="广州市政府工作报告"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["jishou_2023", "guangzhou_2023", "hunan_2023", "jishou_2022_gongbao", "xiangxi_2021"]),
        ("region=43", ["jishou_2023", "hunan_2023", "jishou_2022_gongbao", "xiangxi_2021"]),
        ("region=430000", ["jishou_2023", "hunan_2023", "jishou_2022_gongbao", "xiangxi_2021"]),
        ("region=4331", ["jishou_2023", "jishou_2022_gongbao", "xiangxi_2021"]),
        ("region=433101", ["jishou_2023", "jishou_2022_gongbao"]),
        ("area=huanan", ["guangzhou_2023"]),
        ("category=gongbao", ["jishou_2022_gongbao"]),
        ("year=2023", ["jishou_2023", "guangzhou_2023", "hunan_2023"]),
        ("date_from=2022-01-01&date_to=2023-01-31", ["hunan_2023", "jishou_2022_gongbao"]),
        ("date_from=2023-02-05", ["jishou_2023", "guangzhou_2023"]),
        ("q=广州", ["guangzhou_2023"]),
        ("q=政府工作报告&region=43", ["jishou_2023", "hunan_2023", "xiangxi_2021"]),
        ("region=43&category=baogao&year=2023", ["jishou_2023", "hunan_2023"]),
    ],
)
def test_each_filter_lists_exactly_its_reports_newest_first(client, spread, query, expected):
    assert ids(client.get(f"{REPORTS}?{query}")) == [spread[name].pk for name in expected]


def test_a_report_carries_its_places_codes_and_its_address_but_no_body_unless_asked(client, spread):
    report = spread["jishou_2023"]
    [item] = client.get(f"{REPORTS}?region=433101&year=2023").json()["results"]
    assert item["region"] == {"code": "433101", "name": "吉首市", "level": 3}
    assert item["prefecture"]["code"] == "4331" and item["province"]["name"] == "湖南省"
    assert item["category"] == {"slug": "baogao", "name": "报告"} and item["area"]["slug"] == "huazhong"
    assert item["url"] == f"http://testserver{report.get_absolute_url()}"
    assert "body" not in item
    [item] = client.get(f"{REPORTS}?region=433101&year=2023&body=1").json()["results"]
    assert item["body"] == report.body
    detail = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert detail["body"] == report.body and detail["title"] == report.title
    assert "body" not in client.get(f"/api/v1/reports/{report.pk}/?body=0").json()


def test_cursor_pages_neither_skip_nor_repeat_while_reports_are_inserted(client, places):
    older = [make(places, date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n)) for n in range(7)]
    first = client.get(f"{REPORTS}?limit=3").json()
    assert [r["id"] for r in first["results"]] == [r.pk for r in older[::-1][:3]]
    # New reports arrive between pages, newer and older than the position, and one on the same day.
    make(places, date=datetime.date(2024, 1, 1))
    make(places, date=datetime.date(2020, 1, 5), title="同日插入")
    make(places, date=datetime.date(2019, 1, 1), title="更早")
    rest = every_id(client, first["next"])
    assert len(rest) == len(set(rest))
    assert [r.pk for r in older[::-1][3:]] == [pk for pk in rest if pk in {r.pk for r in older}]
    assert not set(rest) & {r["id"] for r in first["results"]}


def test_limit_caps_a_page_and_next_is_null_on_the_last(client, places):
    for n in range(5):
        make(places, date=datetime.date(2021, 1, 1) + datetime.timedelta(days=n))
    page = client.get(f"{REPORTS}?limit=5").json()
    assert len(page["results"]) == 5 and page["next"] is None and page["next_cursor"] is None
    assert len(client.get(f"{REPORTS}?limit=100").json()["results"]) == 5
    assert client.get(f"{REPORTS}?limit=101").json()["code"] == "invalid_limit"


def _sync(client, since: str) -> tuple[list[dict], str]:
    url, results = f"{REPORTS}?updated_since={since}&limit=2", []
    while url:
        page = client.get(url).json()
        results += page["results"]
        url = page["next"]
    return results, page["sync_until"]


def test_incremental_sync_lists_changes_in_order_and_a_tombstone_after_a_withdrawal(client, places):
    start = timezone.now().isoformat()
    first, second, third = (make(places, date=datetime.date(2023, 1, n)) for n in (1, 2, 3))
    changes, until = _sync(client, start)
    assert [c["id"] for c in changes] == [first.pk, second.pk, third.pk]
    assert not any(c["removed"] for c in changes)

    report_services.reports_set_status(report_ids=[second.pk], status=ReportStatus.WITHDRAWN)
    first.title = "改过的标题"
    report_services.report_save(report=first)
    changes, _ = _sync(client, until)
    assert [(c["id"], c["removed"]) for c in changes] == [(second.pk, True), (first.pk, False)]
    assert changes[0]["reason"] == "withdrawn" and changes[1]["title"] == "改过的标题"
    assert "title" not in changes[0]


def test_incremental_sync_gives_a_tombstone_after_a_takedown_and_the_report_again_after_restoration(client, places):
    report = make(places)
    _, until = _sync(client, (timezone.now() - datetime.timedelta(hours=1)).isoformat())
    owner = UserFactory(username="zhanzhang", is_staff=True, groups=[SITE_OWNERS])
    takedown_services.notice_uphold(notice=TakedownNoticeFactory(report=report), actor=owner)
    changes, after_takedown = _sync(client, until)
    assert changes == [
        {"id": report.pk, "removed": True, "reason": "restricted", "removed_at": changes[0]["removed_at"]}
    ]
    assert report.pk not in ids(client.get(REPORTS))

    report_services.reports_set_restricted(report_ids=[report.pk], restricted=False)
    changes, _ = _sync(client, after_takedown)
    assert [(c["id"], c["removed"]) for c in changes] == [(report.pk, False)]
    # From before both: the report once, as it is now.
    changes, _ = _sync(client, until)
    assert [(c["id"], c["removed"]) for c in changes] == [(report.pk, False)]


def test_a_deleted_report_and_one_returned_to_draft_leave_tombstones_a_never_public_draft_none(client, places):
    since = timezone.now().isoformat()
    deleted, drafted = make(places, date=datetime.date(2023, 1, 1)), make(places, date=datetime.date(2023, 1, 2))
    draft = make(places, status=ReportStatus.DRAFT, date=datetime.date(2023, 1, 3))
    report_services.reports_delete(report_ids=[deleted.pk])
    report_services.reports_set_status(report_ids=[drafted.pk], status=ReportStatus.DRAFT)
    report_services.reports_delete(report_ids=[draft.pk])
    changes, _ = _sync(client, since)
    assert sorted((c["id"], c["reason"]) for c in changes) == [(deleted.pk, "deleted"), (drafted.pk, "unpublished")]


def test_sync_leaves_changes_younger_than_the_settle_time_for_later(client, places, settings):
    settings.API_SYNC_SETTLE_SECONDS = 60
    since = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    make(places)
    page = client.get(f"{REPORTS}?updated_since={since}").json()
    assert page["results"] == []
    assert datetime.datetime.fromisoformat(page["sync_until"]) < timezone.now() - datetime.timedelta(seconds=59)


def test_restricted_withdrawn_and_draft_reports_never_leak_through_any_endpoint(client, places):
    visible = make(places, title="公开的报告")
    draft = make(places, status=ReportStatus.DRAFT, title="草稿报告")
    withdrawn = make(places, title="撤回的报告")
    restricted = make(places, title="屏蔽的报告")
    report_services.reports_set_status(report_ids=[withdrawn.pk], status=ReportStatus.WITHDRAWN)
    report_services.reports_set_restricted(report_ids=[restricted.pk], restricted=True)
    since = "2000-01-01"
    for url in [
        REPORTS,
        f"{REPORTS}?body=1",
        f"{REPORTS}?region=433101",
        f"{REPORTS}?q=报告",
        f"{REPORTS}?updated_since={since}&body=1",
    ]:
        text = client.get(url).content.decode()
        assert "公开的报告" in text, url
        for hidden in ("草稿报告", "撤回的报告", "屏蔽的报告"):
            assert hidden not in text, (url, hidden)
    assert client.get(f"/api/v1/reports/{visible.pk}/").status_code == 200
    for hidden in (draft, withdrawn):
        response = client.get(f"/api/v1/reports/{hidden.pk}/")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = client.get(f"/api/v1/reports/{restricted.pk}/")
    assert response.status_code == 451 and "屏蔽的报告" not in response.content.decode()
    counts = {r["code"]: r["report_count"] for r in client.get("/api/v1/regions/").json()["results"]}
    assert counts["433101"] == counts["43"] == 1


@pytest.mark.parametrize(
    ("query", "code", "parameter"),
    [
        ("limit=0", "invalid_limit", "limit"),
        ("limit=abc", "invalid_limit", "limit"),
        ("limit=1000", "invalid_limit", "limit"),
        ("region=湖南", "invalid_region", "region"),
        ("region=999999", "unknown_region", "region"),
        ("area=nowhere", "unknown_area", "area"),
        ("category=nope", "unknown_category", "category"),
        ("year=23", "invalid_year", "year"),
        ("year=3000", "invalid_year", "year"),
        ("date_from=2023-02-30", "invalid_date", "date_from"),
        ("date_to=yesterday", "invalid_date", "date_to"),
        ("date_from=2023-05-01&date_to=2023-01-01", "invalid_date_range", "date_from"),
        ("updated_since=last-week", "invalid_updated_since", "updated_since"),
        ("updated_since=2024-13-45T99:00:00", "invalid_updated_since", "updated_since"),
        ("cursor=garbage!!", "invalid_cursor", "cursor"),
        ("cursor=WyJkYXRlIiwiMjAyMy0wMS0wMSIsIngiXQ", "invalid_cursor", "cursor"),
        ("q=", "empty_query", "q"),
        ("q=。。！", "empty_query", "q"),
        ("q=" + "报" * 51, "query_too_long", "q"),
        ("q=报告&updated_since=2024-01-01", "conflicting_parameters", "q"),
        ("page=2", "unknown_parameter", "page"),
        ("year=2023&year=2022", "repeated_parameter", "year"),
        ("body=yes", "invalid_body", "body"),
    ],
)
def test_a_bad_parameter_is_a_json_400_in_chinese_that_names_it(client, places, query, code, parameter):
    response = client.get(f"{REPORTS}?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code and body["parameter"] == parameter
    assert any("\u4e00" <= char <= "\u9fff" for char in body["error"])
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_sync_cursor_is_refused_in_a_date_ordered_list_and_the_other_way_round(client, places):
    for n in range(3):
        make(places, date=datetime.date(2023, 1, 1 + n))
    date_cursor = client.get(f"{REPORTS}?limit=1").json()["next_cursor"]
    sync_cursor = client.get(f"{REPORTS}?limit=1&updated_since=2000-01-01").json()["next_cursor"]
    assert client.get(f"{REPORTS}?cursor={sync_cursor}").json()["code"] == "invalid_cursor"
    assert client.get(f"{REPORTS}?updated_since=2000-01-01&cursor={date_cursor}").json()["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/nothing-here/", 404, "not_found"),
        ("get", "/api/v2/reports/", 404, "not_found"),
        ("get", "/api/v1/reports/999999/", 404, "not_found"),
        ("get", "/api/v1/reports/?q=%00", 400, "bad_request"),
        ("post", "/api/v1/reports/", 405, "method_not_allowed"),
        ("delete", "/api/v1/reports/1/", 405, "method_not_allowed"),
        ("get", "/api/v1/regions/?parent=43", 400, "unknown_parameter"),
    ],
)
def test_no_api_address_answers_with_an_html_page(client, places, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code


def test_an_unexpected_error_is_a_json_500(client, places, monkeypatch):
    from opendata import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "regions_with_counts", broken)
    client.raise_request_exception = False
    response = client.get("/api/v1/regions/")
    assert response.status_code == 500 and response.json()["code"] == "server_error"


def test_the_rate_limit_answers_429_with_retry_after_per_address(client, places, settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_WINDOW_SECONDS = 3600  # a fixed window: the test must not straddle two
    statuses = [client.get(f"{REPORTS}?limit={n}", REMOTE_ADDR="203.0.113.5").status_code for n in range(1, 6)]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.get(f"{REPORTS}?limit=9", REMOTE_ADDR="203.0.113.5")
    assert response.json()["code"] == "rate_limited" and "请求过于频繁" in response.json()["error"]
    assert 1 <= int(response["Retry-After"]) <= settings.API_RATE_WINDOW_SECONDS
    assert response["Access-Control-Allow-Origin"] == "*"
    # Another address has its own allowance.
    assert client.get(f"{REPORTS}?limit=9", REMOTE_ADDR="198.51.100.7").status_code == 200


def test_cors_lets_any_site_read_and_preflight_allows_get_only(client, spread):
    response = client.get(REPORTS, HTTP_ORIGIN="https://research.example.edu")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(REPORTS, HTTP_ORIGIN="https://research.example.edu")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in response


def test_an_unchanged_answer_is_revalidated_with_304_and_a_change_gives_a_new_etag(client, places):
    report = make(places)
    first = client.get(REPORTS)
    etag = first["ETag"]
    assert client.get(REPORTS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    report.title = "新标题"
    report_services.report_save(report=report)
    again = client.get(REPORTS, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and "新标题" in again.content.decode() and again["ETag"] != etag


def test_answers_are_kept_by_the_page_cache_and_stale_after_a_takedown(client, places):
    report = make(places)
    urls = [REPORTS, f"{REPORTS}?region=433101", f"/api/v1/reports/{report.pk}/", "/api/v1/regions/"]
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    report_services.reports_set_restricted(report_ids=[report.pk], restricted=True)
    for url in urls:
        response = client.get(url)
        assert response.get("X-Page-Cache") != "hit" and report.title not in response.content.decode(), url


def test_reading_the_api_writes_nothing_to_the_database(client, spread):
    with CaptureQueriesContext(connection) as queries:
        for url in [REPORTS, f"{REPORTS}?updated_since=2000-01-01", "/api/v1/regions/", "/api/v1/categories/"]:
            client.get(url, HTTP_CACHE_CONTROL="no-cache")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "portal_cache" not in q["sql"]
    ]
    assert writes == []


def test_regions_categories_and_areas_list_their_counts(client, spread):
    regions = {r["code"]: r for r in client.get("/api/v1/regions/").json()["results"]}
    assert regions["43"]["report_count"] == 4 and regions["4331"]["report_count"] == 3
    assert regions["433101"] == {
        "code": "433101",
        "name": "吉首市",
        "type": "县级市",
        "level": 3,
        "parent": "4331",
        "report_count": 2,
    }
    categories = {c["slug"]: c["report_count"] for c in client.get("/api/v1/categories/").json()["results"]}
    assert categories == {**categories, "baogao": 4, "gongbao": 1}
    areas = {a["slug"]: a["report_count"] for a in client.get("/api/v1/areas/").json()["results"]}
    assert areas["huazhong"] == 4 and areas["huanan"] == 1


def test_the_api_is_not_in_the_sitemap(client, spread):
    for url in ["/sitemap.xml", "/sitemap-reports.xml"]:
        assert "/api/" not in client.get(url).content.decode()


def test_json_is_utf8_chinese_not_escapes(client, spread):
    text = client.get("/api/v1/areas/").content.decode()
    assert "华中" in text and json.loads(text)


@pytest.mark.parametrize("url", [REPORTS, f"{REPORTS}?region=43&body=1", f"{REPORTS}?updated_since=2000-01-01"])
def test_a_page_costs_the_same_queries_for_one_report_and_many(client, places, url):
    limits = iter(range(100, 0, -1))  # another address each time: never a page cache hit

    def count() -> int:
        with PageQueries() as queries:
            assert client.get(url, {"limit": next(limits)}).status_code == 200
        return len([sql for sql in queries.queries if sql.startswith("SELECT")])

    make(places)
    client.get(url, {"limit": 1})  # the shared lookups (navigation) are built once
    one = count()
    for n in range(30):
        make(places, where="xiangxi", date=datetime.date(2022, 1, 1) + datetime.timedelta(days=n))
    assert count() == one <= 4


def test_search_pages_run_newest_first_across_the_years_of_the_index(client, places):
    found = [
        make(places, where="guangzhou", date=datetime.date(year, 5, 1), title=f"广州市{year}年政府工作报告")
        for year in (2009, 2016, 2023, 2024)
    ]
    make(places, date=datetime.date(2023, 6, 1), title="吉首市政府工作报告")
    newest_first = [r.pk for r in found[::-1]]
    assert every_id(client, f"{REPORTS}?q=广州&limit=1") == newest_first
    assert every_id(client, f"{REPORTS}?q=广州&limit=3") == newest_first
    assert ids(client.get(f"{REPORTS}?q=广州&date_to=2023-12-31&date_from=2010-01-01")) == newest_first[1:3]
    assert ids(client.get(f"{REPORTS}?q=广州&year=2016")) == [found[1].pk]


def test_a_search_page_reads_only_the_years_of_the_index_that_hold_reports(client, places):
    """Years with no reports (the index has slices up to 2030 and beyond) cost no query."""
    newest = make(places, where="guangzhou", date=datetime.date(2021, 5, 1), title="广州市2021年政府工作报告")
    older = make(places, where="guangzhou", date=datetime.date(2016, 5, 1), title="广州市2016年政府工作报告")
    client.get(REPORTS, {"q": "广州"})  # the shared lookups (navigation, years) are built once
    with CaptureQueriesContext(connection) as queries:
        assert ids(client.get(REPORTS, {"q": "广州", "limit": 5})) == [newest.pk, older.pk]  # not a cached page
    searches = [sql for sql in queries.captured_queries if "@@" in sql["sql"]]
    assert len(searches) == 2  # 2021, then 2016: neither the years after 2021 nor those in between


def test_a_renamed_place_shows_on_the_next_page_although_places_are_shared(client, places):
    make(places)
    assert client.get(REPORTS).json()["results"][0]["region"]["name"] == "吉首市"
    places["jishou"].name = "吉首"
    places["jishou"].save()  # as the admin does: the site scope is bumped
    assert client.get(REPORTS, {"limit": 5}).json()["results"][0]["region"]["name"] == "吉首"
