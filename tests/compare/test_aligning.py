"""Paragraph alignment and sentence-level highlighting (compare.aligning)."""

import random

import pytest

from compare.aligning import MAX_PAIRINGS, RowKind, align, align_paragraphs, sentences

# Pure functions; the mark only lets the suite's session fixtures find a test database when these
# tests run on their own.
pytestmark = pytest.mark.django_db

OLDER = [
    "一、过去一年的工作回顾",
    "我们坚持稳中求进，推动经济平稳发展。全年地区生产总值增长百分之五。",
    "我们加强生态环境保护，建设美丽乡村。统筹疫情防控和经济社会发展。",
    "我们扩大招商引资，引进企业二十家。",
]
NEWER = [
    "一、过去一年的工作回顾",
    "我们坚持稳中求进，推动经济高质量发展。全年地区生产总值增长百分之五。",
    "一个全新的段落，讲的是图书馆和游泳馆。",
    "我们加强生态环境保护，建设美丽乡村。新建图书馆两座，改造停车场三处。",
    "我们扩大招商引资，引进企业二十家。",
]


def shown(rows):
    """Each row as (kind, older sentences, newer sentences), changed sentences in [brackets]."""

    def side(found):
        return None if found is None else [f"[{s.text}]" if s.changed else s.text for s in found]

    return [(row.kind, side(row.older), side(row.newer)) for row in rows]


def test_sentences_end_after_full_stops_and_keep_closing_quotes():
    assert sentences("开展“乡村振兴突破年”行动。他说：“好！”然后；最后一句没有句号") == [
        "开展“乡村振兴突破年”行动。",
        "他说：“好！”",
        "然后；",
        "最后一句没有句号",
    ]


def test_paragraphs_are_aligned_and_changed_sentences_marked():
    assert shown(align(OLDER, NEWER).rows) == [
        (RowKind.SAME, ["一、过去一年的工作回顾"], ["一、过去一年的工作回顾"]),
        (
            RowKind.CHANGED,
            ["[我们坚持稳中求进，推动经济平稳发展。]", "全年地区生产总值增长百分之五。"],
            ["[我们坚持稳中求进，推动经济高质量发展。]", "全年地区生产总值增长百分之五。"],
        ),
        (RowKind.ADDED, None, ["[一个全新的段落，讲的是图书馆和游泳馆。]"]),
        (
            RowKind.CHANGED,
            ["我们加强生态环境保护，建设美丽乡村。", "[统筹疫情防控和经济社会发展。]"],
            ["我们加强生态环境保护，建设美丽乡村。", "[新建图书馆两座，改造停车场三处。]"],
        ),
        (RowKind.SAME, ["我们扩大招商引资，引进企业二十家。"], ["我们扩大招商引资，引进企业二十家。"]),
    ]


def test_sentences_are_numbered_for_jumping_to_them_in_reading_order():
    alignment = align(OLDER, NEWER)
    assert [s.anchor for s in alignment.newer_sentences] == [f"n-{i}" for i in range(1, 8)]
    assert [s.anchor for s in alignment.older_sentences] == [f"o-{i}" for i in range(1, 7)]
    assert alignment.newer_sentences[3].text == "一个全新的段落，讲的是图书馆和游泳馆。"


def test_identical_reports_have_nothing_highlighted():
    alignment = align(OLDER, list(OLDER))
    assert {row.kind for row in alignment.rows} == {RowKind.SAME}
    assert len(alignment.rows) == len(OLDER)
    assert not any(s.changed for s in alignment.older_sentences + alignment.newer_sentences)


def test_whitespace_alone_is_no_change():
    alignment = align(["第一句。 第二句。"], ["第一句。第二句。"])
    assert [row.kind for row in alignment.rows] == [RowKind.SAME]


def test_one_empty_report_shows_the_other_as_all_new_or_all_gone():
    added = align([], NEWER)
    assert [row.kind for row in added.rows] == [RowKind.ADDED] * len(NEWER)
    assert all(s.changed for s in added.newer_sentences) and added.older_sentences == []
    removed = align(OLDER, [])
    assert [row.kind for row in removed.rows] == [RowKind.REMOVED] * len(OLDER)
    assert align([], []).rows == []


def test_a_sentence_that_moved_is_not_news():
    older = ["甲乙丙丁。这是一句会移动的话。", "戊己庚辛。"]
    newer = ["甲乙丙丁。", "戊己庚辛。这是一句会移动的话。"]
    alignment = align(older, newer)
    assert [row.kind for row in alignment.rows] == [RowKind.CHANGED, RowKind.CHANGED]
    assert not any(s.changed for s in alignment.newer_sentences + alignment.older_sentences)


def test_unrelated_paragraphs_are_not_paired():
    alignment = align(["今年粮食丰收，产量创新高。"], ["城市道路改造完成，交通更顺畅。"])
    assert [row.kind for row in alignment.rows] == [RowKind.REMOVED, RowKind.ADDED]


def _paragraph(rng: random.Random, vocabulary: str, length: int) -> str:
    return "".join(rng.choice(vocabulary) for _ in range(length)) + "。"


def _is_reading_order(pairs, n, m) -> bool:
    """Every paragraph of each side exactly once, both sides in order."""
    older = [i for i, _ in pairs if i is not None]
    newer = [j for _, j in pairs if j is not None]
    return older == list(range(n)) and newer == list(range(m))


def test_alignment_keeps_both_reports_whole_and_in_order():
    rng = random.Random(13)
    vocabulary = "发展经济建设改革创新城市乡村产业教育医疗交通生态文化"
    for _ in range(30):
        older = [_paragraph(rng, vocabulary, rng.randint(5, 40)) for _ in range(rng.randint(0, 25))]
        newer = [p for p in older if rng.random() > 0.3]
        for _ in range(rng.randint(0, 8)):
            newer.insert(rng.randint(0, len(newer)), _paragraph(rng, vocabulary, rng.randint(5, 40)))
        assert _is_reading_order(align_paragraphs(older, newer), len(older), len(newer))


def test_very_long_reports_are_aligned_whole():
    """Two 200,000-character reports, one paragraph in three rewritten: every paragraph shown once,
    in order, and the untouched ones (most of them) shown as the same."""
    rng = random.Random(5618)
    vocabulary = "发展经济建设改革创新城市乡村产业教育医疗交通生态文化就业收入财政"
    older = [_paragraph(rng, vocabulary, 200) for _ in range(1000)]
    newer = [_paragraph(rng, vocabulary, 200) if n % 3 == 0 else p for n, p in enumerate(older)]
    alignment = align(older, newer)
    assert _is_reading_order(align_paragraphs(older, newer), 1000, 1000)
    assert alignment.same == 666
    assert sum(len(s.text) for s in alignment.newer_sentences) == sum(len(p) for p in newer)


def test_a_stretch_too_long_to_pair_is_shown_as_removed_and_added():
    """Completely different long reports: no pairing of every paragraph with every other (which
    would take far longer than the page may), each paragraph shown once."""
    rng = random.Random(1)
    size = int(MAX_PAIRINGS**0.5) + 1
    older = [_paragraph(rng, "甲乙丙丁戊己庚辛", 30) for _ in range(size)]
    newer = [_paragraph(rng, "子丑寅卯辰巳午未", 30) for _ in range(size)]
    alignment = align(older, newer)
    assert alignment.removed == size and alignment.added == size
    assert alignment.same == alignment.changed == 0
