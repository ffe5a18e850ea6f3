"""What a reindex covers, and the batches it works through."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from reports.models import SEARCH_PARTITIONS, Category, Region, Report

from .models import ReindexRun


@dataclass(frozen=True)
class Selection:
    """The reports a reindex covers: all of them, or those of a year, region (anywhere inside it),
    category and id range, combined."""

    year: int | None = None
    region: Region | None = None
    category: Category | None = None
    from_id: int | None = None
    to_id: int | None = None

    def describe(self) -> str:
        """A stable name for the selection: a run is resumed by a later run with the same one."""
        parts = [
            f"year={self.year}" if self.year is not None else "",
            f"region={self.region.code}" if self.region is not None else "",
            f"category={self.category.slug}" if self.category is not None else "",
            f"from_id={self.from_id}" if self.from_id is not None else "",
            f"to_id={self.to_id}" if self.to_id is not None else "",
        ]
        return " ".join(part for part in parts if part) or "all"

    def reports(self) -> QuerySet:
        reports = Report.objects.all()
        if self.year is not None:
            reports = reports.filter(
                date__gte=datetime.date(self.year, 1, 1), date__lt=datetime.date(self.year + 1, 1, 1)
            )
        if self.region is not None:
            reports = reports.in_region(self.region)
        if self.category is not None:
            reports = reports.filter(category=self.category)
        if self.from_id is not None:
            reports = reports.filter(pk__gte=self.from_id)
        if self.to_id is not None:
            reports = reports.filter(pk__lte=self.to_id)
        return reports.order_by()


def partition_of(date: datetime.date) -> int:
    """The position in SEARCH_PARTITIONS (newest first) of the index partition a report's date is in."""
    for position, partition in enumerate(SEARCH_PARTITIONS):
        if (partition.start is None or date >= partition.start) and (partition.end is None or date < partition.end):
            return position
    raise ValueError(date)  # the partitions cover every date


@dataclass(frozen=True)
class Batch:
    partition: int
    report_ids: list[int]


def reindex_batches(run: ReindexRun, selection: Selection, *, size: int) -> tuple[int, Iterator[Batch]]:
    """The reports still to do after the run's checkpoint, as batches of ids: one year partition
    at a time, newest first, by id within it. Returns how many there are and the batches.

    Only ids and dates are read up front (a million of them is a few megabytes); each batch's
    text is read by whoever rebuilds it.
    """
    by_partition: list[list[int]] = [[] for _ in SEARCH_PARTITIONS]
    for pk, date in selection.reports().values_list("pk", "date").order_by("pk").iterator(chunk_size=50_000):
        by_partition[partition_of(date)].append(pk)
    by_partition[: run.partition] = [[] for _ in range(run.partition)]
    if run.partition < len(by_partition):
        by_partition[run.partition] = [pk for pk in by_partition[run.partition] if pk > run.last_id]
    remaining = sum(len(ids) for ids in by_partition)

    def batches() -> Iterator[Batch]:
        for position, ids in enumerate(by_partition):
            for start in range(0, len(ids), size):
                yield Batch(position, ids[start : start + size])

    return remaining, batches()
