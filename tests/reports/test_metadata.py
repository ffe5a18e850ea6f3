import json
import re
from html.parser import HTMLParser

import pytest

from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


class HeadParser(HTMLParser):
    """Collects <title>, <meta>, <link> and JSON-LD scripts of a page."""

    def __init__(self):
        super().__init__()
        self.title, self.meta, self.links, self.jsonld = "", {}, [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta":
            self.meta[attrs.get("name") or attrs.get("property")] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "jsonld"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "jsonld":
            self.jsonld.append(json.loads(data))


def head(client, url) -> HeadParser:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def canonical(parser: HeadParser) -> str:
    return next(link["href"] for link in parser.links if link.get("rel") == "canonical")


@pytest.fixture
def article(region, category):
    return ReportFactory(
        region=region,
        category=category,
        title="吉首市人民政府工作报告",
        body="  （一）在脱贫地区乡村振兴示范区建设中走在前列。脱贫攻坚成果有力巩固。"
        + "全面开展乡村振兴突破年行动。" * 20
        + "\n\n  （二）第二段</script>。",
    )


def test_every_page_has_canonical_title_description_and_open_graph(client, article):
    pages = ["/", "/diqu/", "/diqu/huazhong/", article.region.get_absolute_url(), "/baogao/", "/baogao/huazhong/",
             article.get_absolute_url(), "/search/?q=水库"]  # fmt: skip
    titles = set()
    for url in pages:
        parser = head(client, url)
        assert canonical(parser).startswith("http://testserver/"), url
        assert parser.title.strip() and "博县网" in parser.title, url
        titles.add(parser.title)
        assert parser.meta.get("description"), url
        for prop in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
            assert parser.meta.get(prop), (url, prop)
    assert len(titles) == len(pages)  # every page's title is its own


def test_canonical_drops_noise_but_keeps_the_page(client, article):
    assert canonical(head(client, "/baogao/?utm_source=x&page=1")) == "http://testserver/baogao/"
    assert canonical(head(client, "/baogao/?page=2&utm_source=x")) == "http://testserver/baogao/?page=2"


def test_article_canonical_description_and_open_graph(client, article):
    parser = head(client, article.get_absolute_url() + "?from=feed")
    url = f"http://testserver{article.get_absolute_url()}"
    assert canonical(parser) == url
    assert parser.meta["og:url"] == url
    assert parser.meta["og:type"] == "article"
    assert parser.meta["og:title"] == article.display_title
    # The first sentences of the body, whole, without the enumeration.
    assert parser.meta["description"].startswith("在脱贫地区乡村振兴示范区建设中走在前列。脱贫攻坚成果有力巩固。")
    assert parser.meta["description"].endswith("。")
    assert len(parser.meta["description"]) <= 150


def test_article_json_ld_describes_the_document(client, article):
    (data,) = head(client, article.get_absolute_url()).jsonld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Report"
    assert data["headline"] == article.display_title
    assert data["datePublished"] == article.date.isoformat()
    assert data["contentLocation"]["name"] == "吉首市"
    assert data["contentLocation"]["address"] == "湖南省湘西土家族苗族自治州吉首市"
    assert data["publisher"] == {"@type": "Organization", "name": "博县网", "url": "http://testserver/"}
    assert data["url"] == f"http://testserver{article.get_absolute_url()}"


def test_json_ld_cannot_be_broken_out_of(client, region, category):
    report = ReportFactory(region=region, category=category, title="</script><script>alert(1)</script>", body="正文。")
    html = client.get(report.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script
    assert json.loads(script)["name"] == report.title
