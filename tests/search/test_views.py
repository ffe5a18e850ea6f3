import datetime
import re

import pytest
from django.urls import reverse

from reports import services
from reports.models import BigRegion, ReportStatus
from search import matching, ranking, selectors
from tests.factories import CategoryFactory, RegionFactory, ReportFactory
from tests.queries import PageQueries

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def titles(response) -> list[str]:
    html = response.content.decode()
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r'<h2><a href="[^"]+">(.*?)</a></h2>', html)]


@pytest.fixture
def reservoir(region, category):
    return ReportFactory(
        region=region,
        category=category,
        title="吉首市人民政府工作报告",
        date=datetime.date(2023, 2, 14),
        body="  （一）加速推进水利建设，大兴寨水库全面动工建设。\n\n  （二）隘口村入选全国茶乡旅游精品线路。",
    )


def test_results_show_title_region_category_date_and_highlighted_snippet(client, reservoir):
    response = client.get(SEARCH, {"q": "大兴寨水库"})
    html = response.content.decode()
    assert response.status_code == 200
    assert titles(response) == ["吉首市人民政府工作报告"]
    assert f'href="{reservoir.get_absolute_url()}"' in html
    assert "吉首市" in html and "报告" in html and "2023-02-14" in html
    assert "<mark>大兴寨水库</mark>全面动工建设" in html
    assert "找到 <strong>1</strong> 条结果" in html


def test_two_character_query_matches_an_exact_substring(client, reservoir, region, category):
    ReportFactory(region=region, category=category, title="水利规划", body="水的库存。")  # 水 and 库, not 水库
    response = client.get(SEARCH, {"q": "水库"})
    assert titles(response) == [reservoir.title]


def test_longer_query_needs_all_its_parts(client, reservoir, region, category):
    ReportFactory(region=region, category=category, title="工作报告", body="乡村振兴取得成效。示范区建设。")
    ReportFactory(region=region, category=category, title="示范村名单", body="乡村振兴示范村名单公布。")
    assert titles(client.get(SEARCH, {"q": "乡村振兴示范村"})) == ["示范村名单"]


def test_title_matches_rank_first_then_newer(client, region, category):
    ReportFactory(
        region=region, category=category, title="工作报告甲", body="茶旅融合。", date=datetime.date(2024, 1, 1)
    )
    ReportFactory(
        region=region, category=category, title="茶旅融合规划", body="茶旅融合。", date=datetime.date(2020, 1, 1)
    )
    ReportFactory(
        region=region, category=category, title="工作报告乙", body="茶旅融合。", date=datetime.date(2022, 1, 1)
    )
    assert titles(client.get(SEARCH, {"q": "茶旅"})) == ["茶旅融合规划", "工作报告甲", "工作报告乙"]
    by_date = client.get(SEARCH, {"q": "茶旅", "order": "date"})
    assert titles(by_date) == ["工作报告甲", "工作报告乙", "茶旅融合规划"]


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.WITHDRAWN])
def test_unpublished_reports_are_not_found(client, region, category, status):
    ReportFactory(region=region, category=category, title="大兴寨水库草稿", status=status)
    assert titles(client.get(SEARCH, {"q": "大兴寨水库"})) == []


def test_restricted_reports_are_not_found(client, reservoir):
    services.reports_set_restricted(report_ids=[reservoir.pk], restricted=True)
    response = client.get(SEARCH, {"q": "大兴寨水库"})
    assert titles(response) == []
    assert "没有找到包含“大兴寨水库”的报告" in response.content.decode()


def test_report_containing_markup_is_shown_as_text(client, region, category):
    ReportFactory(
        region=region,
        category=category,
        title="<script>alert('标题')</script>水库报告",
        body="水库<script>alert('正文')</script><b>加粗</b>",
    )
    html = client.get(SEARCH, {"q": "水库"}).content.decode()
    assert "<script>alert" not in html
    assert "<b>加粗" not in html
    assert "&lt;script&gt;alert(" in html


@pytest.mark.parametrize(
    "q,message",
    [
        ("", "请输入要查找的词语"),
        ("   ", "请输入要查找的词语"),
        ("！！？？……", "没有可查找的文字"),
        ("'\"", "没有可查找的文字"),
        ("水" * 1000, "搜索词太长"),
        ("'; DROP TABLE reports_report; --", "没有找到"),
        ("1 OR 1=1", "没有找到"),
        ('"大兴寨', "没有找到"),
        ("大兴寨'", "没有找到"),
        ("(水库", "没有找到"),
        ("a & | ! <-> :*", "没有找到"),
    ],
)
def test_bad_queries_get_a_normal_page_with_a_message(client, q, message):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_nul_bytes_get_an_explanation_not_an_error(client):
    response = client.get(SEARCH, {"q": "水库\x00"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize(
    "params", [{"page": "abc"}, {"page": "-1"}, {"page": "999999"}, {"year": "20x3"}, {"category": "不存在"}]
)
def test_junk_parameters_are_ignored(client, reservoir, params):
    response = client.get(SEARCH, {"q": "水库", **params})
    assert response.status_code == 200
    assert titles(response) == [reservoir.title]


@pytest.fixture
def spread(db):
    """Reports about 水库 in two categories, two provinces and two years."""
    gongbao = CategoryFactory(name="公报", slug="gongbao")
    baogao = CategoryFactory(name="报告", slug="baogao")
    huabei = BigRegion.objects.get(slug="hb")
    hebei = RegionFactory(code="13", name="河北省", slug="hebei", big_region=huabei)
    hunan = RegionFactory(code="43", name="湖南省", slug="hunan", big_region=BigRegion.objects.get(slug="huazhong"))
    rows = [(hebei, baogao, 2021), (hebei, gongbao, 2022), (hunan, baogao, 2022), (hunan, baogao, 2023)]
    for number, (region, category, year) in enumerate(rows):
        ReportFactory(region=region, category=category, title=f"水库报告{number}", date=datetime.date(year, 5, 1))
    return {"gongbao": gongbao, "hebei": hebei}


def test_filters_show_counts_and_combine_with_the_query(client, spread):
    html = client.get(SEARCH, {"q": "水库"}).content.decode()
    assert re.search(r'category=gongbao">公报 <span class="count">1</span>', html)
    assert re.search(r'category=baogao">报告 <span class="count">3</span>', html)
    assert re.search(r'year=2022">2022年 <span class="count">2</span>', html)
    assert re.search(r'area=huazhong">华中 <span class="count">2</span>', html)

    response = client.get(SEARCH, {"q": "水库", "category": "baogao", "year": "2022"})
    assert titles(response) == ["水库报告2"]
    response = client.get(SEARCH, {"q": "水库", "area": "hb"})
    assert sorted(titles(response)) == ["水库报告0", "水库报告1"]
    html = response.content.decode()
    assert re.search(r'province=hebei">河北省 <span class="count">2</span>', html)
    response = client.get(SEARCH, {"q": "水库", "area": "hb", "province": "hebei", "category": "gongbao"})
    assert titles(response) == ["水库报告1"]


def test_results_are_paginated(client, region, category, settings):
    for number in range(selectors.PER_PAGE + 5):
        ReportFactory(region=region, category=category, title=f"水库报告{number}")
    first = client.get(SEARCH, {"q": "水库"})
    second = client.get(SEARCH, {"q": "水库", "page": "2"})
    assert len(titles(first)) == selectors.PER_PAGE
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))
    assert "q=%E6%B0%B4%E5%BA%93&amp;page=2" in first.content.decode()


def test_large_result_sets_show_a_capped_count_without_facet_counts(client, region, category, monkeypatch):
    monkeypatch.setattr(matching, "RESULT_CAP", 3)
    for number in range(6):
        ReportFactory(region=region, category=category, title=f"水库报告{number}")
    response = client.get(SEARCH, {"q": "水库"})
    html = response.content.decode()
    assert "找到约 <strong>3+</strong> 条结果" in html
    assert len(titles(response)) == 3  # only the capped set is ranked and paged
    assert '<span class="count">' not in html
    assert "暂不显示各项数量" in html


@pytest.mark.parametrize("rows", [1, 15])
def test_query_count_does_not_grow_with_results(client, region, category, rows):
    for number in range(rows):
        ReportFactory(region=region, category=category, title=f"水库报告{number}")
    # The same number for 1 and 15 matches: nothing is fetched per result.
    with PageQueries() as captured:
        client.get(SEARCH, {"q": "水库", "category": "baogao", "year": "2023"})
    assert len(captured) == 14, captured.queries  # planner switches included; place names and navigation are shared


def test_search_page_is_not_indexed_by_search_engines(client, reservoir):
    html = client.get(SEARCH, {"q": "水库"}).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html


def test_header_search_box_is_on_every_page(client, reservoir):
    for url in ("/", reservoir.get_absolute_url(), reservoir.category.get_absolute_url(), "/diqu/"):
        html = client.get(url).content.decode()
        assert f'action="{SEARCH}"' in html and 'name="q"' in html, url


def test_capped_results_by_date_are_the_newest_of_all_matches(client, region, category, monkeypatch):
    monkeypatch.setattr(matching, "RESULT_CAP", 3)
    gongbao = CategoryFactory(name="公报", slug="gongbao")
    for year in range(2015, 2021):
        ReportFactory(region=region, category=category, title=f"水库报告{year}", date=datetime.date(year, 1, 1))
        ReportFactory(region=region, category=gongbao, title=f"水库公报{year}", date=datetime.date(year, 6, 1))
    response = client.get(SEARCH, {"q": "水库", "order": "date"})
    assert titles(response) == ["水库公报2020", "水库报告2020", "水库公报2019"]


def test_ranking_beyond_the_rerank_shortlist_pages_without_gaps(client, region, category, monkeypatch):
    monkeypatch.setattr(ranking, "RERANK", 7)
    for number in range(selectors.PER_PAGE + 5):
        ReportFactory(region=region, category=category, title=f"报告{number}", body="水库。" * (number % 4 + 1))
    ReportFactory(region=region, category=category, title="水库建设规划", body="水库。")
    first = titles(client.get(SEARCH, {"q": "水库"}))
    second = titles(client.get(SEARCH, {"q": "水库", "page": "2"}))
    assert first[0] == "水库建设规划"  # a title hit comes first
    assert len(first) + len(second) == len(set(first) | set(second)) == selectors.PER_PAGE + 6
