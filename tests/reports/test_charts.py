"""The chart of reports per year and category on region pages (reports/charts.py)."""

import datetime
import re
from collections import Counter

import pytest
from django.db.models.functions import ExtractYear

from reports.charts import nice_step
from reports.models import Category, Report, ReportStatus
from tests.factories import RegionFactory, ReportFactory
from tests.queries import PageQueries, uncached

pytestmark = pytest.mark.django_db

RECT = re.compile(r'<rect class="series-\d" [^>]*data-year="(\d+)" data-category="(\w+)" data-count="(\d+)"')


def drawn(html: str) -> dict[tuple[int, str], int]:
    return {(int(year), slug): int(count) for year, slug, count in RECT.findall(html)}


def in_database(region) -> dict[tuple[int, str], int]:
    reports = Report.objects.published().in_region(region).annotate(year=ExtractYear("date"))
    return dict(Counter((year, slug) for year, slug in reports.values_list("year", "category__slug")))


@pytest.fixture
def reports_over_the_years(region):
    baogao, gongbao = Category.objects.get(slug="baogao"), Category.objects.get(slug="gongbao")
    neighbour = RegionFactory(code="433122", name="泸溪县", type="县", level=3, parent=region.prefecture, slug="luxi")
    plan = [
        (region, baogao, 2019, 2),
        (region, gongbao, 2019, 1),
        (region, baogao, 2021, 3),
        (region, gongbao, 2023, 4),
        (neighbour, baogao, 2023, 2),
        (neighbour, gongbao, 2020, 1),
    ]
    for place, category, year, count in plan:
        for day in range(count):
            ReportFactory(region=place, category=category, date=datetime.date(year, 3, day + 1))
    # Not shown to readers, so not counted either.
    ReportFactory(region=region, category=baogao, date=datetime.date(2022, 5, 1), status=ReportStatus.DRAFT)
    ReportFactory(region=region, category=baogao, date=datetime.date(2022, 5, 2), status=ReportStatus.WITHDRAWN)
    return neighbour


def test_the_chart_counts_what_the_database_holds_for_a_county_and_its_province(client, region, reports_over_the_years):
    for place in (region, region.prefecture, region.province, reports_over_the_years):
        html = client.get(place.get_absolute_url()).content.decode()
        assert drawn(html) == in_database(place), place
    county = drawn(client.get(region.get_absolute_url()).content.decode())
    assert county == {(2019, "baogao"): 2, (2019, "gongbao"): 1, (2021, "baogao"): 3, (2023, "gongbao"): 4}


def test_every_year_between_the_first_and_last_gets_a_bar_with_its_total(client, region, reports_over_the_years):
    html = client.get(region.get_absolute_url()).content.decode()
    years = re.findall(r'<text class="year"[^>]*>(\d+)</text>', html)
    assert years == ["2019", "2020", "2021", "2022", "2023"]
    assert re.findall(r'<text class="total"[^>]*>(\d+)</text>', html) == ["3", "3", "4"]


def test_the_numbers_are_also_a_table_and_the_svg_is_labelled(client, region, reports_over_the_years):
    html = client.get(region.province.get_absolute_url()).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="year-chart-title year-chart-desc"' in svg
    assert "湖南省2019—2023年各栏目报告数量</title>" in svg
    assert "共13篇，最多的是2023年（6篇）" in svg
    table = html[html.index('<div class="visually-hidden"><table>') : html.index("</table>")]
    assert '<th scope="col">报告</th><th scope="col">公报</th><th scope="col">合计</th>' in table
    rows = re.findall(r'<th scope="row">(\d+)年</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', table)
    assert rows == [
        ("2019", "2", "1", "3"),
        ("2020", "0", "1", "1"),
        ("2021", "3", "0", "3"),
        ("2022", "0", "0", "0"),
        ("2023", "2", "4", "6"),
    ]


def test_a_place_without_reports_shows_no_chart(client, region):
    assert "<svg" not in client.get(region.get_absolute_url()).content.decode()


def test_a_new_report_changes_the_cached_page_at_once(client, region, reports_over_the_years):
    url = region.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    ReportFactory(region=region, category=Category.objects.get(slug="guihua"), date=datetime.date(2024, 6, 1))
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert drawn(response.content.decode())[(2024, "guihua")] == 1


def test_only_the_latest_twelve_years_are_drawn(client, region):
    for year in range(2005, 2026):
        ReportFactory(region=region, date=datetime.date(year, 1, 1))
    html = client.get(region.get_absolute_url()).content.decode()
    assert {year for year, _ in drawn(html)} == set(range(2014, 2026))


@pytest.mark.parametrize(
    "largest,step", [(1, 1), (4, 1), (5, 2), (8, 2), (9, 5), (20, 5), (21, 10), (3_700, 1_000), (41_000, 20_000)]
)
def test_axis_steps_are_round_and_cover_the_largest_bar_in_four(largest, step):
    assert nice_step(largest) == step


def test_the_bars_are_as_tall_as_their_counts(client, region, reports_over_the_years):
    html = client.get(region.get_absolute_url()).content.decode()
    heights = {
        (int(year), slug): float(height)
        for height, year, slug in re.findall(
            r'height="([\d.]+)" data-year="(\d+)" data-category="(\w+)"', html[html.index("<svg") :]
        )
    }
    # 4 reports in 2023 against 3 in 2019: on the same scale.
    per_report = heights[(2023, "gongbao")] / 4
    assert heights[(2019, "baogao")] == pytest.approx(2 * per_report, abs=0.2)
    assert heights[(2021, "baogao")] == pytest.approx(3 * per_report, abs=0.2)


def test_the_chart_list_total_and_year_filter_share_one_read_of_the_tallies(client, region, reports_over_the_years):
    client.get(uncached(region.get_absolute_url()))  # shared lookups warm
    with PageQueries() as captured:
        html = client.get(uncached(region.get_absolute_url() + "?category=baogao&year=2021")).content.decode()
    assert len([sql for sql in captured.queries if '"reports_reporttally"' in sql]) == 1
    # What the list shows still follows its filters: 3 reports of 2021, years of 报告 only.
    assert '<p class="list-total">共 3 篇</p>' in html
    years = html[html.index("年份：") : html.index("</div>", html.index("年份："))]
    assert ">2021<" in years and ">2019<" in years and ">2023<" not in years
    assert drawn(html) == in_database(region)  # the chart ignores the list's filters


def test_names_in_the_chart_are_escaped(client, region, reports_over_the_years):
    Category.objects.filter(slug="gongbao").update(name="公报<b>")
    html = client.get(uncached(region.get_absolute_url())).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "公报&lt;b&gt;：4篇</title>" in svg and "<b>" not in svg
