"""RSS 2.0 feeds of the newest reports: site-wide, per category, per big region, per province."""

import datetime
from heapq import merge
from itertools import islice

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

from portal.selectors import site_configuration

from .models import BigRegion, Category, Region, Report, ReportQuerySet
from .templatetags.seo_tags import first_sentences

FEED_ITEMS = 30


def feed_rows(reports: ReportQuerySet) -> list[Report]:
    """The newest reports of a list, with the first sentences of their bodies for descriptions."""
    columns = ("id", "title", "date", "body", "published_at", "source_name", "category__slug", "category__name")
    return list(
        reports.select_related("category", "big_region", "region", "province")
        .only(*columns, "big_region__slug", "region__name", "province__name")
        .newest_first()[:FEED_ITEMS]
    )


def latest_reports() -> list[Report]:
    """The newest reports site-wide, merged from each category's newest (each read from its own index)."""
    per_category = [
        feed_rows(Report.objects.published().filter(category=category)) for category in Category.objects.all()
    ]
    newest = merge(*per_category, key=lambda report: (report.date, report.pk), reverse=True)
    return list(islice(newest, FEED_ITEMS))


class ReportFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "zh-cn"

    def site_name(self) -> str:
        return site_configuration().site_name

    def item_title(self, report: Report) -> str:
        return report.display_title

    def item_description(self, report: Report) -> str:
        return first_sentences(report.body)

    def item_link(self, report: Report) -> str:
        return report.get_absolute_url()

    def item_pubdate(self, report: Report) -> datetime.datetime:
        return report.published_at or timezone.make_aware(datetime.datetime.combine(report.date, datetime.time()))

    def item_categories(self, report: Report) -> list[str]:
        return [report.category.name, report.province.name, report.region.name]

    def item_author_name(self, report: Report) -> str:
        return report.source_name


class LatestReportsFeed(ReportFeed):
    def title(self) -> str:
        return f"{self.site_name()} - 最新报告"

    def link(self) -> str:
        return reverse("home")

    def description(self) -> str:
        return f"{self.site_name()}最新收录的政府工作报告、统计公报、发展规划。"

    def items(self) -> list[Report]:
        return latest_reports()


class CategoryFeed(ReportFeed):
    def get_object(self, request, category: str) -> Category:
        return get_object_or_404(Category, slug=category)

    def title(self, category: Category) -> str:
        return f"{self.site_name()} - {category.name}"

    def link(self, category: Category) -> str:
        return category.get_absolute_url()

    def description(self, category: Category) -> str:
        return f"{self.site_name()}最新收录的{category.name}。"

    def items(self, category: Category) -> list[Report]:
        return feed_rows(Report.objects.published().filter(category=category))


class BigRegionFeed(ReportFeed):
    def get_object(self, request, area: str) -> BigRegion:
        return get_object_or_404(BigRegion, slug=area)

    def title(self, big_region: BigRegion) -> str:
        return f"{self.site_name()} - {big_region.name}地区"

    def link(self, big_region: BigRegion) -> str:
        return big_region.get_absolute_url()

    def description(self, big_region: BigRegion) -> str:
        return f"{self.site_name()}最新收录的{big_region.name}地区报告。"

    def items(self, big_region: BigRegion) -> list[Report]:
        return feed_rows(Report.objects.published().filter(big_region=big_region))


class ProvinceFeed(ReportFeed):
    def get_object(self, request, area: str, slug: str) -> Region:
        province = get_object_or_404(Region.objects.provinces().select_related("big_region"), slug=slug)
        if province.big_region.slug != area:
            raise Http404("没有这个省份")
        return province

    def title(self, province: Region) -> str:
        return f"{self.site_name()} - {province.name}"

    def link(self, province: Region) -> str:
        return province.get_absolute_url()

    def description(self, province: Region) -> str:
        return f"{self.site_name()}最新收录的{province.name}各地报告。"

    def items(self, province: Region) -> list[Report]:
        return feed_rows(Report.objects.published().filter(province=province))
