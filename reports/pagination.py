"""Pagination for lists of up to a million reports.

The total comes from ReportTally (no COUNT(*) per request). A page is fetched in two steps: the
ids by an index-only scan, then those twenty rows; pages past the middle are read from the other
end of the index, so no page skips more than half of the list.
"""

from django.core.paginator import Page, Paginator

from .models import Report, ReportQuerySet


class KnownCountPaginator(Paginator):
    """A paginator told its total beforehand, fetching each page's rows through `rows()`."""

    def __init__(self, object_list, *, total: int, per_page: int):
        super().__init__(object_list, per_page, allow_empty_first_page=True)
        self._total = total

    @property
    def count(self) -> int:
        return self._total

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.rows(bottom, min(bottom + self.per_page, self.count)), number, self)

    def rows(self, bottom: int, top: int) -> list:
        raise NotImplementedError


class ReportPaginator(KnownCountPaginator):
    def __init__(self, queryset: ReportQuerySet, *, total: int, per_page: int):
        super().__init__(queryset, total=total, per_page=per_page)

    def rows(self, bottom: int, top: int) -> list[Report]:
        ordered = self.object_list.newest_first()
        if bottom > self.count // 2:
            from_end = ordered.reverse().values_list("id", flat=True)[self.count - top : self.count - bottom]
            ids = list(from_end)[::-1]
        else:
            ids = list(ordered.values_list("id", flat=True)[bottom:top])
        rows = {report.pk: report for report in Report.objects.for_list().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]


def parse_page_number(value: str | None) -> int:
    """`?page=` as typed by anyone: junk and out-of-range values fall back instead of failing."""
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def paginate(queryset: ReportQuerySet, *, total: int, page: str | None, per_page: int) -> Page:
    paginator = ReportPaginator(queryset, total=total, per_page=per_page)
    number = min(parse_page_number(page), paginator.num_pages)
    return paginator.page(number)
