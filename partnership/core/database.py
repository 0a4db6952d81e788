"""Engine settings per dialect and small column helpers shared by every area."""

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import DateTime, Enum, TypeDecorator, event

from ..extensions import db


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back as an aware UTC datetime (SQLite too)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is not UTC:  # already UTC (the usual case): no conversion to pay for
            if value.tzinfo is None:
                raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect):
        """SQLite stores text: remember the text of recent values, because bulk writes repeat
        them (150,000 proposals carry a few thousand distinct item versions and one "now")."""
        process = super().bind_processor(dialect)
        if process is None or dialect.name != "sqlite":
            return process
        texts: dict = {}

        def remembered(value):
            if value is None:
                return None
            text = texts.get(value)
            if text is None:
                if len(texts) >= 50_000:
                    texts.clear()
                text = texts[value] = process(value)
            return text

        return remembered

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _unicode_lower(value):
    """SQLite's own ``lower()`` folds ASCII letters only: «Альфа» would sort after «бета»."""
    return value.lower() if isinstance(value, str) else value


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # lower() as PostgreSQL's: every letter (names sort alike on both databases; no index is
    # built on lower(), so replacing the function changes no stored order)
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def configure_engines(app: Flask) -> None:
    """SQLite: WAL, foreign keys on, a 10 s busy timeout and a Unicode ``lower()`` on every
    connection."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def str_enum(cls, name: str) -> Enum:
    """A column type for a StrEnum, stored as its value in a VARCHAR (portable, no DB type)."""
    return Enum(cls, name=name, native_enum=False, length=40,
                values_callable=lambda members: [m.value for m in members],
                validate_strings=True)
