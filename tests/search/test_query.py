"""A reader's query made into the tsqueries that match and rank."""

import pytest
from django.db import connection

from search.query import parse_query


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


def test_a_place_name_the_dictionary_knows_matches_whole_or_by_its_bigrams():
    assert parse_query("湘西州").match == "( '湘西' & '西州' | '湘西州' )"
    assert parse_query("湘西州人民政府").match == "'人民' & '政府' & ( '湘西' & '西州' | '湘西州' )"
    assert parse_query("招商引资").match == "'招商' & '引资'"  # other words: bigrams, as before
