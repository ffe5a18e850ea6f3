"""The region page's chart of reports per year: stacked bars, one colour per category, laid out
here and drawn as SVG by templates/includes/year_chart.html (no script, no library).

Sizes are in SVG user units; the SVG's natural width is its viewBox's (one unit a CSS pixel) and it
only shrinks to fit a narrow screen. Twelve years fit a phone with their labels still legible.
"""

from dataclasses import dataclass

from .models import Category
from .selectors import YearCounts

LEFT = 40  # the value axis labels
TOP = 18  # the totals above the bars
PLOT_HEIGHT = 140
BOTTOM = 22  # the year labels
SLOT = 32  # one year: its bar and the gap after it
BAR = 20
RIGHT = 6
SERIES = 6  # colours in site.css (.series-1 … .series-6), repeated beyond


@dataclass(frozen=True)
class Segment:
    category: Category
    series: int
    count: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    year: int
    total: int
    x: float
    middle: float
    label_y: float  # of its total, above it
    segments: list[Segment]


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Row:
    year: int
    counts: list[int]  # in the order of YearChart.legend
    total: int


@dataclass(frozen=True)
class YearChart:
    width: int
    height: int
    baseline: float
    plot_left: int
    plot_right: int
    bar_width: int
    legend: list[tuple[Category, int]]  # (category, series)
    bars: list[Bar]
    ticks: list[Tick]
    rows: list[Row]
    total: int
    busiest: Row

    @property
    def tick_x(self) -> int:
        return self.plot_left - 6

    @property
    def year_y(self) -> float:
        return self.height - 6

    @property
    def first_year(self) -> int:
        return self.rows[0].year

    @property
    def last_year(self) -> int:
        return self.rows[-1].year


def nice_step(largest: int, *, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 × 10ⁿ) that covers `largest` in at most `ticks` steps."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * ticks >= largest:
                return step
        magnitude *= 10


def year_chart(data: YearCounts, categories: list[Category], *, last_years: int = 12) -> YearChart | None:
    """The chart of the place's latest `last_years` years with reports (every year between the first
    and the last of them gets a bar); `categories` in the order of the legend."""
    if not data.counts:
        return None
    latest = max(year for year, _ in data.counts)
    first = max(min(year for year, _ in data.counts), latest - last_years + 1)
    shown = {category for year, category in data.counts if year >= first}
    legend = [(category, index % SERIES + 1) for index, category in enumerate(c for c in categories if c.pk in shown)]
    rows = [
        Row(year, counts, sum(counts))
        for year in range(first, latest + 1)
        for counts in ([data.counts.get((year, category.pk), 0) for category, _ in legend],)
    ]
    step = nice_step(max(row.total for row in rows))
    top_value = step * max(1, -(-max(row.total for row in rows) // step))
    baseline = TOP + PLOT_HEIGHT

    def y_of(value: float) -> float:
        return round(baseline - value / top_value * PLOT_HEIGHT, 1)

    bars = []
    for index, row in enumerate(rows):
        x = LEFT + index * SLOT + (SLOT - BAR) / 2
        segments, below = [], 0
        for (category, series), count in zip(legend, row.counts, strict=True):
            if count:
                segments.append(
                    Segment(category, series, count, y_of(below + count), y_of(below) - y_of(below + count))
                )
                below += count
        bars.append(Bar(row.year, row.total, x, x + BAR / 2, y_of(row.total) - 4, segments))
    ticks = [Tick(value, y_of(value)) for value in range(0, top_value + 1, step)]
    return YearChart(
        width=LEFT + len(rows) * SLOT + RIGHT,
        height=baseline + BOTTOM,
        baseline=baseline,
        plot_left=LEFT,
        plot_right=LEFT + len(rows) * SLOT,
        bar_width=BAR,
        legend=legend,
        bars=bars,
        ticks=ticks,
        rows=rows,
        total=sum(row.total for row in rows),
        busiest=max(reversed(rows), key=lambda row: row.total),
    )
