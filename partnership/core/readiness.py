"""``/readyz``: whether this host can serve, each dependency checked and named.

Answers ``{"status": "ready" | "unavailable", "checks": {name: "ok" | what is wrong}}``; a
check that cannot be made (the migrations while the database is down) says ``unknown``. No
address, key or message of an error is shown: the log has the details. Areas above add checks
at the hook ``READINESS`` (the programme: its identity keys), each ``() -> (name, problem)``
with ``problem`` None when all is well.
"""

import functools
import logging
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import column, select, table
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from . import hooks, unit_of_work

log = logging.getLogger(__name__)
# Read directly: alembic's MigrationContext logs two INFO lines each time it is made, and a
# load balancer asks every few seconds.
ALEMBIC_VERSION = table("alembic_version", column("version_num"))
READINESS = "readiness"
OK, UNKNOWN = "ok", "unknown"


@functools.cache
def _heads(directory: str) -> frozenset[str]:
    return frozenset(ScriptDirectory(directory).get_heads())


def migration_heads() -> frozenset[str]:
    """The head revisions of the migrations shipped with this code."""
    return _heads(str(Path(current_app.extensions["migrate"].directory)))


def _database() -> tuple[str, str]:
    try:
        db.session.execute(select(1))
    except SQLAlchemyError:
        unit_of_work.abandon()
        log.exception("readiness: the database does not answer")
        return "down", UNKNOWN
    try:
        current = frozenset(db.session.scalars(select(ALEMBIC_VERSION.c.version_num)))
    except SQLAlchemyError:  # no migrations table: an empty database
        unit_of_work.abandon()
        current = frozenset()
    if current != migration_heads():
        log.warning("readiness: the database is at %s, the code expects %s",
                    sorted(current), sorted(migration_heads()))
        return OK, "not at head"
    return OK, OK


def _redis():
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=1,
                          socket_timeout=1)


def _redis_and_scheduler() -> tuple[str | None, str | None]:
    """Redis (None when not configured) and the scheduler's heartbeat (None when no
    scheduler is expected)."""
    from redis import RedisError

    from .scheduler import heartbeat_age

    config = current_app.config
    expected = config.get("SCHEDULER_EXPECTED")
    if expected is None:
        expected = bool(config.get("REDIS_URL"))
    if not config.get("REDIS_URL"):
        return None, ("no Redis configured" if expected else None)
    try:
        connection = _redis()
        connection.ping()
        age = heartbeat_age(connection) if expected else None
    except RedisError:
        log.exception("readiness: Redis does not answer")
        return "down", (UNKNOWN if expected else None)
    if not expected:
        return OK, None
    if age is None:
        return OK, "no heartbeat"
    if age > config["SCHEDULER_HEARTBEAT_MAX_AGE"]:
        return OK, "heartbeat stale"
    return OK, OK


def checks() -> dict[str, str]:
    """Every check by name: "ok" or what is wrong."""
    database, migrations = _database()
    found = {"database": database, "migrations": migrations}
    redis, scheduler = _redis_and_scheduler()
    if redis is not None:
        found["redis"] = redis
    if scheduler is not None:
        found["scheduler"] = scheduler
    for check in hooks.registered(READINESS):
        name, problem = check()
        found[name] = problem or OK
    return found


def report() -> tuple[dict, int]:
    """The body and status of ``/readyz``."""
    found = checks()
    ready = all(value == OK for value in found.values())
    return {"status": "ready" if ready else "unavailable", "checks": found}, 200 if ready else 503
