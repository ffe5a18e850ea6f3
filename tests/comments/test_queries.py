"""What a comment costs the database: the form a reader opens (its tokens), and the post. Every reader who
comments pays both, so each statement here is one the load benchmark (benchmarks/comments_load.py)
pays at every comment."""

from collections.abc import Iterator
from contextlib import contextmanager
from unittest.mock import patch

import pytest
from django.core.cache import cache

from comments.models import Comment
from tests.comments.conftest import fetch_form, fetch_tokens, post
from tests.queries import PageQueries

pytestmark = pytest.mark.django_db

SECOND = "另一条意见：公交站台需要遮雨棚。"


@pytest.fixture
def second_form(client, report) -> dict:
    """A form filled in after a first post from elsewhere has prepared the statements and built the
    shared lookups, as on a server that has been up for a while."""
    post(client, report, fetch_form(client, report), REMOTE_ADDR="10.0.0.8")
    return fetch_form(client, report) | {"body": SECOND}


def statements(captured: PageQueries) -> list[str]:
    return [" ".join(sql.split()[:2]) for sql in captured.queries]


def test_the_comment_forms_tokens_read_the_report_and_draw_a_captcha_by_prepared_statements(client, report):
    assert fetch_tokens(client, report).status_code == 200  # the statement prepared, the shared lookups filled
    client.cookies.clear()
    with PageQueries() as captured:
        assert fetch_tokens(client, report, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert statements(captured) == ["EXECUTE report_for_comments", "EXECUTE captcha_draw"]


def test_a_comment_held_for_review_is_posted_in_eight_statements(client, report, second_form):
    with PageQueries() as captured:
        response = post(client, report, second_form, fragment=True)
    assert response.status_code == 201, response.content.decode()[:500]
    assert Comment.objects.filter(body=SECOND).exists()
    # The report, the captcha answer consumed, then one transaction (a savepoint in the test's own):
    # the report locked, the address's lock and its recent comments, the comment. Everything but the
    # lock is prepared once per connection: planning cost PostgreSQL more than running.
    expected = [
        "EXECUTE report_for_comments",
        "EXECUTE captcha_consume",
        "SAVEPOINT",
        "EXECUTE report_lock_if_published",
        "SELECT pg_advisory_xact_lock(",
        "EXECUTE comments_recent_from_address",
        "EXECUTE insert_comments_comment",
        "RELEASE SAVEPOINT",
    ]
    assert len(captured.queries) == len(expected), captured.queries
    for sql, start in zip(captured.queries, expected, strict=True):
        assert sql.startswith(start), (sql, start)


@contextmanager
def cache_reads() -> Iterator[list]:
    real_get, real_get_many, reads = cache.get, cache.get_many, []

    def get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(keys)
        return real_get_many(keys, *args, **kwargs)

    with patch.object(cache, "get", get), patch.object(cache, "get_many", get_many):
        yield reads


def test_a_post_reads_the_shared_lookups_in_one_round_trip(client, report, second_form):
    """The report's category, the site's name (nicknames may not take it) and the comment settings
    are shared lookups: one read of the cache gives their versions, and this process has built them."""
    with cache_reads() as reads:
        assert post(client, report, second_form, fragment=True).status_code == 201
    assert len(reads) == 1, reads


def test_the_forms_tokens_read_the_cache_once_and_not_for_a_page(client, report):
    """The comment settings' version, as a post reads it; the page cache does not look for a page
    to answer a script's request with."""
    assert fetch_tokens(client, report).status_code == 200
    with cache_reads() as reads:
        assert fetch_tokens(client, report, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert len(reads) == 1 and not any("page:" in str(read) for read in reads), reads
