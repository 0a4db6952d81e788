"""The log of the scheduler's runs (``scheduled_run``): one row per attempt of a job's slot.

The row is written before the job runs, in a transaction of its own (``claim``): the unique
``(job, due_at, attempt)`` means one attempt of one slot runs once, whichever scheduler asks,
and the ``fence`` (the token the scheduler got with its Redis lock) lets a stale scheduler find
that a newer one has taken over. The error summary names the kind of error and where it was
raised, never its message (a database error can quote the values of a row).
"""

import enum
import traceback
from datetime import datetime
from pathlib import Path

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .database import UTCDateTime, str_enum, utcnow
from .unit_of_work import apart

PACKAGE = Path(__file__).resolve().parents[1]


class RunOutcome(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ScheduledRun(db.Model):
    """One attempt of one job at one due time, and how it ended."""

    __tablename__ = "scheduled_run"
    __table_args__ = (UniqueConstraint("job", "due_at", "attempt",
                                       name="uq_scheduled_run_job_due_attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    fence: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[RunOutcome] = mapped_column(str_enum(RunOutcome, "run_outcome"),
                                                nullable=False, default=RunOutcome.RUNNING)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)


class StaleFence(RuntimeError):
    """A scheduler with a newer fencing token has run jobs: this one lost the lock."""


def error_summary(error: BaseException) -> str:
    """The kind of error and the innermost line of our code it passed (the scheduler's own
    loop aside), without its message."""
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(PACKAGE) and path.name != "scheduler.py":
            where = f" at {path.relative_to(PACKAGE.parent)}:{frame.lineno}"
            break
    return f"{type(error).__module__}.{type(error).__qualname__}{where}"[:300]


def claim(job: str, due_at: datetime, attempt: int, fence: int,
          now: datetime | None = None) -> int | None:
    """Record that this attempt starts (committed at once); None when it was already claimed.
    Raises ``StaleFence`` when a run with a newer token exists."""
    try:
        with apart() as session:
            newest = session.scalar(select(func.max(ScheduledRun.fence)))
            if newest is not None and newest > fence:
                raise StaleFence(f"token {fence} is older than {newest}")
            run = ScheduledRun(job=job, due_at=due_at, attempt=attempt, fence=fence,
                               started_at=now or utcnow(), outcome=RunOutcome.RUNNING)
            session.add(run)
            session.flush()
            return run.id
    except IntegrityError:
        return None


def finish(run_id: int, error: BaseException | None, now: datetime | None = None) -> None:
    """Record how the attempt ended."""
    with apart() as session:
        session.execute(update(ScheduledRun).where(ScheduledRun.id == run_id).values(
            finished_at=now or utcnow(),
            outcome=RunOutcome.FAILED if error else RunOutcome.SUCCEEDED,
            error=error_summary(error) if error else None))


def interrupt_older(fence: int, now: datetime | None = None) -> int:
    """Mark as failed the runs a previous scheduler left running (it stopped or lost the lock
    during them): their slot is then retried."""
    with apart() as session:
        return session.execute(
            update(ScheduledRun)
            .where(ScheduledRun.outcome == RunOutcome.RUNNING, ScheduledRun.fence < fence)
            .values(finished_at=now or utcnow(), outcome=RunOutcome.FAILED,
                    error="interrupted: the scheduler stopped or lost its lock during the run")
        ).rowcount


def last_run(job: str) -> ScheduledRun | None:
    """The job's latest attempt."""
    return db.session.scalars(select(ScheduledRun).where(ScheduledRun.job == job)
                              .order_by(ScheduledRun.id.desc()).limit(1)).first()


def _latest_finished():
    return (select(ScheduledRun.job, func.max(ScheduledRun.id).label("id"))
            .where(ScheduledRun.outcome != RunOutcome.RUNNING)
            .group_by(ScheduledRun.job).subquery())


def failing() -> tuple:
    """Jobs whose latest finished run failed, for "My work": (how many, the earliest of those
    failures, the job's name when there is exactly one)."""
    latest = _latest_finished()
    count, when, name = db.session.execute(
        select(func.count(ScheduledRun.id), func.min(ScheduledRun.started_at),
               func.max(ScheduledRun.job))
        .join(latest, latest.c.id == ScheduledRun.id)
        .where(ScheduledRun.outcome == RunOutcome.FAILED)).one()
    return count or 0, when, name


def latest_by_job() -> dict[str, dict[str, ScheduledRun]]:
    """For each job that has run: its latest attempt and its latest success (two queries)."""
    found: dict[str, dict[str, ScheduledRun]] = {}
    latest = (select(func.max(ScheduledRun.id)).group_by(ScheduledRun.job))
    for run in db.session.scalars(select(ScheduledRun).where(ScheduledRun.id.in_(latest))):
        found.setdefault(run.job, {})["last"] = run
    succeeded = (select(func.max(ScheduledRun.id))
                 .where(ScheduledRun.outcome == RunOutcome.SUCCEEDED)
                 .group_by(ScheduledRun.job))
    for run in db.session.scalars(select(ScheduledRun).where(ScheduledRun.id.in_(succeeded))):
        found.setdefault(run.job, {})["succeeded"] = run
    return found
