"""A report as the open-data API and the bulk downloads write it: one shape for both, so that a
mirror can fill its copy from a download and keep it current with the API.

Rows are read as plain tuples and their places in one query per page: building Report and Region
instances for a page of 100 cost more than the queries themselves."""

import datetime
from typing import NamedTuple

from django.utils import timezone

from portal.caching import cached_lookup
from reports.models import Region, ReportTombstone, report_path
from reports.selectors import navigation

COLUMNS = (
    "id",
    "title",
    "date",
    "category_id",
    "big_region_id",
    "region_id",
    "province_id",
    "prefecture_id",
    "source_name",
    "source_url",
    "published_at",
    "updated_at",
)


class Row(NamedTuple):
    id: int
    title: str
    date: datetime.date
    category_id: int
    big_region_id: int
    region_id: int
    province_id: int
    prefecture_id: int | None
    source_name: str
    source_url: str
    published_at: datetime.datetime | None
    updated_at: datetime.datetime
    body: str | None = None


def rows(reports, *, body: bool):
    """The reports of a queryset as Rows (a lazy values_list: slice or iterate it)."""
    return reports.values_list(*COLUMNS, *(("body",) if body else ()), named=False)


Place = tuple[str, str, int]  # code, name, level


def shared_places() -> dict[int, Place]:
    """Every place's code, name and level, shared like the search's place names until an editor
    changes a region: one cache read instead of a query with a page's hundred-odd ids."""
    return cached_lookup("api-places", [], all_places)


def all_places() -> dict[int, Place]:
    regions = Region.objects.order_by().values_list("pk", "code", "name", "level")
    return {pk: (code, name, level) for pk, code, name, level in regions}


def _moment(value: datetime.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


class ReportRecords:
    """Turns rows into dicts; categories and big regions come from the shared navigation, places
    from `known_places` (the downloads load them all once) or the shared lookup."""

    def __init__(self, *, site_url: str, body: bool, known_places: dict[int, Place] | None = None):
        nav = navigation()
        self.categories = {c.pk: (c.slug, c.name) for c in nav.categories}
        self.big_regions = {b.pk: (b.slug, b.name) for b in nav.big_regions}
        self.site_url = site_url.rstrip("/")
        self.body = body
        self.known_places = known_places
        # Per batch, not per field: looking up the active time zone and reversing a list's address
        # for each of a page's rows cost as much as its queries.
        self.zone = timezone.get_current_timezone()
        self.list_paths: dict[tuple[str, str], str] = {}

    def __call__(self, batch: list[tuple]) -> list[dict]:
        batch = [Row(*values) for values in batch]
        found = self.known_places if self.known_places is not None else shared_places()
        return [self._record(row, found) for row in batch]

    def _path(self, category_slug: str, area_slug: str, pk: int) -> str:
        key = (category_slug, area_slug)
        if key not in self.list_paths:
            self.list_paths[key] = report_path(category_slug, area_slug, 0).removesuffix("0.html")
        return f"{self.list_paths[key]}{pk}.html"

    def _record(self, row: Row, found: dict[int, Place]) -> dict:
        category_slug, category_name = self.categories[row.category_id]
        area_slug, area_name = self.big_regions[row.big_region_id]
        record = {
            "id": row.id,
            "removed": False,
            "title": row.title,
            "date": row.date.isoformat(),
            "category": {"slug": category_slug, "name": category_name},
            "area": {"slug": area_slug, "name": area_name},
            "region": _place(found.get(row.region_id)),
            "province": _place(found.get(row.province_id)),
            "prefecture": _place(found.get(row.prefecture_id)),
            "source_name": row.source_name,
            "source_url": row.source_url,
            "url": self.site_url + self._path(category_slug, area_slug, row.id),
            "published_at": None if row.published_at is None else row.published_at.astimezone(self.zone).isoformat(),
            "updated_at": row.updated_at.astimezone(self.zone).isoformat(),
        }
        if self.body:
            record["body"] = row.body
        return record


def _place(place: Place | None) -> dict | None:
    return None if place is None else {"code": place[0], "name": place[1], "level": place[2]}


def tombstone_record(tombstone: ReportTombstone) -> dict:
    return {
        "id": tombstone.report_id,
        "removed": True,
        "reason": tombstone.reason,
        "removed_at": _moment(tombstone.removed_at),
    }
