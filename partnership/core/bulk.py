"""Inserting many plain rows at once (a full matching run's 150,000 new proposals), in the order
given (the ids follow it, and pages break ties of score by id), in the session's transaction.
The same rows as a Core ``insert(table)`` with a list of rows, without its work per row.

Each value goes through its column's own conversion (enum, JSON, timestamps), remembered per
value where a column's values repeat (the proposals share one status, one origin, one "now"
and a few thousand item versions), and then:

- **PostgreSQL**: ``COPY ... FROM STDIN`` on the session's own connection. psycopg's
  ``executemany`` sends one statement per row, and its work per row cost more than the
  database's.
- **SQLite**: the driver's ``executemany`` on one compiled INSERT, with a larger page cache
  while it runs: every row updates the match table's indexes and checks four foreign keys, in
  pages that the default 2 MB cache keeps evicting.
"""

from collections.abc import Callable
from contextlib import contextmanager
from itertools import islice
from operator import itemgetter

from sqlalchemy import JSON, Connection, Table, insert

from ..extensions import db

SQLITE_CACHE_KIB = 131_072  # 128 MB while a run writes; the connection's own size afterwards
CHUNK = 5000


def insert_rows(table: Table, rows: list[dict], chunk: int = CHUNK) -> None:
    """Insert plain rows (dicts with the same keys) in the session's transaction, in order
    (``chunk`` rows per ``executemany`` on SQLite)."""
    if not rows:
        return
    connection = db.session.connection()
    keys = list(rows[0])
    if connection.dialect.name == "postgresql":
        _copy(connection, table, keys, rows)
    else:
        _execute_many(connection, table, keys, rows, chunk)


def _converters(connection: Connection, table: Table, keys: list[str]
                ) -> list[Callable | None]:
    dialect = connection.dialect
    converters = []
    for key in keys:
        column_type = table.c[key].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None and not isinstance(column_type, JSON):
            process = _Remembered(process).__getitem__
        converters.append(process)
    return converters


class _Remembered(dict):
    """A conversion's results by value, each distinct value worked out once (a hit is a
    dictionary lookup, without a Python call)."""

    def __init__(self, process: Callable):
        super().__init__()
        self.process = process

    def __missing__(self, value):
        found = self[value] = self.process(value)
        return found


def _values(rows: list[dict], keys: list[str], converters: list[Callable | None]):
    """The rows as tuples of converted values, column by column (2 million values in a full
    run: one ``map`` a column, not a Python step a value)."""
    columns = []
    for key, convert in zip(keys, converters, strict=True):
        column = map(itemgetter(key), rows)
        columns.append(column if convert is None else map(convert, column))
    return zip(*columns, strict=True)


def _copy(connection: Connection, table: Table, keys: list[str], rows: list[dict]) -> None:
    preparer = connection.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(table.c[key].name) for key in keys)
    statement = f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN"
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for values in _values(rows, keys, _converters(connection, table, keys)):
            copy.write_row(values)


def _execute_many(connection: Connection, table: Table, keys: list[str], rows: list[dict],
                  chunk: int) -> None:
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup) if dialect.positional else keys
    values = _values(rows, names, _converters(connection, table, names))
    if not dialect.positional:
        values = (dict(zip(names, row, strict=True)) for row in values)
    statement = str(compiled)
    with _larger_cache(connection):
        while batch := list(islice(values, chunk)):
            connection.exec_driver_sql(statement, batch)


@contextmanager
def _larger_cache(connection: Connection):
    """A larger SQLite page cache for this connection while the block runs."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
