"""Whole-page reads for the reader-facing views."""

from dataclasses import dataclass, field
from functools import cache

from django.db.models import Sum

from comments.models import CommentThread
from documents.models import Original
from portal.caching import cached_lookup
from portal.db import PreparedStatement
from portal.replicas import read_connection

from . import scopes
from .models import (
    BigRegion,
    Category,
    Region,
    RegionLevel,
    Report,
    ReportQuerySet,
    ReportTally,
    published_sql_literal,
)


@dataclass(frozen=True)
class YearCounts:
    """Published reports of one place per year and category, from the tallies: what its region page
    shows as a chart, and whence its list's total and year filter come."""

    counts: dict[tuple[int, int], int]  # (year, category id) -> reports; only non-zero cells

    def total(self, *, category: Category | None = None, year: int | None = None) -> int:
        return sum(
            count
            for (y, c), count in self.counts.items()
            if (year is None or y == year) and (category is None or c == category.pk)
        )

    def years(self, *, category: Category | None = None) -> list[int]:
        """Newest first."""
        return sorted({y for y, c in self.counts if category is None or c == category.pk}, reverse=True)


@dataclass(frozen=True)
class ListFilter:
    """What a list shows: any combination of category, big region, region and year."""

    category: Category | None = None
    big_region: BigRegion | None = None
    region: Region | None = None
    year: int | None = None
    # The region's tallies when the page has read them already (region_tallies): the total and the
    # years then cost no query of their own.
    region_counts: YearCounts | None = field(default=None, compare=False)

    def reports(self) -> ReportQuerySet:
        reports = Report.objects.published()
        if self.category is not None:
            reports = reports.filter(category=self.category)
        if self.big_region is not None:
            reports = reports.filter(big_region=self.big_region)
        if self.region is not None:
            reports = reports.in_region(self.region)
        if self.year is not None:
            reports = reports.filter(date__year=self.year)
        return reports

    def tallies(self):
        tallies = ReportTally.objects.all()
        if self.category is not None:
            tallies = tallies.filter(category=self.category)
        if self.big_region is not None:
            tallies = tallies.filter(big_region=self.big_region)
        if self.region is not None:
            column = {RegionLevel.PROVINCE: "province", RegionLevel.PREFECTURE: "prefecture"}.get(
                self.region.level, "region"
            )
            tallies = tallies.filter(**{column: self.region})
        return tallies

    def total(self) -> int:
        if self._counts_apply():
            return self.region_counts.total(category=self.category, year=self.year)
        tallies = self.tallies()
        if self.year is not None:
            tallies = tallies.filter(year=self.year)
        return tallies.aggregate(total=Sum("count"))["total"] or 0

    def years(self) -> list[int]:
        """Years that have reports in this list (ignoring the year filter), newest first."""
        if self._counts_apply():
            return self.region_counts.years(category=self.category)
        return list(self.tallies().filter(count__gt=0).order_by("-year").values_list("year", flat=True).distinct())

    def _counts_apply(self) -> bool:
        return self.region_counts is not None and self.region is not None and self.big_region is None


def region_tallies(region: Region) -> YearCounts:
    """The region's (whole subtree's) reports per year and category: one grouped read of its few
    thousand tally rows at most, on the tally indexes."""
    rows = (
        ListFilter(region=region)
        .tallies()
        .filter(count__gt=0)
        .order_by()
        .values_list("year", "category")
        .annotate(total=Sum("count"))
        .values_list("year", "category", "total")
    )
    return YearCounts({(year, category): total for year, category, total in rows if total})


@dataclass(frozen=True)
class Navigation:
    categories: list[Category]
    big_regions: list[BigRegion]


def navigation() -> Navigation:
    """The header's categories and big regions, on every page: shared until an editor changes them."""
    return cached_lookup(
        "navigation", [], lambda: Navigation(list(Category.objects.all()), list(BigRegion.objects.all()))
    )


def years_with_reports() -> list[int]:
    """Newest first, for the year filters of search and admin. Scanning the tallies costs 15 ms at
    a million reports and the answer changes about once a year, so it is shared until reports change."""
    return cached_lookup("years", [scopes.ALL_REPORTS], ListFilter().years)


def parse_year(value: str | None) -> int | None:
    """`?year=` as typed by anyone: anything but a plausible year means no year filter."""
    if value and value.isascii() and value.isdigit() and len(value) == 4:
        return int(value)
    return None


def latest_by_category(*, per_category: int = 8) -> list[tuple[Category, list[Report]]]:
    return [
        (category, list(Report.objects.published().filter(category=category).for_list().newest_first()[:per_category]))
        for category in navigation().categories
    ]


def big_regions_with_provinces() -> list[tuple[BigRegion, list[Region]]]:
    """Every big region with its provinces, each province annotated with its report count."""
    counts = dict(
        ReportTally.objects.order_by()
        .values_list("province")
        .annotate(total=Sum("count"))
        .values_list("province", "total")
    )
    provinces = list(Region.objects.provinces().only("id", "name", "slug", "big_region_id"))
    for province in provinces:
        province.report_count = counts.get(province.pk, 0)
    return [
        (big_region, [p for p in provinces if p.big_region_id == big_region.pk])
        for big_region in navigation().big_regions
    ]


def children_with_counts(region: Region) -> list[Region]:
    """The sub-regions of a province or prefecture, with their report counts."""
    children = list(
        region.children.select_related("big_region").only("id", "name", "slug", "level", "big_region__slug")
    )
    column = "prefecture" if region.level == RegionLevel.PROVINCE else "region"
    counts = dict(
        ReportTally.objects.filter(**{f"{column}__in": children})
        .values_list(column)
        .annotate(total=Sum("count"))
        .values_list(column, "total")
    )
    if region.level == RegionLevel.PROVINCE:
        # Districts of the municipalities sit directly under the province with no prefecture.
        direct = dict(
            ReportTally.objects.filter(region__in=children, prefecture__isnull=True)
            .order_by()
            .values_list("region")
            .annotate(total=Sum("count"))
            .values_list("region", "total")
        )
        counts |= direct
    for child in children:
        child.report_count = counts.get(child.pk, 0)
    return children


def report_for_article(pk: int) -> Report | None:
    """The report with all an article shows of it: its places, whether readers may see it, and its
    comment counts, in one prepared statement. Its category and big region come from the shared
    navigation."""
    db, row = _one_row(_article_statement(), pk)
    if row is None:
        return None
    columns = iter(row)
    report = Report.from_db(db, _REPORT_COLUMNS, [next(columns) for _ in _REPORT_COLUMNS])
    report.is_public = next(columns)
    _attach_thread(report, db, [next(columns) for _ in _THREAD_COLUMNS])
    original = [next(columns) for _ in _ORIGINAL_COLUMNS]
    places = [[next(columns) for _ in _REGION_COLUMNS] for _ in range(3)]
    original = None if original[0] is None else Original.from_db(db, _ORIGINAL_COLUMNS, original)
    Report.original.related.set_cached_value(report, original)  # its 下载原文 link
    report.category, report.big_region = _category_and_big_region(report)
    report.region, report.province, report.prefecture = (
        None if place[0] is None else Region.from_db(db, _REGION_COLUMNS, place) for place in places
    )
    for place in (report.region, report.province, report.prefecture):
        if place is not None:
            place.big_region = report.big_region  # a report's places lie in its big region
    return report


def report_for_comments(pk: int) -> Report | None:
    """What commenting needs of a report readers may see, None for any other: its columns but the
    text, and its comment counts and closing, in one prepared statement. Read by the comment form
    and every post: 0.4 ms, against 1.1 ms for the article's six tables and six objects."""
    db, row = _one_row(_comments_statement(), pk)
    if row is None:
        return None
    report = Report.from_db(db, _COMMENTED_COLUMNS, row[: len(_COMMENTED_COLUMNS)])
    _attach_thread(report, db, row[len(_COMMENTED_COLUMNS) :])
    return report


def _one_row(statement: PreparedStatement, pk: int) -> tuple[str, tuple | None]:
    """The database alias the read went to, and the statement's row for the report `pk`."""
    database = read_connection(Report)
    with database.cursor() as cursor:
        statement.execute(cursor, (pk,))
        return database.alias, cursor.fetchone()


def _attach_thread(report: Report, db: str, values) -> None:
    # Cached on the report like select_related does, a missing row included (no query for it later).
    thread = None if values[0] is None else CommentThread.from_db(db, _THREAD_COLUMNS, values)
    Report.comment_thread.related.set_cached_value(report, thread)


RELATED_REPORTS = 10  # under an article


@dataclass(frozen=True)
class ArticleLists:
    previous: Report | None  # older, same category and big region
    following: Report | None  # newer
    related: list[Report]  # other reports of the same region, newest first


def article_lists(report: Report, *, related: int = RELATED_REPORTS) -> ArticleLists:
    """Previous, next and related reports under an article, in one prepared statement."""
    database = read_connection(Report)
    with database.cursor() as cursor:
        _lists_statement().execute(
            cursor, (report.category_id, report.big_region_id, report.date, report.pk, report.region_id, related)
        )
        rows = cursor.fetchall()
    found = {1: [], 2: [], 3: []}
    for part, *values in rows:
        listed = Report.from_db(database.alias, _LIST_COLUMNS, values)
        listed.category, listed.big_region = _category_and_big_region(listed)
        if part == 3:
            listed.region = report.region
        found[part].append(listed)
    return ArticleLists(next(iter(found[1]), None), next(iter(found[2]), None), found[3])


def _category_and_big_region(report: Report) -> tuple[Category, BigRegion]:
    nav = navigation()
    return (
        next(c for c in nav.categories if c.pk == report.category_id),
        next(b for b in nav.big_regions if b.pk == report.big_region_id),
    )


_REPORT_COLUMNS = [f.attname for f in Report._meta.concrete_fields if f.name != "search_vector"]
_THREAD_COLUMNS = [f.attname for f in CommentThread._meta.concrete_fields]
_REGION_COLUMNS = [f.attname for f in Region._meta.concrete_fields]
_ORIGINAL_COLUMNS = [f.attname for f in Original._meta.concrete_fields]
_COMMENTED_COLUMNS = [name for name in _REPORT_COLUMNS if name != "body"]
# Model.from_db takes a subset of the columns in the model's own order.
_LIST_COLUMNS = [
    f.attname
    for f in Report._meta.concrete_fields
    if f.attname in {"id", "title", "date", "category_id", "big_region_id"}
]


def _columns(alias: str, names: list[str]) -> str:
    return ", ".join(f'{alias}."{name}"' for name in names)


@cache
def _article_statement() -> PreparedStatement:
    return PreparedStatement(
        "report_article",
        f"""SELECT {_columns("r", _REPORT_COLUMNS)}, ({published_sql_literal("r")}),
                   {_columns("t", _THREAD_COLUMNS)},
                   {_columns("o", _ORIGINAL_COLUMNS)},
                   {", ".join(_columns(place, _REGION_COLUMNS) for place in ("g1", "g2", "g3"))}
            FROM {Report._meta.db_table} r
            LEFT JOIN {CommentThread._meta.db_table} t ON t.report_id = r.id
            LEFT JOIN {Original._meta.db_table} o ON o.report_id = r.id
            LEFT JOIN {Region._meta.db_table} g1 ON g1.id = r.region_id
            LEFT JOIN {Region._meta.db_table} g2 ON g2.id = r.province_id
            LEFT JOIN {Region._meta.db_table} g3 ON g3.id = r.prefecture_id
            WHERE r.id = $1""",
        ("bigint",),
    )


@cache
def _comments_statement() -> PreparedStatement:
    return PreparedStatement(
        "report_for_comments",
        f"""SELECT {_columns("r", _COMMENTED_COLUMNS)}, {_columns("t", _THREAD_COLUMNS)}
            FROM {Report._meta.db_table} r LEFT JOIN {CommentThread._meta.db_table} t ON t.report_id = r.id
            WHERE r.id = $1 AND {published_sql_literal("r")}""",
        ("bigint",),
    )


@cache
def _lists_statement() -> PreparedStatement:
    # Each part reads a few entries of one (…, date, id) partial index: its condition is a literal.
    published = published_sql_literal("r")
    columns = _columns("r", _LIST_COLUMNS)
    table = Report._meta.db_table
    return PreparedStatement(
        "report_article_lists",
        f"""(SELECT 1, {columns} FROM {table} r
             WHERE {published} AND r.category_id = $1 AND r.big_region_id = $2 AND (r.date, r.id) < ($3, $4)
             ORDER BY r.date DESC, r.id DESC LIMIT 1)
            UNION ALL
            (SELECT 2, {columns} FROM {table} r
             WHERE {published} AND r.category_id = $1 AND r.big_region_id = $2 AND (r.date, r.id) > ($3, $4)
             ORDER BY r.date, r.id LIMIT 1)
            UNION ALL
            (SELECT 3, {columns} FROM {table} r
             WHERE {published} AND r.region_id = $5 AND r.id <> $4
             ORDER BY r.date DESC, r.id DESC LIMIT $6)""",
        ("bigint", "bigint", "date", "bigint", "bigint", "int"),
    )


def report_views(report_id: int) -> int | None:
    """The view count of a report readers may see; None for any other."""
    return Report.objects.published().filter(pk=report_id).values_list("views", flat=True).first()


@dataclass(frozen=True)
class EditorQueue:
    """The admin index's view of the editors' work: drafts nobody has scheduled, and scheduled
    reports, soonest first; each a few rows and a total."""

    drafts: list[Report]
    drafts_total: int
    scheduled: list[Report]
    scheduled_total: int


def editor_queue(*, rows: int = 8) -> EditorQueue:
    columns = ("id", "title", "date", "updated_at", "publish_at", "region__name")
    drafts = Report.objects.drafts_waiting().select_related("region").only(*columns)
    scheduled = Report.objects.scheduled().select_related("region").only(*columns)
    return EditorQueue(
        drafts=list(drafts.order_by("-updated_at", "-id")[:rows]),
        drafts_total=drafts.count(),
        scheduled=list(scheduled.order_by("publish_at", "id")[:rows]),
        scheduled_total=scheduled.count(),
    )
