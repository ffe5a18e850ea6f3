"""The filters a reader can narrow a search by: category, big region, province and year."""

from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.db.models.lookups import Exact
from django.http import QueryDict

from reports.models import BigRegion, Category, Region
from reports.selectors import parse_year, years_with_reports


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

    def apply(self, reports: QuerySet, *, by_index: bool = True) -> QuerySet:
        """`reports` narrowed to the filters. by_index=False writes the broad ones, category and big
        region, so that no index can serve them (`category_id + 0 = 2`): PostgreSQL then checks them
        on the rows the full-text index yields. Left to itself it ANDed the GIN bitmap with one of
        every report of the category, all years: 70 ms a year searched for a category of 335,000,
        where checking the matches' rows took 30 (search.matching). A province's bitmap is small
        (one report in thirty), and ANDing it in still pays."""
        for value, column in ((self.category, "category_id"), (self.big_region, "big_region_id")):
            if value is not None:
                reports = reports.filter(Exact(F(column) if by_index else F(column) + 0, value.pk))
        if self.province is not None:
            reports = reports.filter(province=self.province)
        if self.year is not None:
            reports = reports.filter(date__year=self.year)
        return reports

    def years(self) -> list[int]:
        """The years whose reports a search may find: the one asked for, or each that has reports."""
        return [self.year] if self.year is not None else years_with_reports()

    @property
    def is_active(self) -> bool:
        return any((self.category, self.big_region, self.province, self.year))


def _by_slug(queryset: QuerySet, slug: str | None):
    if not slug or not slug.isascii() or len(slug) > 80:
        return None
    return queryset.filter(slug=slug).first()
