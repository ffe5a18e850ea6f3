"""The rising and falling words as a small bar chart, drawn on the server as SVG (no script).

Geometry only: templates/compare/chart.svg.html draws it. Lengths are in SVG user units; the
drawing scales to the width it is given. Words are set in the site's CJK font stack and measured
as one em per character, which is what CJK glyphs are."""

from dataclasses import dataclass

from .terms import Term

FONT_SIZE = 14
ROW = 26  # height of a bar's row
BAR = 16  # thickness of a bar
HEADING = 28  # height of a group's heading
WIDTH = 360
GAP = 8
VALUE_ROOM = 84  # room right of the longest bar for "+12（3→15）"
MAX_LABEL_CHARS = 8


@dataclass(frozen=True)
class Bar:
    term: Term
    y: float  # top of the bar
    width: float
    label: str  # the word, cut to MAX_LABEL_CHARS
    value: str  # "+6（3→9）"

    @property
    def text_y(self) -> float:
        return self.y + BAR / 2


@dataclass(frozen=True)
class Group:
    title: str
    y: float  # baseline of the heading
    bars: list[Bar]
    rising: bool


@dataclass(frozen=True)
class Chart:
    groups: list[Group]
    width: int
    height: float
    label_width: float  # the words, right-aligned against x = label_width
    older_year: int
    newer_year: int

    @property
    def bar_x(self) -> float:
        return self.label_width + GAP

    @property
    def font_size(self) -> int:
        return FONT_SIZE


def _label(word: str) -> str:
    return word if len(word) <= MAX_LABEL_CHARS else word[: MAX_LABEL_CHARS - 1] + "…"


def shifts_chart(*, rising: list[Term], falling: list[Term], older_year: int, newer_year: int) -> Chart | None:
    """None when no word rose or fell (identical reports, for one)."""
    if not rising and not falling:
        return None
    terms = [*rising, *falling]
    label_width = max(len(_label(t.word)) for t in terms) * FONT_SIZE
    room = WIDTH - label_width - GAP - VALUE_ROOM
    largest = max(abs(t.change) for t in terms)
    groups, y = [], 0.0
    for title, chosen, is_rising in (
        (f"{newer_year}年用得更多的词", rising, True),
        (f"{newer_year}年用得更少的词", falling, False),
    ):
        if not chosen:
            continue
        heading_y = y + HEADING - 10
        y += HEADING
        bars = []
        for term in chosen:
            bars.append(
                Bar(
                    term=term,
                    y=y + (ROW - BAR) / 2,
                    width=max(2.0, round(room * abs(term.change) / largest, 1)),
                    label=_label(term.word),
                    value=f"{term.change:+d}（{term.older}→{term.newer}）",
                )
            )
            y += ROW
        groups.append(Group(title=title, y=heading_y, bars=bars, rising=is_rising))
    return Chart(
        groups=groups,
        width=WIDTH,
        height=y + 4,
        label_width=label_width,
        older_year=older_year,
        newer_year=newer_year,
    )
