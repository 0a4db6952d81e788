"""When a user last looked at something: the proposals page, a memorandum. "My work" counts
what is new since then (new proposals, new comments).

A look is recorded on a GET, so it is written apart from the request's unit of work (which
writes nothing on a safe request), like the session's touch.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from ..core import unit_of_work
from ..core.database import UTCDateTime, utcnow
from ..extensions import db

PROPOSALS = "proposals"
MEMORANDUM = "memorandum"


class SeenMark(db.Model):
    """The last time a user looked at a topic (and, for a memorandum, which one)."""

    __tablename__ = "seen_mark"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True, default=0)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


def _upsert(dialect: str):
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def mark_seen(user, topic: str, subject_id: int = 0, at: datetime | None = None) -> None:
    """Record that ``user`` looked at ``topic`` now (one statement, on its own connection when
    the request is a GET)."""
    if not getattr(user, "is_authenticated", False):
        return
    insert = _upsert(db.engine.dialect.name)
    values = {"user_id": user.id, "topic": topic, "subject_id": subject_id,
              "seen_at": at or utcnow()}
    statement = insert(SeenMark).values(**values).on_conflict_do_update(
        index_elements=["user_id", "topic", "subject_id"], set_={"seen_at": values["seen_at"]})
    if unit_of_work.in_safe_request():
        with unit_of_work.apart() as session:
            session.execute(statement)
    else:
        db.session.execute(statement)


def mark_seen_if_newer(user, topic: str, newest: datetime | None) -> None:
    """Record a look when something shown is newer than the last one (``newest``: the newest
    thing's time, None when nothing is shown), or when there was none. A page read again with
    nothing new costs one read instead of a write on its own connection and its commit."""
    if not getattr(user, "is_authenticated", False):
        return
    last = seen_at(user.id, topic)
    if last is None or (newest is not None and newest > last):
        mark_seen(user, topic)


def seen_at(user_id: int, topic: str, subject_id: int = 0) -> datetime | None:
    """When the user last looked (None: never)."""
    return db.session.scalar(select(SeenMark.seen_at).where(
        SeenMark.user_id == user_id, SeenMark.topic == topic,
        SeenMark.subject_id == subject_id))
