"""Recomputing proposals in the background (RQ, with REDIS_URL) or right away (without)."""

import logging
import time

from flask import current_app
from flask_babel import gettext as _
from rq import Retry, SimpleWorker

from ..core import unit_of_work
from ..core.jobs import DONE, QUEUED, describe_as, queue

log = logging.getLogger(__name__)
# A worker that dies in the middle of a recomputation (kill -9, a lost host) leaves its job in
# RQ's started registry; once the job's heartbeat lapses (its timeout + 60 s) the next registry
# clean-up (every MAINTENANCE_SECONDS, and when a worker starts) retries it, up to RETRIES
# times in all with the failures below. A recomputation replaces proposals in one unit of
# work, so running it again after a crash changes nothing that the first run committed, and
# proposes nothing twice.
RETRIES = 3
# A recomputation that failed (the database restarting, say) waits before each retry, so an
# outage of a minute does not spend them all at once; the worker queues the retries whose time
# has come at each maintenance (``RetryingWorker``).
RETRY_INTERVALS = [10, 30, 60]  # seconds
ORGANISATION_TIMEOUT, EVERYONE_TIMEOUT = 120, 600  # seconds: one organisation takes a few
MAINTENANCE_SECONDS = 60
REDIS_RETRY_SECONDS = 5  # how often a worker whose Redis stopped answering looks again
_in_worker = False  # set by ``work``: this process keeps a warm world between jobs


def runs_in_background() -> bool:
    """Whether recomputations go to the worker (a Redis queue is configured)."""
    return bool(current_app.config.get("REDIS_URL"))


def recompute(organisation_id: int | None = None) -> str:
    """Fresh proposals after a change: queued for the worker ('queued'), or computed in the
    current unit of work ('done'). Called by the event handler, after the change committed."""
    jobs = queue()
    if jobs is not None:
        jobs.enqueue(run_recompute, organisation_id,
                     retry=Retry(max=RETRIES, interval=RETRY_INTERVALS),
                     job_timeout=ORGANISATION_TIMEOUT if organisation_id else EVERYONE_TIMEOUT)
        return QUEUED
    _propose(organisation_id)
    return DONE


def _describe_recompute(args: tuple) -> str:
    organisation_id = args[0] if args else None
    if organisation_id:
        return _("Recompute the proposals of organisation no. %(number)s",
                 number=organisation_id)
    return _("Recompute every organisation's proposals")


@describe_as(_describe_recompute)
@unit_of_work.job
def run_recompute(organisation_id: int | None = None) -> None:
    """The job: propose (runs in the worker's application context, one unit of work)."""
    _propose(organisation_id)


def _propose(organisation_id: int | None) -> None:
    from datetime import date

    from .services import propose_matches
    from .world import warm_world

    today = date.today()
    world = (warm_world(today, organisation_id is None, organisation_id) if _in_worker
             else None)
    summary = propose_matches(organisation_id, today, world)
    log.info("proposals for %s: %s", organisation_id or "everyone", summary)


def work(burst: bool = False) -> None:
    """Run a worker in this process (the application context stays open for the jobs).

    While Redis does not answer, the worker waits for it and carries on when it is back (no
    restart needed); the changes made meanwhile could not queue their recomputation, so their
    events are still in the outbox and are dispatched first."""
    from redis.exceptions import ConnectionError as RedisDown
    from redis.exceptions import TimeoutError as RedisSlow

    global _in_worker
    jobs = queue()
    if jobs is None:
        raise RuntimeError("REDIS_URL is not set: without it, proposals are computed inline.")
    from ..core.events import dispatch_pending
    from .world import forget_world

    _in_worker = True  # SimpleWorker runs the jobs in this process: the world stays warm
    try:
        while True:
            try:
                jobs.connection.ping()
                dispatch_pending()  # what a crash or an outage left in the outbox
                RetryingWorker([jobs], connection=jobs.connection,
                               maintenance_interval=MAINTENANCE_SECONDS).work(burst=burst)
                return
            except (RedisDown, RedisSlow) as error:
                log.warning("Redis does not answer (%s); the worker tries again in %d s",
                            type(error).__name__, REDIS_RETRY_SECONDS)
                time.sleep(REDIS_RETRY_SECONDS)
    finally:
        # A stopped worker keeps no world: the next one (a burst run, a test on a database
        # emptied and refilled under the same address) reads the database afresh.
        _in_worker = False
        forget_world()


class RetryingWorker(SimpleWorker):
    """RQ's worker running jobs in its own process (the world stays warm), which also queues the
    retries whose time has come at each maintenance (every MAINTENANCE_SECONDS).

    Not RQ's ``with_scheduler``: it forks a process that inherits the worker's open database
    connection, and when the worker was killed that process kept the connection open in a
    transaction, holding its locks (a migration's DDL then waits for ever)."""

    @property
    def dequeue_timeout(self) -> int:
        # An idle worker waits for a job at most this long, then runs its maintenance: the
        # retries come due while nothing else is queued too (RQ's own wait is 405 s).
        return MAINTENANCE_SECONDS

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        queue_due_retries(self.queues)


def queue_due_retries(queues, now: float | None = None) -> int:
    """Queue the jobs of ``queues`` whose retry time has come (by ``now``); returns how many.
    Several workers may do this at once: a job goes to whoever takes it off the registry."""
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    queued = 0
    for each in queues:
        registry = ScheduledJobRegistry(queue=each)
        for job_id in registry.get_jobs_to_schedule(int(now if now is not None else time.time())):
            if not registry.connection.zrem(registry.key, job_id):
                continue  # another worker took it
            job = Job.fetch(job_id, connection=each.connection) if Job.exists(
                job_id, connection=each.connection) else None
            if job is not None:
                each.enqueue_job(job)
                queued += 1
    return queued
