"""The schedule: which command runs when. Daily times are in Asia/Almaty (UTC+5, no daylight
saving time; ``core.scheduler.SCHEDULE_TIMEZONE``); intervals count from midnight UTC.

Each line runs the same ``flask`` command a person can run by hand, with its defaults, as one
unit of work. To add a job: add a line here and a row to docs/deployment.md."""

from collections.abc import Callable
from datetime import time, timedelta

import click

from .. import cli
from ..core.scheduler import Job
from ..programme import commands as programme


def _invoke(command: click.Command) -> Callable[[], object]:
    def run():
        with command.make_context(command.name, []) as context:
            return command.invoke(context)

    return run


def every(minutes: int, command: click.Command) -> Job:
    return Job(command.name, _invoke(command), every=timedelta(minutes=minutes))


def daily(at: time, command: click.Command) -> Job:
    return Job(command.name, _invoke(command), daily_at=at)


SCHEDULE: tuple[Job, ...] = (
    every(1, cli.send_emails),                           # retry e-mails that failed
    every(5, cli.dispatch_events),                       # events a crash left undispatched
    daily(time(2, 0), cli.propose_matches),              # close expired proposals, propose new
    daily(time(3, 0), cli.purge_sessions),
    daily(time(3, 10), cli.purge_notifications),          # older than 180 days
    daily(time(3, 20), programme.purge_programme_identities),  # past the retention period
    daily(time(7, 0), cli.send_digests),                  # before the working day
    daily(time(8, 0), cli.send_reminders),                # offers and needs expiring
    daily(time(8, 5), programme.remind_follow_ups),
    daily(time(8, 10), programme.remind_consents),
)


def describe(job: Job) -> dict:
    """How the page shows a line: every N minutes, or daily at HH:MM (Almaty)."""
    if job.every is not None:
        return {"minutes": int(job.every.total_seconds() // 60)}
    return {"at": job.daily_at.strftime("%H:%M")}
