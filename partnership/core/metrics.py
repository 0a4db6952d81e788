"""Prometheus metrics: requests by endpoint and status, their latency, the background queues.

``GET /metrics`` answers only with ``Authorization: Bearer <METRICS_TOKEN>``; without the setting,
or with another token, it is the ordinary 404 page. Under gunicorn each worker is a process of
its own: ``deploy/gunicorn.conf.py`` sets ``PROMETHEUS_MULTIPROC_DIR`` before any worker starts,
the workers write their counts there, and a scrape adds them up (``MultiProcessCollector``), so
the figures do not depend on which worker answers. The queue figures are read from Redis at
each scrape: they are the same whichever process asks.
"""

import hmac
import logging
import os

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from .jobs import QUEUE

log = logging.getLogger(__name__)
bp = Blueprint("metrics", __name__)

# Every metric has labels, so no process writes a file before it counts something (a `flask`
# command started with PROMETHEUS_MULTIPROC_DIR set then needs no such folder).
REQUESTS = Counter("partnership_http_requests_total", "HTTP requests answered",
                   ("method", "endpoint", "status"))
LATENCY = Histogram("partnership_http_request_duration_seconds",
                    "Time from receiving a request to the end of its response",
                    ("method", "endpoint"),
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30))
IN_PROGRESS = Gauge("partnership_http_requests_in_progress", "Requests being answered",
                    ("method",), multiprocess_mode="livesum")
JOB_STATES = ("queued", "started", "deferred", "scheduled", "failed")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def prepare_folder() -> None:
    """Make PROMETHEUS_MULTIPROC_DIR when it is set and missing: the first request counted
    would fail otherwise (gunicorn's configuration makes it too; a `flask` command may not)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, mode=0o700, exist_ok=True)


def method_label(method: str) -> str:
    """The method as a label: one of the standard ones, or 'other' (labels stay few)."""
    return method if method in METHODS else "other"


def observe(method: str, endpoint: str | None, status: int, seconds: float) -> None:
    """Count one answered request and its duration."""
    method = method_label(method)
    endpoint = endpoint or "none"  # no route matched (404) or the host was refused (400)
    REQUESTS.labels(method, endpoint, str(status)).inc()
    LATENCY.labels(method, endpoint).observe(seconds)


class QueueCollector:
    """The RQ queues' job counts by state, read from Redis at each scrape."""

    def __init__(self, redis_url: str | None):
        self.redis_url = redis_url

    def collect(self):
        up = GaugeMetricFamily("partnership_redis_up",
                               "Whether Redis answered this scrape (1) or not (0)")
        jobs = GaugeMetricFamily(
            "partnership_rq_jobs",
            "Background jobs by queue and state; 'failed' are the jobs that failed and were "
            "not retried, kept for a year", labels=("queue", "state"))
        if not self.redis_url:
            return []
        from redis import Redis
        from redis.exceptions import RedisError
        from rq import Queue

        try:
            connection = Redis.from_url(self.redis_url, socket_timeout=2,
                                        socket_connect_timeout=2)
            queues = {QUEUE: Queue(QUEUE, connection=connection)}
            queues.update((queue.name, queue) for queue in Queue.all(connection=connection))
            for queue in queues.values():
                counts = {"queued": queue.count,
                          "started": queue.started_job_registry.count,
                          "deferred": queue.deferred_job_registry.count,
                          "scheduled": queue.scheduled_job_registry.count,
                          "failed": queue.failed_job_registry.count}
                for state in JOB_STATES:
                    jobs.add_metric([queue.name, state], counts[state])
        except (RedisError, OSError) as error:
            log.warning("metrics: Redis did not answer (%s)", type(error).__name__)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        return [up, jobs]


def exposition() -> bytes:
    """The metrics text: every process's counts in multiprocess mode, this process's otherwise."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, IN_PROGRESS):
            registry.register(collector)
    registry.register(QueueCollector(current_app.config.get("REDIS_URL")))
    return generate_latest(registry)


def authorised() -> bool:
    """Whether the request carries the configured token (compared in constant time)."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              token.encode())


@bp.route("/metrics")
def metrics():
    if not authorised():
        abort(404)  # nothing tells a visitor that the page exists
    return Response(exposition(), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})

