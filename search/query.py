"""What a reader typed, made into the two tsqueries of a search.

The query is tokenised by the index's own functions (reports.indexing), so that a term always
becomes the lexemes its documents were indexed under.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery

from reports.indexing import MAX_LATIN_TOKEN, bigrams, normalise, place_words, quote, runs, segment, words

# Longer queries are cut: nobody types more, and every extra lexeme costs an index lookup.
MAX_QUERY_CHARS = 50
MAX_QUERY_LEXEMES = 24


@dataclass(frozen=True)
class ParsedQuery:
    """What a reader typed, made safe: the tsquery that selects and the one that ranks."""

    text: str  # the cleaned query, as shown back
    match: str  # every term must be present (AND of bigrams, Latin words, one-character prefixes)
    rank: str  # the same lexemes OR-ed with jieba's words, which reward whole-word hits
    highlight: tuple[str, ...]  # strings to mark in snippets, longest first
    truncated: bool

    @property
    def is_empty(self) -> bool:
        return not self.match


def covering_bigrams(run: str) -> list[str]:
    """The fewest bigrams that together cover every character of the run: 大兴寨水库 → 大兴, 寨水, 水库.

    A document contains every bigram of a phrase only if it contains these too, and each lexeme
    fewer in a query is one posting list fewer for the GIN index to intersect.
    """
    pairs = bigrams(run)
    return pairs[::2] if len(run) % 2 == 0 else [*pairs[::2], pairs[-1]]


def place_pieces(run: str) -> list[tuple[str, bool]]:
    """A CJK run cut around the place names in it (the segmenter knows them all, short forms too):
    湘西州人民政府 → (湘西州, True), (人民政府, False)."""
    pieces: list[tuple[str, bool]] = []
    plain = ""
    for word in segment(run):
        if len(word) > 2 and word in place_words():
            if plain:
                pieces.append((plain, False))
                plain = ""
            pieces.append((word, True))
        else:
            plain += word
    if plain:
        pieces.append((plain, False))
    return pieces


def parse_query(raw: str | None) -> ParsedQuery:
    text = " ".join(normalise((raw or "").replace("\x00", " ")).split())
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS].strip()
    required: list[str] = []
    places: list[str] = []  # whole lexeme or its bigrams: 湘西州 is how reports of 湘西土家族苗族自治州 are known
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
            for piece, is_place in place_pieces(run.text):
                if is_place:
                    places.append(f"( {' & '.join(map(quote, covering_bigrams(piece)))} | {quote(piece)} )")
                elif len(piece) == 1:
                    prefixes.append(piece)
                else:
                    required.extend(covering_bigrams(piece))
            whole_words.extend(bigrams(run.text))  # ranked on all of them, matched on the cover
            whole_words.extend(word for _, word in words(run.text))
            if len(run.text) > 2:
                whole_words.append(run.text)  # matches a place's whole name (weight B)
    required = list(dict.fromkeys(required))[:MAX_QUERY_LEXEMES]
    operands = [
        *(quote(lexeme) for lexeme in required),
        *dict.fromkeys(places),
        *(f"{quote(p)}:*" for p in dict.fromkeys(prefixes)),
    ]
    match = " & ".join(operands)
    extra = [quote(word) for word in dict.fromkeys(whole_words) if word not in required]
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
