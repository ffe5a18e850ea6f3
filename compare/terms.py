"""What changed in a report's vocabulary from one year to another: 新提法 (words that the newer
report uses and the older one does not), and the words used more and less often.

Words come from jieba (the project's segmenter, loaded once by reports.indexing), without its
guesses at unknown words (HMM off, as the search index does), less one-character words, numbers
(also counted things: 两座) and the stop words of data/stopwords.txt. Only what differs is
segmented (see vocabulary): a sentence both reports contain adds the same to both counts, so it can
neither bring a new word nor move one. That keeps identical reports free and the cost in proportion
to what changed. Counts are how often the word occurs in the text (str.count), the figure a reader
can check with the browser's search.
"""

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reports.indexing import CJK, segment

from .aligning import Alignment, Sentence

STOP_WORDS_PATH = Path(__file__).resolve().parent / "data" / "stopwords.txt"
WORD = re.compile(rf"[{CJK}]{{2,}}")
HAN_RUN = re.compile(rf"[{CJK}]+")
# Counted things ("两座", "三处", "十二个") say how many, not what: not words of a report's vocabulary.
NUMBER_WORD = re.compile("[〇零一二三四五六七八九十百千万亿两几数]+[个座处家条项次年月日名人户种批所件位支台辆套栋间]?")
NEW_TERMS = 30
SHIFTS = 8  # rising and falling words shown (and drawn)
SENTENCES_PER_TERM = 5


@cache
def stop_words() -> frozenset[str]:
    lines = STOP_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def words(text: str) -> list[str]:
    """The words of a text that may count as 提法, in order, in one jieba pass (cheaper than one per
    sentence; jieba cuts at line breaks and punctuation, so no word spans two sentences)."""
    stop = stop_words()
    return [
        word for word in segment(text) if WORD.fullmatch(word) and word not in stop and not NUMBER_WORD.fullmatch(word)
    ]


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


def _anchors(word: str, sentences: list[Sentence]) -> tuple[str, ...]:
    found = (s.anchor for s in sentences if word in s.text)
    return tuple(itertools.islice(found, SENTENCES_PER_TERM))


def _runs(text: str) -> Counter[str]:
    """The runs of Han characters of a text, with how often each occurs, in order of appearance."""
    return Counter(HAN_RUN.findall(text))


def vocabulary(alignment: Alignment) -> Vocabulary:
    older, newer = alignment.older_sentences, alignment.newer_sentences
    older_text = "\n".join(s.text for s in older)
    newer_text = "\n".join(s.text for s in newer)
    older_changed = "\n".join(s.text for s in older if s.changed)
    newer_changed = "\n".join(s.text for s in newer if s.changed)
    # When both reports share the same unchanged sentences (as they do unless one repeats a
    # sentence the other has once), those add the same to both counts: the changed sentences alone
    # tell how much more or less a word is used, and within them, a run of Han characters (a
    # clause, mostly) that both sides have also adds the same to both. Only the rest is segmented,
    # which is what changed from one year to the next: a fraction of the text.
    same_rest = Counter(s.text for s in older if not s.changed) == Counter(s.text for s in newer if not s.changed)
    newer_runs, older_runs = _runs(newer_changed), _runs(older_changed)
    if same_rest:
        newer_runs, older_runs = newer_runs - older_runs, older_runs - newer_runs
        before, after = older_changed, newer_changed
    else:
        before, after = older_text, newer_text
    candidates = dict.fromkeys([*words("\n".join(newer_runs)), *words("\n".join(older_runs))])  # first seen first
    change = {word: after.count(word) - before.count(word) for word in candidates}
    ranked = sorted(candidates, key=lambda word: -abs(change[word]))  # stable: first seen first on ties

    def chosen(condition, limit: int, jump_to: list[Sentence]) -> list[Term]:
        found = itertools.islice((word for word in ranked if condition(word)), limit)
        return [Term(w, older_text.count(w), newer_text.count(w), _anchors(w, jump_to)) for w in found]

    return Vocabulary(
        new=chosen(lambda w: change[w] > 0 and w not in older_text, NEW_TERMS, newer),
        dropped=chosen(lambda w: change[w] < 0 and w not in newer_text, NEW_TERMS, older),
        rising=chosen(lambda w: change[w] > 0 and w in older_text, SHIFTS, newer),
        falling=chosen(lambda w: change[w] < 0 and w in newer_text, SHIFTS, older),
    )
