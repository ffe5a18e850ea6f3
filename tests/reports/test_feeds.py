import datetime
import xml.etree.ElementTree as ET

import pytest

from reports import services
from reports.models import BigRegion, ReportStatus
from tests.factories import CategoryFactory, RegionFactory, ReportFactory

pytestmark = pytest.mark.django_db


def items(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.findall("./channel/item")


@pytest.fixture
def reports(region, category):
    gongbao = CategoryFactory(name="公报", slug="gongbao")
    hebei = RegionFactory(code="13", name="河北省", slug="hebei", big_region=BigRegion.objects.get(slug="hb"))
    return {
        "jishou_report": ReportFactory(
            region=region,
            category=category,
            title="吉首市人民政府工作报告",
            date=datetime.date(2023, 2, 14),
            body="  （一）大兴寨水库全面动工建设。隘口村入选精品线路。\n\n  （二）第二段。",
        ),
        "jishou_bulletin": ReportFactory(
            region=region, category=gongbao, title="吉首市统计公报", date=datetime.date(2024, 3, 1)
        ),
        "hebei_report": ReportFactory(
            region=hebei, category=category, title="河北省政府工作报告", date=datetime.date(2022, 1, 20)
        ),
        "draft": ReportFactory(region=region, category=category, title="草稿", status=ReportStatus.DRAFT),
    }


def titles(feed_items) -> list[str]:
    return [item.findtext("title") for item in feed_items]


def test_site_feed_lists_newest_published_reports(client, reports):
    feed = items(client.get("/rss/"))
    assert titles(feed) == [
        "(湖南省)吉首市统计公报(2024年3月1日)",
        "(湖南省)吉首市人民政府工作报告(2023年2月14日)",
        "(河北省)河北省政府工作报告(2022年1月20日)",
    ]
    report = next(item for item in feed if "工作报告(2023" in item.findtext("title"))
    assert report.findtext("link") == f"http://testserver{reports['jishou_report'].get_absolute_url()}"
    assert report.findtext("description") == "大兴寨水库全面动工建设。隘口村入选精品线路。第二段。"
    assert report.findtext("pubDate")


def test_restricted_reports_leave_the_feeds(client, reports):
    services.reports_set_restricted(report_ids=[reports["jishou_bulletin"].pk], restricted=True)
    assert "(湖南省)吉首市统计公报(2024年3月1日)" not in titles(items(client.get("/rss/")))


def test_category_feed(client, reports):
    assert titles(items(client.get("/rss/gongbao/"))) == ["(湖南省)吉首市统计公报(2024年3月1日)"]


def test_big_region_feed(client, reports):
    assert len(items(client.get("/rss/diqu/huazhong/"))) == 2
    assert titles(items(client.get("/rss/diqu/hb/"))) == ["(河北省)河北省政府工作报告(2022年1月20日)"]


def test_province_feed(client, reports):
    feed = items(client.get("/rss/diqu/huazhong/hunan/"))
    assert len(feed) == 2
    assert all("湖南省" in title for title in titles(feed))


@pytest.mark.parametrize(
    "url", ["/rss/nope/", "/rss/diqu/nope/", "/rss/diqu/hb/hunan/", "/rss/diqu/huazhong/jishoushi/"]
)
def test_unknown_feeds_are_404(client, reports, url):
    assert client.get(url).status_code == 404


def test_pages_advertise_their_feeds(client, reports):
    report = reports["jishou_report"]
    expectations = {
        "/": ["/rss/"],
        "/baogao/": ["/rss/", "/rss/baogao/"],
        "/diqu/huazhong/": ["/rss/diqu/huazhong/"],
        "/diqu/huazhong/hunan/": ["/rss/diqu/huazhong/hunan/"],
        report.region.get_absolute_url(): ["/rss/diqu/huazhong/hunan/"],
        report.get_absolute_url(): ["/rss/", "/rss/baogao/", "/rss/diqu/huazhong/hunan/"],
    }
    for url, feeds in expectations.items():
        html = client.get(url).content.decode()
        for feed in feeds:
            assert '<link rel="alternate" type="application/rss+xml" title="' in html, url
            assert f'href="{feed}"' in html, (url, feed)
