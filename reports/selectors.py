"""Whole-page reads for the reader-facing views."""

from dataclasses import dataclass

from django.db.models import BooleanField, Sum
from django.db.models.expressions import RawSQL

from portal.caching import cached_lookup

from . import scopes
from .models import BigRegion, Category, Region, RegionLevel, Report, ReportQuerySet, ReportTally


@dataclass(frozen=True)
class ListFilter:
    """What a list shows: any combination of category, big region, region and year."""

    category: Category | None = None
    big_region: BigRegion | None = None
    region: Region | None = None
    year: int | None = None

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
        tallies = self.tallies()
        if self.year is not None:
            tallies = tallies.filter(year=self.year)
        return tallies.aggregate(total=Sum("count"))["total"] or 0

    def years(self) -> list[int]:
        """Years that have reports in this list (ignoring the year filter), newest first."""
        return list(self.tallies().filter(count__gt=0).order_by("-year").values_list("year", flat=True).distinct())


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
    """The report with all an article shows of it, its comment counts included.

    Joining its category, big region and three places as well made PostgreSQL spend 6 ms planning
    a one-row read; categories and big regions come from the shared navigation instead, and the
    places in one more query."""
    found = Report.objects.select_related("comment_thread").defer("search_vector").with_is_public().filter(pk=pk)
    report = next(iter(found[:1]), None)
    if report is None:
        return None
    nav = navigation()
    report.category = next(c for c in nav.categories if c.pk == report.category_id)
    report.big_region = next(b for b in nav.big_regions if b.pk == report.big_region_id)
    place_ids = {report.region_id, report.province_id, report.prefecture_id} - {None}
    places = {place.pk: place for place in Region.objects.filter(pk__in=place_ids).order_by()}
    for place in places.values():
        place.big_region = report.big_region  # a report's places lie in its big region
    report.region = places[report.region_id]
    report.province = places[report.province_id]
    report.prefecture = places.get(report.prefecture_id)
    return report


def _date_id_compared(operator: str, report: Report) -> RawSQL:
    """(date, id) compared as one row value, so the (…, date, id) indexes answer it directly."""
    return RawSQL(
        f'("reports_report"."date", "reports_report"."id") {operator} (%s, %s)',
        (report.date, report.pk),
        output_field=BooleanField(),
    )


def report_neighbours(report: Report) -> tuple[Report | None, Report | None]:
    """The previous (older) and next (newer) report in the same category and big region."""
    siblings = Report.objects.published().filter(category_id=report.category_id, big_region_id=report.big_region_id)
    previous = siblings.filter(_date_id_compared("<", report)).for_list().newest_first().first()
    following = siblings.filter(_date_id_compared(">", report)).for_list().order_by("date", "id").first()
    return previous, following


def report_related(report: Report, *, limit: int = 10) -> list[Report]:
    """Other reports of the same region: other years and categories."""
    return list(
        Report.objects.published()
        .filter(region_id=report.region_id)
        .exclude(pk=report.pk)
        .for_list()
        .newest_first()[:limit]
    )


def report_views(report_id: int) -> int | None:
    """The view count of a report readers may see; None for any other."""
    return Report.objects.published().filter(pk=report_id).values_list("views", flat=True).first()
