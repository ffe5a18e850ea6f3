import pytest
from django.db import connection

from reports.indexing import document_vector, tokens
from search.highlight import snippet
from search.query import parse_query


def lexemes(text: str) -> set[str]:
    return {lexeme for _, lexeme in tokens(text)}


def test_chinese_text_gives_overlapping_bigrams_and_jieba_words():
    found = lexemes("乡村振兴示范村")
    assert {"乡村", "村振", "振兴", "兴示", "示范", "范村"} <= found
    assert "示范村" in found  # jieba's words of three or more characters
    assert {"吉首市", "人民政府"} <= lexemes("吉首市人民政府工作报告")
    assert "村" in found  # the run's last character, for one-character queries


def test_punctuation_separates_runs_so_no_bigram_spans_it():
    found = lexemes("水库，大兴")
    assert "库大" not in found
    assert {"水库", "大兴"} <= found


def test_mixed_text_keeps_numbers_and_latin_words_whole():
    found = lexemes("2023年GDP增长7.5%，建成5G基站227个")
    assert {"2023", "gdp", "7.5", "5g", "227"} <= found
    assert {"增长", "基站"} <= found


def test_latin_text_is_lower_cased_and_full_width_normalised():
    assert lexemes("Smart City ＡＰＰ") == {"smart", "city", "app"}


def test_query_requires_covering_bigrams_and_ranks_with_all_bigrams_and_whole_words():
    query = parse_query("  乡村振兴示范村 ")
    assert query.match == "'乡村' & '振兴' & '示范' & '范村'"
    assert parse_query("大兴寨水库").match == "'大兴' & '寨水' & '水库'"
    assert "'示范村'" in query.rank and "'村振'" in query.rank and "|" in query.rank
    assert query.highlight == ("乡村振兴示范村",)


def test_one_character_query_is_a_prefix_match():
    assert parse_query("茶").match == "'茶':*"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "！？。，、", "'\"", "\x00\x00", "--;/* */"],
    ids=["empty", "blank", "cn-punct", "quotes", "nul", "sql"],
)
def test_queries_without_words_are_empty(raw):
    assert parse_query(raw).is_empty


def test_long_queries_are_cut():
    query = parse_query("水" * 1000)
    assert query.truncated
    assert len(query.text) == 50


@pytest.mark.parametrize(
    "raw", ["'; DROP TABLE reports_report; --", "a' & !b | (c", "\\' :* <-> !!", "吉首' OR '1'='1"]
)
def test_hostile_queries_become_valid_tsqueries(db, raw):
    query = parse_query(raw)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsquery, %s::tsquery", [query.match, query.rank])


def test_document_vector_is_a_valid_weighted_tsvector(db):
    vector = document_vector(title="吉首市人民政府工作报告", places=["湖南省", "吉首市"], body="大兴寨水库全面动工。")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::tsvector @@ %s::tsquery, %s::tsvector @@ %s::tsquery",
            [vector, "'大兴' & '水库'", vector, "'吉首':A"],
        )
        assert cursor.fetchone() == (True, True)


def test_very_long_documents_stay_within_postgres_limits(db):
    vector = document_vector(title="标题", places=[], body="水库建设。" * 5000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT length(%s::tsvector)", [vector])
        assert cursor.fetchone()[0] > 0


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
