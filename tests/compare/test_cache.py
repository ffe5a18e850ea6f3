"""The compare page in the page cache, across processes: cached like an article, and stale as soon
as either report, or the list of the place's reports (the years offered), changes."""

import datetime

import pytest

from reports import services
from takedowns.services import notice_uphold
from tests.compare.test_views import compare_url
from tests.factories import ReportFactory, TakedownNoticeFactory
from tests.portal.test_page_cache import app_server, cached, fetch  # noqa: F401 (app_server: a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_compare_page_is_cached_until_either_report_changes(app_server, region, category, site_owner):  # noqa: F811
    newer = ReportFactory(region=region, category=category, date=datetime.date(2023, 2, 14), body="今年新建图书馆。")
    older = ReportFactory(region=region, category=category, date=datetime.date(2022, 2, 14), body="去年修建公园。")
    page = compare_url(newer)
    assert "去年修建公园。" in cached(app_server, page)

    older.body = "去年修建公园和广场。"
    services.report_save(report=older)
    assert "去年修建公园和广场。" in cached(app_server, page)

    newer.body = "今年新建图书馆和食堂。"
    services.report_save(report=newer)
    assert "今年新建图书馆和食堂。" in cached(app_server, page)

    # Another year of the same place: offered at once.
    ReportFactory(region=region, category=category, date=datetime.date(2019, 5, 1), body="更早的报告。")
    assert '<option value="2019">2019年</option>' in cached(app_server, page)

    notice_uphold(notice=TakedownNoticeFactory(report=older), actor=site_owner)
    for _ in range(2):
        answer = fetch(app_server, compare_url(newer, 2022))
        assert answer.status == 451 and "x-page-cache" not in answer.headers
    # The default moves to the closest year a reader may see.
    assert "2019年与2023年对比" in fetch(app_server, page).text
