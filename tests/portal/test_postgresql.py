"""The database backend's health check: no statement for a live connection, a new connection for
one the server ended."""

import time

import psycopg2
from django.db import connection


def statement_of(pid: int) -> str:
    """What the server last ran for the backend `pid`, seen from a connection of its own."""
    parameters = connection.get_connection_params()
    with psycopg2.connect(**parameters) as observer, observer.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() /* before the check */")
        return cursor.fetchone()[0]


def check_as_a_request_starts() -> None:
    connection.health_check_done = False
    connection.close_if_health_check_failed()


def test_a_live_connection_is_kept_without_running_a_statement(transactional_db):
    pid = backend_pid()
    check_as_a_request_starts()
    assert backend_pid() == pid
    # The server ran nothing in between: Django's own check would have left "SELECT 1" here.
    check_as_a_request_starts()
    assert statement_of(pid) == "SELECT pg_backend_pid() /* before the check */"


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(transactional_db):
    pid = backend_pid()
    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        deadline = time.monotonic() + 5
        while cursor.fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.02)
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
    check_as_a_request_starts()
    assert connection.connection is None  # closed by the check, not by a failing query
    assert backend_pid() != pid
