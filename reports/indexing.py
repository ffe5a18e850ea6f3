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
phrase queries. The text lists a lexeme once per occurrence and leaves the rest to PostgreSQL's
input function, which sorts and merges them: positions above 16,383 become 16,383, at most 256
distinct positions are kept per lexeme, and of one position given twice the heavier weight wins.
That is what lets a million vectors be rendered with C-level joins instead of a Python loop per token.

The segmenter is jieba-rs (the `rjieba` binding: the same dictionary and algorithm as jieba, about
seven times faster, its dictionary in native memory), with the domain dictionary added: every
region's name and short forms and the policy terms of reports/data/policy_terms.txt. Changing any
of it changes tokens: `manage.py reindex` rebuilds the stored vectors (docs/search.md).
"""

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rjieba

# Enforced by PostgreSQL when it reads a vector (module docstring); named here for the tests and docs.
MAX_POSITION = 16_383
MAX_POSITIONS_PER_LEXEME = 256
MAX_LATIN_TOKEN = 64
MIN_WORD_LENGTH = 3

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
TOKEN_RUNS = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<latin>\d+(?:\.\d+)+|[^\W_{CJK}]+)")

Weight = str  # "A" (title), "B" (place names), "D" (body)

DATA = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA / "cn_regions.csv"
POLICY_TERMS = DATA / "policy_terms.txt"


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


def segment(text: str) -> list[str]:
    """The segmenter's words of a text, dictionary only (no HMM guesses: they vary with context)."""
    return _segmenter().cut(text, False)


def words(run: str) -> list[tuple[int, str]]:
    """The segmenter's words of at least three characters, with their offsets in the run."""
    found, offset = [], 0
    for word in segment(run):
        if len(word) >= MIN_WORD_LENGTH:
            found.append((offset, word))
        offset += len(word)
    return found


@lru_cache(maxsize=200_000)
def cjk_run_tokens(run: str) -> tuple[tuple[int, str], ...]:
    """Bigrams, the last character and the segmenter's longer words of one CJK run, with offsets in the run.

    Memoised: runs (the text between punctuation marks) repeat a lot, and segmenting is the slow part.
    """
    found = [(i, gram) for i, gram in enumerate(bigrams(run))]
    found.append((len(run) - 1, run[-1]))
    found.extend(words(run))
    return tuple(found)


@lru_cache(maxsize=200_000)
def _run_template(run: str, weight: Weight) -> tuple[str, tuple[int, ...]]:
    """A CJK run's tsvector entries with their positions left as %d ("'吉首':%d '首市':%d …"), and
    the offsets of its words. The first len(run) entries are at offsets 0, 1, … (the bigrams, then
    the last character), so a run's positions are a range plus its few words."""
    found = cjk_run_tokens(run)
    mark = "" if weight == "D" else weight
    template = " ".join(f"{quote(lexeme)}:%d{mark}" for _, lexeme in found)  # CJK lexemes hold no "%"
    return template, tuple(offset for offset, _ in found[len(run) :])


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
    """Collects the weighted lexemes of one document's parts and renders a tsvector literal.

    Written for speed as much as clarity: bulk loads and reindex render a million of these. Each
    occurrence is one entry ("'水库':12 '水库':40"); PostgreSQL's input merges them (module docstring),
    so that a run costs one memoised template filled in by the % operator, in C.
    """

    def __init__(self) -> None:
        self.entries: list[str] = []
        self.offset = 1  # tsvector positions start at 1

    def add_text(self, text: str, *, weight: Weight) -> "VectorBuilder":
        text = normalise(text)
        base, entries = self.offset, self.entries
        mark = "" if weight == "D" else weight
        for match in TOKEN_RUNS.finditer(text):
            start = base + match.start()
            run = match.group()
            if match.lastgroup == "cjk":
                template, words_at = _run_template(run, weight)
                positions = range(start, start + len(run))
                entries.append(
                    template % ((*positions, *[start + at for at in words_at]) if words_at else tuple(positions))
                )
            else:
                entries.append(f"{quote(run[:MAX_LATIN_TOKEN])}:{start}{mark}")
        self.offset = base + len(text) + 1  # a gap, so that parts never look adjacent
        return self

    def add(self, lexemes: Iterable[tuple[int, str]], *, start: int, weight: Weight) -> "VectorBuilder":
        """Extra lexemes at given offsets from `start`, without moving on (e.g. whole place names)."""
        mark = "" if weight == "D" else weight
        self.entries.extend(f"{quote(lexeme)}:{start + offset}{mark}" for offset, lexeme in lexemes)
        return self

    def render(self) -> str:
        return " ".join(self.entries)


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
# The 56 peoples, longest first (土家 before 土), as named in autonomous areas (维吾尔 without 族).
PEOPLES = (
    "柯尔克孜|乌孜别克|维吾尔|哈萨克|达斡尔|塔吉克|俄罗斯|鄂温克|塔塔尔|鄂伦春|蒙古|布依|朝鲜|土家|哈尼|傈僳|高山|拉祜|东乡|纳西|景颇|仫佬|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|"
    "德昂|保安|裕固|独龙|赫哲|门巴|珞巴|基诺|汉|回|藏|苗|彝|壮|满|侗|瑶|白|傣|黎|佤|畲|水|土|羌|怒|京"
)
_AUTONOMOUS = re.compile(rf"^(?P<base>.{{2,}}?)(?:(?:{PEOPLES})族|维吾尔)*自治(?P<kind>[区州县旗])$")


def short_forms(name: str) -> list[str]:
    """What a place is also called: 吉首市 → 吉首; 湘西土家族苗族自治州 → 湘西州, 湘西;
    长阳土家族自治县 → 长阳县, 长阳; 新疆维吾尔自治区 → 新疆."""
    forms = []
    autonomous = _AUTONOMOUS.match(name)
    if autonomous:
        base, kind = autonomous["base"], autonomous["kind"]
        forms.extend([base + kind, base] if kind != "区" else [base])
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            forms.append(name[: -len(suffix)])
            break
    return [form for form in dict.fromkeys(forms) if form != name]


@lru_cache(maxsize=10_000)
def place_forms(name: str) -> tuple[str, ...]:
    """Whole forms of a place name: 湖南省 → 湖南省, 湖南; 湘西土家族苗族自治州 → …, 湘西州, 湘西."""
    name = normalise(name).strip()
    forms = [name, *short_forms(name)]
    forms.extend(word for word in segment(name) if len(word) >= 2)
    if "自治" in name:
        forms.append(name[:2])  # 湘西, 新疆, 广西: autonomous areas go by their first two characters
    return tuple(form for form in dict.fromkeys(forms) if form not in GENERIC_PLACE_WORDS)


@cache
def place_words() -> frozenset[str]:
    """Every region's name and short forms (normalised), from the GB/T 2260 list in reports/data."""
    with open(REGIONS_CSV, encoding="utf-8", newline="") as handle:
        names = [normalise(row["name"]).strip() for row in csv.DictReader(handle)]
    return frozenset(form for name in names for form in (name, *short_forms(name)) if len(form) >= 2)


@cache
def policy_terms() -> tuple[str, ...]:
    """The curated policy vocabulary (one term a line; # starts a comment)."""
    lines = POLICY_TERMS.read_text(encoding="utf-8").splitlines()
    return tuple(dict.fromkeys(normalise(line.split("#")[0]).strip() for line in lines if line.split("#")[0].strip()))


@cache
def _segmenter() -> "rjieba.Jieba":
    """jieba's dictionary plus the domain's words, loaded once per process (about 60 MB, in native
    memory that Python's reference counting never touches, so a forked child shares its pages)."""
    # Imported here: a web worker that never tokenises (pages served from the cache, articles)
    # does not carry the module and its dictionary.
    import rjieba

    segmenter = rjieba.Jieba()
    for word in sorted(place_words()) + list(policy_terms()):
        segmenter.add_word(word, None, None)
    return segmenter


def document_vector(*, title: str, places: Iterable[str], body: str) -> str:
    """The tsvector (as text) of a report: title weighs most, then its region's names, then the body.

    Place names are searchable by their pieces like any text, but only their whole forms weigh B:
    "湖南" ranks Hunan's reports up, while the bigram 大兴 of 大兴安岭 does not help "大兴寨水库".
    Every path that stores a vector (saving one report, generate, import, reindex) calls this.
    """
    builder = VectorBuilder().add_text(title, weight="A")
    for place in places:
        start = builder.offset
        builder.add_text(place, weight="D")
        builder.add(((0, form) for form in place_forms(place)), start=start, weight="B")
    return builder.add_text(body, weight="D").render()
