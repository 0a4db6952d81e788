"""The background queue: RQ when ``REDIS_URL`` is set, none otherwise (work runs inline)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

QUEUE = "partnership"
# What asking for background work answers: queued for the worker, or done here and now.
QUEUED, DONE = "queued", "done"


def queue():
    """The RQ queue, or None when no Redis is configured."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(url))


# --- jobs that failed every attempt ----------------------------------------------------------
# A job that fails all its retries lands in RQ's failed registry, where nobody would see it:
# the administrator's "My work" counts them and the scheduled-jobs page lists them, to run
# again (the cause mended) or to remove.

_LABELS: dict[str, Callable[[tuple], str]] = {}
SHOWN_FAILED = 50


def describe_as(describe: Callable[[tuple], str]):
    """Name a job function for the administrator: ``describe(args)`` says what it did, in the
    reader's language (the arguments are ids, never personal data)."""

    def register(function):
        _LABELS[f"{function.__module__}.{function.__qualname__}"] = describe
        return function

    return register


@dataclass(frozen=True)
class FailedJob:
    id: str
    what: str
    failed_at: datetime | None
    error: str  # the kind of error only: its message may quote a row's values


def _failed_registry():
    jobs = queue()
    if jobs is None:
        return None
    from rq.registry import FailedJobRegistry

    return FailedJobRegistry(queue=jobs)


def failed_jobs(limit: int = SHOWN_FAILED) -> list[FailedJob]:
    """The jobs that failed every attempt, latest first ([] without Redis, or while it is
    down: the page that shows them must still open)."""
    from redis.exceptions import RedisError
    from rq.job import Job

    registry = _failed_registry()
    if registry is None:
        return []
    try:
        ids = list(reversed(registry.get_job_ids()))[:limit]
        found = [job for job in Job.fetch_many(ids, connection=registry.connection) if job]
        return [FailedJob(job.id, _what(job), job.ended_at and job.ended_at.replace(tzinfo=UTC),
                          _error_kind(_traceback(job))) for job in found]
    except RedisError:
        return []


def count_failed() -> tuple[int, datetime | None]:
    """How many jobs failed every attempt, and when the oldest of the latest ones did."""
    found = failed_jobs()
    times = [job.failed_at for job in found if job.failed_at]
    return len(found), min(times) if times else None


def run_failed_again(job_id: str) -> bool:
    """Queue a failed job again (its retries start afresh); False when it is not there."""
    from rq.exceptions import InvalidJobOperationError, NoSuchJobError

    registry = _failed_registry()
    if registry is None:
        return False
    try:
        registry.requeue(job_id)
    except (NoSuchJobError, InvalidJobOperationError):
        return False
    return True


def remove_failed(job_id: str) -> bool:
    """Forget a failed job (its cause is known and nothing needs running again)."""
    registry = _failed_registry()
    if registry is None or job_id not in registry.get_job_ids():
        return False
    registry.remove(job_id, delete_job=True)
    return True


def _what(job) -> str:
    describe = _LABELS.get(job.func_name or "")
    try:
        return describe(tuple(job.args)) if describe else job.func_name or job.id
    except Exception:  # a job from an older release with other arguments
        return job.func_name or job.id


def _traceback(job) -> str | None:
    result = job.latest_result()
    return result.exc_string if result is not None else None


def _error_kind(exc_info: str | None) -> str:
    """The exception's class from RQ's traceback text ('psycopg.OperationalError'), never its
    message."""
    if not exc_info:
        return ""
    last = exc_info.strip().splitlines()[-1]
    kind = last.split(":", 1)[0].strip()
    return kind if kind.replace(".", "").replace("_", "").isalnum() else ""
