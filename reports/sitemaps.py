"""sitemap.xml for a million reports: an index of sections, each at most 50,000 addresses.

Report sections are ranges of ids (page n holds ids ((n-1)·50,000, n·50,000]), so every section is
one primary-key range scan, whatever its number; Django's default pagination would COUNT the table
and skip rows with OFFSET.
"""

import math
from dataclasses import dataclass
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from .models import BigRegion, Category, Region, Report


@dataclass(frozen=True)
class ReportEntry:
    pk: int
    category_slug: str
    area_slug: str
    updated_at: object


@dataclass(frozen=True)
class IdRangePage:
    object_list: list[ReportEntry]


class IdRangePaginator:
    def __init__(self, *, max_id: int, per_page: int):
        self.per_page = per_page
        self.num_pages = max(1, math.ceil(max_id / per_page))

    def page(self, number) -> IdRangePage:
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("页码不是整数") from error
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("没有这一页")
        rows = (
            Report.objects.published()
            .filter(pk__gt=(number - 1) * self.per_page, pk__lte=number * self.per_page)
            .order_by("pk")
            .values_list("pk", "category__slug", "big_region__slug", "updated_at")
        )
        return IdRangePage([ReportEntry(*row) for row in rows.iterator(chunk_size=5000)])


class ReportSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    @cached_property
    def paginator(self) -> IdRangePaginator:
        max_id = Report.objects.aggregate(max_id=Max("pk"))["max_id"] or 0
        return IdRangePaginator(max_id=max_id, per_page=self.limit)

    @cached_property
    def _url_pattern(self) -> str:
        # reverse() once per section instead of 50,000 times.
        return reverse("reports:detail", kwargs={"category": "category-slug", "area": "area-slug", "pk": 1})

    def location(self, entry: ReportEntry) -> str:
        return (
            self._url_pattern.replace("category-slug", entry.category_slug, 1)
            .replace("area-slug", entry.area_slug, 1)
            .replace("/1.html", f"/{entry.pk}.html", 1)
        )

    def lastmod(self, entry: ReportEntry):
        return entry.updated_at

    def get_latest_lastmod(self):
        return None  # per address only: the newest change of a whole section would need a full scan


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> list[str]:
        categories = list(Category.objects.all())
        areas = list(BigRegion.objects.all())
        return [category.get_absolute_url() for category in categories] + [
            reverse("reports:category_area", kwargs={"category": category.slug, "area": area.slug})
            for category in categories
            for area in areas
        ]

    def location(self, url: str) -> str:
        return url


class RegionSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self) -> list[str]:
        regions = Region.objects.select_related("big_region").only("slug", "big_region__slug")
        return (
            [reverse("reports:region_index")]
            + [area.get_absolute_url() for area in BigRegion.objects.all()]
            + [region.get_absolute_url() for region in regions]
        )

    def location(self, url: str) -> str:
        return url


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return [reverse("home")]

    def location(self, url: str) -> str:
        return url


SITEMAPS = {
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "regions": RegionSitemap,
    "reports": ReportSitemap,
}


def report_section(request: HttpRequest) -> HttpResponse:
    """One section of report addresses, written directly: Django's sitemap template takes seconds
    for 50,000 entries, a join of strings a few hundred milliseconds."""
    sitemap = ReportSitemap()
    try:
        page = sitemap.paginator.page(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("没有这一页") from error
    base = f"{request.scheme}://{request.get_host()}"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for entry in page.object_list:
        lines.append(
            f"<url><loc>{escape(base + sitemap.location(entry))}</loc>"
            f"<lastmod>{timezone.localdate(entry.updated_at).isoformat()}</lastmod>"
            f"<changefreq>{sitemap.changefreq}</changefreq><priority>{sitemap.priority}</priority></url>"
        )
    lines.append("</urlset>\n")
    return HttpResponse("\n".join(lines), content_type="application/xml")
