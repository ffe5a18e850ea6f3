"""新提法, rising and falling words (compare.terms) and their bar chart (compare.chart), on two
hand-written reports whose answers are worked out by hand below."""

from itertools import pairwise

import pytest

from compare.aligning import align
from compare.chart import shifts_chart
from compare.terms import Term, vocabulary, words

pytestmark = pytest.mark.django_db  # pure functions; lets the session fixtures find a test database

# The sentences only one report has: 公园旁边建图书馆 and 学校新建食堂 (newer), 路灯坏了就修，路灯全部更新
# and 广场建成喷泉 (older). So: 公园 2 → 3 and 学校 1 → 2 times, 路灯 3 → 1; 旁边, 图书馆, 新建, 食堂 are
# new; 全部, 更新, 广场, 建成, 喷泉 are gone; the words of the shared sentences (城区, 修建, 安装 …) did not move.
OLDER = ["城区修建公园，公园里安装路灯。路灯坏了就修，路灯全部更新。", "学校增加老师。广场建成喷泉。"]
NEWER = ["城区修建公园，公园里安装路灯。公园旁边建图书馆。", "学校增加老师。学校新建食堂。"]


def counted(terms):
    return [(t.word, t.older, t.newer) for t in terms]


@pytest.fixture
def found():
    return vocabulary(align(OLDER, NEWER))


def test_new_terms_are_the_newer_reports_words_the_older_lacks(found):
    assert counted(found.new) == [("旁边", 0, 1), ("图书馆", 0, 1), ("新建", 0, 1), ("食堂", 0, 1)]


def test_each_new_term_jumps_to_the_sentences_that_hold_it(found):
    alignment = align(OLDER, NEWER)
    sentence = {s.anchor: s.text for s in alignment.newer_sentences}
    assert {t.word: [sentence[a] for a in t.anchors] for t in found.new} == {
        "旁边": ["公园旁边建图书馆。"],
        "图书馆": ["公园旁边建图书馆。"],
        "新建": ["学校新建食堂。"],
        "食堂": ["学校新建食堂。"],
    }


def test_words_used_more_less_and_no_longer(found):
    assert counted(found.rising) == [("公园", 2, 3), ("学校", 1, 2)]  # the same rise: the first seen first
    assert counted(found.falling) == [("路灯", 3, 1)]
    assert found.falling[0].anchors == ("o-1", "o-2")  # falling words jump into the older report
    assert counted(found.dropped) == [("全部", 1, 0), ("更新", 1, 0), ("广场", 1, 0), ("建成", 1, 0), ("喷泉", 1, 0)]


def test_identical_reports_have_no_new_terms_and_no_chart():
    found = vocabulary(align(OLDER, list(OLDER)))
    assert found.new == found.dropped == found.rising == found.falling == []
    assert shifts_chart(rising=[], falling=[], older_year=2022, newer_year=2023) is None


def test_stop_words_numbers_and_counted_things_are_not_terms():
    assert words("我们进一步建设了两座图书馆和3个公园，一是2023年。") == ["建设", "图书馆", "公园"]


def test_the_chart_draws_each_change_to_scale():
    found = vocabulary(align(OLDER, NEWER))
    chart = shifts_chart(rising=found.rising, falling=found.falling, older_year=2022, newer_year=2023)
    assert [g.title for g in chart.groups] == ["2023年用得更多的词", "2023年用得更少的词"]
    bars = [bar for group in chart.groups for bar in group.bars]
    assert [(b.label, b.value) for b in bars] == [("公园", "+1（2→3）"), ("学校", "+1（1→2）"), ("路灯", "-2（3→1）")]
    # The largest change (路灯, 2) takes the whole room, a change of 1 half of it.
    assert bars[2].width == 2 * bars[0].width == 2 * bars[1].width
    assert chart.bar_x + bars[2].width + 84 == chart.width
    # Rows never overlap and the drawing is as tall as its rows.
    tops = [b.y for b in bars]
    assert tops == sorted(tops) and all(b - a >= 16 for a, b in pairwise(tops))
    assert chart.height > tops[-1] + 16


def test_long_words_are_cut_in_the_chart_but_not_in_the_lists():
    long = Term("中华人民共和国国民经济和社会发展", 1, 3, ("n-1",))
    chart = shifts_chart(rising=[long], falling=[], older_year=2022, newer_year=2023)
    assert chart.groups[0].bars[0].label == "中华人民共和国…"
    assert chart.label_width == 8 * chart.font_size
