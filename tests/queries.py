"""Counting the database queries a page costs.

The default cache is a table of the same database (Redis in production): its reads and writes are
left out, so that the counts are those of the page itself, whatever cache it runs with."""

import itertools

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

_fresh = itertools.count()


def _cache_table() -> str | None:
    config = settings.CACHES["default"]
    return config["LOCATION"] if config["BACKEND"].endswith("DatabaseCache") else None


class PageQueries(CaptureQueriesContext):
    def __init__(self):
        super().__init__(connection)

    @property
    def queries(self) -> list[str]:
        """The captured statements, less the cache's own and the savepoints that wrap only those."""
        table = _cache_table()
        statements = [query["sql"] for query in self.captured_queries]
        if table is None:
            return statements
        kept: list[str] = []
        open_blocks: list[tuple[list[str], list[bool]]] = []  # (statements, [held a cache statement])
        for sql in statements:
            target = open_blocks[-1][0] if open_blocks else kept
            if sql.startswith("SAVEPOINT"):
                open_blocks.append(([sql], [False]))
            elif sql.startswith(("RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")) and open_blocks:
                block, held_cache = open_blocks.pop()
                if len(block) > 1 or not held_cache[0]:
                    (open_blocks[-1][0] if open_blocks else kept).extend([*block, sql])
            elif f'"{table}"' in sql:
                if open_blocks:
                    open_blocks[-1][1][0] = True
            else:
                target.append(sql)
        return kept + [sql for block, _ in open_blocks for sql in block]

    def __len__(self) -> int:
        return len(self.queries)


def uncached(url: str) -> str:
    """The same page at an address the page cache has never seen: what a crawler's first visit costs."""
    return f"{url}{'&' if '?' in url else '?'}fresh={next(_fresh)}"
