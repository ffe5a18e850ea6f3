"""The filter options shown beside the results, counted from the matches when there are few enough."""

from collections import Counter
from dataclasses import dataclass

from reports.models import Region
from reports.selectors import navigation, years_with_reports

from .filters import SearchFilter
from .matching import Candidate


@dataclass(frozen=True)
class FacetOption:
    value: str  # the query-string value
    label: str
    count: int | None  # None when the result set is too large to count by facet


@dataclass
class Facets:
    categories: list[FacetOption]
    big_regions: list[FacetOption]
    provinces: list[FacetOption]
    years: list[FacetOption]


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
        categories=options(navigation().categories, "category"),
        big_regions=options(navigation().big_regions, "big_region"),
        provinces=options(provinces, "province"),
        years=[FacetOption(value=str(year), label=f"{year}年", count=counts["year"].get(year)) for year in years],
    )
