"""``flask scheduler``: run the schedule (one active scheduler among all the hosts)."""

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("scheduler")
@click.option("--once", is_flag=True, help="One look for due jobs, then stop.")
@with_appcontext
def scheduler(once: bool) -> None:
    """Run the periodic commands on time (needs REDIS_URL; several may run, one leads)."""
    from redis import Redis

    from ..core.scheduler import Scheduler
    from .table import SCHEDULE

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException(
            "REDIS_URL is not set: the scheduler keeps its lock in Redis. Without Redis run the "
            "commands in docs/deployment.md from cron or systemd timers.")
    runner = Scheduler(list(SCHEDULE), Redis.from_url(url))
    if once:
        try:
            for name, outcome in runner.tick():
                click.echo(f"{name}: {outcome}")
        finally:
            runner.lock.release()
        return
    stop = threading.Event()
    for name in ("SIGTERM", "SIGINT"):
        signal.signal(getattr(signal, name), lambda *_args: stop.set())
    click.echo("Scheduler started: waiting for the lock, then running the schedule.")
    runner.run_forever(current_app.config["SCHEDULER_TICK"], stop)
