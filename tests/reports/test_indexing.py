"""The tokeniser and the tsvector it builds for each report."""

from django.db import connection

from reports.indexing import document_vector, tokens


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
