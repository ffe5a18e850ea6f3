"""The API's reads: the same published rule and list filters as the HTML pages (reports.selectors),
the site's own search (search.selectors), keyset pages over the partial indexes of reports."""

import datetime
from dataclasses import dataclass
from heapq import merge

from django.db.models import F, Sum
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from portal.db import session_settings
from reports.models import SEARCH_PARTITIONS, Category, Region, Report, ReportStatus, ReportTally, ReportTombstone
from reports.selectors import ListFilter, navigation, years_with_reports
from search.selectors import reports_matching

from .params import Cursor, ReportQuery, sync_bound
from .records import COLUMNS, ReportRecords, rows, tombstone_record


@dataclass(frozen=True)
class ApiPage:
    results: list[dict]
    next_cursor: str | None
    sync_until: str | None = None  # in sync order, once the last page is reached: the next updated_since


def _filtered(query: ReportQuery):
    reports = ListFilter(
        category=query.category, big_region=query.big_region, region=query.region, year=query.year
    ).reports()
    if query.date_from is not None:
        reports = reports.filter(date__gte=query.date_from)
    if query.date_to is not None:
        reports = reports.filter(date__lte=query.date_to)
    if query.q:
        reports = reports_matching(query.q, reports)
    return reports


def _newest_first(reports, query: ReportQuery) -> list[tuple]:
    """Up to limit + 1 rows, newest first, each read from a (…, date, id) partial index of the lists.
    With no place or category to narrow by, one branch per category, merged: the site has a handful
    of categories, and no index on the date alone (see reports.models)."""
    if query.category is not None or query.big_region is not None or query.region is not None:
        return list(rows(reports, body=query.body)[: query.limit + 1])
    first, *others = [
        rows(reports.filter(category_id=category.pk), body=query.body)[: query.limit + 1]
        for category in navigation().categories
    ]
    return list(first.union(*others, all=True).order_by("-date", "-id")[: query.limit + 1])


def _matching_newest_first(reports, query: ReportQuery) -> list[tuple]:
    """Up to limit + 1 rows of a search, newest first, read one year of the search index at a time
    the way the search page does (reports.models.SEARCH_PARTITIONS, search.matching): the GIN
    indexes are partial per year, so a query over all years could use none of them. Years with no
    reports, after the cursor or outside the date filters are skipped; the rest stop once the page
    is full."""
    newest = query.cursor.position[0] if query.cursor is not None else None
    years = years_with_reports()
    found: list[tuple] = []
    # As search.matching does: bitmap scans of the GIN index, never a walk of a date index that
    # checks every report of the year against the query.
    with session_settings(enable_seqscan="off", enable_indexscan="off", whole_transaction=True):
        for partition in SEARCH_PARTITIONS:
            if not partition.holds_any(years) or _outside(partition, newest=newest, query=query):
                continue
            # The newest matches by (date, id) alone, then their rows: sorting every match of a
            # year with all its columns costs a third more than sorting the keys.
            newest_ids = reports.filter(partition.condition).order_by("-date", "-id").values("pk")
            page = Report.objects.filter(pk__in=newest_ids[: query.limit + 1 - len(found)]).order_by("-date", "-id")
            found += rows(page, body=query.body)
            if len(found) > query.limit:
                break
    return found


def _outside(partition, *, newest, query: ReportQuery) -> bool:
    latest = min(filter(None, (newest, query.date_to, query.year and datetime.date(query.year, 12, 31))), default=None)
    earliest = max(filter(None, (query.date_from, query.year and datetime.date(query.year, 1, 1))), default=None)
    return (latest is not None and partition.start is not None and partition.start > latest) or (
        earliest is not None and partition.end is not None and partition.end <= earliest
    )


def reports_page(query: ReportQuery, *, site_url: str) -> ApiPage:
    """Newest first by (date, id): a cursor is a position, so inserts never shift a page."""
    reports = _filtered(query).order_by("-date", "-id")
    if query.cursor is not None:
        reports = reports.filter(TupleLessThan(Tuple(F("date"), F("id")), query.cursor.position))
    found = _matching_newest_first(reports, query) if query.q else _newest_first(reports, query)
    more = len(found) > query.limit
    found = found[: query.limit]
    next_cursor = Cursor("date", (found[-1][2], found[-1][0])).encode() if more else None
    return ApiPage(ReportRecords(site_url=site_url, body=query.body)(found), next_cursor)


def sync_page(query: ReportQuery, *, site_url: str) -> ApiPage:
    """Changes in the order they happened: reports published or changed, and tombstones of reports
    that stopped being public (all of them, whatever the filters: a mirror ignores unknown ids)."""
    bound = sync_bound()
    after = query.cursor.position if query.cursor is not None else (query.updated_since, 0)
    reports = _filtered(query).filter(updated_at__lte=bound).order_by("updated_at", "id")
    tombstones = ReportTombstone.objects.filter(removed_at__lte=bound).order_by("removed_at", "report_id")
    if query.cursor is None:
        reports = reports.filter(updated_at__gte=after[0])
        tombstones = tombstones.filter(removed_at__gte=after[0])
    else:
        reports = reports.filter(TupleGreaterThan(Tuple(F("updated_at"), F("id")), after))
        tombstones = tombstones.filter(TupleGreaterThan(Tuple(F("removed_at"), F("report_id")), after))
    changed = list(rows(reports, body=query.body)[: query.limit + 1])
    removed = list(tombstones[: query.limit + 1])
    events = list(
        merge(
            ((row[11], row[0], row) for row in changed),  # (updated_at, id)
            ((tombstone.removed_at, tombstone.report_id, tombstone) for tombstone in removed),
            key=lambda event: event[:2],
        )
    )
    more = len(events) > query.limit
    events = events[: query.limit]
    records = iter(ReportRecords(site_url=site_url, body=query.body)([e[2] for e in events if isinstance(e[2], tuple)]))
    results = [tombstone_record(item) if isinstance(item, ReportTombstone) else next(records) for *_, item in events]
    if more:
        return ApiPage(results, Cursor("sync", events[-1][:2]).encode())
    return ApiPage(results, None, sync_until=bound.isoformat())


@dataclass(frozen=True)
class Found:
    is_public: bool
    is_restricted_publication: bool  # published, and restricted after a copyright notice
    record: dict | None


def report(pk: int, *, site_url: str, body: bool) -> Found | None:
    """One report, and whether readers may see it; its record only if they may."""
    found = (
        Report.objects.with_is_public()
        .filter(pk=pk)
        .values_list(*COLUMNS, *(("body",) if body else ()), "is_public", "status", "is_restricted")
        .first()
    )
    if found is None:
        return None
    *values, is_public, status, is_restricted = found
    restricted = status == ReportStatus.PUBLISHED and is_restricted
    if not is_public:
        return Found(False, restricted, None)
    return Found(True, False, ReportRecords(site_url=site_url, body=body)([tuple(values)])[0])


def regions_with_counts() -> list[dict]:
    """Every region of GB/T 2260 with its parent's code and its published reports, its
    sub-regions' included, summed from the tallies (no report is read)."""
    totals: dict[int, int] = {}
    groups = ReportTally.objects.order_by().values_list("region", "prefecture", "province").annotate(n=Sum("count"))
    for region_id, prefecture_id, province_id, count in groups:
        for place in {region_id, prefecture_id, province_id} - {None}:
            totals[place] = totals.get(place, 0) + count
    regions = Region.objects.order_by("code").values_list("id", "code", "name", "type", "level", "parent__code")
    return [
        {"code": code, "name": name, "type": kind, "level": level, "parent": parent, "report_count": totals.get(pk, 0)}
        for pk, code, name, kind, level, parent in regions
    ]


def categories_with_counts() -> list[dict]:
    counts = dict(ReportTally.objects.order_by().values_list("category").annotate(n=Sum("count")))
    return [
        {"slug": c.slug, "name": c.name, "description": c.description, "report_count": counts.get(c.pk, 0)}
        for c in Category.objects.all()
    ]


def areas_with_counts() -> list[dict]:
    counts = dict(ReportTally.objects.order_by().values_list("big_region").annotate(n=Sum("count")))
    return [{"slug": b.slug, "name": b.name, "report_count": counts.get(b.pk, 0)} for b in navigation().big_regions]
