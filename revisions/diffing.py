"""Readable differences between two versions of a report's text: paragraph by paragraph, and
within a changed paragraph character by character (Chinese has no spaces to split words at)."""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

# A changed paragraph is shown as an edit of the old one only if they are at least this alike;
# otherwise as one paragraph removed and another added.
ALIKE = 0.4
# Unchanged paragraphs shown around a change; longer unchanged runs are folded.
CONTEXT = 2
FOLD_AT_LEAST = 3  # folding fewer would hide hardly anything


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclass(frozen=True)
class ParagraphDiff:
    kind: str  # "same", "added", "removed", "changed" or "folded"
    old: list[Segment] = field(default_factory=list)
    new: list[Segment] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)  # the unchanged paragraphs a fold hides

    @property
    def is_change(self) -> bool:
        return self.kind in ("added", "removed", "changed")


def paragraphs(body: str) -> list[str]:
    """As the article shows them (Report.paragraphs)."""
    return [line.strip() for line in body.splitlines() if line.strip()]


def inline_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """Both texts as runs of unchanged and changed characters."""
    old_segments, new_segments = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if i2 > i1:
            old_segments.append(Segment(old[i1:i2], tag != "equal"))
        if j2 > j1:
            new_segments.append(Segment(new[j1:j2], tag != "equal"))
    return old_segments, new_segments


def _alike(old: str, new: str) -> bool:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return matcher.quick_ratio() >= ALIKE and matcher.ratio() >= ALIKE


def _replaced(old_run: list[str], new_run: list[str]) -> list[ParagraphDiff]:
    """A run of old paragraphs replaced by new ones: each new paragraph that is an edit of an old
    one is shown as that edit, in order; the rest as removed or added."""
    result: list[ParagraphDiff] = []
    i = j = 0
    while i < len(old_run) and j < len(new_run):
        if _alike(old_run[i], new_run[j]):
            old_segments, new_segments = inline_diff(old_run[i], new_run[j])
            result.append(ParagraphDiff("changed", old=old_segments, new=new_segments))
            i, j = i + 1, j + 1
        elif any(_alike(old_run[i], later) for later in new_run[j + 1 :]):
            result.append(ParagraphDiff("added", new=[Segment(new_run[j], True)]))
            j += 1
        else:
            result.append(ParagraphDiff("removed", old=[Segment(old_run[i], True)]))
            i += 1
    result += [ParagraphDiff("removed", old=[Segment(text, True)]) for text in old_run[i:]]
    result += [ParagraphDiff("added", new=[Segment(text, True)]) for text in new_run[j:]]
    return result


def _same(texts: list[str], *, first: bool, last: bool) -> list[ParagraphDiff]:
    """An unchanged run, folded in the middle when long: what is around a change stays visible."""
    keep_before = 0 if first else CONTEXT
    keep_after = 0 if last else CONTEXT
    if len(texts) - keep_before - keep_after < FOLD_AT_LEAST:
        return [ParagraphDiff("same", old=[Segment(text, False)]) for text in texts]
    shown_after = texts[len(texts) - keep_after :] if keep_after else []
    return [
        *(ParagraphDiff("same", old=[Segment(text, False)]) for text in texts[:keep_before]),
        ParagraphDiff("folded", folded=texts[keep_before : len(texts) - keep_after]),
        *(ParagraphDiff("same", old=[Segment(text, False)]) for text in shown_after),
    ]


def body_diff(old: str, new: str) -> list[ParagraphDiff]:
    """The new body paragraph by paragraph: unchanged ones plain, removed, added and edited ones
    marked, long unchanged stretches folded."""
    old_paragraphs, new_paragraphs = paragraphs(old), paragraphs(new)
    opcodes = SequenceMatcher(None, old_paragraphs, new_paragraphs, autojunk=False).get_opcodes()
    result: list[ParagraphDiff] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            result += _same(old_paragraphs[i1:i2], first=index == 0, last=index == len(opcodes) - 1)
            continue
        result += _replaced(old_paragraphs[i1:i2], new_paragraphs[j1:j2])
    return result
