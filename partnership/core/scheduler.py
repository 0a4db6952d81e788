"""The scheduler: runs the periodic commands, one scheduler at a time, from Redis.

Any number of ``flask scheduler`` processes may run (one per host); one holds the lock and runs
the jobs, the others wait to take over. How one instance is guaranteed:

- **The lock** is a Redis key holding a fencing token (``INCR`` of a counter, so every holder
  gets a larger one than the last), set with an expiry (``SCHEDULER_LOCK_TTL``) and renewed by a
  thread every third of it, only while the key still holds our token (a Lua compare-and-expire).
  A holder that stops (kill -9, a lost host) leaves the key to expire; another takes over.
- **Fencing.** Before each run the holder checks the lock again, then *claims* the run in the
  database (``core.scheduled_runs.claim``): the claim refuses a token older than one already
  recorded, and the unique ``(job, due_at, attempt)`` refuses a second claim of one attempt.
  A scheduler paused past its expiry (a stopped VM) thus finds, when it wakes, either that its
  key is gone or that a newer token has claimed runs: it stops running jobs and waits again.
  A job already under way when the lock is lost finishes (its work is made of committed units).
- **Jobs run inline**, one after another, in the process holding the lock, never through the
  RQ queue: two runs of ``send-emails`` or of the reminders can then never overlap, and the
  outcome is known where it is logged. A long job (proposals for everyone) delays the others by
  its length; the renewal thread keeps the lock and the heartbeat meanwhile.
- **Slots.** A job every N minutes is due at each multiple of N since the epoch (UTC); a daily
  job at its time in ``SCHEDULE_TIMEZONE`` (Asia/Almaty). Only the latest slot runs: after a
  stop, a job runs once, not once per missed slot.
- **Retries.** A failed attempt is tried again after 1, 2, 4 ... minutes (at most 30) up to
  ``MAX_ATTEMPTS`` per slot; a newer slot replaces the retries of an older one.
- **Heartbeat.** The holder writes the time to ``HEARTBEAT_KEY`` on every renewal; ``/readyz``
  reads it (``heartbeat_age``).
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from flask import current_app

from ..extensions import db
from . import scheduled_runs
from .database import utcnow
from .scheduled_runs import RunOutcome, StaleFence

log = logging.getLogger(__name__)

SCHEDULE_TIMEZONE = ZoneInfo("Asia/Almaty")  # the embassy's and most users' time (UTC+5)
LOCK_KEY = "partnership:scheduler:lock"
FENCE_KEY = "partnership:scheduler:fence"
HEARTBEAT_KEY = "partnership:scheduler:heartbeat"
MAX_ATTEMPTS = 5
RETRY_FIRST, RETRY_MOST = timedelta(minutes=1), timedelta(minutes=30)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Set the key's expiry only while it still holds our token; delete it only if it does.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
         "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
           "return redis.call('del', KEYS[1]) else return 0 end"


@dataclass(frozen=True)
class Job:
    """One line of the schedule: a name, what runs, and either an interval or a daily time."""

    name: str
    run: Callable[[], object]
    every: timedelta | None = None
    daily_at: clock_time | None = None  # in SCHEDULE_TIMEZONE

    def __post_init__(self):
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give either every= or daily_at=")

    def due_at(self, now: datetime) -> datetime:
        """The latest slot at or before ``now`` (UTC)."""
        if self.every is not None:
            return EPOCH + (now - EPOCH) // self.every * self.every
        local = now.astimezone(SCHEDULE_TIMEZONE)
        slot = datetime.combine(local.date(), self.daily_at, SCHEDULE_TIMEZONE)
        if slot > local:
            slot = datetime.combine(local.date() - timedelta(days=1), self.daily_at,
                                    SCHEDULE_TIMEZONE)
        return slot.astimezone(UTC)


def retry_delay(attempt: int) -> timedelta:
    """How long after the failed ``attempt`` the next one waits."""
    return min(RETRY_FIRST * 2 ** (attempt - 1), RETRY_MOST)


def next_attempt(job: Job, now: datetime) -> tuple[datetime, int] | None:
    """The (slot, attempt) to run now, or None when the job has nothing due."""
    due = job.due_at(now)
    last = scheduled_runs.last_run(job.name)
    if last is None or last.due_at < due:
        return due, 1
    if last.due_at > due or last.outcome != RunOutcome.FAILED or last.attempt >= MAX_ATTEMPTS:
        return None
    if now < last.finished_at + retry_delay(last.attempt):
        return None
    return due, last.attempt + 1


class LockLost(RuntimeError):
    """The lock expired or another scheduler holds it now."""


class Lock:
    """The Redis lock with its fencing token, renewed by a thread while held."""

    def __init__(self, redis, ttl: float) -> None:
        self.redis, self.ttl = redis, ttl
        self.token: int | None = None
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        self._lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; start renewing it."""
        if self.redis.exists(LOCK_KEY):
            return False
        token = int(self.redis.incr(FENCE_KEY))
        if not self.redis.set(LOCK_KEY, token, nx=True, px=int(self.ttl * 1000)):
            return False
        self.token = token
        self._lost.clear()
        self._stop.clear()
        beat(self.redis)
        self._thread = threading.Thread(target=self._keep, name="scheduler-lock", daemon=True)
        self._thread.start()
        return True

    def check(self) -> None:
        """Raise ``LockLost`` unless the key still holds our token (and extend it)."""
        if self.token is None or self._lost.is_set() or not self.renew():
            self._lost.set()
            raise LockLost(f"the scheduler's lock (token {self.token}) is no longer held")

    def renew(self) -> bool:
        return bool(self._renew(keys=[LOCK_KEY], args=[self.token, int(self.ttl * 1000)]))

    def _keep(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                held = self.renew()
            except Exception:  # noqa: BLE001 - Redis unreachable: the lock may expire
                log.warning("scheduler: renewing the lock failed", exc_info=True)
                continue
            if not held:
                log.warning("scheduler: lost the lock (token %s)", self.token)
                self._lost.set()
                return
            beat(self.redis)

    def release(self) -> None:
        """Stop renewing; delete the key if it is still ours."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        if self.token is not None:
            try:
                self._release(keys=[LOCK_KEY], args=[self.token])
            except Exception:  # noqa: BLE001 - it expires anyway
                log.warning("scheduler: releasing the lock failed", exc_info=True)
        self.token = None


def beat(redis) -> None:
    """Write the heartbeat: the time and who holds the lock (host and process, no secret)."""
    redis.set(HEARTBEAT_KEY, f"{time.time():.3f} {socket.gethostname()}:{os.getpid()}",
              ex=24 * 3600)


def heartbeat_age(redis) -> float | None:
    """Seconds since the scheduler's last heartbeat, or None when there is none."""
    value = redis.get(HEARTBEAT_KEY)
    if not value:
        return None
    try:
        stamp = float(value.split()[0])
    except (ValueError, IndexError):
        return None
    return max(0.0, time.time() - stamp)


class Scheduler:
    """One scheduler process: waits for the lock, then runs what is due, tick by tick."""

    def __init__(self, jobs: list[Job], redis, ttl: float | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.jobs, self.clock = jobs, clock
        self.lock = Lock(redis, ttl or current_app.config["SCHEDULER_LOCK_TTL"])

    @property
    def leading(self) -> bool:
        return self.lock.token is not None

    def tick(self) -> list[tuple[str, RunOutcome]]:
        """Take the lock if free, then run every job that is due; returns what ran."""
        if not self.leading:
            if not self.lock.acquire():
                return []
            log.info("scheduler: took the lock (token %s)", self.lock.token)
            scheduled_runs.interrupt_older(self.lock.token, self.clock())
        ran = []
        try:
            for job in self.jobs:
                outcome = self._run_if_due(job)
                if outcome is not None:
                    ran.append((job.name, outcome))
        except (LockLost, StaleFence) as lost:
            log.warning("scheduler: stopped running jobs: %s", lost)
            self.lock.release()
        return ran

    def _run_if_due(self, job: Job) -> RunOutcome | None:
        now = self.clock()
        found = next_attempt(job, now)
        db.session.rollback()  # end the read: the claim and the job start afresh
        if found is None:
            return None
        due, attempt = found
        self.lock.check()
        run_id = scheduled_runs.claim(job.name, due, attempt, self.lock.token, now)
        if run_id is None:
            return None
        error = None
        started = time.monotonic()
        try:
            job.run()
        except Exception as exc:  # noqa: BLE001 - logged and retried; the scheduler goes on
            error = exc
            db.session.rollback()
            log.error("scheduled job %s failed (attempt %d): %s", job.name, attempt,
                      scheduled_runs.error_summary(exc))
        finally:
            db.session.remove()
        scheduled_runs.finish(run_id, error, self.clock())
        if error is None:
            log.info("scheduled job %s succeeded in %.1f s", job.name,
                     time.monotonic() - started)
        return RunOutcome.FAILED if error else RunOutcome.SUCCEEDED

    def run_forever(self, tick_seconds: float, stop: threading.Event | None = None) -> None:
        """Tick until ``stop`` is set (SIGTERM sets it in ``flask scheduler``)."""
        stop = stop or threading.Event()
        try:
            while not stop.is_set():
                try:
                    self.tick()
                except Exception:  # noqa: BLE001 - Redis or the database down: try again
                    log.exception("scheduler: a tick failed")
                    db.session.remove()
                stop.wait(tick_seconds)
        finally:
            self.lock.release()
