"""The search page's reads: one page of ranked results, with their capped count and facets.

The steps live in their own modules: filters, matching (the capped pass over the matches),
ranking, facets and highlight. RESULT_CAP is read as matching.RESULT_CAP when a page is made, so
that the pass, the count and the pages see the same value even when it is changed at run time
(the tests lower it).
"""

from dataclasses import dataclass

from django.core.paginator import Page

from portal.db import session_settings
from portal.pagination import KnownCountPaginator, page_of
from reports.models import Report

from . import matching
from .facets import Facets, facets
from .filters import SearchFilter
from .highlight import highlight, snippet
from .query import ParsedQuery, RawSearchQuery, parse_query
from .ranking import Ranking

PER_PAGE = 20
SEARCH_WORK_MEM = "64MB"


@dataclass
class SearchResults:
    total: int  # capped at RESULT_CAP + 1
    page: Page
    facets: Facets

    @property
    def is_capped(self) -> bool:
        return self.total > matching.RESULT_CAP

    @property
    def cap(self) -> int:
        return matching.RESULT_CAP


class SearchPaginator(KnownCountPaginator):
    """Pages over the ranked matches; the count is known (and capped) beforehand."""

    def __init__(self, ranking: Ranking, *, total: int, terms: tuple[str, ...]):
        super().__init__([], total=min(total, matching.RESULT_CAP), per_page=PER_PAGE)
        self.ranking = ranking
        self.terms = terms

    def rows(self, bottom: int, top: int) -> list[Report]:
        return result_rows(self.ranking.ids(bottom, top), self.terms)


def result_rows(ids: list[int], terms: tuple[str, ...]) -> list[Report]:
    """The reports of one page, in the given order, each with a highlighted title and snippet."""
    rows = Report.objects.filter(pk__in=ids).select_related("region", "category", "big_region", "province")
    rows = rows.only(
        "id",
        "title",
        "date",
        "body",
        "region__name",
        "category__name",
        "category__slug",
        "big_region__slug",
        "province__name",
    )
    by_id = {report.pk: report for report in rows}
    ordered = [by_id[pk] for pk in ids if pk in by_id]
    for report in ordered:
        report.highlighted_title = highlight(report.title, terms)
        report.snippet = snippet(report.body, terms)
    return ordered


def search_reports(*, query: ParsedQuery, search_filter: SearchFilter, order: str, page: str | None) -> SearchResults:
    # A frequent bigram matches hundreds of thousands of rows; with the default 4 MB the bitmap
    # of their heap pages turns lossy, and every row of a lossy page must be rechecked by
    # decompressing its tsvector.
    with session_settings(work_mem=SEARCH_WORK_MEM, whole_transaction=True):
        reports = matching.matching_reports(query, search_filter)
        found = matching.candidates(query, search_filter)
        total = len(found)
        capped = total > matching.RESULT_CAP
        ranking = Ranking(
            reports,
            query,
            found=found[: matching.RESULT_CAP],
            capped=capped,
            order=order,
            narrowed=any((search_filter.category, search_filter.big_region, search_filter.province)),
        )
        paginator = SearchPaginator(ranking, total=total, terms=query.highlight)
        return SearchResults(
            total=total,
            page=page_of(paginator, page),
            facets=facets(found, search_filter, capped=capped),
        )


def reports_matching(text: str, reports=None):
    """`reports` (by default every published one) narrowed to those that contain every term of
    `text`, as the search page matches them, for other apps to order their own way (the open-data
    API's `q`). A condition on the same query, not a subquery: ordered by an index with a LIMIT,
    PostgreSQL can then stop after the first matches instead of collecting them all."""
    reports = Report.objects.published() if reports is None else reports
    return reports.filter(search_vector=RawSearchQuery(parse_query(text).match))
