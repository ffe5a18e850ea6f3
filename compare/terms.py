"""What changed in a report's vocabulary from one year to another: 新提法 (words that the newer
report uses and the older one does not), and the words used more and less often.

Words come from jieba (the project's segmenter, loaded once by reports.indexing), without its
guesses at unknown words (HMM off, as the search index does), less one-character words, numbers
(also counted things: 两座) and the stop words of data/stopwords.txt. Only the sentences that
differ are segmented: a sentence both reports contain adds the same to both counts, so it can
neither bring a new word nor move one.
That keeps identical reports free and the cost in proportion to what changed. Counts are how often
the word occurs in the text (str.count), the figure a reader can check with the browser's search.
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from reports.indexing import CJK, _segmenter

from .aligning import Alignment, Sentence

STOP_WORDS_PATH = Path(__file__).resolve().parent / "data" / "stopwords.txt"
WORD = re.compile(rf"[{CJK}]{{2,}}")
# Counted things ("两座", "三处", "十二个") say how many, not what: not words of a report's vocabulary.
NUMBER_WORD = re.compile("[〇零一二三四五六七八九十百千万亿两几数]+[个座处家条项次年月日名人户种批所件位支台辆套栋间]?")
NEW_TERMS = 30
SHIFTS = 8  # rising and falling words shown (and drawn)
SENTENCES_PER_TERM = 5


@cache
def stop_words() -> frozenset[str]:
    lines = STOP_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=20_000)
def sentence_words(sentence: str) -> tuple[str, ...]:
    """The words of one sentence that may count as 提法, in order (memoised: reports repeat sentences
    from year to year, and jieba is the slow part)."""
    stop = stop_words()
    return tuple(
        word
        for word in _segmenter().cut(sentence, HMM=False)
        if WORD.fullmatch(word) and word not in stop and not NUMBER_WORD.fullmatch(word)
    )


@dataclass(frozen=True)
class Term:
    word: str
    older: int  # occurrences in the older report
    newer: int  # … in the newer one
    anchors: tuple[str, ...]  # the sentences to jump to (those that hold the word), at most a few

    @property
    def change(self) -> int:
        return self.newer - self.older


@dataclass(frozen=True)
class Vocabulary:
    new: list[Term]  # 新提法, most used first
    dropped: list[Term]  # in the older report only
    rising: list[Term]  # in both, used more often, the largest rise first
    falling: list[Term]  # in both, used less often, the largest fall first


def _changed_words(sentences: list[Sentence]) -> Counter[str]:
    words: Counter[str] = Counter()
    for sentence in sentences:
        if sentence.changed:
            words.update(sentence_words(sentence.text))
    return words


def _anchors(word: str, sentences: list[Sentence]) -> tuple[str, ...]:
    found = (s.anchor for s in sentences if word in s.text)
    return tuple(anchor for anchor, _ in zip(found, range(SENTENCES_PER_TERM), strict=False))


def vocabulary(alignment: Alignment) -> Vocabulary:
    older_text = "\n".join(s.text for s in alignment.older_sentences)
    newer_text = "\n".join(s.text for s in alignment.newer_sentences)
    first_seen: dict[str, int] = {}
    for word in [*_changed_words(alignment.newer_sentences), *_changed_words(alignment.older_sentences)]:
        first_seen.setdefault(word, len(first_seen))
    counts = {word: (older_text.count(word), newer_text.count(word)) for word in first_seen}

    def ranked(condition) -> list[str]:
        chosen = [word for word, (older, newer) in counts.items() if condition(older, newer)]
        return sorted(chosen, key=lambda w: (-abs(counts[w][1] - counts[w][0]), -sum(counts[w]), first_seen[w]))

    def terms(words: list[str], limit: int, jump_to: list[Sentence]) -> list[Term]:
        return [Term(w, *counts[w], _anchors(w, jump_to)) for w in words[:limit]]

    newer, older = alignment.newer_sentences, alignment.older_sentences
    return Vocabulary(
        new=terms(ranked(lambda o, n: o == 0 and n > 0), NEW_TERMS, newer),
        dropped=terms(ranked(lambda o, n: n == 0 and o > 0), NEW_TERMS, older),
        rising=terms(ranked(lambda o, n: 0 < o < n), SHIFTS, newer),
        falling=terms(ranked(lambda o, n: 0 < n < o), SHIFTS, older),
    )
