"""Tokenising in parallel: a pool of worker processes, one per core, for the bulk paths
(generate_reports, import_reports, reindex).

Building a report's search vector is CPU-bound Python (reports.indexing), so one process tops out
at one core. Workers are forked: each starts with Django set up and the segmenter's dictionary
already loaded by the parent (native memory, shared copy-on-write, never copied by reference
counting). Database connections must not cross a fork, so the parent's are closed first; a worker
opens its own when it first needs one, and so can COPY or UPDATE its batch itself.

With one worker (or one core) nothing is forked and batches run in the calling process. So it is
inside a transaction (a test's, or a caller's atomic block): workers could not see its rows, and
closing its connection before the fork would end it.
"""

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from django.db import connection, connections

from . import indexing

Item = TypeVar("Item")
Result = TypeVar("Result")


def default_workers() -> int:
    """One worker per core this process may run on."""
    return len(os.sched_getaffinity(0))


# Connections a worker found open when it started: the parent's sockets, kept referenced so that
# they are never used nor closed here (closing one sends the server a goodbye on the parent's behalf).
_inherited = []


def _worker_started() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool; workers just go.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent closed its connections before forking, but only those of where it runs: Django
    # keeps a thread's connections apart from those of an event loop running in it, and a forked
    # worker has no running loop, so under a loop (Playwright's, in the browser tests) it sees the
    # thread's, possibly still open. Queries over a socket shared with the parent corrupt each other.
    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None


class VectorPool:
    """`with VectorPool(workers) as pool: for result in pool.run(function, batches): …`

    `function` must be a module-level function (it is sent to workers by name). Results come back
    in the order of the batches, with at most two batches per worker in flight, so a producer of a
    million documents never runs ahead of the workers by more than that.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers if workers is not None else default_workers())
        self._pool = None

    def __enter__(self) -> "VectorPool":
        if connection.in_atomic_block:
            self.workers = 1
        if self.workers > 1:
            indexing.segment("预热")  # load the dictionary once, before forking
            connections.close_all()
            self._pool = multiprocessing.get_context("fork").Pool(self.workers, initializer=_worker_started)
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if self._pool is None:
            return
        if exc_type is None:
            self._pool.close()
        else:
            self._pool.terminate()
        self._pool.join()
        self._pool = None

    def run(self, function: Callable[[Item], Result], batches: Iterable[Item]) -> Iterator[Result]:
        if self._pool is None:
            yield from map(function, batches)
            return
        pending = deque()
        for batch in batches:
            pending.append(self._pool.apply_async(function, (batch,)))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
