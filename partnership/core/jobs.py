"""The background queue: RQ when ``REDIS_URL`` is set, none otherwise (work runs inline)."""

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
