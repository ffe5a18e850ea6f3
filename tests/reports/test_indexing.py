"""The tokeniser and the tsvector it builds for each report."""

import csv

import pytest
from django.db import connection

from reports.demo import read_seed
from reports.indexing import (
    MAX_POSITION,
    MAX_POSITIONS_PER_LEXEME,
    REGIONS_CSV,
    document_vector,
    place_words,
    policy_terms,
    runs,
    segment,
    short_forms,
    tokens,
)


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


def test_place_names_and_policy_terms_are_single_tokens():
    found = lexemes("湘西州深化放管服，推进一网通办，优化营商环境。吉首市乡村振兴示范村建设")
    assert {"湘西州", "放管服", "一网通办", "营商环境", "吉首市", "乡村振兴", "示范村"} <= found


def test_every_region_name_is_one_word_of_the_segmenter():
    with open(REGIONS_CSV, encoding="utf-8", newline="") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert len(names) == 3212
    assert [name for name in names if segment(name) != [name]] == []
    assert {"吉首", "湘西州", "湘西", "长阳县", "新疆", "内蒙古"} <= place_words()


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("吉首市", ["吉首"]),
        ("湘西土家族苗族自治州", ["湘西州", "湘西"]),
        ("黔东南苗族侗族自治州", ["黔东南州", "黔东南"]),
        ("长阳土家族自治县", ["长阳县", "长阳"]),
        ("新疆维吾尔自治区", ["新疆"]),
        ("内蒙古自治区", ["内蒙古"]),
        ("大兴安岭地区", ["大兴安岭"]),
    ],
)
def test_short_forms_of_place_names(name, forms):
    assert short_forms(name)[: len(forms)] == forms


def test_reports_of_a_prefecture_carry_its_short_form_as_a_place_name(db):
    vector = document_vector(
        title="吉首市人民政府工作报告", places=["湖南省", "湘西土家族苗族自治州", "吉首市"], body=""
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector @@ %s::tsquery", [vector, "'湘西州':B"])
        assert cursor.fetchone() == (True,)


def test_the_compiled_segmenter_cuts_as_jieba_does():
    """rjieba (jieba-rs) stands in for jieba: with the same dictionary it must give the same words."""
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba 0.42's invalid escape sequences
        import jieba
    jieba.setLogLevel(logging.WARNING)
    reference = jieba.Tokenizer()
    for word in sorted(place_words()) + list(policy_terms()):
        reference.add_word(word)
    texts = [run.text for run in runs(read_seed().body) if run.is_cjk] + sorted(place_words())
    assert [text for text in texts if list(reference.cut(text, HMM=False)) != segment(text)] == []


def test_repeated_lexemes_keep_postgres_limits(db):
    """Each occurrence is written out; PostgreSQL keeps 256 positions a lexeme, none above 16,383."""
    vector = document_vector(title="标题", places=[], body="水库建设。" * 5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_length(positions, 1), positions[256] FROM unnest(%s::tsvector) WHERE lexeme = '水库'",
            [vector],
        )
        assert cursor.fetchone() == (MAX_POSITIONS_PER_LEXEME, 4 + 5 * 255)
    late = document_vector(title="标题", places=[], body="一。" * 9000 + "大兴寨水库")
    with connection.cursor() as cursor:
        cursor.execute("SELECT positions FROM unnest(%s::tsvector) WHERE lexeme = '大兴'", [late])
        assert cursor.fetchone() == ([MAX_POSITION],)
