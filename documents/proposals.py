"""Title, date, region and category proposed from a document, for the editor to confirm.

"(湖南省)吉首市人民政府工作报告(2023年2月14日)" gives the title 吉首市人民政府工作报告, the date
2023-02-14, the region 吉首市 (433101, the one in 湖南省) and the category 报告. Each is looked for
in the title first, then the opening paragraphs, the page's own details (publication date) and the
file name; what is not found stays None and the importer's defaults fill it in.
"""

import datetime
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# The original site's display form: (province)title(date).
DISPLAY_TITLE = re.compile(r"^[（(]\s*([^（）()]{2,12})\s*[)）]\s*(.+?)\s*[（(]\s*([^（）()]*?日)\s*[)）]$")
DATE_PATTERNS = [
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
    re.compile(
        r"([〇零○Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
    ),
]
CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
DOCUMENT_WORDS = re.compile(r"报告|公报|规划|纲要|计划|意见|通知|决定|办法|方案|白皮书|年鉴")
PROVINCE_SUFFIX = re.compile(r"(壮族|回族|维吾尔)?自治区$|特别行政区$|省$|市$")
# Real district names that are also ordinary words in titles ("城区建设").
GENERIC_NAMES = frozenset({"城区", "郊区", "矿区"})
OPENING_PARAGRAPHS = 8
TITLE_MAX = 200


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    level: int
    province_id: int | None
    prefecture_id: int | None


@dataclass
class Vocabulary:
    """The region names and categories proposals are made from; built once per import run."""

    places: list[Place]
    categories: dict[str, int]  # name → id
    _by_name: dict[str, list[Place]] = field(init=False, repr=False)
    _pattern: re.Pattern | None = field(init=False, repr=False)

    def __post_init__(self):
        self._by_name = {}
        for place in self.places:
            names = {place.name}
            if place.level == 1:
                names.add(PROVINCE_SUFFIX.sub("", place.name))  # 湖南 for 湖南省
            for name in names - GENERIC_NAMES:
                if len(name) >= 2:
                    self._by_name.setdefault(name, []).append(place)
        names = sorted(self._by_name, key=len, reverse=True)  # the longest name at a position wins
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def region_in(self, text: str) -> int | None:
        """The region a text is about: the most specific place it names, told apart from places of
        the same name by the province or prefecture it also names; None if none or still ambiguous."""
        if self._pattern is None:
            return None
        found = [match.group() for match in self._pattern.finditer(text)]
        if not found:
            return None
        named_ids = {place.id for name in found for place in self._by_name[name]}
        first_seen = {name: index for index, name in reversed(list(enumerate(found)))}
        candidates = [(name, place) for name in first_seen for place in self._by_name[name]]
        deepest = max(place.level for _, place in candidates)

        def support(place: Place) -> int:
            return sum(ancestor in named_ids for ancestor in {place.province_id, place.prefecture_id} - {place.id})

        candidates = [(name, place) for name, place in candidates if place.level == deepest]
        best = max(support(place) for _, place in candidates)
        candidates = [(name, place) for name, place in candidates if support(place) == best]
        earliest = min(first_seen[name] for name, _ in candidates)
        chosen = {place.id for name, place in candidates if first_seen[name] == earliest}
        return chosen.pop() if len(chosen) == 1 else None

    def category_in(self, title: str) -> int | None:
        """The category whose name comes last in the title: a Chinese title ends in what the
        document is (…计划执行情况的报告 is a 报告, …统计公报 a 公报)."""
        positions = {name: title.rfind(name) for name in self.categories}
        positions = {name: at for name, at in positions.items() if at >= 0}
        if not positions:
            return None
        return self.categories[max(positions, key=lambda name: positions[name] + len(name))]


@dataclass(frozen=True)
class Proposal:
    title: str
    date: datetime.date | None
    region_id: int | None
    category_id: int | None
    paragraphs: list[str]


def propose(
    paragraphs: list[str],
    *,
    file_name: str,
    vocabulary: Vocabulary,
    declared_title: str = "",
    hints: Iterable[str] = (),
) -> Proposal:
    stem = os.path.splitext(file_name)[0].replace("_", " ").strip()
    title, title_at = _title(paragraphs, declared_title=declared_title, stem=stem)
    display = DISPLAY_TITLE.match(title)
    province_hint = ""
    if display:
        province_hint, title, _ = display.groups()
    body = [
        p
        for index, p in enumerate(paragraphs)
        if not (index == title_at or (index < OPENING_PARAGRAPHS and p == title))
    ]
    opening = body[:OPENING_PARAGRAPHS]
    date = _first_date([title if not display else display.group(3), *opening, *hints, stem])
    region_id = None
    for text in [f"{province_hint}{title}", stem, *opening]:
        region_id = vocabulary.region_in(text)
        if region_id is not None:
            break
    return Proposal(
        title=title[:TITLE_MAX],
        date=date,
        region_id=region_id,
        category_id=vocabulary.category_in(title),
        paragraphs=body,
    )


def _title(paragraphs: list[str], *, declared_title: str, stem: str) -> tuple[str, int | None]:
    """The title and the index of the paragraph it was taken from (None if from elsewhere)."""
    opening = list(enumerate(paragraphs[:OPENING_PARAGRAPHS]))
    for index, paragraph in opening:
        if DISPLAY_TITLE.match(paragraph):
            return paragraph, index
    if declared_title and re.search(r"[\u4e00-\u9fff]", declared_title) and len(declared_title) <= 100:
        at = next((index for index, paragraph in opening if paragraph == declared_title), None)
        return declared_title, at
    for index, paragraph in opening:
        if len(paragraph) <= 60 and DOCUMENT_WORDS.search(paragraph) and not paragraph.endswith(("。", "：", ":")):
            return paragraph, index
    if DISPLAY_TITLE.match(stem) or not opening:
        return stem or "未命名文件", None
    first = opening[0][1]
    if len(first) <= 60 and not first.endswith(("。", "：", ":", "；")):
        return first, 0
    return stem or first[:60], None


def _first_date(texts: Iterable[str]) -> datetime.date | None:
    for text in texts:
        for pattern in DATE_PATTERNS:
            for match in pattern.finditer(text):
                date = _date(*match.groups())
                if date is not None:
                    return date
    return None


def _date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(_number(year, positional=True), _number(month), _number(day))
    except ValueError:
        return None


def _number(text: str, *, positional: bool = False) -> int:
    """12, 二〇二三 (digit by digit) or 十四 (with tens)."""
    if text.isdigit() and text.isascii():
        return int(text)
    if positional:
        return int("".join(str(CHINESE_DIGITS[ch]) for ch in text))
    tens, _, units = text.partition("十")
    if "十" not in text:
        return CHINESE_DIGITS[text]
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)
