"""Pagination for lists of up to a million reports.

The total comes from ReportTally (no COUNT(*) per request). A page is fetched in two steps: the
ids by an index-only scan, then those twenty rows; pages past the middle are read from the other
end of the index, so no page skips more than half of the list.
"""

from django.core.paginator import Page

from portal.pagination import KnownCountPaginator, page_of

from .models import Report, ReportQuerySet


class ReportPaginator(KnownCountPaginator):
    def rows(self, bottom: int, top: int) -> list[Report]:
        ordered = self.object_list.newest_first()
        if bottom > self.count // 2:
            from_end = ordered.reverse().values_list("id", flat=True)[self.count - top : self.count - bottom]
            ids = list(from_end)[::-1]
        else:
            ids = list(ordered.values_list("id", flat=True)[bottom:top])
        rows = {report.pk: report for report in Report.objects.for_list().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]


def paginate(queryset: ReportQuerySet, *, total: int, page: str | None, per_page: int) -> Page:
    return page_of(ReportPaginator(queryset, total=total, per_page=per_page), page)
