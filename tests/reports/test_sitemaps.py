import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import sitemaps
from reports.models import ReportStatus
from tests.factories import ReportFactory
from tests.queries import PageQueries

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(root: ET.Element, tag: str = "url") -> list[str]:
    return [element.findtext("sm:loc", namespaces=NS) for element in root.findall(f"sm:{tag}", NS)]


def test_sitemap_index_lists_every_section(client, report):
    root = parse(client.get("/sitemap.xml"))
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert set(locations(root, "sitemap")) == {
        f"http://testserver/sitemap-{section}.xml" for section in ("pages", "categories", "regions", "reports")
    }


def test_report_section_lists_published_reports_with_lastmod(client, region, category, report):
    draft = ReportFactory(region=region, category=category, status=ReportStatus.DRAFT)
    root = parse(client.get("/sitemap-reports.xml"))
    urls = root.findall("sm:url", NS)
    assert [url.findtext("sm:loc", namespaces=NS) for url in urls] == [f"http://testserver{report.get_absolute_url()}"]
    # The site's own calendar day (Asia/Shanghai), which is a day ahead of UTC's from 16:00 UTC.
    assert urls[0].findtext("sm:lastmod", namespaces=NS) == timezone.localdate(report.updated_at).isoformat()
    assert draft.get_absolute_url() not in client.get("/sitemap-reports.xml").content.decode()


def test_report_sections_are_id_ranges_of_at_most_the_limit(client, region, category, monkeypatch):
    monkeypatch.setattr(sitemaps.ReportSitemap, "limit", 2)
    reports = [ReportFactory(region=region, category=category) for _ in range(5)]
    first_id = reports[0].pk
    index = parse(client.get("/sitemap.xml"))
    pages = [loc for loc in locations(index, "sitemap") if "reports" in loc]
    expected_pages = -(-reports[-1].pk // 2)  # ceil(max id / limit)
    assert len(pages) == expected_pages
    seen = []
    for page in range(1, expected_pages + 1):
        urls = locations(parse(client.get("/sitemap-reports.xml", {"p": page})))
        assert len(urls) <= 2
        seen.extend(urls)
    assert seen == [f"http://testserver{r.get_absolute_url()}" for r in reports]
    assert first_id > 0
    assert client.get("/sitemap-reports.xml", {"p": expected_pages + 1}).status_code == 404
    assert client.get("/sitemap-reports.xml", {"p": "x"}).status_code == 404


def test_report_section_query_count_is_constant(client, region, category):
    for _ in range(10):
        ReportFactory(region=region, category=category)
    with PageQueries() as captured:
        client.get("/sitemap-reports.xml")
    assert len(captured) <= 3, captured.queries


def test_region_and_category_pages_are_in_the_sitemap(client, report):
    regions = locations(parse(client.get("/sitemap-regions.xml")))
    assert f"http://testserver{report.region.get_absolute_url()}" in regions
    assert f"http://testserver{reverse('reports:region_index')}" in regions
    assert "http://testserver/diqu/huazhong/" in regions
    categories = locations(parse(client.get("/sitemap-categories.xml")))
    assert "http://testserver/baogao/" in categories
    assert "http://testserver/baogao/huazhong/" in categories
    assert locations(parse(client.get("/sitemap-pages.xml"))) == ["http://testserver/"]
