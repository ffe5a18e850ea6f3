"""Two versions of a report side by side: paragraphs aligned, sentences marked where they differ.

A pure function of the two bodies, so that the page built from it can be cached until either
report changes. Paragraphs that are equal are anchored by difflib; between anchors, paragraphs are
paired by how many character bigrams they share (a monotone alignment, as a reader expects: text
does not cross over), and left unpaired below SIMILAR_ENOUGH. A sentence is highlighted when the
other report does not contain it anywhere, so a sentence that merely moved is not news.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

# Paragraphs sharing fewer bigrams than this (Jaccard) are shown as removed and added, not changed.
SIMILAR_ENOUGH = 0.2
# Beyond this many paragraph pairs in one unanchored stretch, pairing would cost more than the whole
# page may (the similarity of every pair): such a stretch is shown as removed and added.
MAX_PAIRINGS = 160_000

SENTENCE = re.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)]*)?|[。！？；!?;]+")
SPACE = re.compile(r"\s+")


class RowKind(StrEnum):
    SAME = "same"
    CHANGED = "changed"
    REMOVED = "removed"  # only in the older report
    ADDED = "added"  # only in the newer report


@dataclass(frozen=True)
class Sentence:
    text: str
    anchor: str  # the element id readers jump to: o-12 (older), n-12 (newer)
    changed: bool  # the other report does not contain this sentence


@dataclass(frozen=True)
class Row:
    kind: RowKind
    older: list[Sentence] | None  # None: nothing on this side
    newer: list[Sentence] | None


@dataclass
class Alignment:
    rows: list[Row]
    older_sentences: list[Sentence] = field(default_factory=list)
    newer_sentences: list[Sentence] = field(default_factory=list)

    def count(self, kind: RowKind) -> int:
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def same(self) -> int:
        return self.count(RowKind.SAME)

    @property
    def changed(self) -> int:
        return self.count(RowKind.CHANGED)

    @property
    def removed(self) -> int:
        return self.count(RowKind.REMOVED)

    @property
    def added(self) -> int:
        return self.count(RowKind.ADDED)


def sentences(paragraph: str) -> list[str]:
    """A paragraph cut after each 。！？； (closing quotes and brackets stay with their sentence)."""
    return [match.group().strip() for match in SENTENCE.finditer(paragraph) if match.group().strip()]


def _key(sentence: str) -> str:
    return SPACE.sub("", sentence)


def _bigrams(paragraph: str) -> frozenset[str]:
    text = SPACE.sub("", paragraph)
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset([text])


def _pair_block(older: list[str], newer: list[str]) -> list[tuple[int | None, int | None]]:
    """Pairs (older index, newer index) of one stretch between anchors, in reading order; a None
    stands for a paragraph with no partner. Maximises the summed similarity of the pairs."""
    n, m = len(older), len(newer)
    if n == 0 or m == 0 or n * m > MAX_PAIRINGS:
        return [(i, None) for i in range(n)] + [(None, j) for j in range(m)]
    older_grams = [_bigrams(p) for p in older]
    newer_grams = [_bigrams(p) for p in newer]
    newer_sizes = [len(g) for g in newer_grams]
    # best[i][j]: the best score aligning older[:i] with newer[:j]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    similar: dict[tuple[int, int], float] = {}
    for i in range(1, n + 1):
        grams, size = older_grams[i - 1], len(older_grams[i - 1])
        row, above = best[i], best[i - 1]
        for j in range(1, m + 1):
            score = max(above[j], row[j - 1])
            shared = len(grams & newer_grams[j - 1])
            if shared:
                similarity = shared / (size + newer_sizes[j - 1] - shared)
                if similarity >= SIMILAR_ENOUGH:
                    similar[i - 1, j - 1] = similarity
                    score = max(score, above[j - 1] + similarity)
            row[j] = score
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and (i - 1, j - 1) in similar and best[i][j] == best[i - 1][j - 1] + similar[i - 1, j - 1]:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif j > 0 and (i == 0 or best[i][j] == best[i][j - 1]):
            pairs.append((None, j - 1))
            j -= 1
        else:
            pairs.append((i - 1, None))
            i -= 1
    pairs.reverse()
    return pairs


def align_paragraphs(older: list[str], newer: list[str]) -> list[tuple[int | None, int | None]]:
    matcher = SequenceMatcher(None, [_key(p) for p in older], [_key(p) for p in newer], autojunk=False)
    pairs: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            pairs.extend(
                (None if i is None else i + i1, None if j is None else j + j1)
                for i, j in _pair_block(older[i1:i2], newer[j1:j2])
            )
    return pairs


def align(older: list[str], newer: list[str]) -> Alignment:
    """The rows of the side-by-side view of two reports' paragraphs (oldest report first)."""
    older_split = [sentences(p) for p in older]
    newer_split = [sentences(p) for p in newer]
    older_keys = {_key(s) for split in older_split for s in split}
    newer_keys = {_key(s) for split in newer_split for s in split}
    alignment = Alignment(rows=[])

    def marked(split: list[str], side: str, other_keys: set[str], into: list[Sentence]) -> list[Sentence]:
        found = []
        for text in split:
            sentence = Sentence(text=text, anchor=f"{side}-{len(into) + 1}", changed=_key(text) not in other_keys)
            found.append(sentence)
            into.append(sentence)
        return found

    for i, j in align_paragraphs(older, newer):
        left = None if i is None else marked(older_split[i], "o", newer_keys, alignment.older_sentences)
        right = None if j is None else marked(newer_split[j], "n", older_keys, alignment.newer_sentences)
        if left is None:
            kind = RowKind.ADDED
        elif right is None:
            kind = RowKind.REMOVED
        elif _key(older[i]) == _key(newer[j]):
            kind = RowKind.SAME
        else:
            kind = RowKind.CHANGED
        alignment.rows.append(Row(kind=kind, older=left, newer=right))
    return alignment
