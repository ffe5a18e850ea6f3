import datetime

import pytest
from django.urls import reverse

from reports.models import ReportStatus
from tests.factories import CategoryFactory, RegionFactory, ReportFactory, jishou

pytestmark = pytest.mark.django_db


def test_article_shows_original_title_body_and_permalink(client, report):
    response = client.get(report.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert f"(湖南省){report.title}({report.date.year}年{report.date.month}月{report.date.day}日)" in html
    assert "<p>（一）第一段。</p>" in html
    assert f'本文地址:<a href="{report.get_absolute_url()}">' in html
    assert "源于网络的作品,若对您造成了侵权" in html


def test_article_breadcrumb_walks_province_prefecture_county(client, report):
    html = client.get(report.get_absolute_url()).content.decode()
    trail = html[html.index('class="breadcrumbs"') :]
    assert trail.index("湖南省") < trail.index("湘西土家族苗族自治州") < trail.index("吉首市")


def test_article_is_cacheable_and_sets_no_cookie(client, report):
    response = client.get(report.get_absolute_url())
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("category_slug,area", [("gongbao", "huazhong"), ("baogao", "hb"), ("guihua", "xinan")])
def test_wrong_slugs_redirect_permanently_to_canonical(client, report, category_slug, area):
    CategoryFactory(name="公报", slug="gongbao")
    url = reverse("reports:detail", kwargs={"category": category_slug, "area": area, "pk": report.pk})
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == report.get_absolute_url()


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.WITHDRAWN])
def test_unpublished_reports_are_404_for_readers(client, region, category, status):
    report = ReportFactory(region=region, category=category, status=status)
    assert client.get(report.get_absolute_url()).status_code == 404


def test_unknown_report_is_404_in_chinese(client):
    response = client.get("/baogao/huazhong/99999999.html")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_staff_see_a_noindex_preview_of_drafts(admin_client, region, category):
    draft = ReportFactory(region=region, category=category, status=ReportStatus.DRAFT)
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "预览" in response.content.decode()
    assert 'content="noindex"' in response.content.decode()


def test_previous_next_and_related(client, region, category):
    older = ReportFactory(region=region, category=category, date=datetime.date(2021, 1, 5))
    middle = ReportFactory(region=region, category=category, date=datetime.date(2022, 1, 5))
    newer = ReportFactory(region=region, category=category, date=datetime.date(2023, 1, 5))
    other_category = ReportFactory(region=region, category=CategoryFactory(name="规划", slug="guihua"))
    html = client.get(middle.get_absolute_url()).content.decode()
    assert f'href="{older.get_absolute_url()}" rel="prev"' in html
    assert f'href="{newer.get_absolute_url()}" rel="next"' in html
    related = html[html.index("吉首市的其他报告") :]
    assert other_category.title in related and older.title in related


def test_view_beacon_counts_published_reports_only(client, region, category, report):
    url = reverse("reports:record_view", kwargs={"pk": report.pk})
    same_origin = {"Sec-Fetch-Site": "same-origin", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}
    assert client.post(url, headers=same_origin).json() == {"views": 1}
    assert client.post(url, headers=same_origin).json() == {
        "views": 1
    }  # once per reader (tests/reports/test_visits.py)
    assert client.get(url).status_code == 405
    draft = ReportFactory(region=region, category=category, status=ReportStatus.DRAFT)
    assert client.post(reverse("reports:record_view", kwargs={"pk": draft.pk}), headers=same_origin).status_code == 404


def test_category_and_area_lists_show_newest_first(client, region, category):
    old = ReportFactory(region=region, category=category, date=datetime.date(2016, 3, 1))
    new = ReportFactory(region=region, category=category, date=datetime.date(2024, 3, 1))
    for url in (category.get_absolute_url(), reverse("reports:category_area", args=[category.slug, "huazhong"])):
        html = client.get(url).content.decode()
        assert html.index(new.title) < html.index(old.title)


def test_area_list_excludes_other_big_regions(client, region, category):
    north = RegionFactory(
        code="11", name="北京市", type="直辖市", slug="beijing", big_region__name="华北", big_region__slug="hb"
    )
    beijing_report = ReportFactory(region=north, category=category)
    hunan_report = ReportFactory(region=region, category=category)
    html = client.get(reverse("reports:category_area", args=[category.slug, "hb"])).content.decode()
    assert beijing_report.title in html and hunan_report.title not in html


def test_region_pages_list_their_subtree_and_children(client, report):
    jishoushi = report.region
    for region in jishoushi.lineage():
        response = client.get(region.get_absolute_url())
        assert response.status_code == 200, region
        assert report.title in response.content.decode()
    province_html = client.get(jishoushi.province.get_absolute_url()).content.decode()
    assert "湘西土家族苗族自治州" in province_html


def test_region_under_wrong_area_redirects(client, region):
    response = client.get(reverse("reports:region", kwargs={"area": "hb", "slug": region.slug}))
    assert response.status_code == 301
    assert response["Location"] == region.get_absolute_url()


def test_region_filters_by_category_and_year(client, region, category):
    plan = ReportFactory(
        region=region, category=CategoryFactory(name="规划", slug="guihua"), date=datetime.date(2020, 6, 1)
    )
    report_2020 = ReportFactory(region=region, category=category, date=datetime.date(2020, 3, 1))
    report_2023 = ReportFactory(region=region, category=category, date=datetime.date(2023, 3, 1))
    html = client.get(region.get_absolute_url(), {"category": "baogao", "year": "2020"}).content.decode()
    assert report_2020.title in html
    assert report_2023.title not in html and plan.title not in html
    assert "共 1 篇" in html


def test_home_lists_categories_and_big_regions(client, report):
    html = client.get("/").content.decode()
    assert report.title in html
    for name in ("华北", "东北", "华东", "华中", "华南", "西南", "西北", "报告", "公报", "规划"):
        assert name in html
    assert 'href="/diqu/huazhong/hunan/">湖南省</a> <span class="count">1</span>' in html


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=0",
        "page=99999999",
        "year=x",
        "year=2020x",
        "category=nope",
        "page=１",
        "page=" + "9" * 5000,
        "year=" + "2" * 3000,
        "category=" + "x" * 3000,
        "category=%E4%BD%A0",
    ],
)
@pytest.mark.parametrize("path", ["/baogao/", "/baogao/huazhong/", "/diqu/huazhong/", "/diqu/huazhong/hunan/"])
def test_junk_query_strings_never_fail(client, region, path, query):
    assert client.get(f"{path}?{query}").status_code == 200


@pytest.mark.parametrize("path", ["/baogao/huazhong/5618.htm", "/diqu/x/y/z/", "/" + "a" * 5000 + "/"])
def test_junk_paths_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/baogao%00/",
        "/baogao/huazhong/5618%00.html",
        "/baogao/?page=%00",
        "/diqu/huazhong/?category=%00",
        "/baogao/?year=1%002",
    ],
)
def test_nul_bytes_are_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "无效字符" in response.content.decode()


def test_pagination_reaches_first_middle_and_last_page(client, region, category, settings):
    settings.REPORTS_PER_PAGE = 2
    reports = [
        ReportFactory(region=region, category=category, date=datetime.date(2015, 1, 1) + datetime.timedelta(days=i))
        for i in range(7)
    ]
    newest_first = [r.title for r in reversed(reports)]
    seen = []
    for page in (1, 2, 3, 4):
        html = client.get(category.get_absolute_url(), {"page": page}).content.decode()
        seen += [title for title in newest_first if title in html]
    assert seen == newest_first
    assert newest_first[-1] in client.get(category.get_absolute_url(), {"page": 999}).content.decode()


def test_every_region_of_the_csv_has_a_working_page(client, django_db_setup):
    from django.core.management import call_command

    from reports.models import Region

    call_command("load_regions")
    regions = list(Region.objects.select_related("big_region").order_by("?")[:60])
    for region in regions:
        assert client.get(region.get_absolute_url()).status_code == 200, region.code


def test_unknown_category_and_area_are_404(client):
    jishou()
    assert client.get("/nosuchcategory/").status_code == 404
    assert client.get("/baogao/nosucharea/").status_code == 404
    assert client.get("/diqu/huazhong/nosuchregion/").status_code == 404
