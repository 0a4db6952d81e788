"""The scheduler (core/scheduler.py, `flask scheduler`): one leader among several schedulers
on one Redis, each due slot run once, a lost lock stops the loser, a stale token is fenced
off in the database, a failed run is logged without its message, retried with backoff, shown
on the administrator's "My work" and cleared by a later success."""

import os
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

import pytest
import redis
from sqlalchemy import func, select

from partnership.core import scheduled_runs
from partnership.core.roles import Role
from partnership.core.scheduled_runs import RunOutcome, ScheduledRun, StaleFence
from partnership.core.scheduler import (
    HEARTBEAT_KEY,
    LOCK_KEY,
    Job,
    Scheduler,
    heartbeat_age,
    retry_delay,
)
from partnership.extensions import db

from ..conftest import require_service
from .test_my_work import entries

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 07:00 in Almaty


@pytest.fixture
def connection():
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.flushdb()
    except redis.RedisError as error:
        require_service("Redis", str(error))
    yield client
    client.flushdb()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Recorder:
    """Jobs that note each run (with the clock's time); ``failing`` makes one raise."""

    def __init__(self, clock) -> None:
        self.clock, self.runs, self.failing = clock, [], set()
        self._lock = threading.Lock()

    def job(self, name: str, **when) -> Job:
        def run():
            with self._lock:
                self.runs.append((name, self.clock()))
            if name in self.failing:
                raise RuntimeError("Mariia Petrenko, born 2015")  # never in the log
        return Job(name, run, **when)


def _runs(job: str) -> list[ScheduledRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(ScheduledRun).where(ScheduledRun.job == job)
                                   .order_by(ScheduledRun.id)))


def test_slots_and_backoff():
    minute = Job("m", print, every=timedelta(minutes=5))
    assert minute.due_at(T0 + timedelta(minutes=7, seconds=3)) == T0 + timedelta(minutes=5)
    daily = Job("d", print, daily_at=clock_time(8, 0))  # Almaty: 03:00 UTC
    assert daily.due_at(T0) == datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    assert daily.due_at(T0 + timedelta(hours=1)) == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 6, 9)] == [1, 2, 4, 30, 30]
    with pytest.raises(ValueError):
        Job("both", print, every=timedelta(minutes=1), daily_at=clock_time(1, 0))


def test_two_schedulers_started_at_once_run_each_due_slot_once(app, connection):
    shared = Clock(T0)
    recorder = Recorder(shared)
    jobs = [recorder.job("every-minute", every=timedelta(minutes=1)),
            recorder.job("every-five", every=timedelta(minutes=5)),
            recorder.job("daily", daily_at=clock_time(7, 0))]
    times = [T0 + timedelta(seconds=s) for s in (0, 20, 40, 60, 80, 130, 300, 310)]
    barrier = threading.Barrier(2)
    leaders: list[set] = [set(), set()]

    def scheduler(index: int) -> None:
        with app.app_context():
            runner = Scheduler(jobs, connection, ttl=30, clock=shared)
            try:
                for step, _at in enumerate(times):
                    barrier.wait()
                    if index == 0:
                        shared.now = times[step]
                    barrier.wait()
                    runner.tick()
                    if runner.leading:
                        leaders[index].add(step)
            finally:
                runner.lock.release()
                db.session.remove()

    threads = [threading.Thread(target=scheduler, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert not (leaders[0] & leaders[1])  # never two leaders at one step
    by_job: dict[str, list] = {}
    for name, at in recorder.runs:
        by_job.setdefault(name, []).append(at)
    # every minute: slots 02:00, 02:01, 02:02, 02:05; every five: 02:00, 02:05; daily: once
    assert len(by_job["every-minute"]) == 4
    assert len(by_job["every-five"]) == 2
    assert len(by_job["daily"]) == 1
    assert db.session.scalar(select(func.count(ScheduledRun.id))) == 7
    assert {run.outcome for run in _runs("every-minute")} == {RunOutcome.SUCCEEDED}


def test_the_database_claims_each_attempt_once_and_fences_off_older_tokens(app):
    assert scheduled_runs.claim("job", T0, 1, fence=3) is not None
    assert scheduled_runs.claim("job", T0, 1, fence=3) is None  # the same attempt again
    with pytest.raises(StaleFence):
        scheduled_runs.claim("job", T0 + timedelta(minutes=1), 1, fence=2)
    assert len(_runs("job")) == 1


def test_a_lost_lock_stops_the_loser(app, connection):
    clock = Clock(T0)
    recorder = Recorder(clock)
    jobs = [recorder.job("every-minute", every=timedelta(minutes=1))]
    first, second = (Scheduler(jobs, connection, ttl=30, clock=clock) for _ in range(2))
    assert first.tick() == [("every-minute", RunOutcome.SUCCEEDED)]
    assert second.tick() == []  # the first holds the lock
    connection.delete(LOCK_KEY)  # the first's lock expired (its host paused)
    clock.now = T0 + timedelta(minutes=1)
    assert second.tick() == [("every-minute", RunOutcome.SUCCEEDED)]
    clock.now = T0 + timedelta(minutes=2)
    assert first.tick() == []  # it finds its key gone: no job runs
    assert not first.leading
    assert second.tick() == [("every-minute", RunOutcome.SUCCEEDED)]
    assert [at for _name, at in recorder.runs] == [T0 + timedelta(minutes=m) for m in (0, 1, 2)]
    first.lock.release()
    second.lock.release()


def test_a_paused_scheduler_that_passed_the_redis_check_is_fenced_off(app, connection):
    clock = Clock(T0)
    recorder = Recorder(clock)
    jobs = [recorder.job("every-minute", every=timedelta(minutes=1))]
    first, second = (Scheduler(jobs, connection, ttl=30, clock=clock) for _ in range(2))
    first.tick()
    connection.delete(LOCK_KEY)
    clock.now = T0 + timedelta(minutes=1)
    second.tick()  # a newer token claimed a run
    # The first wakes believing it still holds the key (it checked just before pausing).
    connection.set(LOCK_KEY, first.lock.token)
    clock.now = T0 + timedelta(minutes=2)
    assert first.tick() == []
    assert not first.leading
    assert len(recorder.runs) == 2
    first.lock.release()
    second.lock.release()


def test_the_lock_is_renewed_while_held_and_a_renewal_that_fails_marks_it_lost(app, connection):
    runner = Scheduler([], connection, ttl=0.6, clock=Clock(T0))
    runner.tick()
    time.sleep(1.5)  # longer than the expiry: the thread kept it
    assert connection.get(LOCK_KEY) == str(runner.lock.token).encode()
    assert heartbeat_age(connection) < 1
    connection.set(LOCK_KEY, "someone else")
    time.sleep(0.5)
    with pytest.raises(Exception, match="no longer held"):
        runner.lock.check()
    runner.lock.release()
    assert connection.get(LOCK_KEY) == b"someone else"  # not ours to delete


def test_a_run_left_running_by_a_stopped_scheduler_is_marked_failed_and_retried(app,
                                                                              connection):
    clock = Clock(T0)
    recorder = Recorder(clock)
    jobs = [recorder.job("daily", daily_at=clock_time(7, 0))]
    scheduled_runs.claim("daily", T0, 1, fence=0, now=T0)  # a scheduler died during it
    runner = Scheduler(jobs, connection, ttl=30, clock=clock)
    clock.now = T0 + timedelta(minutes=2)
    assert runner.tick() == []  # marked failed now; retried after the first delay
    clock.now = T0 + timedelta(minutes=3)
    assert runner.tick() == [("daily", RunOutcome.SUCCEEDED)]
    runs = _runs("daily")
    assert [(r.attempt, r.outcome) for r in runs] == [(1, RunOutcome.FAILED),
                                                      (2, RunOutcome.SUCCEEDED)]
    assert runs[0].error.startswith("interrupted")
    runner.lock.release()


def test_a_failing_job_is_logged_retried_shown_on_my_work_and_cleared(app, client, login_as,
                                                                     connection):
    clock = Clock(T0)
    recorder = Recorder(clock)
    recorder.failing.add("daily")
    jobs = [recorder.job("daily", daily_at=clock_time(7, 0))]
    runner = Scheduler(jobs, connection, ttl=30, clock=clock)
    assert runner.tick() == [("daily", RunOutcome.FAILED)]
    [run] = _runs("daily")
    assert run.outcome == RunOutcome.FAILED and run.finished_at == T0
    assert run.error == "builtins.RuntimeError"  # no message; places in our package only
    assert "Mariia" not in run.error

    login_as(Role.ADMIN.value)
    found = entries(client)["scheduled_jobs_failing"]
    assert found["count"] == 1 and found["href"] == "/admin/scheduled-jobs#job-daily"
    page = client.get("/admin/scheduled-jobs").get_data(as_text=True)
    assert 'id="job-daily"' not in page  # the page lists the real schedule's jobs only

    clock.now = T0 + timedelta(seconds=30)
    assert runner.tick() == []  # the retry waits a minute
    clock.now = T0 + timedelta(seconds=61)
    assert runner.tick() == [("daily", RunOutcome.FAILED)]
    clock.now = T0 + timedelta(seconds=61 + 90)
    assert runner.tick() == []  # then two minutes
    recorder.failing.clear()
    clock.now = T0 + timedelta(seconds=61 + 121)
    assert runner.tick() == [("daily", RunOutcome.SUCCEEDED)]
    assert [(r.attempt, r.outcome) for r in _runs("daily")] == [
        (1, RunOutcome.FAILED), (2, RunOutcome.FAILED), (3, RunOutcome.SUCCEEDED)]
    assert "scheduled_jobs_failing" not in entries(client)
    clock.now = T0 + timedelta(hours=3)
    assert runner.tick() == []  # the day's slot is done
    runner.lock.release()


def test_retries_stop_after_the_last_attempt(app, connection):
    clock = Clock(T0)
    recorder = Recorder(clock)
    recorder.failing.add("daily")
    runner = Scheduler([recorder.job("daily", daily_at=clock_time(7, 0))], connection, ttl=30,
                       clock=clock)
    for _ in range(10):
        runner.tick()
        clock.now += timedelta(minutes=31)
    assert len(recorder.runs) == 5
    runner.lock.release()


def test_the_administrators_page_shows_each_job_of_the_schedule_and_its_last_run(
        app, client, login_as):
    run_id = scheduled_runs.claim("send-emails", T0, 1, fence=1, now=T0)
    try:
        raise ConnectionRefusedError("smtp.example.org refused mariia@example.org")
    except ConnectionRefusedError as error:
        scheduled_runs.finish(run_id, error, T0 + timedelta(seconds=2))
    login_as(Role.ADMIN.value)
    assert entries(client)["scheduled_jobs_failing"]["href"] == (
        "/admin/scheduled-jobs#job-send-emails")
    page = client.get("/admin/scheduled-jobs").get_data(as_text=True)
    for name in ("send-emails", "dispatch-events", "propose-matches", "send-digests",
                 "purge-programme-identities", "remind-consents"):
        assert f'id="job-{name}"' in page
    assert "builtins.ConnectionRefusedError" in page and "mariia" not in page
    assert "every minute" in page and "daily at 07:00" in page


def test_the_scheduler_command_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_the_scheduler_command_runs_the_real_schedule_once(make_app, connection):
    app = make_app(REDIS_URL=REDIS_URL)
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "send-emails: succeeded" in result.output
    with app.app_context():
        outcomes = dict(db.session.execute(select(ScheduledRun.job, ScheduledRun.outcome)).all())
    assert len(outcomes) == 10
    assert set(outcomes.values()) == {RunOutcome.SUCCEEDED}, outcomes
    assert connection.get(LOCK_KEY) is None  # released
    assert connection.get(HEARTBEAT_KEY)
