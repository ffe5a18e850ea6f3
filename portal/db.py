"""PostgreSQL settings (work_mem, planner switches) for the queries of one block; statements
prepared once per connection, and an INSERT of a model's row made that way."""

import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import signals
from django.db.transaction import TransactionManagementError

from .replicas import read_alias


@contextmanager
def session_settings(
    *, whole_transaction: bool = False, using: str | None = None, **values: str | int
) -> Iterator[None]:
    """Run the block with the given settings, e.g. `session_settings(work_mem="64MB")`.

    They are set for the transaction only (SET LOCAL), never for the session: connections persist
    between requests (CONN_MAX_AGE), and a session-wide value that an error kept from being reset
    would change the plans of whatever that connection serves next.

    Inside a transaction the values in force before come back when the block ends, so that the
    queries after it are planned as usual. With whole_transaction=True the block is an atomic block
    of its own and the values last until its transaction ends: nothing to put back, one statement
    a setting fewer.

    They apply to the database the current reads go to (a read replica for anonymous readers,
    portal.replicas) unless `using` names another.
    """
    if using is None:
        using = read_alias()
    if whole_transaction:
        with transaction.atomic(using=using):
            _set_local(values, using)
            yield
        return
    if not connections[using].in_atomic_block:
        raise TransactionManagementError(
            "SET LOCAL outside a transaction lasts one statement; open a transaction first."
        )
    previous = _set_local(values, using)
    try:
        yield
    except DatabaseError:
        raise  # the transaction is aborted and will run nothing more; its rollback discards the values
    except BaseException:
        _set_local(previous, using)
        raise
    _set_local(previous, using)


def _set_local(values: Mapping[str, str | int], using: str) -> dict[str, str]:
    """SET LOCAL each value, as parameters, all in one statement; returns the values they replace."""
    if not values:
        return {}
    names = list(values)
    # set_config() runs left to right, so each current_setting() reads the value before its own change.
    reads = ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {reads}", [part for name in names for part in (name, name, str(values[name]))])
        row = cursor.fetchone()
    return dict(zip(names, row[::2], strict=True))


class PreparedStatement:
    """A statement PostgreSQL parses and plans once per connection (PREPARE), then runs (EXECUTE).

    For the reads of every article, planning cost more than running: 2.3 ms against 0.4 ms at a
    million reports, with the many partial indexes the planner weighs. Prepared statements belong to
    the server session, survive rollbacks and last as long as the connection (CONN_MAX_AGE); one is
    prepared again on the first use on a new connection. Conditions that must match a partial index
    are written into `sql` as literals: a generic plan cannot prove a parameter implies them.
    """

    def __init__(self, name: str, sql: str, parameter_types: tuple[str, ...]):
        self.name = name
        self.sql = sql
        self.parameter_types = parameter_types

    def execute(self, cursor, params: tuple) -> None:
        wrapper = cursor.db
        session = wrapper.connection.info.backend_pid
        prepared = wrapper.__dict__.setdefault("prepared_statements", {})
        if prepared.get(self.name) != session:
            cursor.execute(f"PREPARE {self.name} ({', '.join(self.parameter_types)}) AS {self.sql}")
            prepared[self.name] = session
        cursor.execute(f"EXECUTE {self.name} ({', '.join(['%s'] * len(params))})", params)


def insert(instance: models.Model) -> None:
    """`instance.save()` for a new row of a model that has no save() of its own and no pre_save or
    post_save receivers, by a statement prepared once per connection: on every comment, the ORM
    took 1 ms of CPU to build an INSERT that PostgreSQL runs in a tenth of that. Fields get their
    values as save() gives them (pre_save: auto_now_add …), the returned columns (the id) are set."""
    model = type(instance)
    if model.save is not models.Model.save:
        raise TypeError(f"{model.__name__} has a save() of its own; use it")
    if any(signal.has_listeners(model) for signal in (signals.pre_save, signals.post_save)):
        raise TypeError(f"{model.__name__} has save receivers; use save()")
    statement, fields, returned = _insert_statement(model)
    connection = connections[router.db_for_write(model, instance=instance)]
    params = tuple(field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields)
    with connection.cursor() as cursor:
        statement.execute(cursor, params)
        row = cursor.fetchone()
    for field, value in zip(returned, row, strict=True):
        setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = connection.alias


@functools.cache
def _insert_statement(model: type[models.Model]) -> tuple[PreparedStatement, list, tuple]:
    meta = model._meta
    fields = [field for field in meta.local_concrete_fields if not field.generated and not field.db_returning]
    returned = meta.db_returning_fields
    quote = connections["default"].ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"
        f" VALUES ({', '.join(f'${number}' for number in range(1, len(fields) + 1))})"
        f" RETURNING {', '.join(quote(field.column) for field in returned)}"
    )
    types = tuple(field.db_type(connections["default"]) for field in fields)
    return PreparedStatement(f"insert_{meta.db_table}", sql, types), fields, returned
