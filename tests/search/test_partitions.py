"""The full-text index is split by document year and read newest first."""

import datetime

import pytest
from django.db import transaction

from search import matching
from search.filters import SearchFilter
from search.query import parse_query
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def found_years(text: str) -> list[int]:
    query = parse_query(text)
    with transaction.atomic():
        found = matching.candidates(matching.matching_reports(query, SearchFilter()), query)
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
