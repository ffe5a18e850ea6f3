"""A report's table of contents, read from the numbered headings of its plain-text body.

Chinese official documents number their parts 一、 › （一） › 1. (GB/T 9704). A heading is either a
paragraph of its own ("一、过去五年工作回顾") or the first sentence of its paragraph ("（四）在…走在前列,
脱贫攻坚成果有力巩固。全面开展…"). Ordinary sentences start with the same characters ("一是…",
"1.5亿元…", "一、二季度…"), so a marker only counts at the start of a paragraph, followed by a short
sentence, and in sequence with the markers of its style before it.
"""

import re
from dataclasses import dataclass
from html import escape  # what django.utils.html.escape calls, without its lazy-text wrapper

from django.utils.safestring import SafeString, mark_safe

CHINESE_NUMBERS = {c: n for n, c in enumerate("〇一二三四五六七八九", start=0)}

# Outermost first; each captures the number. "一、" followed by another numeral is a list of numbers
# ("一、二季度"), not a heading.
STYLES = (
    re.compile(r"第([一二三四五六七八九十百]+)(?:部分|章|篇)[\s　:：]*"),
    re.compile(r"([一二三四五六七八九十百]+)、(?![一二三四五六七八九十])\s*"),
    re.compile(r"[（(]([一二三四五六七八九十百]+)[）)]\s*"),
    re.compile(r"(\d{1,2})[.．、](?!\d)\s*"),
)
# The first characters of the markers above, to skip most paragraphs without a regular expression.
MARKER_STARTS = frozenset("第一二三四五六七八九十百（(0123456789")
SENTENCE_END = re.compile(r"[。！？；!?;]")
# The longest heading text (after its number) in characters: anything longer is prose.
MAX_HEADING_CHARS = 50
# Fewer headings than this make a short report that needs no table of contents.
MIN_ENTRIES = 3


@dataclass(frozen=True)
class Entry:
    anchor: str
    text: str  # the heading with its number, as printed
    depth: int  # 1 for the outermost style the report uses


@dataclass(frozen=True)
class Outline:
    entries: list[Entry]  # empty for a short report: it needs no table of contents
    body: SafeString  # the paragraphs as HTML, headings marked and anchored
    toc: SafeString  # the entries as nested ordered lists of links; empty without entries


def _toc(entries: list[Entry]) -> SafeString:
    parts, depth = [], 0
    for entry in entries:
        if entry.depth > depth:
            parts.append("<ol><li>" * (entry.depth - depth))
        else:
            parts.append("</li></ol>" * (depth - entry.depth) + "</li><li>")
        depth = entry.depth
        parts.append(f'<a href="#{entry.anchor}">{escape(entry.text)}</a>')
    parts.append("</li></ol>" * depth)
    return mark_safe("".join(parts))


def to_number(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 12 → 12 (enough for headings; 百 counts as 100)."""
    if numeral.isdigit():
        return int(numeral)
    total, digit = 0, 0
    for char in numeral:
        if char == "十":
            total += (digit or 1) * 10
            digit = 0
        elif char == "百":
            total += (digit or 1) * 100
            digit = 0
        else:
            digit = CHINESE_NUMBERS[char]
    return total + digit


def _heading(paragraph: str, last: dict[int, int]) -> tuple[int, int] | None:
    """(style, end of the heading text) if the paragraph opens with a heading, else None.
    `last` holds the last number seen per style and is updated for every marker found."""
    for style, pattern in enumerate(STYLES):
        match = pattern.match(paragraph)
        if match is None:
            continue
        number = to_number(match.group(1))
        previous = last.get(style)
        last[style] = number
        # The first of a style may start anywhere (an excerpt starts at （四）); after that a style
        # counts up by one, or starts again at one under a new outer heading.
        if previous is not None and number not in (previous + 1, 1):
            return None
        if number == 1:
            for inner in range(style + 1, len(STYLES)):
                last.pop(inner, None)
        end = SENTENCE_END.search(paragraph, match.end())
        end = len(paragraph) if end is None else end.end()
        if not 2 <= end - match.end() <= MAX_HEADING_CHARS:
            return None
        return style, end
    return None


def outline(paragraphs: list[str]) -> Outline:
    """The body's HTML and its headings: one look at each paragraph's start, one escape of each."""
    found: dict[int, tuple[int, str]] = {}  # paragraph index -> (style, heading text)
    last: dict[int, int] = {}
    for index, paragraph in enumerate(paragraphs):
        if paragraph[:1] in MARKER_STARTS:
            heading = _heading(paragraph, last)
            if heading is not None:
                found[index] = (heading[0], paragraph[: heading[1]])
    if len(found) < MIN_ENTRIES:
        return Outline(
            [], mark_safe("\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)), mark_safe("")
        )
    depth_of = {style: depth for depth, style in enumerate(sorted({style for style, _ in found.values()}), start=1)}
    html, entries = [], []
    for index, paragraph in enumerate(paragraphs):
        if index not in found:
            html.append(f"<p>{escape(paragraph)}</p>")
            continue
        style, text = found[index]
        anchor, depth = f"toc-{len(entries) + 1}", depth_of[style]
        entries.append(Entry(anchor, text, depth))
        if len(text) == len(paragraph):
            level = min(depth + 1, 4)
            html.append(f'<h{level} id="{anchor}" class="section-heading">{escape(text)}</h{level}>')
        else:
            rest = escape(paragraph[len(text) :])
            html.append(f'<p id="{anchor}"><strong class="section-heading">{escape(text)}</strong>{rest}</p>')
    return Outline(entries, mark_safe("\n".join(html)), _toc(entries))
