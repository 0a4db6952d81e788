"""Recomputing proposals in the background (RQ, with REDIS_URL) or right away (without)."""

import logging

from ..core import hooks
from ..core.jobs import DONE, QUEUED, queue
from ..extensions import db
from ..organisations import services as organisations

log = logging.getLogger(__name__)
_in_worker = False  # set by ``work``: this process keeps a warm world between jobs


def recompute(organisation_id: int | None = None) -> str:
    """Ask for fresh proposals after a change; returns 'queued' or 'done'. Call after commit."""
    jobs = queue()
    if jobs is not None:
        jobs.enqueue(run_recompute, organisation_id, job_timeout=600)
        return QUEUED
    run_recompute(organisation_id)
    return DONE


def run_recompute(organisation_id: int | None = None) -> None:
    """The job: propose, then commit (runs in the worker's application context)."""
    from datetime import date

    from .services import propose_matches
    from .world import warm_world

    today = date.today()
    world = (warm_world(today, organisation_id is None, organisation_id) if _in_worker
             else None)
    summary = propose_matches(organisation_id, today, world)
    db.session.commit()
    log.info("proposals for %s: %s", organisation_id or "everyone", summary)


def work(burst: bool = False) -> None:
    """Run a worker in this process (the application context stays open for the jobs)."""
    from rq import SimpleWorker

    global _in_worker
    jobs = queue()
    if jobs is None:
        raise RuntimeError("REDIS_URL is not set: without it, proposals are computed inline.")
    _in_worker = True  # SimpleWorker runs the jobs in this process: the world stays warm
    SimpleWorker([jobs], connection=jobs.connection).work(burst=burst)


def register(app) -> None:
    """Recompute an organisation's proposals when the organisations area says it changed."""
    hooks.add(app, organisations.CHANGED, "matching", recompute)
