"""PostgreSQL settings (work_mem, planner switches) for the queries of one block."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError


@contextmanager
def session_settings(*, whole_transaction: bool = False, **values: str | int) -> Iterator[None]:
    """Run the block with the given settings, e.g. `session_settings(work_mem="64MB")`.

    They are set for the transaction only (SET LOCAL), never for the session: connections persist
    between requests (CONN_MAX_AGE), and a session-wide value that an error kept from being reset
    would change the plans of whatever that connection serves next.

    Inside a transaction the values in force before come back when the block ends, so that the
    queries after it are planned as usual. With whole_transaction=True the block is an atomic block
    of its own and the values last until its transaction ends: nothing to put back, one statement
    a setting fewer.
    """
    if whole_transaction:
        with transaction.atomic():
            _set_local(values)
            yield
        return
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "SET LOCAL outside a transaction lasts one statement; open a transaction first."
        )
    previous = _set_local(values)
    try:
        yield
    except DatabaseError:
        raise  # the transaction is aborted and will run nothing more; its rollback discards the values
    except BaseException:
        _set_local(previous)
        raise
    _set_local(previous)


def _set_local(values: Mapping[str, str | int]) -> dict[str, str]:
    """SET LOCAL each value, as parameters; returns the values they replace."""
    previous = {}
    with connection.cursor() as cursor:
        for name, value in values.items():
            cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, str(value)])
            previous[name] = cursor.fetchone()[0]
    return previous
