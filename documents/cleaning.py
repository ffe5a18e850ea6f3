"""From the raw text of a document to a report's paragraphs.

PDF text comes as the lines of each page: page numbers and running headers and footers are
dropped, and the lines of one paragraph (broken where the page was full) are joined again, across
pages too. Word and HTML come as paragraphs already. Characters are kept as they are: full-width
punctuation (，。：“”（）) and digits are never folded to ASCII (no NFKC).
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

# "- 3 -", "— 3 —", "3", "第 3 页", "第3页 共12页", "3/12", "Page 3"
PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*\d{1,4}[-—–－\s]*$"
    r"|^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"
    r"|^\d{1,4}\s*/\s*\d{1,4}$"
    r"|^(page|p\.)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
# Lines that start a paragraph of their own: 一、 （一） 第一章 1. 1、 (1)
HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.、．](?!\d))"
)
INDENT = re.compile(r"^(\u3000|\s{2,})")
# Page furniture of saved government pages that a main-content extractor may leave in.
FURNITURE = re.compile(
    r"发布时间|发布日期|浏览次数|阅读次数|点击数|字号|【大\s*中\s*小】|打印本页|关闭窗口|分享到|【打印】|【关闭】"
)
INVISIBLE = dict.fromkeys(map(ord, "\x00\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# The edges of a page where running headers and footers sit.
EDGE_LINES = 3


def normalise(text: str) -> str:
    return text.translate(INVISIBLE).replace("\u00a0", " ")


def _signature(line: str) -> str:
    """A running header or footer repeats with only its numbers changed."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


@dataclass(frozen=True)
class Line:
    """One printed line of a PDF page and where it sits (points from the page's left edge)."""

    text: str
    left: float
    right: float
    size: float  # the height of its characters


def pdf_paragraphs(pages: list[list[Line]]) -> list[str]:
    pages = [[line for line in page if line.text.strip()] for page in pages]
    running = _running_lines([[line.text for line in page] for page in pages])
    lines: list[Line] = []
    for page in pages:
        for position, line in enumerate(page):
            at_edge = position < EDGE_LINES or position >= len(page) - EDGE_LINES
            if PAGE_NUMBER.match(line.text.strip()) or (at_edge and _signature(line.text) in running):
                continue
            lines.append(line)
    return join_lines(lines)


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Signatures of lines that sit at the same place at the top or bottom (one of the first or last
    EDGE_LINES) of nearly every page: a cover page may lack them, a body line seldom repeats so."""
    if len(pages) < 2:
        return set()
    seen = Counter()
    for lines in pages:
        top = {(index, _signature(line)) for index, line in enumerate(lines[:EDGE_LINES])}
        bottom = {(-1 - index, _signature(line)) for index, line in enumerate(reversed(lines[-EDGE_LINES:]))}
        seen.update(top | bottom)
    needed = max(2, math.ceil(0.8 * (len(pages) - 1)))
    return {signature for (_, signature), count in seen.items() if count >= needed and signature}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def join_lines(lines: list[Line]) -> list[str]:
    """Lines broken by the page width joined into paragraphs, across pages too.

    Body text runs from the left margin to the right one. A line starts a new paragraph when it is
    indented (a first line, or a centred title: by position or by typed full-width spaces), or when
    the line before it stopped short of the right margin (a paragraph's last line, a heading)."""
    if not lines:
        return []
    char = _percentile([line.size for line in lines], 0.5) or 10
    left_margin = _percentile([line.left for line in lines], 0.2)
    right_margin = _percentile([line.right for line in lines], 0.8)
    paragraphs: list[str] = []
    previous: Line | None = None
    for line in lines:
        text = line.text.strip()
        starts_new = (
            previous is None
            or INDENT.match(line.text) is not None
            or line.left > left_margin + 0.8 * char
            or previous.right < right_margin - 2 * char
        )
        if starts_new:
            paragraphs.append(text)
        else:
            glue = " " if paragraphs[-1][-1:].isascii() and paragraphs[-1][-1:].isalpha() and text[:1].isascii() else ""
            paragraphs[-1] += glue + text
        previous = line
    return paragraphs


def docx_paragraphs(blocks: list[str]) -> list[str]:
    paragraphs: list[str] = []
    for block in blocks:
        # A manual line break inside a Word paragraph is layout, not a new paragraph, unless the
        # next line is indented or a heading.
        lines = [line for line in normalise(block).split("\n") if line.strip()]
        if not lines:
            continue
        paragraph = lines[0].strip()
        for raw in lines[1:]:
            # "；（一）…" goes on the same paragraph; a heading follows a finished sentence or a title.
            after_sentence = not paragraph.endswith(("，", "；", "、", "：", ",", ";"))
            if INDENT.match(raw) or (HEADING.match(raw.strip()) and after_sentence):
                paragraphs.append(paragraph)
                paragraph = raw.strip()
            else:
                paragraph += raw.strip()
        if not PAGE_NUMBER.match(paragraph):
            paragraphs.append(paragraph)
    return paragraphs


def html_paragraphs(text: str) -> tuple[list[str], list[str]]:
    """The page's paragraphs, and the furniture lines left out of them ("发布时间：2023-02-14 …"),
    which may still tell the document's date."""
    paragraphs, furniture = [], []
    for line in normalise(text).split("\n"):
        line = line.strip()
        if not line or PAGE_NUMBER.match(line):
            continue
        if len(line) <= 80 and FURNITURE.search(line):
            furniture.append(line)
            continue
        paragraphs.append(line)
    return paragraphs, furniture
