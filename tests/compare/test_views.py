"""The compare page: what readers see, what they are refused and why, and what it costs."""

import datetime
import re

import pytest
from django.urls import reverse

from reports import services
from reports.demo import read_seed, seed_previous_year
from reports.models import ReportStatus
from takedowns.services import notice_uphold
from tests.factories import CategoryFactory, ReportFactory, TakedownNoticeFactory, UserFactory
from tests.queries import PageQueries, uncached

pytestmark = pytest.mark.django_db


def compare_url(report, year=None) -> str:
    url = reverse(
        "compare:compare", kwargs={"category": report.category.slug, "area": report.big_region.slug, "pk": report.pk}
    )
    return url if year is None else f"{url}?year={year}"


def report_of(region, category, year, **fields):
    fields.setdefault("title", "吉首市人民政府工作报告")
    return ReportFactory(region=region, category=category, date=datetime.date(year, 2, 14), **fields)


@pytest.fixture
def seed(region, category):
    document = read_seed()
    return report_of(region, category, 2023, body=document.body)


@pytest.fixture
def previous(region, category):
    document = seed_previous_year()
    return ReportFactory(region=region, category=category, date=datetime.date(2022, 2, 18), body=document.body)


def test_the_seed_beside_the_year_before(client, seed, previous):
    response = client.get(compare_url(seed))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>吉首市报告：2022年与2023年对比</h1>" in html
    # The older report on the left: its own paragraph on pandemic control is only on that side.
    older, newer = html.index('class="compare-cell older">'), html.index('class="compare-cell newer">')
    assert older < newer
    assert re.search(r"<del id=o-\d+ class=s>严格落实“外防输入、内防反弹”总策略", html)
    # A sentence the year before did not have is marked on the right, one both have is not.
    assert re.search(r"<ins id=n-\d+ class=s>二是营商环境持续优化。</ins>", html)
    assert re.search(r"<span id=n-\d+ class=s>\(四\)在脱贫地区乡村振兴示范区建设中走在前列", html)
    # 新提法, linked to their sentences; the words that went away; the chart of the others.
    new_terms = html[html.index('id="new-terms"') : html.index("用词变化</h2>")]
    assert re.search(r'<a class="term" href="#n-\d+">招商</a>', new_terms)
    assert "疫苗" not in new_terms and "疫苗" in html[html.index("不再出现") :]
    assert '<svg class="shift-chart"' in html and 'data-word="全面" data-change="10"' in html
    assert "全面，2022年5次，2023年15次" in html  # the chart's text alternative


def test_the_year_can_be_chosen_and_the_form_offers_every_year(client, region, category, seed, previous):
    older = report_of(region, category, 2019, body="（一）二〇一九年的报告只有一句。")
    html = client.get(compare_url(seed, 2019)).content.decode()
    assert "2019年与2023年对比" in html and "二〇一九年的报告只有一句。" in html
    assert '<option value="2022">2022年</option>' in html and '<option value="2019" selected>2019年</option>' in html
    # Asked from the older report, the page is the same pair, the older still on the left.
    html = client.get(compare_url(older, 2023)).content.decode()
    assert "2019年与2023年对比" in html


def test_by_default_the_closest_earlier_year_else_the_closest_later(client, region, category, seed, previous):
    report_of(region, category, 2020, body="二〇二〇年。")
    report_of(region, category, 2025, body="二〇二五年。")
    assert "2022年与2023年对比" in client.get(compare_url(seed)).content.decode()
    oldest = report_of(region, category, 2018, body="二〇一八年。")
    assert "2018年与2020年对比" in client.get(compare_url(oldest)).content.decode()


def test_other_categories_and_places_are_not_offered(client, region, seed):
    other_category = CategoryFactory(slug="gongbao", name="公报")
    report_of(region, other_category, 2022, body="统计公报。")
    response = client.get(compare_url(seed))
    assert response.status_code == 404
    assert "吉首市的报告目前只有这一年的，还没有可以对比的其他年份。" in response.content.decode()


@pytest.mark.parametrize(
    ("year", "status", "message"),
    [
        ("abc", 400, "“abc”不是年份。对比的年份请写成四位数字，例如 ?year=2022。"),
        ("２０２２", 400, "不是年份"),
        ("20222", 400, "不是年份"),
        ("-1", 400, "不是年份"),
        ("2023", 400, "这篇报告就是2023年的，请选择另一年份对比。"),
        ("2019", 404, "吉首市没有2019年的报告。可以对比的年份：2022年。"),
    ],
)
def test_bad_years_get_a_clear_chinese_page(client, seed, previous, year, status, message):
    response = client.get(compare_url(seed), {"year": year})
    assert response.status_code == status
    assert message in response.content.decode()


def test_junk_in_the_query_string_is_harmless(client, seed, previous):
    assert client.get(compare_url(seed) + "?year=2022&utm_source=%ff<script>&year_=x").status_code == 200
    assert client.get(compare_url(seed) + "?year=2022%00").status_code == 400  # the site refuses NUL bytes
    assert client.get(compare_url(seed) + "?year=").status_code == 200  # the empty choice: the default
    assert client.get(compare_url(seed) + "?year=" + "9" * 5000).status_code == 400


def test_unknown_report_is_404(client, seed):
    assert client.get(compare_url(seed).replace(str(seed.pk), "999999")).status_code == 404


def test_a_wrong_category_or_area_redirects_to_the_page_keeping_the_year(client, seed, previous):
    url = compare_url(seed, 2022).replace("/huazhong/", "/huabei/")
    response = client.get(url)
    assert response.status_code == 301 and response["Location"] == compare_url(seed, 2022)


def test_unpublished_reports_on_either_side_are_404(client, region, category, seed, previous):
    services.reports_set_status(report_ids=[previous.pk], status=ReportStatus.WITHDRAWN)
    assert client.get(compare_url(seed, 2022)).status_code == 404
    services.reports_set_status(report_ids=[previous.pk], status=ReportStatus.PUBLISHED)
    draft = report_of(region, category, 2021, status=ReportStatus.DRAFT, body="草稿。")
    assert client.get(compare_url(draft, 2022)).status_code == 404
    assert client.get(compare_url(seed, 2021)).status_code == 404
    staff = UserFactory(username="bianji", is_staff=True)
    client.force_login(staff)  # staff preview articles, but compare what readers can read
    assert client.get(compare_url(draft, 2022)).status_code == 404


def test_restricted_reports_on_either_side_are_451(client, region, category, seed, previous, site_owner):
    notice_uphold(notice=TakedownNoticeFactory(report=previous), actor=site_owner)
    answer = client.get(compare_url(seed, 2022))
    assert answer.status_code == 451 and "因版权投诉无法访问" in answer.content.decode()
    assert client.get(compare_url(previous, 2023)).status_code == 451
    # By default the restricted year is not chosen, nor offered.
    report_of(region, category, 2021, body="二〇二一年。")
    html = client.get(compare_url(seed)).content.decode()
    assert "2021年与2023年对比" in html and '<option value="2022"' not in html


def test_the_page_is_kept_from_search_engines_and_points_to_the_article(client, seed, previous):
    html = client.get(compare_url(seed)).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html
    assert f'<link rel="canonical" href="http://testserver{seed.get_absolute_url()}">' in html


def test_identical_and_empty_reports_render(client, region, category, seed):
    twin = report_of(region, category, 2022, body=seed.body, title="吉首市人民政府工作报告（同文）")
    html = client.get(compare_url(seed, 2022)).content.decode()
    assert "改动 0 段" in html and "没有新出现的词。" in html and "两年的用词没有增减。" in html
    assert "<ins" not in html.split("compare-text")[1] and twin.title in html
    report_of(region, category, 2021, body="   ")
    html = client.get(compare_url(seed, 2021)).content.decode()
    assert "2021年没有对应的段落" in html


def test_the_article_links_to_the_comparison_only_when_there_is_one(client, region, category, seed):
    assert "与上一年对比" not in client.get(seed.get_absolute_url()).content.decode()
    previous = report_of(region, category, 2022, body="二〇二二年。")
    html = client.get(seed.get_absolute_url()).content.decode()
    assert f'<a href="{compare_url(seed)}" rel="nofollow">与上一年对比</a>' in html
    assert f'href="{compare_url(previous)}"' in client.get(previous.get_absolute_url()).content.decode()


def count_queries(client, url) -> int:
    with PageQueries() as captured:
        assert client.get(uncached(url)).status_code == 200
    return len(captured)


def test_the_link_costs_the_article_no_query(client, region, category, seed):
    count_queries(client, seed.get_absolute_url())  # shared lookups warm
    without_link = count_queries(client, seed.get_absolute_url())
    report_of(region, category, 2022, body="二〇二二年。")
    assert "与上一年对比" in client.get(uncached(seed.get_absolute_url())).content.decode()
    assert count_queries(client, seed.get_absolute_url()) == without_link


def test_the_compare_page_queries_do_not_grow_with_the_places_reports(client, region, category, seed, previous):
    count_queries(client, compare_url(seed))
    with_two = count_queries(client, compare_url(seed))
    for year in range(2000, 2020):
        report_of(region, category, year, body=f"{year}年。")
    assert count_queries(client, compare_url(seed)) == with_two <= 8


def test_report_text_is_escaped_in_both_columns(client, region, category, seed):
    report_of(region, category, 2022, body="（一）<script>alert(1)</script>“引号”&符号。\n\n<b>粗体</b>。")
    html = client.get(compare_url(seed, 2022)).content.decode()
    assert "<script>alert(1)" not in html and "<b>粗体" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;“引号”&amp;符号。" in html and "&lt;b&gt;粗体&lt;/b&gt;。" in html
