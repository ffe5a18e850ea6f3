"""Chinese full-text search without server extensions: tokenising text and building queries.

Documents and queries go through the same tokeniser (docs/search.md explains the design):

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

from django.contrib.postgres.search import SearchQuery
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

with warnings.catch_warnings():
    # jieba 0.42 has invalid escape sequences (SyntaxWarning when its bytecode is first compiled).
    warnings.simplefilter("ignore")
    import jieba

MAX_POSITION = 16_383
MAX_POSITIONS_PER_LEXEME = 256
MAX_LATIN_TOKEN = 64
MIN_WORD_LENGTH = 3
# Longer queries are cut: nobody types more, and every extra lexeme costs an index lookup.
MAX_QUERY_CHARS = 50
MAX_QUERY_LEXEMES = 24

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


def covering_bigrams(run: str) -> list[str]:
    """The fewest bigrams that together cover every character of the run: 大兴寨水库 → 大兴, 寨水, 水库.

    A document contains every bigram of a phrase only if it contains these too, and each lexeme
    fewer in a query is one posting list fewer for the GIN index to intersect.
    """
    pairs = bigrams(run)
    return pairs[::2] if len(run) % 2 == 0 else [*pairs[::2], pairs[-1]]


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
            f"{_quote(lexeme)}:{','.join(map(str, positions))}" for lexeme, positions in self.positions.items()
        )


@lru_cache(maxsize=200_000)
def _quote(lexeme: str) -> str:
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


@dataclass(frozen=True)
class ParsedQuery:
    """What a reader typed, made safe: the tsquery that selects and the one that ranks."""

    text: str  # the cleaned query, as shown back
    match: str  # every term must be present (AND of bigrams, Latin words, one-character prefixes)
    rank: str  # the same lexemes OR-ed with jieba's words, which reward whole-word hits
    highlight: tuple[str, ...]  # strings to mark in snippets, longest first
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.match


def parse_query(raw: str | None) -> ParsedQuery:
    text = " ".join(normalise((raw or "").replace("\x00", " ")).split())
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS].strip()
    required: list[str] = []
    prefixes: list[str] = []
    whole_words: list[str] = []
    highlight: list[str] = []
    for run in runs(text):
        highlight.append(run.text)
        if not run.is_cjk:
            required.append(run.text[:MAX_LATIN_TOKEN])
        elif len(run.text) == 1:
            prefixes.append(run.text)
        else:
            required.extend(covering_bigrams(run.text))
            whole_words.extend(bigrams(run.text))  # ranked on all of them, matched on the cover
            whole_words.extend(word for _, word in words(run.text))
            if len(run.text) > 2:
                whole_words.append(run.text)  # matches a place's whole name (weight B)
    required = list(dict.fromkeys(required))[:MAX_QUERY_LEXEMES]
    operands = [_quote(lexeme) for lexeme in required] + [f"{_quote(p)}:*" for p in dict.fromkeys(prefixes)]
    match = " & ".join(operands)
    extra = [_quote(word) for word in dict.fromkeys(whole_words) if word not in required]
    rank = " | ".join(operands + extra) if match else ""
    return ParsedQuery(
        text=text,
        match=match,
        rank=rank,
        highlight=tuple(sorted(set(highlight), key=len, reverse=True)),
        truncated=truncated,
    )


class RawSearchQuery(SearchQuery):
    """A tsquery built by parse_query, passed as it is (to_tsquery would re-parse the lexemes)."""

    template = "(%(expressions)s)::tsquery"

    def __init__(self, tsquery: str):
        super().__init__(tsquery, search_type="raw")


SNIPPET_CHARS = 120


def snippet(text: str, terms: Iterable[str], *, width: int = SNIPPET_CHARS) -> SafeString:
    """An excerpt of `text` around the first query term found, with the terms in <mark>.

    Everything is escaped first and only our own <mark> tags are added, so a report containing
    markup is shown as text.
    """
    text = " ".join(text.split())
    terms = tuple(terms)
    pattern = _highlight_pattern(terms, pieces=False)
    match = pattern.search(text) if pattern else None
    if match is None:  # the text has the query's words only in pieces: mark the pieces
        pattern = _highlight_pattern(terms, pieces=True)
        match = pattern.search(text) if pattern else None
    start = max(0, match.start() - width // 4) if match else 0
    excerpt = text[start : start + width]
    parts = []
    last = 0
    for found in pattern.finditer(excerpt) if pattern else ():
        parts.append(escape(excerpt[last : found.start()]))
        parts.append(format_html("<mark>{}</mark>", found.group()))
        last = found.end()
    parts.append(escape(excerpt[last:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """`text` escaped, with the query terms in <mark> (for titles)."""
    return snippet(text, terms, width=len(text) + 1)


@lru_cache(maxsize=1024)
def _highlight_pattern(terms: tuple[str, ...], *, pieces: bool) -> re.Pattern | None:
    """The query's terms, or (pieces=True) also the bigrams of its longer Chinese terms."""
    alternatives = list(terms)
    for term in terms if pieces else ():
        run = TOKEN_RUNS.fullmatch(term)
        if len(term) > 2 and run and run.lastgroup == "cjk":
            alternatives.extend(bigrams(term))
    alternatives = sorted(set(alternatives), key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile("|".join(re.escape(term) for term in alternatives), re.IGNORECASE)
