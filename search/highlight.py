"""Query terms marked in the titles and excerpts of one page of results.

Done in Python on the page's twenty rows: PostgreSQL's ts_headline re-parses the text with its own
parser, which takes a whole run of Han characters for one word and so cannot mark a term inside it.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from reports.indexing import TOKEN_RUNS, bigrams

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
