"""Pagination shared by every list on the site: report lists, search results, comment threads and
the transparency page. Totals are known beforehand (tallies, stored counts), never a COUNT(*)."""

from django.core.paginator import Page, Paginator


class KnownCountPaginator(Paginator):
    """A paginator told its total beforehand; subclasses may fetch a page's rows their own way."""

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

    def rows(self, bottom: int, top: int):
        return self.object_list[bottom:top]


def parse_page_number(value: str | None) -> int:
    """`?page=` as typed by anyone: junk falls back to the first page instead of failing."""
    if value and value.isascii() and value.isdigit() and len(value) < 10:
        return max(int(value), 1)
    return 1


def page_of(paginator: Paginator, value: str | None) -> Page:
    """The page asked for, or the last one when the number is past the end."""
    return paginator.page(min(parse_page_number(value), paginator.num_pages))
