"""A report as the open-data API and the bulk downloads write it: one shape for both, so that a
mirror can fill its copy from a download and keep it current with the API."""

import datetime

from django.utils import timezone

from reports.models import Region, Report, ReportTombstone
from reports.selectors import navigation

# What the rows are read with: the places' codes and names, never the search vector.
PLACE_FIELDS = ("code", "name", "level")
REPORT_FIELDS = (
    "id",
    "title",
    "date",
    "category_id",
    "big_region_id",
    "source_name",
    "source_url",
    "published_at",
    "updated_at",
    *(f"{place}__{field}" for place in ("region", "province", "prefecture") for field in PLACE_FIELDS),
)


def with_places(reports, *, body: bool, extra: tuple[str, ...] = ()):
    fields = (*REPORT_FIELDS, *extra, *(("body",) if body else ()))
    return reports.select_related("region", "province", "prefecture").only(*fields)


def _place(region: Region | None) -> dict | None:
    if region is None:
        return None
    return {"code": region.code, "name": region.name, "level": region.level}


def _moment(value: datetime.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


class ReportRecords:
    """Turns reports into dicts; categories and big regions come from the shared navigation."""

    def __init__(self, *, site_url: str, body: bool):
        nav = navigation()
        self.categories = {c.pk: c for c in nav.categories}
        self.big_regions = {b.pk: b for b in nav.big_regions}
        self.site_url = site_url.rstrip("/")
        self.body = body

    def __call__(self, report: Report) -> dict:
        category = self.categories[report.category_id]
        big_region = self.big_regions[report.big_region_id]
        report.category, report.big_region = category, big_region
        record = {
            "id": report.pk,
            "removed": False,
            "title": report.title,
            "date": report.date.isoformat(),
            "category": {"slug": category.slug, "name": category.name},
            "area": {"slug": big_region.slug, "name": big_region.name},
            "region": _place(report.region),
            "province": _place(report.province),
            "prefecture": _place(report.prefecture),
            "source_name": report.source_name,
            "source_url": report.source_url,
            "url": self.site_url + report.get_absolute_url(),
            "published_at": _moment(report.published_at),
            "updated_at": _moment(report.updated_at),
        }
        if self.body:
            record["body"] = report.body
        return record


def tombstone_record(tombstone: ReportTombstone) -> dict:
    return {
        "id": tombstone.report_id,
        "removed": True,
        "reason": tombstone.reason,
        "removed_at": _moment(tombstone.removed_at),
    }
