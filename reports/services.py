"""Writes to reports: every path (admin, import, generation, takedowns) goes through here so that
the denormalised region columns and the published-report tallies stay right."""

import datetime
import functools
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal import caching
from portal.db import PreparedStatement

from . import indexing, scopes, tasks
from .models import (
    PUBLISHED,
    Category,
    Region,
    RegionLevel,
    RemovalReason,
    Report,
    ReportStatus,
    ReportTally,
    ReportTombstone,
    published_sql,
    published_sql_literal,
)

TallyKey = tuple[int, int, int]  # (region_id, category_id, year)
# The columns that place a report in lists: its tally and its cache scopes.
PLACEMENT = ("id", "region_id", "category_id", "date", "big_region_id", "province_id", "prefecture_id")
# report_save compares the stored schedule with the edited one.
STORED = (*PLACEMENT, "publish_at")


def region_ancestry(region: Region) -> dict:
    """The denormalised columns a report copies from its region."""
    return {
        "big_region_id": region.big_region_id,
        "province_id": region.province_id,
        "prefecture_id": region.prefecture_id,
    }


@transaction.atomic
def region_save(*, region: Region) -> Region:
    """Save a region edited by hand, deriving its province, prefecture and big region from its parent."""
    parent = region.parent
    if parent is not None:
        region.big_region_id = parent.big_region_id
        region.province_id = parent.province_id
        region.prefecture_id = parent.prefecture_id
    if region.level == RegionLevel.PREFECTURE:
        region.prefecture = None  # set to itself once it has a primary key
    region.full_clean(exclude=["province", "prefecture"])
    region.save()
    if parent is None or region.level == RegionLevel.PREFECTURE:
        Region.objects.filter(pk=region.pk).update(
            province_id=region.province_id if parent is not None else region.pk,
            prefecture_id=region.pk if region.level == RegionLevel.PREFECTURE else region.prefecture_id,
        )
        region.refresh_from_db(fields=["province", "prefecture"])
    return region


def region_place_names(region: Region) -> list[str]:
    """Province, prefecture and region names (without repeats), indexed with a report so that
    "湖南 统计公报" finds a county's bulletin."""
    return list(dict.fromkeys(r.name for r in (region.province, region.prefecture, region) if r is not None))


def place_names_by_region() -> dict[int, list[str]]:
    """region_place_names of every region, by id, in one query: for the bulk paths."""
    regions = {
        pk: (name, province, prefecture)
        for pk, name, province, prefecture in Region.objects.values_list("id", "name", "province_id", "prefecture_id")
    }
    names = {}
    for pk, (name, province, prefecture) in regions.items():
        lineage = [regions[p][0] for p in (province, prefecture) if p is not None] + [name]
        names[pk] = list(dict.fromkeys(lineage))
    return names


def report_search_vector(report: Report) -> str:
    """The report's tsvector, as text; computed in Python because PostgreSQL cannot segment Chinese."""
    return indexing.document_vector(title=report.title, places=region_place_names(report.region), body=report.body)


@transaction.atomic
def report_create(
    *,
    title: str,
    region: Region,
    category: Category,
    date: datetime.date,
    body: str,
    source_name: str = "",
    source_url: str = "",
    status: str = ReportStatus.DRAFT,
    publish_at: datetime.datetime | None = None,
    pk: int | None = None,
    search_vector: str | None = None,
) -> Report:
    """`search_vector`: already computed by document_vector, by a bulk path that tokenises in parallel."""
    report = Report(
        pk=pk,
        title=title,
        region=region,
        category=category,
        date=date,
        body=body,
        source_name=source_name,
        source_url=source_url,
        status=status,
        published_at=timezone.now() if status == ReportStatus.PUBLISHED else None,
        publish_at=publish_at,
        **region_ancestry(region),
    )
    report.full_clean()
    report.search_vector = search_vector if search_vector is not None else report_search_vector(report)
    report.save(force_insert=True)
    _placements_changed([report])
    if publish_at is not None:
        _schedule_publication(at=publish_at)
    return report


@transaction.atomic
def report_save(*, report: Report) -> Report:
    """Save an edited report (e.g. from the admin form), keeping derived columns and tallies right."""
    stored = Report.objects.filter(pk=report.pk).only(*STORED).with_is_public().first() if report.pk else None
    for field, value in region_ancestry(report.region).items():
        setattr(report, field, value)
    if report.status == ReportStatus.PUBLISHED and report.published_at is None:
        report.published_at = timezone.now()
    report.updated_at = timezone.now()
    report.full_clean()
    report.search_vector = report_search_vector(report)
    report.save()
    if report.status == ReportStatus.PUBLISHED and not report.is_restricted:
        _tombstones_clear(report_ids=[report.pk])
    elif stored is not None and stored.is_public:
        reason = RemovalReason.WITHDRAWN if report.status == ReportStatus.WITHDRAWN else RemovalReason.UNPUBLISHED
        _tombstones_record(report_ids=[report.pk], reason=reason, now=report.updated_at)
    _placements_changed([report, *([stored] if stored else [])])
    if report.publish_at is not None and (stored is None or stored.publish_at != report.publish_at):
        _schedule_publication(at=report.publish_at)
    return report


def _schedule_publication(*, at: datetime.datetime) -> None:
    """Have the task worker publish what is due at `at`. The task row is written in the caller's
    transaction, so it exists exactly when the schedule does. A task that finds nothing due (the time
    was moved or cleared, the report withdrawn or published meanwhile) does nothing."""
    tasks.publish_due_reports.using(run_after=at).enqueue()


def reports_publish_due(*, now: datetime.datetime | None = None) -> int:
    """Publish the scheduled drafts whose time has come, as admin's publish action does (tallies,
    page cache, feeds, sitemaps and search follow). Run by the task worker at each scheduled time
    and by housekeeping for any a stopped worker missed. Returns how many were published."""
    now = now or timezone.now()
    with transaction.atomic():
        # Rows an editor is saving right now are left for the next run rather than waited for.
        due = list(Report.objects.due(now).select_for_update(skip_locked=True).values_list("pk", flat=True))
        return reports_set_status(report_ids=due, status=ReportStatus.PUBLISHED) if due else 0


@transaction.atomic
def reports_set_status(*, report_ids: Iterable[int], status: str) -> int:
    """Bulk publish / withdraw / return to draft. Returns how many reports changed. Publishing or
    withdrawing a scheduled draft ends its schedule."""
    now = timezone.now()
    changed = Report.objects.filter(pk__in=list(report_ids)).exclude(status=status)
    placements = list(changed.only(*PLACEMENT).with_is_public())
    extra = {"published_at": Coalesce("published_at", Value(now))} if status == ReportStatus.PUBLISHED else {}
    count = changed.update(status=status, updated_at=now, publish_at=None, **extra)
    reason = RemovalReason.WITHDRAWN if status == ReportStatus.WITHDRAWN else RemovalReason.UNPUBLISHED
    _tombstones_record(report_ids=[r.pk for r in placements if r.is_public], reason=reason, now=now)
    _tombstones_clear(report_ids=[r.pk for r in placements])
    _placements_changed(placements)
    return count


@transaction.atomic
def reports_set_restricted(*, report_ids: Iterable[int], restricted: bool) -> int:
    """Hide (or bring back) reports after a takedown decision, leaving everything else untouched."""
    now = timezone.now()
    changed = Report.objects.filter(pk__in=list(report_ids)).exclude(is_restricted=restricted)
    placements = list(changed.only(*PLACEMENT).with_is_public())
    # updated_at too: incremental sync lists a restored report again as changed.
    count = changed.update(is_restricted=restricted, updated_at=now)
    if restricted:
        ids = [r.pk for r in placements if r.is_public]
        _tombstones_record(report_ids=ids, reason=RemovalReason.RESTRICTED, now=now)
    else:
        _tombstones_clear(report_ids=[r.pk for r in placements])
    _placements_changed(placements)
    return count


@transaction.atomic
def reports_delete(*, report_ids: Iterable[int]) -> int:
    doomed = Report.objects.filter(pk__in=list(report_ids))
    placements = list(doomed.only(*PLACEMENT).with_is_public())
    doomed.delete()
    ids = [r.pk for r in placements if r.is_public]
    _tombstones_record(report_ids=ids, reason=RemovalReason.DELETED, now=timezone.now())
    _placements_changed(placements)
    return len(placements)


def report_attachment_changed(*, report: Report) -> None:
    """Something its article shows beside the report's own columns was attached, replaced or removed
    (its original file, documents app): the article is stale, its lists are not."""
    caching.invalidate(scopes.report_page(report.pk))


def _placements_changed(reports: Iterable[Report]) -> None:
    """Reports were added, changed or removed at these places (each before and after a change):
    recount their lists and make the pages that show them stale."""
    reports = list(reports)
    tally_refresh(keys={(r.region_id, r.category_id, r.date.year) for r in reports})
    caching.invalidate(*(scope for report in reports for scope in scopes.touched_by(report)))


def _tombstones_record(*, report_ids: list[int], reason: str, now: datetime.datetime) -> None:
    """These reports were public and no longer are: mirrors that sync incrementally must delete them."""
    if report_ids:
        ReportTombstone.objects.bulk_create(
            [ReportTombstone(report_id=pk, reason=reason, removed_at=now) for pk in report_ids],
            update_conflicts=True,
            unique_fields=["report_id"],
            update_fields=["reason", "removed_at"],
        )


def _tombstones_clear(*, report_ids: list[int]) -> None:
    """Of these reports, those public now are listed as changed again, not as removed."""
    if report_ids:
        public = Report.objects.filter(PUBLISHED, pk__in=report_ids).values("pk")
        ReportTombstone.objects.filter(report_id__in=public).delete()


def report_lock_if_published(*, report_id: int) -> bool:
    """Lock the report's row until the transaction ends (FOR NO KEY UPDATE: its comments may still
    point at it), if readers may see it: a takedown or withdrawal waits for the writer, or the
    writer for it. False, and nothing locked, for any other report."""
    with connection.cursor() as cursor:
        _lock_statement().execute(cursor, (report_id,))
        return cursor.fetchone() is not None


@functools.cache
def _lock_statement() -> PreparedStatement:
    # Prepared: planning it, with the reports' many partial indexes to weigh, cost PostgreSQL
    # 0.2–0.3 ms at every comment, ten times running it.
    return PreparedStatement(
        "report_lock_if_published",
        f"SELECT 1 FROM {Report._meta.db_table} r WHERE r.id = $1 AND {published_sql_literal('r')} FOR NO KEY UPDATE",
        ("bigint",),
    )


def report_record_view(*, report_id: int) -> int | None:
    """Count one reader's visit; returns the new total, or None for a report readers cannot see."""
    published, params = published_sql("reports_report")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE reports_report SET views = views + 1 WHERE id = %s AND {published} RETURNING views",
            [report_id, *params],
        )
        row = cursor.fetchone()
    return row[0] if row else None


# Two statements, so that the count sees every writer that held the rows before us. The first
# makes sure each group has a row and locks them all, in key order (two writers cannot deadlock); a
# writer that changed a report of the group and has not committed yet holds one of them, so this
# waits for it. The second then counts with a snapshot taken after the wait (READ COMMITTED): with
# the writers before us and our own change, whatever the timing. A single INSERT … ON CONFLICT
# counts with the snapshot of its start, before the wait, and two writers at once left the count
# one short (tests/reports/test_concurrency.py).
_TALLY_LOCK = """
INSERT INTO reports_reporttally
    (region_id, category_id, year, count, big_region_id, province_id, prefecture_id)
SELECT k.region_id, k.category_id, k.year, 0, g.big_region_id, g.province_id, g.prefecture_id
FROM unnest(%s::bigint[], %s::bigint[], %s::int[]) AS k(region_id, category_id, year)
JOIN reports_region g ON g.id = k.region_id
ORDER BY k.region_id, k.category_id, k.year
ON CONFLICT (region_id, category_id, year) DO UPDATE SET count = reports_reporttally.count
"""

_TALLY_RECOUNT = """
UPDATE reports_reporttally t SET count = (
    SELECT count(*) FROM reports_report r
    WHERE r.region_id = k.region_id AND r.category_id = k.category_id
        AND r.date >= make_date(k.year, 1, 1) AND r.date < make_date(k.year + 1, 1, 1)
        AND {published})
FROM unnest(%s::bigint[], %s::bigint[], %s::int[]) AS k(region_id, category_id, year)
WHERE t.region_id = k.region_id AND t.category_id = k.category_id AND t.year = k.year
"""

_TALLY_REBUILD = """
INSERT INTO reports_reporttally
    (region_id, category_id, year, count, big_region_id, province_id, prefecture_id)
SELECT region_id, category_id, extract(year FROM date)::int, count(*),
    min(big_region_id), min(province_id), min(prefecture_id)
FROM reports_report
WHERE {published}
GROUP BY region_id, category_id, extract(year FROM date)
"""


def tally_refresh(*, keys: Iterable[TallyKey]) -> None:
    """Recount the published reports of the given (region, category, year) groups. Call it after
    the change to the reports, in the same transaction."""
    keys = sorted(set(keys))
    if not keys:
        return
    regions, categories, years = (list(column) for column in zip(*keys, strict=True))
    published, params = published_sql("r")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_TALLY_LOCK, [regions, categories, years])
        cursor.execute(_TALLY_RECOUNT.format(published=published), [*params, regions, categories, years])


@transaction.atomic
def tally_rebuild() -> None:
    """Recount everything (after bulk loads, or as housekeeping); every page may show a count.

    Writers wait until the rebuild has committed (readers do not: EXCLUSIVE lets them read): their
    recount then follows it, and the rebuild cannot insert a group a writer has just created."""
    caching.invalidate(caching.SITE)
    published, params = published_sql("reports_report")
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {ReportTally._meta.db_table} IN EXCLUSIVE MODE")
        ReportTally.objects.all().delete()
        cursor.execute(_TALLY_REBUILD.format(published=published), params)


# The vectors of a batch, given as text and cast once; a row whose stored vector is already the
# same is left alone (no new row version, no index entries), so a rebuild after a small dictionary
# change writes only the reports it affects, and a repeated batch writes nothing.
_VECTORS_UPDATE = """
UPDATE reports_report r SET search_vector = v.vector
FROM (SELECT id, vector::tsvector AS vector FROM unnest(%s::bigint[], %s::text[]) AS t(id, vector)) v
WHERE r.id = v.id AND r.search_vector IS DISTINCT FROM v.vector
"""


def report_vectors_rebuild(*, report_ids: list[int]) -> int:
    """Recompute the search vectors of these reports with the current tokeniser and dictionary
    (`manage.py reindex`); returns how many changed. One short transaction, row locks only.

    Search results are not in the page cache, and nothing else shows the vectors: no scope to bump.
    """
    # Names by id rather than three joins to regions: a few thousand rows, and no plan to go wrong.
    places = place_names_by_region()
    rows = Report.objects.filter(pk__in=report_ids).values_list("pk", "title", "body", "region_id")
    ids, vectors = [], []
    for pk, title, body, region_id in rows.iterator(chunk_size=1_000):
        ids.append(pk)
        vectors.append(indexing.document_vector(title=title, places=places[region_id], body=body))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_VECTORS_UPDATE, [ids, vectors])
        return cursor.rowcount
