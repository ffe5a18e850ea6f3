"""The order of a search's matches: by relevance in two stages, or newest first."""

from heapq import merge
from itertools import islice

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchRank
from django.db.models import BigIntegerField, BooleanField, Case, F, FloatField, Func, QuerySet, Value, When

from portal.db import session_settings
from reports.models import Category, Report

from .matching import SOURCED_BOOST, Candidate
from .query import ParsedQuery, RawSearchQuery

RERANK = 300
# ts_rank weights for D (body), C (unused), B (whole place names), A (title).
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]


class Order:
    RELEVANCE = "relevance"
    DATE = "date"


def id_in(ids: list[int]) -> Func:
    """`id = ANY(array)`: one parameter, where `pk__in` would prepare thousands of them."""
    array = Value(ids, output_field=ArrayField(BigIntegerField()))
    return Func(F("pk"), array, template="(%(expressions)s))", arg_joiner=" = ANY(", output_field=BooleanField())


class Ranking:
    """The order of the matches, in two stages so that no query ranks more than RERANK reports.

    ts_rank has to decompress each report's tsvector; over 5,000 matches that alone would take
    longer than the whole page may. So matches are first ordered by what the row itself says
    (query terms in the title or place names, an official source, the date), and the best RERANK
    of those are then ordered by ts_rank. When there are more than RESULT_CAP matches, only the
    first RESULT_CAP the index yields are considered (docs/search.md).
    """

    def __init__(
        self, matches: QuerySet, query: ParsedQuery, *, found: list[Candidate], capped: bool, order: str, narrowed: bool
    ):
        self.matches = matches
        self.narrowed_to_an_indexed_list = narrowed
        self.query = query
        self.order = order
        self.capped = capped
        self.found = found

    def ids(self, bottom: int, top: int) -> list[int]:
        if self.order == Order.DATE:
            return self.newest_ids(bottom, top)
        coarse = [c.pk for c in sorted(self.found, key=lambda c: (c.coarse, c.date, c.pk), reverse=True)]
        if bottom >= RERANK:
            return coarse[bottom:top]
        relevance = SearchRank(F("search_vector"), RawSearchQuery(self.query.rank), weights=RANK_WEIGHTS)
        fine = Report.objects.filter(id_in(coarse[:RERANK])).alias(score=relevance * _source_prior())
        ids = list(fine.order_by("-score", "-date", "-pk").values_list("pk", flat=True)[bottom : min(top, RERANK)])
        return ids + (coarse[RERANK:top] if top > RERANK else [])

    def newest_ids(self, bottom: int, top: int) -> list[int]:
        if not self.capped:
            return [c.pk for c in sorted(self.found, key=lambda c: (c.date, c.pk), reverse=True)[bottom:top]]
        # Sorting 100,000 matches by date is slow, but a list's newest come quickly from its
        # (…, date, id) index, filtered by the query: frequent terms are found within a few rows.
        newest = self.matches.order_by("-date", "-pk").values_list("pk", "date")
        with session_settings(enable_bitmapscan="off"):
            if self.narrowed_to_an_indexed_list:
                return [pk for pk, _ in newest[bottom:top]]
            per_category = [
                list(newest.filter(category_id=category_id)[:top])
                for category_id in Category.objects.values_list("pk", flat=True)
            ]
        merged = merge(*per_category, key=lambda row: (row[1], row[0]), reverse=True)
        return [pk for pk, _ in islice(merged, bottom, top)]


def _source_prior():
    return Case(When(source_url="", then=Value(1.0)), default=Value(SOURCED_BOOST), output_field=FloatField())
