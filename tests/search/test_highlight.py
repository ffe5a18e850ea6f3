"""Query terms marked in result excerpts."""

from search.highlight import snippet


def test_snippet_escapes_markup_and_marks_terms():
    html = snippet("前言<script>alert(1)</script>大兴寨水库全面动工", ["大兴寨水库"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>大兴寨水库</mark>" in html


def test_snippet_centres_on_the_first_match():
    text = "无关内容。" * 100 + "大兴寨水库全面动工。" + "其他内容。" * 100
    html = snippet(text, ["大兴寨水库"])
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>大兴寨水库</mark>" in html


def test_snippet_prefers_the_whole_term_to_its_pieces():
    html = snippet("德夯、大兴等村。" + "其他。" * 30 + "大兴寨水库全面动工。", ["大兴寨水库"])
    assert "<mark>大兴寨水库</mark>" in html
    assert "<mark>大兴</mark>" not in html


def test_snippet_marks_pieces_when_the_whole_term_is_absent():
    html = snippet("乡村振兴取得成效，示范村建设加快。", ["乡村振兴示范村"])
    assert "<mark>乡村</mark>" in html and "<mark>示范</mark>" in html
