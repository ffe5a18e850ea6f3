"""The full-text index is split by document year and read newest first."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reports.models import SEARCH_PARTITIONS, SEARCH_PENDING_LIST_KB, Report
from search import matching
from search.filters import SearchFilter
from search.query import parse_query
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def found_years(text: str) -> list[int]:
    query = parse_query(text)
    with transaction.atomic():
        found = matching.candidates(query, SearchFilter())
    return sorted(candidate.date.year for candidate in found)


def test_a_capped_search_takes_the_newest_years_first(region, category, monkeypatch):
    monkeypatch.setattr(matching, "RESULT_CAP", 3)
    for year in range(2012, 2020):
        ReportFactory(region=region, category=category, title=f"水库报告{year}", date=datetime.date(year, 3, 1))
    assert found_years("水库") == [2016, 2017, 2018, 2019]


@pytest.mark.parametrize(
    "date",
    [
        datetime.date(1998, 5, 1),
        datetime.date(2010, 1, 1),
        datetime.date(2030, 12, 31),
        datetime.date(2031, 1, 1),
        datetime.date(2045, 7, 1),
    ],
)
def test_every_date_is_covered_by_one_partition(region, category, date):
    ReportFactory(region=region, category=category, title="大兴寨水库报告", date=date)
    assert found_years("大兴寨水库") == [date.year]


def test_only_the_years_that_hold_reports_are_searched(region, category):
    """Each branch costs building, compiling and planning, found or not: 23 partitions, 2 years."""
    for year in (2019, 2020):
        ReportFactory(region=region, category=category, title=f"水库报告{year}", date=datetime.date(year, 3, 1))
    with CaptureQueriesContext(connection) as captured:
        assert found_years("水库") == [2019, 2020]
    (search,) = [query["sql"] for query in captured if "@@" in query["sql"]]
    assert search.count("UNION ALL") == 1


def test_the_search_indexes_keep_their_pending_lists_short():
    """A search reads a GIN index's whole pending list; the migration set the limit the models state."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
            [[partition.name for partition in SEARCH_PARTITIONS]],
        )
        options = dict(cursor.fetchall())
    assert len(options) == len(SEARCH_PARTITIONS)
    assert all(found == [f"gin_pending_list_limit={SEARCH_PENDING_LIST_KB}"] for found in options.values()), options


def test_broad_filters_are_checked_on_the_matching_rows_not_through_their_indexes(region, category):
    """At a million reports PostgreSQL ANDed the GIN bitmap with the bitmap of a whole category
    (70 ms a year); written as `category_id + 0` the category is checked on the rows that match.
    The province's small bitmap is still welcome."""
    ReportFactory(region=region, category=category, title="水库报告", date=datetime.date(2020, 3, 1))
    query = parse_query("水库")
    narrowed = SearchFilter(category=category, big_region=region.big_region, province=region.province)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert [found.pk for found in matching.candidates(query, narrowed)] == [Report.objects.get().pk]
    (search,) = [query["sql"] for query in captured if "@@" in query["sql"]]
    assert f'("reports_report"."category_id" + 0) = {category.pk}' in search
    assert f'("reports_report"."big_region_id" + 0) = {region.big_region_id}' in search
    assert f'"reports_report"."province_id" = {region.province_id}' in search
