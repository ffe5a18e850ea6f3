"""Reads of the compare page: which reports a report can be compared with, and the comparison."""

from dataclasses import dataclass

from reports.models import Report, ReportStatus

from .aligning import Alignment, align
from .chart import Chart, shifts_chart
from .terms import Vocabulary, vocabulary


@dataclass(frozen=True)
class Counterpart:
    """The report of one other year: the same region and category (the latest of that year)."""

    year: int
    report_id: int
    is_public: bool  # False: restricted after a copyright notice


def counterparts(report: Report) -> list[Counterpart]:
    """One per other year with a published report, newest first, readable ones preferred. Restricted
    reports are listed so that asking for their year answers 451, like their article, not 404."""
    rows = (
        Report.objects.filter(status=ReportStatus.PUBLISHED, region_id=report.region_id, category_id=report.category_id)
        .exclude(date__year=report.date.year)
        .order_by("-date", "-id")
        .values_list("date", "id", "is_restricted")
    )
    by_year: dict[int, Counterpart] = {}
    for date, report_id, is_restricted in rows:
        known = by_year.get(date.year)
        if known is None or (not known.is_public and not is_restricted):
            by_year[date.year] = Counterpart(date.year, report_id, not is_restricted)
    return list(by_year.values())


def default_counterpart(report: Report, choices: list[Counterpart]) -> Counterpart | None:
    """The closest earlier year a reader may see, else the closest later one."""
    readable = [c for c in choices if c.is_public]
    earlier = [c for c in readable if c.year < report.date.year]
    if earlier:
        return earlier[0]
    return readable[-1] if readable else None


@dataclass(frozen=True)
class Comparison:
    older: Report
    newer: Report
    alignment: Alignment
    vocabulary: Vocabulary
    chart: Chart | None


def comparison(first: Report, second: Report) -> Comparison:
    """The two reports side by side, the older on the left, whichever the reader started from."""
    older, newer = sorted((first, second), key=lambda r: (r.date, r.pk))
    alignment = align(older.paragraphs, newer.paragraphs)
    words = vocabulary(alignment)
    chart = shifts_chart(
        rising=words.rising, falling=words.falling, older_year=older.date.year, newer_year=newer.date.year
    )
    return Comparison(older=older, newer=newer, alignment=alignment, vocabulary=words, chart=chart)
