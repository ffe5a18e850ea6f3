"""Chinese full-text search without server extensions: the index side (tokeniser and tsvector).

Documents and queries go through the same tokeniser (docs/search.md explains the design; the query
side, search.query, imports it from here):

* each run of CJK characters gives its overlapping character bigrams (and its last character on its
  own, so that one-character queries can be answered by a prefix match), plus jieba's words of three
  or more characters (shorter words are already bigrams);
* each run of Latin letters or digits gives itself, lower-cased.

The tsvector is built here, in Python, as PostgreSQL's text representation (lexemes with positions
and weights) and stored as it is, so that the generator can COPY it and the services can save it
with one code path. A position is the token's character offset, which keeps the door open for
phrase queries; PostgreSQL caps positions at 16,383 and keeps at most 256 per lexeme.
"""

import logging
import re
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

with warnings.catch_warnings():
    # jieba 0.42 has invalid escape sequences (SyntaxWarning when its bytecode is first compiled).
    warnings.simplefilter("ignore")
    import jieba

MAX_POSITION = 16_383
MAX_POSITIONS_PER_LEXEME = 256
MAX_LATIN_TOKEN = 64
MIN_WORD_LENGTH = 3

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
TOKEN_RUNS = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<latin>\d+(?:\.\d+)+|[^\W_{CJK}]+)")

Weight = str  # "A" (title), "B" (place names), "D" (body)


@cache
def _segmenter() -> jieba.Tokenizer:
    """jieba's dictionary, loaded once and quietly (it logs to stderr by default)."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def normalise(text: str) -> str:
    """Full-width letters and digits become ASCII, everything lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True)
class Run:
    text: str
    start: int  # character offset in the normalised text
    is_cjk: bool


def runs(text: str) -> Iterator[Run]:
    for match in TOKEN_RUNS.finditer(normalise(text)):
        yield Run(text=match.group(), start=match.start(), is_cjk=match.lastgroup == "cjk")


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def words(run: str) -> list[tuple[int, str]]:
    """jieba's words of at least three characters, with their offsets in the run."""
    found, offset = [], 0
    for word in _segmenter().cut(run, HMM=False):
        if len(word) >= MIN_WORD_LENGTH:
            found.append((offset, word))
        offset += len(word)
    return found


@lru_cache(maxsize=200_000)
def cjk_run_tokens(run: str) -> tuple[tuple[int, str], ...]:
    """Bigrams, the last character and jieba's longer words of one CJK run, with offsets in the run.

    Memoised: runs (the text between punctuation marks) repeat a lot, and jieba is the slow part.
    """
    found = [(i, gram) for i, gram in enumerate(bigrams(run))]
    found.append((len(run) - 1, run[-1]))
    found.extend(words(run))
    return tuple(found)


def tokens(text: str) -> list[tuple[int, str]]:
    """(offset, lexeme) pairs of a text, in order; offsets are 0-based character positions."""
    found: list[tuple[int, str]] = []
    for run in runs(text):
        if run.is_cjk:
            found.extend((run.start + i, lexeme) for i, lexeme in cjk_run_tokens(run.text))
        else:
            found.append((run.start, run.text[:MAX_LATIN_TOKEN]))
    return found


class VectorBuilder:
    """Collects weighted lexemes of one document's parts and renders a tsvector literal.

    Written for speed as much as clarity: generate_reports renders a million of these.
    """

    def __init__(self) -> None:
        # D-weight positions are ints; A/B ones are strings such as "12A" (tsvector's notation).
        self.positions: dict[str, list[int | str]] = defaultdict(list)
        self.offset = 1  # tsvector positions start at 1

    def add_text(self, text: str, *, weight: Weight) -> "VectorBuilder":
        text = normalise(text)
        base, positions = self.offset, self.positions
        clamp = base + len(text) > MAX_POSITION
        for match in TOKEN_RUNS.finditer(text):
            start = base + match.start()
            run = match.group()
            found = cjk_run_tokens(run) if match.lastgroup == "cjk" else ((0, run[:MAX_LATIN_TOKEN]),)
            for offset, lexeme in found:
                entry = positions[lexeme]
                if len(entry) < MAX_POSITIONS_PER_LEXEME:
                    position = min(start + offset, MAX_POSITION) if clamp else start + offset
                    entry.append(position if weight == "D" else f"{position}{weight}")
        self.offset = base + len(text) + 1  # a gap, so that parts never look adjacent
        return self

    def add(self, lexemes: Iterable[tuple[int, str]], *, start: int, weight: Weight) -> "VectorBuilder":
        """Extra lexemes at given offsets from `start`, without moving on (e.g. whole place names)."""
        for offset, lexeme in lexemes:
            entry = self.positions[lexeme]
            if len(entry) < MAX_POSITIONS_PER_LEXEME:
                position = min(start + offset, MAX_POSITION)
                entry.append(position if weight == "D" else f"{position}{weight}")
        return self

    def render(self) -> str:
        return " ".join(
            f"{quote(lexeme)}:{','.join(map(str, positions))}" for lexeme, positions in self.positions.items()
        )


@lru_cache(maxsize=200_000)
def quote(lexeme: str) -> str:
    """A lexeme as a tsvector or tsquery literal: quoted, so that no character of it is an operator."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


PLACE_SUFFIXES = sorted(
    ["特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "县", "区", "盟", "旗"],
    key=len,
    reverse=True,
)
GENERIC_PLACE_WORDS = frozenset(PLACE_SUFFIXES) | {"土家族", "苗族", "维吾尔", "壮族", "回族"}


@lru_cache(maxsize=10_000)
def place_forms(name: str) -> tuple[str, ...]:
    """Whole forms of a place name: 湖南省 → 湖南省, 湖南; 湘西土家族苗族自治州 → …, 湘西."""
    name = normalise(name).strip()
    forms = [name]
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            forms.append(name[: -len(suffix)])
            break
    forms.extend(word for word in _segmenter().cut(name, HMM=False) if len(word) >= 2)
    if "自治" in name:
        forms.append(name[:2])  # 湘西, 新疆, 广西: autonomous areas go by their first two characters
    return tuple(form for form in dict.fromkeys(forms) if form not in GENERIC_PLACE_WORDS)


def document_vector(*, title: str, places: Iterable[str], body: str) -> str:
    """The tsvector (as text) of a report: title weighs most, then its region's names, then the body.

    Place names are searchable by their pieces like any text, but only their whole forms weigh B:
    "湖南" ranks Hunan's reports up, while the bigram 大兴 of 大兴安岭 does not help "大兴寨水库".
    """
    builder = VectorBuilder().add_text(title, weight="A")
    for place in places:
        start = builder.offset
        builder.add_text(place, weight="D")
        builder.add(((0, form) for form in place_forms(place)), start=start, weight="B")
    return builder.add_text(body, weight="D").render()
