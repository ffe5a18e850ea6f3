from revisions.diffing import CONTEXT, body_diff


def kinds(diff) -> list[str]:
    return [paragraph.kind for paragraph in diff]


def test_an_edited_paragraph_is_one_change_with_its_characters_marked():
    [paragraph] = body_diff("今年增长百分之五。", "今年增长百分之六。")
    assert paragraph.kind == "changed"
    assert [(s.text, s.changed) for s in paragraph.old] == [("今年增长百分之", False), ("五", True), ("。", False)]
    assert [(s.text, s.changed) for s in paragraph.new] == [("今年增长百分之", False), ("六", True), ("。", False)]


def test_a_rewritten_paragraph_is_removed_and_added_rather_than_marked_throughout():
    assert kinds(body_diff("甲乙丙丁戊己庚辛", "一二三四五六七八")) == ["removed", "added"]


def test_added_and_removed_paragraphs_between_unchanged_ones():
    old = "第一段。\n第二段。\n第三段。"
    new = "第一段。\n\n第三段。\n第四段。"
    assert kinds(body_diff(old, new)) == ["same", "removed", "same", "added"]


def test_long_unchanged_stretches_are_folded_around_the_changes():
    same = [f"未改动的第{n}段。" for n in range(20)]
    diff = body_diff("\n".join([*same, "旧结尾。"]), "\n".join([*same, "新结尾。"]))
    assert kinds(diff) == ["folded", *["same"] * CONTEXT, "changed"]
    assert diff[0].folded == same[: 20 - CONTEXT]


def test_identical_texts_have_no_change():
    assert not any(paragraph.is_change for paragraph in body_diff("一\n二", "一\n二"))


def test_a_paragraph_removed_before_an_edited_one_leaves_the_edit_paired_with_its_original():
    old = "开头。\n我们坚持项目为王，全年实施重点项目120个。\n城乡面貌持续改善，完成老旧小区改造32个。\n结尾。"
    new = "开头。\n城乡面貌持续改善，完成老旧小区改造32个，惠及居民1.2万户。\n结尾。"
    diff = body_diff(old, new)
    assert kinds(diff) == ["same", "removed", "changed", "same"]
    assert [s.text for s in diff[2].new if s.changed] == ["，惠及居民1.2万户"]


def test_a_paragraph_added_before_an_edited_one():
    diff = body_diff("甲。\n今年增长百分之五。", "甲。\n新的一段话，完全不同。\n今年增长百分之六。")
    assert kinds(diff) == ["same", "added", "changed"]
