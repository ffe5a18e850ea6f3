"""What the benchmark scripts share: Django set up on request, and wall-clock sampling in milliseconds.

Importing a benchmark has no side effects. Each script calls `setup_django()` first thing in `main()`
and imports Django and the project after it (inside functions): the development settings, against
the database named by PORTAL_DB_NAME (default `portal_bench`) on the embedded PostgreSQL.
"""

import os
import statistics
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
PROJECT = BENCHMARKS.parent
DEFAULT_DB_NAME = "portal_bench"


def setup_django() -> None:
    # benchmarks/http.py would shadow the standard library's http package (Django and urllib import it),
    # so the scripts' folder leaves the import path once they have imported this module.
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCHMARKS]
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
    os.environ.setdefault("PORTAL_DB_NAME", DEFAULT_DB_NAME)
    import django

    django.setup()


def timed(function, runs: int) -> list[float]:
    """Milliseconds of `runs` calls, after one call that warms caches and connections."""
    function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    return statistics.median(samples), percentile(samples, 0.95)


def first_middle_last(total: int, per_page: int) -> list[int]:
    """The page numbers worth timing in a list of `total` items: the first, the middle and the last."""
    last = max(1, -(-total // per_page))
    return sorted({1, (last + 1) // 2, last})
