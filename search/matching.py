"""The reports that match a query, found in one capped pass that also gives each its coarse score."""

from typing import NamedTuple

from django.db import connection, connections
from django.db.models import QuerySet

from portal.caching import cached_lookup
from portal.db import session_settings
from reports.models import SEARCH_PARTITIONS, Region, Report

from .filters import SearchFilter
from .query import ParsedQuery, RawSearchQuery

# Counting stops here ("约 5,000+ 条"), and only this many matches are ranked and paged: beyond
# it, neither an exact count nor page 300 is worth a slow query. At 10,000 the pass over the
# matches alone took most of the 200 ms a page may take at a million reports (docs/search.md).
RESULT_CAP = 5_000
# A report that links to its official source is an authentic copy; one without (typed in, or
# generated) ranks lower at similar text relevance.
SOURCED_BOOST = 1.5


def matching_reports(query: ParsedQuery, search_filter: SearchFilter, *, by_index: bool = True) -> QuerySet:
    """Published, unrestricted reports that contain every term of the query (by_index: SearchFilter.apply)."""
    reports = Report.objects.published().filter(search_vector=RawSearchQuery(query.match))
    # No default ordering: a LIMIT over unordered matches stops early instead of sorting them all.
    return search_filter.apply(reports, by_index=by_index).order_by()


CANDIDATE_COLUMNS = ("pk", "date", "category_id", "big_region_id", "province_id", "region_id", "title", "source_url")


class Candidate(NamedTuple):
    """What one matching row says about itself, read in the same pass that finds it."""

    pk: int
    date: object
    category_id: int
    big_region_id: int
    province_id: int
    coarse: float  # query terms in the title (2 each) or place names (1 each), times the source prior


def candidates(query: ParsedQuery, search_filter: SearchFilter) -> list[Candidate]:
    """Up to RESULT_CAP + 1 matches, read once per page through the GIN indexes, newest year first;
    the filters are checked on the rows those yield (SearchFilter.apply, by_index=False).

    Everything the page needs before its 20 rows comes from this one pass: the (capped) count, the
    facet counts and the coarse order. It is one UNION ALL of a branch per year partition of the
    index (reports.models.SEARCH_PARTITIONS) that holds any of the filter's years; PostgreSQL runs the branches
    in order and stops once the LIMIT is met, so a frequent term costs the bitmaps of the last year
    or two, not of every match there is. A branch for an empty partition still costs its share of
    building, compiling and planning the query, so there is none. The planner prices
    `search_vector @@ query` as one cheap operator per row and, with a LIMIT, likes to walk some
    other index evaluating it row by row; but each evaluation decompresses a tsvector (~10 µs),
    while the GIN bitmap needs no row-level check at all. So this query is told to use bitmap
    scans (portal.db.session_settings). The coarse score is computed here in Python from plain
    columns: joining the region names and matching titles in SQL cost more than the scan itself.
    """
    years = search_filter.years()
    partitions = [partition for partition in SEARCH_PARTITIONS if partition.holds_any(years)]
    if not partitions:
        return []
    # The ORM compiles the matching query once and each branch adds its slice's dates: 0.6 ms, where
    # building and compiling a queryset a branch took 11 ms for 12 branches.
    matches = matching_reports(query, search_filter, by_index=False).values_list(*CANDIDATE_COLUMNS)
    sql, params = matches.query.sql_with_params()
    date = f"{connection.ops.quote_name(Report._meta.db_table)}.{connection.ops.quote_name('date')}"
    branches, branch_params = [], []
    for partition in partitions:
        bounds, values = partition.date_bounds_sql(date)
        branches.append(" AND ".join([f"({sql}", *bounds]) + ")")
        branch_params += [*params, *values]
    # No parallel workers: a parallel Append runs its branches in no particular order.
    with (
        session_settings(enable_seqscan="off", enable_indexscan="off", max_parallel_workers_per_gather=0),
        connections[matches.db].cursor() as cursor,
    ):
        cursor.execute(f"{' UNION ALL '.join(branches)} LIMIT %s", [*branch_params, RESULT_CAP + 1])
        found = cursor.fetchall()
    score = CoarseScore(query.highlight, place_names())
    return [
        Candidate(pk, date, category_id, big_region_id, province_id, score(title, region_id, province_id, source_url))
        for pk, date, category_id, big_region_id, province_id, region_id, title, source_url in found
    ]


def capped_count(query: ParsedQuery, search_filter: SearchFilter) -> int:
    return len(candidates(query, search_filter))


def place_names() -> dict[int, str]:
    """Every region's name by id: 3,212 names that editors rarely change, shared until they do."""
    return cached_lookup("place-names", [], lambda: dict(Region.objects.values_list("id", "name")))


class CoarseScore:
    """Query terms in the title (2 each) or the region's or province's name (1 each), times the
    source prior: what a row says about itself, before ts_rank orders the best RERANK."""

    def __init__(self, terms: tuple[str, ...], names: dict[int, str]):
        self.terms = tuple(term.casefold() for term in terms)
        # For each term, the places whose name holds it: a set lookup a row instead of a search.
        self.places_named = [frozenset(pk for pk, name in names.items() if term in name) for term in self.terms]

    def __call__(self, title: str, region_id: int, province_id: int, source_url: str) -> float:
        # Called for each of up to 5,000 candidates: plain loops, no generators (5 µs a row → 1.5).
        score = 1.0
        for places in self.places_named:
            if region_id in places or province_id in places:
                score += 1.0
        title = title.casefold()
        for term in self.terms:
            if term in title:
                score += 2.0
        return score * SOURCED_BOOST if source_url else score
