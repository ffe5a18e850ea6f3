"""The search page's reads: matching, counting (capped), facets and one page of ranked results."""

from collections import Counter
from dataclasses import dataclass, field
from heapq import merge
from itertools import islice
from typing import NamedTuple

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchRank
from django.core.cache import cache
from django.core.paginator import Page
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    QuerySet,
    Value,
    When,
)
from django.http import QueryDict

from portal.db import session_settings
from reports.models import SEARCH_PARTITIONS, BigRegion, Category, Region, Report, ReportTally
from reports.pagination import KnownCountPaginator
from reports.selectors import parse_year

from .highlight import highlight, snippet
from .query import ParsedQuery, RawSearchQuery

# Counting stops here ("约 5,000+ 条"), and only this many matches are ranked and paged: beyond
# it, neither an exact count nor page 300 is worth a slow query. At 10,000 the pass over the
# matches alone took most of the 200 ms a page may take at a million reports (docs/search.md).
RESULT_CAP = 5_000
RERANK = 300
PER_PAGE = 20
SEARCH_WORK_MEM = "64MB"
# A report that links to its official source is an authentic copy; one without (typed in, or
# generated) ranks lower at similar text relevance.
SOURCED_BOOST = 1.5
# ts_rank weights for D (body), C (unused), B (whole place names), A (title).
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]


class Order:
    RELEVANCE = "relevance"
    DATE = "date"


@dataclass(frozen=True)
class SearchFilter:
    category: Category | None = None
    big_region: BigRegion | None = None
    province: Region | None = None
    year: int | None = None

    @classmethod
    def from_params(cls, params: QueryDict) -> "SearchFilter":
        """Filters as typed by anyone: unknown or malformed values are ignored."""
        category = _by_slug(Category.objects.all(), params.get("category"))
        big_region = _by_slug(BigRegion.objects.all(), params.get("area"))
        province = _by_slug(Region.objects.provinces().select_related("big_region"), params.get("province"))
        if province is not None and big_region is not None and province.big_region_id != big_region.pk:
            province = None
        return cls(category=category, big_region=big_region, province=province, year=parse_year(params.get("year")))

    def apply(self, reports: QuerySet) -> QuerySet:
        if self.category is not None:
            reports = reports.filter(category=self.category)
        if self.big_region is not None:
            reports = reports.filter(big_region=self.big_region)
        if self.province is not None:
            reports = reports.filter(province=self.province)
        if self.year is not None:
            reports = reports.filter(date__year=self.year)
        return reports

    @property
    def is_active(self) -> bool:
        return any((self.category, self.big_region, self.province, self.year))


def _by_slug(queryset: QuerySet, slug: str | None):
    if not slug or not slug.isascii() or len(slug) > 80:
        return None
    return queryset.filter(slug=slug).first()


@dataclass(frozen=True)
class FacetOption:
    value: str  # the query-string value
    label: str
    count: int | None  # None when the result set is too large to count by facet


@dataclass
class Facets:
    categories: list[FacetOption] = field(default_factory=list)
    big_regions: list[FacetOption] = field(default_factory=list)
    provinces: list[FacetOption] = field(default_factory=list)
    years: list[FacetOption] = field(default_factory=list)


@dataclass
class SearchResults:
    query: ParsedQuery
    order: str
    total: int  # capped at RESULT_CAP + 1
    page: Page
    facets: Facets

    @property
    def is_capped(self) -> bool:
        return self.total > RESULT_CAP

    @property
    def cap(self) -> int:
        return RESULT_CAP


def matching_reports(query: ParsedQuery, search_filter: SearchFilter) -> QuerySet:
    """Published, unrestricted reports that contain every term of the query."""
    reports = Report.objects.published().filter(search_vector=RawSearchQuery(query.match))
    # No default ordering: a LIMIT over unordered matches stops early instead of sorting them all.
    return search_filter.apply(reports).order_by()


class Candidate(NamedTuple):
    """What one matching row says about itself, read in the same pass that finds it."""

    pk: int
    date: object
    category_id: int
    big_region_id: int
    province_id: int
    coarse: float  # query terms in the title (2 each) or place names (1 each), times the source prior


def candidates(reports: QuerySet, query: ParsedQuery) -> list[Candidate]:
    """Up to RESULT_CAP + 1 matches, read once per page through the GIN indexes, newest year first.

    Everything the page needs before its 20 rows comes from this one pass: the (capped) count, the
    facet counts and the coarse order. It is one UNION ALL of a branch per year partition of the
    index (reports.models.SEARCH_PARTITIONS); PostgreSQL runs the branches in order and stops once
    the LIMIT is met, so a frequent term costs the bitmaps of the last year or two, not of every
    match there is. The planner prices `search_vector @@ query` as one cheap
    operator per row and, with a LIMIT, likes to walk some other index evaluating it row by row;
    but each evaluation decompresses a tsvector (~10 µs), while the GIN bitmap needs no row-level
    check at all. So this query is told to use bitmap scans (portal.db.session_settings).
    The coarse score is computed here in Python from plain columns: joining the region names and
    matching titles in SQL cost more than the scan itself.
    """
    columns = ("pk", "date", "category_id", "big_region_id", "province_id", "region_id", "title", "source_url")
    newest, *older = [reports.filter(partition.condition).values_list(*columns) for partition in SEARCH_PARTITIONS]
    rows = newest.union(*older, all=True).order_by()
    # No parallel workers: a parallel Append runs its branches in no particular order.
    with session_settings(enable_seqscan="off", enable_indexscan="off", max_parallel_workers_per_gather=0):
        found = list(rows[: RESULT_CAP + 1])
    score = CoarseScore(query.highlight, place_names())
    return [
        Candidate(pk, date, category_id, big_region_id, province_id, score(title, region_id, province_id, source_url))
        for pk, date, category_id, big_region_id, province_id, region_id, title, source_url in found
    ]


def capped_count(reports: QuerySet, query: ParsedQuery) -> int:
    return len(candidates(reports, query))


def place_names() -> dict[int, str]:
    """Every region's name by id; 3,212 names that editors rarely change, kept for ten minutes."""
    return cache.get_or_set("search:place-names", lambda: dict(Region.objects.values_list("id", "name")), 600)


class CoarseScore:
    """Query terms in the title (2 each) or the region's or province's name (1 each), times the
    source prior: what a row says about itself, before ts_rank orders the best RERANK."""

    def __init__(self, terms: tuple[str, ...], names: dict[int, str]):
        self.terms = tuple(term.casefold() for term in terms)
        self.names = names

    def __call__(self, title: str, region_id: int, province_id: int, source_url: str) -> float:
        title = title.casefold()
        places = (self.names.get(region_id, ""), self.names.get(province_id, ""))
        score = 1.0 + sum(2.0 * (term in title) + any(term in place for place in places) for term in self.terms)
        return score * (SOURCED_BOOST if source_url else 1.0)


def id_in(ids: list[int]) -> Func:
    """`id = ANY(array)`: one parameter, where `pk__in` would prepare thousands of them."""
    array = Value(ids, output_field=ArrayField(BigIntegerField()))
    return Func(F("pk"), array, template="(%(expressions)s))", arg_joiner=" = ANY(", output_field=BooleanField())


class Ranking:
    """The order of the matches, in two stages so that no query ranks more than RERANK reports.

    ts_rank has to decompress each report's tsvector; over 5,000 matches that alone would take
    longer than the whole page may. So matches are first ordered by what the row itself says
    (query terms in the title or place names, an official source, the date), and the best RERANK
    of those are then ordered by ts_rank. When there are more than RESULT_CAP matches, only the
    first RESULT_CAP the index yields are considered (docs/search.md).
    """

    def __init__(self, matches: QuerySet, query: ParsedQuery, *, found: list[Candidate], order: str, narrowed: bool):
        self.matches = matches
        self.narrowed_to_an_indexed_list = narrowed
        self.query = query
        self.order = order
        self.capped = len(found) > RESULT_CAP
        self.found = found[:RESULT_CAP]

    def ids(self, bottom: int, top: int) -> list[int]:
        if self.order == Order.DATE:
            return self.newest_ids(bottom, top)
        coarse = [c.pk for c in sorted(self.found, key=lambda c: (c.coarse, c.date, c.pk), reverse=True)]
        if bottom >= RERANK:
            return coarse[bottom:top]
        relevance = SearchRank(F("search_vector"), RawSearchQuery(self.query.rank), weights=RANK_WEIGHTS)
        fine = Report.objects.filter(id_in(coarse[:RERANK])).alias(score=relevance * _source_prior())
        ids = list(fine.order_by("-score", "-date", "-pk").values_list("pk", flat=True)[bottom : min(top, RERANK)])
        return ids + (coarse[RERANK:top] if top > RERANK else [])

    def newest_ids(self, bottom: int, top: int) -> list[int]:
        if not self.capped:
            return [c.pk for c in sorted(self.found, key=lambda c: (c.date, c.pk), reverse=True)[bottom:top]]
        # Sorting 100,000 matches by date is slow, but a list's newest come quickly from its
        # (…, date, id) index, filtered by the query: frequent terms are found within a few rows.
        newest = self.matches.order_by("-date", "-pk").values_list("pk", "date")
        with session_settings(enable_bitmapscan="off"):
            if self.narrowed_to_an_indexed_list:
                return [pk for pk, _ in newest[bottom:top]]
            per_category = [
                list(newest.filter(category_id=category_id)[:top])
                for category_id in Category.objects.values_list("pk", flat=True)
            ]
        merged = merge(*per_category, key=lambda row: (row[1], row[0]), reverse=True)
        return [pk for pk, _ in islice(merged, bottom, top)]


class SearchPaginator(KnownCountPaginator):
    """Pages over the ranked matches; the count is known (and capped) beforehand."""

    def __init__(self, ranking: "Ranking", *, total: int, terms: tuple[str, ...]):
        super().__init__([], total=min(total, RESULT_CAP), per_page=PER_PAGE)
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


def _source_prior():
    return Case(When(source_url="", then=Value(1.0)), default=Value(SOURCED_BOOST), output_field=FloatField())


def facets(found: list[Candidate], search_filter: SearchFilter, *, capped: bool) -> Facets:
    """Filter options; with counts unless there are too many matches to count them all."""
    counts: dict[str, Counter] = {
        "category": Counter(),
        "big_region": Counter(),
        "province": Counter(),
        "year": Counter(),
    }
    if not capped:
        for candidate in found:
            counts["category"][candidate.category_id] += 1
            counts["big_region"][candidate.big_region_id] += 1
            counts["province"][candidate.province_id] += 1
            counts["year"][candidate.date.year] += 1

    def options(objects, key: str) -> list[FacetOption]:
        return [
            FacetOption(value=obj.slug, label=obj.name, count=counts[key].get(obj.pk))
            for obj in objects
            if capped or obj.pk in counts[key]
        ]

    provinces = Region.objects.provinces().only("id", "name", "slug", "big_region_id")
    if search_filter.big_region is not None:
        provinces = provinces.filter(big_region=search_filter.big_region)
    elif capped:
        provinces = provinces.none()  # 31 provinces without counts would be noise; pick a big region first
    years = years_with_reports() if capped else sorted(counts["year"], reverse=True)
    return Facets(
        categories=options(Category.objects.all(), "category"),
        big_regions=options(BigRegion.objects.all(), "big_region"),
        provinces=options(provinces, "province"),
        years=[FacetOption(value=str(year), label=f"{year}年", count=counts["year"].get(year)) for year in years],
    )


def years_with_reports() -> list[int]:
    """Newest first. Scanning the tallies for them costs 15 ms at a million reports and the answer
    changes about once a year, so each process keeps it for ten minutes."""
    return cache.get_or_set(
        "search:years",
        lambda: list(ReportTally.objects.order_by("-year").values_list("year", flat=True).distinct()),
        timeout=600,
    )


def search_reports(*, query: ParsedQuery, search_filter: SearchFilter, order: str, page: str | None) -> SearchResults:
    # A frequent bigram matches hundreds of thousands of rows; with the default 4 MB the bitmap
    # of their heap pages turns lossy, and every row of a lossy page must be rechecked by
    # decompressing its tsvector.
    with session_settings(work_mem=SEARCH_WORK_MEM, whole_transaction=True):
        reports = matching_reports(query, search_filter)
        found = candidates(reports, query)
        total = len(found)
        capped = total > RESULT_CAP
        paginator = SearchPaginator(
            Ranking(
                reports,
                query,
                found=found,
                order=order,
                narrowed=any((search_filter.category, search_filter.big_region, search_filter.province)),
            ),
            total=total,
            terms=query.highlight,
        )
        return SearchResults(
            query=query,
            order=order,
            total=total,
            page=paginator.page(min(_page_number(page), paginator.num_pages)),
            facets=facets(found, search_filter, capped=capped),
        )


def _page_number(value: str | None) -> int:
    if value and value.isascii() and value.isdigit() and len(value) < 6:
        return max(int(value), 1)
    return 1
