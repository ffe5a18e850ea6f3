"""What the benchmark scripts share: Django set up against the development settings (pick the
database with PORTAL_DB_NAME), and wall-clock sampling in milliseconds."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

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
